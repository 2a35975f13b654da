// cdk-nag's AwsSolutions pack over the example apps (examples/app.ts in both of its stages, and
// examples/cross-account.ts with both of its stacks): no finding
// may be left unsuppressed, and every suppression must name its rule and give its reason (cdk-nag reads
// them from the resource's `cdk_nag` metadata, written next to the resource it concerns).
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AwsSolutionsChecks, INagLogger, NagLoggerComplianceData, NagLoggerErrorData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagLoggerSuppressedErrorData,
} from 'cdk-nag';
import { buildApp } from '../../examples/app';
import { buildCrossAccountApp } from '../../examples/cross-account';
import { CrossAccountAccess, IvsCrossAccountRole } from '../../lib';

interface Outcome {
  readonly findings: string[];
  readonly suppressed: { readonly rule: string; readonly path: string; readonly reason: string }[];
  readonly checked: number;
}

/** Collects what the pack decided about each resource and rule. */
class Collector implements INagLogger {
  readonly findings: string[] = [];
  readonly suppressed: Outcome['suppressed'] = [];
  checked = 0;
  onCompliance(_data: NagLoggerComplianceData): void { this.checked++; }
  onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.checked++;
    this.findings.push(`${data.ruleId}${data.findingId ? `[${data.findingId}]` : ''} ${data.resource.node.path}: ${data.ruleInfo}`);
  }
  onSuppressed(data: NagLoggerSuppressedData): void {
    this.checked++;
    this.suppressed.push({ rule: data.ruleId, path: data.resource.node.path, reason: data.suppressionReason });
  }
  onError(data: NagLoggerErrorData): void { this.findings.push(`${data.ruleId} ${data.resource.node.path}: rule failed: ${data.errorMessage}`); }
  onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.findings.push(`${data.ruleId} ${data.resource.node.path}: rule failed (suppressed): ${data.errorMessage}`);
  }
  onNotApplicable(): void {}
}

function nag(build: (app: App) => void, context: { [key: string]: string } = {}): Outcome {
  const app = new App({ context, builtinCloudFormationValidation: false });
  const collector = new Collector();
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [collector] }));
  build(app);
  app.synth();
  return collector;
}

test.each(['initial', 'update'])('the example app (stage=%s) passes AwsSolutions with no unsuppressed finding', (stage) => {
  // WHEN the pack runs over the example app
  const outcome = nag((app) => buildApp(app), { stage });

  // THEN it checked the app's resources, found nothing left, and every suppression names its rule and says why
  // (cdk-nag's rules look at typed L1s: the provider's function and role, plain CfnResources made by aws-cdk-lib's
  // CustomResourceProvider, are outside its view; provider.test.ts pins their IAM.)
  expect(outcome.checked).toBeGreaterThan(outcome.suppressed.length);
  expect(outcome.findings).toEqual([]);
  expect(outcome.suppressed.length).toBeGreaterThan(0);
  for (const s of outcome.suppressed) {
    expect(s.rule).toMatch(/^AwsSolutions-[A-Z0-9]+$/);
    expect(s.reason.length).toBeGreaterThan(40);
  }
  // What is suppressed, and where: the secrets the constructs create (IVS makes their values; nothing can rotate them),
  // and the token signer's Lambda default of AWSLambdaBasicExecutionRole
  expect([...new Set(outcome.suppressed.map((s) => `${s.rule} ${s.path}`))].sort()).toEqual([
    'AwsSolutions-IAM4 CdkIvsExample/TokenSigner/ServiceRole/Resource',
    'AwsSolutions-SMG4 CdkIvsExample/Live/Secret',
    'AwsSolutions-SMG4 CdkIvsExample/MembersKey/Secret',
    'AwsSolutions-SMG4 CdkIvsExample/PlaybackKeys/Secret',
  ]);
});

test('the cross-account example app (partner and web stacks) passes AwsSolutions with no unsuppressed finding', () => {
  // WHEN the pack runs over both stacks
  const outcome = nag((app) => buildCrossAccountApp(app), { partnerChannelArn: 'arn:aws:ivs:us-east-1:222222222222:channel/abcdABCDefgh' });

  // THEN
  expect(outcome.checked).toBeGreaterThan(0);
  expect(outcome.findings).toEqual([]);
  for (const s of outcome.suppressed) expect(s.reason.length).toBeGreaterThan(40);
});

test.each([CrossAccountAccess.LOOKUP, CrossAccountAccess.MANAGE])('an IvsCrossAccountRole (%s) in its own regions passes AwsSolutions', (access) => {
  // WHEN the pack runs over a role for two regions
  const outcome = nag((app) => {
    const stack = new Stack(app, 'Partner', { env: { account: '222222222222', region: 'us-east-1' } });
    new IvsCrossAccountRole(stack, 'Role', { trustedAccount: '111111111111', externalId: 'cdk-ivs-test-web', access, regions: ['us-east-1', 'us-west-2'] });
  });

  // THEN its wildcards (IVS ARNs of the account) are suppressed with their reasons, and nothing else is found
  expect(outcome.findings).toEqual([]);
  expect(outcome.suppressed.map((s) => s.rule)).toContain('AwsSolutions-IAM5');
});

test('the check sees a finding: a secret of the app\'s own, without rotation or suppression, is reported', () => {
  // GIVEN the example app and one more secret, created by the app and not by cdk-ivs
  const outcome = nag((app) => {
    buildApp(app);
    new secretsmanager.Secret(app.node.findChild('CdkIvsExample') as Stack, 'AppSecret');
  });

  // THEN that secret is the one finding
  expect(outcome.findings).toEqual([expect.stringMatching(/^AwsSolutions-SMG4 CdkIvsExample\/AppSecret\/Resource: /)]);
});

test('a suppression without a reason is refused', () => {
  // GIVEN a cdk-ivs secret whose suppression lost its reason
  const build = (app: App) => {
    buildApp(app);
    const secret = app.node.findChild('CdkIvsExample').node.findChild('Live').node.findChild('Secret') as CfnResource;
    secret.addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-SMG4', reason: '' }] });
  };

  // THEN the check fails
  expect(() => nag(build)).toThrow(/must have a 'reason' of 10 characters or more/);
});
