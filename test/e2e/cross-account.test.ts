// Two accounts in one emulator: the example's partner stack (a channel and an IvsCrossAccountRole) in
// the second account, and stacks of the first account that read the channel through the role, fail
// without it or with a wrong external ID, and manage a channel there. Every IVS call of the first
// account's provider in the second account goes through the role; secrets stay in the first account.
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildCrossAccountApp, LOOKUP_ROLE_NAME } from '../../examples/cross-account';
import type { StreamSecretValue } from '../../lib/contract';
import { Channel, ChannelLookup, CrossAccountAccess, IvsCrossAccountRole, LatencyMode } from '../../lib';
import { SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID } from '../emulator';
import { LeakScan, leakScanTest, PROVIDER_ROLE, Scenario, scenario, step } from './helpers';

const scan = new LeakScan();
const EXTERNAL_ID = 'cdk-ivs-example-web';
const ROLE_ARN = `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/${LOOKUP_ROLE_NAME}`;

/** Deploys the example's partner stack into the second account; returns the partner channel's ARN. */
async function deployPartner(s: Scenario): Promise<string> {
  const dir = s.synth((app) => buildCrossAccountApp(app));
  const d = await s.deploy(dir, 'CdkIvsPartner', { account: SECOND_ACCOUNT_ID });
  expect(d.result.reason).toBeUndefined();
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(d.outputs.LookupRoleArn).toBe(ROLE_ARN);
  return d.outputs.ChannelArn;
}

/** IVS requests of the first account's provider, through the role, in the second account. */
function throughRole(s: Scenario) {
  return s.emulator.log.filter((e) => e.service === 'ivs' && e.principal?.startsWith(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/${LOOKUP_ROLE_NAME}/`));
}

scenario(scan, 'the example: the web stack reads the partner\'s channel through the role, its stream key into a secret of its own account', async (s) => {
  // GIVEN the partner stack in the second account
  const channelArn = await deployPartner(s);
  const partner = s.emulator.state.channel(channelArn)!;

  // WHEN the web stack, synthesized with the partner's channel ARN, is deployed into the first account
  const dir = s.synth((app) => buildCrossAccountApp(app), { partnerChannelArn: channelArn });
  const web = await s.deploy(dir, 'CdkIvsWeb');

  // THEN it read the channel as IVS describes it there: the SRT endpoint CloudFormation never gives
  expect(web.result.reason).toBeUndefined();
  expect(web.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(web.outputs.PartnerSrtEndpoint).toBe(partner.srt.endpoint);
  expect(web.outputs.PartnerPlaybackUrl).toBe(partner.playbackUrl);
  // the secret is in the web account, and holds the partner channel's key
  const secretArn = web.outputs.PartnerStreamKeySecretArn;
  expect(secretArn).toMatch(new RegExp(`^arn:aws:secretsmanager:${s.emulator.region}:${TEST_ACCOUNT_ID}:secret:`));
  const [key] = s.emulator.state.streamKeysOf(channelArn);
  expect(s.secretJson<StreamSecretValue>(secretArn)).toEqual({
    channelArn, streamKeyArn: key.arn, streamKey: key.value, rtmpsUrl: `rtmps://${partner.ingestEndpoint}:443/app/`,
    srtEndpoint: partner.srt.endpoint, srtPassphrase: partner.srt.passphrase,
  });
  // the provider assumed the role once, with the external ID and a session name naming the stack and resource
  const assumed = s.emulator.calls({ service: 'sts', operation: 'AssumeRole' }).filter((e) => e.principal?.includes(`:assumed-role/${PROVIDER_ROLE}/`));
  const lookupId = step(web.result, 'Partner', { resourceType: 'Custom::IvsChannelLookup' }).logicalId;
  expect(assumed.map((e) => e.input)).toEqual([expect.objectContaining({ RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, RoleSessionName: `cdk-ivs.CdkIvsWeb.${lookupId}` })]);
  // and it only read: one BatchGetChannel, the key's ARN, one BatchGetStreamKey
  expect(throughRole(s).map((e) => e.operation)).toEqual(['BatchGetChannel', 'ListStreamKeys', 'BatchGetStreamKey']);

  // WHEN the web stack is destroyed, THEN the lookup's delete called nothing, and the channel is still there
  const before = s.emulator.log.length;
  expect((await web.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(s.emulator.log.slice(before).filter((e) => e.service === 'ivs')).toEqual([]);
  expect(s.emulator.state.channel(channelArn)).toBeDefined();
  expect((await s.stack('CdkIvsPartner', SECOND_ACCOUNT_ID).destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a wrong external ID fails the lookup with a reason naming the role and what to check; nothing is left in the web account', async (s) => {
  // GIVEN the partner stack, and a web stack that gives another external ID
  const channelArn = await deployPartner(s);
  const dir = s.synth((app) => buildCrossAccountApp(app), { partnerChannelArn: channelArn, externalId: 'not-the-agreed-one' });

  // WHEN it is deployed
  const web = await s.deploy(dir, 'CdkIvsWeb');

  // THEN STS refused the role, the reason says what to check, and the rollback removed the secret
  expect(web.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const failed = step(web.result, 'Partner', { resourceType: 'Custom::IvsChannelLookup', phase: 'create' });
  expect(failed.reason).toContain(`AssumeRole failed: AccessDenied: User: arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/${PROVIDER_ROLE}/`);
  expect(failed.reason).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`);
  expect(failed.reason).toContain('check that its trust policy trusts this stack\'s provider role (or its account), that it requires the external ID given');
  expect(throughRole(s)).toEqual([]);
  expect(s.emulator.state.snapshot().secrets.filter((x) => x.account === TEST_ACCOUNT_ID && !x.scheduledForDeletion)).toEqual([]);
  expect((await s.stack('CdkIvsPartner', SECOND_ACCOUNT_ID).destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'without the role, the channel of the other account is not found: synth warns, the deploy fails naming the ARN and the role to give', async (s) => {
  // GIVEN the partner's channel, and a lookup in a stack of the first account that gives no role
  const channelArn = await deployPartner(s);
  const dir = s.synth((app) => {
    const stack = new Stack(app, 'NoRole', { env: { account: TEST_ACCOUNT_ID, region: s.emulator.region } });
    new CfnOutput(stack, 'Srt', { value: new ChannelLookup(stack, 'Partner', { channelArns: [channelArn] }).channels[0].channelSrtEndpoint });
  });

  // THEN the synthesis warned that the provider cannot reach the other account
  const warnings = new CloudAssembly(dir).getStackByName('NoRole').messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
  expect(warnings).toEqual([expect.stringContaining(`${channelArn} is in account ${SECOND_ACCOUNT_ID}, but this stack's cdk-ivs provider runs in account ${TEST_ACCOUNT_ID}`)]);

  // WHEN it is deployed anyway
  const d = await s.deploy(dir, 'NoRole');

  // THEN IVS refused the other account's ARN, and the reason names it and the fix
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const reason = step(d.result, 'Partner', { resourceType: 'Custom::IvsChannelLookup', phase: 'create' }).reason!;
  expect(reason).toContain(`channel ${channelArn}: `);
  expect(reason).toContain(`it is in account ${SECOND_ACCOUNT_ID}, and this lookup reads account ${TEST_ACCOUNT_ID}: give the lookup a role in account ${SECOND_ACCOUNT_ID} (assumedRoleArn)`);
  expect((await s.stack('CdkIvsPartner', SECOND_ACCOUNT_ID).destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a channel managed through a MANAGE role lives in the other account, is updated and deleted there; its secret is in the stack\'s account', async (s) => {
  // GIVEN a MANAGE role in the second account, trusting the first
  const roleDir = s.synth((app) => {
    const stack = new Stack(app, 'Grant', { env: { account: SECOND_ACCOUNT_ID, region: s.emulator.region } });
    new IvsCrossAccountRole(stack, 'Manage', { roleName: 'cdk-ivs-web-manage', trustedAccount: TEST_ACCOUNT_ID, externalId: EXTERNAL_ID, access: CrossAccountAccess.MANAGE });
  });
  const grant = await s.deploy(roleDir, 'Grant', { account: SECOND_ACCOUNT_ID });
  expect(grant.result.stackStatus).toBe('CREATE_COMPLETE');
  const roleArn = `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/cdk-ivs-web-manage`;
  const channelApp = (latencyMode: LatencyMode) => s.synth((app) => {
    const stack = new Stack(app, 'Managed', { env: { account: TEST_ACCOUNT_ID, region: s.emulator.region } });
    const channel = new Channel(stack, 'Remote', {
      channelName: 'managed-remote', latencyMode, assumedRoleArn: roleArn, externalId: EXTERNAL_ID, storeStreamKeyInSecret: true,
    });
    new CfnOutput(stack, 'ChannelArn', { value: channel.channelArn });
    new CfnOutput(stack, 'SecretArn', { value: channel.secret.secretArn });
  });

  // WHEN the first account's stack creates the channel
  const d = await s.deploy(channelApp(LatencyMode.LOW), 'Managed');

  // THEN it is in the second account, made through the role; the secret is in the first
  expect(d.result.reason).toBeUndefined();
  const arn = d.outputs.ChannelArn;
  expect(arn).toMatch(new RegExp(`^arn:aws:ivs:${s.emulator.region}:${SECOND_ACCOUNT_ID}:channel/`));
  const made = s.emulator.calls('CreateChannel').filter((e) => e.account === SECOND_ACCOUNT_ID);
  expect(made.map((e) => e.principal)).toEqual([expect.stringMatching(/:assumed-role\/cdk-ivs-web-manage\/cdk-ivs\.Managed\.Remote/)]);
  expect(d.outputs.SecretArn).toMatch(new RegExp(`:${TEST_ACCOUNT_ID}:secret:`));
  expect(s.secretJson<StreamSecretValue>(d.outputs.SecretArn).streamKey).toBe(s.emulator.state.streamKeysOf(arn)[0].value);

  // WHEN it is updated, THEN the change is made there
  expect((await d.update(channelApp(LatencyMode.NORMAL))).stackStatus).toBe('UPDATE_COMPLETE');
  expect(s.emulator.state.channel(arn)!.latencyMode).toBe('NORMAL');

  // WHEN the stack is destroyed, THEN the channel is deleted from the second account
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(s.emulator.state.channel(arn)).toBeUndefined();
  expect(s.emulator.calls('DeleteChannel').map((e) => e.account)).toEqual([SECOND_ACCOUNT_ID]);
  expect((await grant.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a channel in another region of the stack\'s account: made, read and deleted there, with no role', async (s) => {
  // GIVEN a stack in the emulator's region with a channel in another region, and a lookup of it
  const other = 'us-west-2';
  const dir = s.synth((app) => {
    const stack = new Stack(app, 'Regions', { env: { account: TEST_ACCOUNT_ID, region: s.emulator.region } });
    const channel = new Channel(stack, 'West', { channelName: 'west', region: other });
    new StreamKeyOutput(stack, channel.channelArn, other);
    new CfnOutput(stack, 'ChannelArn', { value: channel.channelArn });
    new CfnOutput(stack, 'Srt', { value: channel.channelSrtEndpoint });
  });

  // WHEN it is deployed
  const d = await s.deploy(dir, 'Regions');

  // THEN the channel is in the other region, and the lookup of it read it there
  expect(d.result.reason).toBeUndefined();
  const arn = d.outputs.ChannelArn;
  expect(arn).toMatch(new RegExp(`^arn:aws:ivs:${other}:${TEST_ACCOUNT_ID}:channel/`));
  expect(d.outputs.LookedUpSrt).toBe(s.emulator.state.channel(arn)!.srt.endpoint);
  expect(s.emulator.calls('BatchGetChannel').map((e) => e.region)).toEqual([other]);

  // WHEN destroyed, THEN it is deleted there
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(s.emulator.calls('DeleteChannel').map((e) => e.region)).toEqual([other]);
  s.expectNothingLeft();
});

/** A deploy-time lookup of a channel of another region, with its SRT endpoint as an output. */
class StreamKeyOutput {
  constructor(stack: Stack, channelArn: string, region: string) {
    const lookup = new ChannelLookup(stack, 'LookWest', { channelArns: [channelArn], region });
    new CfnOutput(stack, 'LookedUpSrt', { value: lookup.channels[0].channelSrtEndpoint });
  }
}

leakScanTest(scan, ['stream key', 'SRT passphrase']);
