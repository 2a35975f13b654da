import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CfnOutput, Fn } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { type IvsEmulator, SECOND_ACCOUNT_ID, startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS } from '../emulator';
import { removeEchoApps, synthEchoApp, synthStack } from './echo-app';
import { type Credentials, deploy, type Deployment, type HarnessOptions, type StepRecord } from './index';

// AWS::IAM::Role and AWS::IAM::Policy created for real in the emulator's IAM with CloudFormation's
// credentials; a Lambda that runs as its execution role.

let emulator: IvsEmulator;
let deployments: Deployment[] = [];

beforeAll(async () => { emulator = await startEmulator(); });

afterEach(async () => {
  await Promise.all(deployments.map((d) => d.close()));
  deployments = [];
  emulator.state.reset();
  emulator.clearLog();
});

afterAll(async () => {
  await emulator.close();
  removeEchoApps();
});

async function deployTo(dir: string, stackName: string, options: HarnessOptions = {}): Promise<Deployment> {
  const d = await deploy(dir, stackName, {
    endpoint: emulator.url, region: emulator.region, accountId: TEST_ACCOUNT_ID,
    credentials: emulator.issueCredentials(TEST_ACCOUNT_ID, 'fixed-lambda-role'), deployerCredentials: TEST_CREDENTIALS, ...options,
  });
  deployments.push(d);
  return d;
}

const one = (records: readonly StepRecord[], logicalId: string, requestType: string, phase?: string) => {
  const found = records.filter((r) => r.logicalId === logicalId && r.requestType === requestType && (phase === undefined || r.phase === phase));
  expect(found.map((r) => `${r.logicalId} ${r.requestType} ${r.phase}`)).toHaveLength(1);
  return found[0];
};
const policyOf = (account: string, role: string, name: string) => JSON.parse(emulator.state.role(account, role)!.policies.get(name)!);
const assume = async (creds: Credentials, roleArn: string, externalId?: string) => {
  const sts = new STSClient({ ...emulator.clientConfig(creds), maxAttempts: 1 });
  try {
    return await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test', ExternalId: externalId }));
  } finally {
    sts.destroy();
  }
};

const trust = (externalId: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': externalId } } }],
});
const readChannels = (resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ivs:GetChannel', Resource: resource }] });

interface RoleApp {
  readonly externalId: string;
  readonly inline: Record<string, string>;
  readonly policyOn: 'Role' | 'Named';
  readonly namedRole?: string;
}

const roleApp = (v: RoleApp) => synthStack((stack) => {
  const role = new CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: trust(v.externalId), description: 'cross-account', maxSessionDuration: 7200,
    tags: [{ key: 'team', value: 'video' }],
    managedPolicyArns: [Fn.sub('arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess')],
    policies: Object.entries(v.inline).map(([policyName, resource]) => ({ policyName, policyDocument: readChannels(resource) })),
  });
  const named = new CfnRole(stack, 'Named', { roleName: v.namedRole ?? 'named-role', path: '/video/', assumeRolePolicyDocument: trust('other') });
  new CfnPolicy(stack, 'Extra', { policyName: 'extra', policyDocument: readChannels('*'), roles: [(v.policyOn === 'Role' ? role : named).ref] });
  new CfnOutput(stack, 'RoleName', { value: role.ref });
  new CfnOutput(stack, 'RoleArn', { value: role.attrArn });
  new CfnOutput(stack, 'RoleId', { value: role.attrRoleId });
  new CfnOutput(stack, 'NamedArn', { value: named.attrArn });
}, 'RoleStack');

test('roles and policies: created in IAM (generated names, trust, inline policies), updated in place, renamed by replacement, deleted', async () => {
  // GIVEN a role trusting the first account with an external ID, inline policies, and a policy resource on it
  const v1: RoleApp = { externalId: 'ext-1', inline: { read: 'arn:aws:ivs:*:*:channel/*' }, policyOn: 'Role' };

  // WHEN deployed into the second account
  const d = await deployTo(roleApp(v1), 'RoleStack', {
    accountId: SECOND_ACCOUNT_ID, deployerCredentials: emulator.issueCredentials(SECOND_ACCOUNT_ID, 'cfn-exec-role'),
  });

  // THEN the roles exist in that account's IAM, Ref = the name CloudFormation made up, GetAtt from IAM's answer
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(d.result.skipped).toEqual([]);
  const name = d.outputs.RoleName;
  expect(name).toMatch(/^RoleStack-Role-[A-Z0-9]{12}$/);
  const role = emulator.state.role(SECOND_ACCOUNT_ID, name)!;
  expect(role).toMatchObject({ arn: `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/${name}`, description: 'cross-account', maxSessionDuration: 7200, tags: [{ Key: 'team', Value: 'video' }] });
  expect(d.outputs).toMatchObject({ RoleArn: role.arn, RoleId: role.roleId, NamedArn: `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/video/named-role` });
  expect(JSON.parse(role.assumeRolePolicyDocument)).toEqual(trust('ext-1'));
  expect([...role.policies.keys()].sort()).toEqual(['extra', 'read']);
  expect(policyOf(SECOND_ACCOUNT_ID, name, 'read')).toEqual(readChannels('arn:aws:ivs:*:*:channel/*'));
  expect(d.resource('Extra')!.physicalId).toMatch(/^RoleStack-Extra-[A-Z0-9]{12}$/);
  // managed policies are recorded, not sent; every IAM call was CloudFormation's, in the second account
  expect(d.resource('Role')!.properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  expect(emulator.calls({ service: 'iam' }).map((e) => e.operation).sort()).toEqual(['CreateRole', 'CreateRole', 'PutRolePolicy', 'PutRolePolicy']);
  expect(emulator.calls({ service: 'iam' }).every((e) => e.account === SECOND_ACCOUNT_ID && e.principal?.includes(':assumed-role/cfn-exec-role/'))).toBe(true);
  // the role is real: the first account assumes it with the external ID, not without
  const firstAccount = emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider');
  expect((await assume(firstAccount, role.arn, 'ext-1')).AssumedRoleUser?.Arn).toMatch(new RegExp(`:assumed-role/${name}/test$`));
  await expect(assume(firstAccount, role.arn, 'wrong')).rejects.toThrow(/is not authorized to perform: sts:AssumeRole/);

  // WHEN the external ID changes, an inline policy is swapped and the policy resource moves to the named role
  emulator.clearLog();
  const updated = await d.update(roleApp({ externalId: 'ext-2', inline: { write: '*' }, policyOn: 'Named' }));

  // THEN in place: UpdateAssumeRolePolicy, PutRolePolicy / DeleteRolePolicy
  expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
  expect(one(updated.records, 'Role', 'Update')).toMatchObject({ status: 'SUCCESS', physicalId: name });
  expect(JSON.parse(emulator.state.role(SECOND_ACCOUNT_ID, name)!.assumeRolePolicyDocument)).toEqual(trust('ext-2'));
  expect([...emulator.state.role(SECOND_ACCOUNT_ID, name)!.policies.keys()]).toEqual(['write']);
  expect([...emulator.state.role(SECOND_ACCOUNT_ID, 'named-role')!.policies.keys()]).toEqual(['extra']);
  expect(emulator.calls({ service: 'iam' }).map((e) => e.operation)).not.toContain('CreateRole');
  await expect(assume(firstAccount, role.arn, 'ext-1')).rejects.toThrow(/not authorized/);

  // WHEN the named role is renamed (RoleName is createOnly)
  const renamed = await d.update(roleApp({ externalId: 'ext-2', inline: { write: '*' }, policyOn: 'Named', namedRole: 'renamed-role' }));

  // THEN a new role, the policy follows it (Ref changed), the old role goes in the cleanup
  expect(renamed.stackStatus).toBe('UPDATE_COMPLETE');
  expect(one(renamed.records, 'Named', 'Update')).toMatchObject({ requestPhysicalId: 'named-role', physicalId: 'renamed-role' });
  expect(one(renamed.records, 'Named', 'Delete', 'cleanup')).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'named-role' });
  expect(emulator.state.role(SECOND_ACCOUNT_ID, 'named-role')).toBeUndefined();
  expect([...emulator.state.role(SECOND_ACCOUNT_ID, 'renamed-role')!.policies.keys()]).toEqual(['extra']);

  // WHEN destroyed, THEN the policy, the inline policies and the roles are gone
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(emulator.state.snapshot().roles).toEqual([]);
});

test('a failed role update rolls back in place; a create failing after CreateRole deletes the role in the rollback', async () => {
  // GIVEN
  const app = (externalId: string, badPolicy = false) => synthStack((stack) => {
    new CfnRole(stack, 'Role', {
      roleName: 'r', assumeRolePolicyDocument: trust(externalId),
      policies: [{ policyName: 'p', policyDocument: badPolicy ? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*' }] } : readChannels('*') }],
    });
  }, 'RoleStack');
  const d = await deployTo(app('one'), 'RoleStack');

  // WHEN the trust policy changes and the inline policy becomes malformed (no Resource)
  const r = await d.update(app('two', true));

  // THEN the update fails with IAM's answer in the handler's text, and the rollback restores both
  expect(r.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(one(r.records, 'Role', 'Update', 'update').reason).toMatch(/^Resource handler returned message: ".*\(Service: Iam, Status Code: 400, .*HandlerErrorCode: InvalidRequest\)$/);
  expect(one(r.records, 'Role', 'Update', 'rollback').status).toBe('SUCCESS');
  expect(JSON.parse(emulator.state.role(TEST_ACCOUNT_ID, 'r')!.assumeRolePolicyDocument)).toEqual(trust('one'));
  expect(policyOf(TEST_ACCOUNT_ID, 'r', 'p')).toEqual(readChannels('*'));
  await d.destroy();

  // WHEN a new role's inline policy is malformed, THEN the role made first is deleted in the rollback
  const d2 = await deployTo(app('one', true), 'RoleStack');
  expect(one(d2.result.records, 'Role', 'Create')).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/HandlerErrorCode: InvalidRequest\)$/) });
  expect(one(d2.result.records, 'Role', 'Delete', 'rollback')).toMatchObject({ status: 'SUCCESS', requestPhysicalId: 'r' });
  expect(emulator.state.snapshot().roles).toEqual([]);
});

test('executionRoleCredentials: the Lambda runs as its execution role from the template; by default it gets `credentials`', async () => {
  // GIVEN an echo provider (its role is an AWS::IAM::Role of the stack) that shows its credentials
  const dir = synthEchoApp(({ echo }) => { echo('A', { Name: 'a', ShowEnv: 'AWS_ACCESS_KEY_ID,AWS_SESSION_TOKEN' }); });
  const issued: string[] = [];
  const sessions = new Map<string, Credentials>();
  const asRole = (arn: string) => {
    issued.push(arn);
    const c = emulator.issueCredentials(arn.split(':')[4], arn.split('/').pop()!);
    sessions.set(arn, c);
    return c;
  };

  // WHEN deployed with and without the option
  const d = await deployTo(dir, 'EchoStack', { executionRoleCredentials: asRole });
  const fixedCredentials = emulator.issueCredentials(TEST_ACCOUNT_ID, 'fixed-lambda-role');
  const fixed = await deployTo(synthEchoApp(({ echo }) => { echo('A', { Name: 'a', ShowEnv: 'AWS_ACCESS_KEY_ID' }); }, 'FixedStack'), 'FixedStack', { credentials: fixedCredentials });

  // THEN the role was created in IAM, the callback got its ARN (GetAtt of the simulated role), and the Lambda its session
  const roleLive = d.resources().find((r) => r.resourceType === 'AWS::IAM::Role')!;
  const role = emulator.state.role(TEST_ACCOUNT_ID, roleLive.physicalId)!;
  expect(JSON.parse(role.assumeRolePolicyDocument).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  expect(issued).toEqual([role.arn]);
  const env = JSON.parse(String(d.resource('A')!.data.Env));
  expect(env.AWS_ACCESS_KEY_ID).toBe(sessions.get(role.arn)!.accessKeyId);
  const sts = new STSClient({ ...emulator.clientConfig(sessions.get(role.arn)!), maxAttempts: 1 });
  expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toMatch(new RegExp(`:assumed-role/${role.name}/`));
  sts.destroy();
  expect(JSON.parse(String(fixed.resource('A')!.data.Env)).AWS_ACCESS_KEY_ID).toBe(fixedCredentials.accessKeyId);

  // AND destroying deletes the provider's role
  await d.destroy();
  await fixed.destroy();
  expect(emulator.state.snapshot().roles).toEqual([]);
});
