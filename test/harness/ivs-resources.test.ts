import { generateKeyPairSync } from 'node:crypto';
import { CreateChannelCommand, DeleteChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import { CfnOutput, CfnResource, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { CfnChannel, CfnPlaybackKeyPair, CfnPlaybackRestrictionPolicy, CfnRecordingConfiguration, CfnStreamKey } from 'aws-cdk-lib/aws-ivs';
import { type IvsEmulator, startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS, TEST_USER_ARN } from '../emulator';
import { removeEchoApps, synthStack } from './echo-app';
import { deploy, type Deployment, type HarnessOptions, type StepRecord } from './index';

// AWS::IVS::* resources of a plain L1 stack, created for real in the emulator's IVS with
// CloudFormation's credentials (the test user), as CloudFormation's resource handlers would.

let emulator: IvsEmulator;
let ivs: IvsClient;
let deployments: Deployment[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterEach(async () => {
  await Promise.all(deployments.map((d) => d.close()));
  deployments = [];
  emulator.state.reset();
  emulator.faults.clear();
  emulator.clearLog();
});

afterAll(async () => {
  ivs.destroy();
  await emulator.close();
  removeEchoApps();
});

async function deployL1(dir: string, options: HarnessOptions = {}): Promise<Deployment> {
  const d = await deploy(dir, 'L1Stack', {
    endpoint: emulator.url, region: emulator.region, accountId: TEST_ACCOUNT_ID,
    // No Lambda runs here: CloudFormation's own credentials make every call.
    credentials: { accessKeyId: 'AKIANOTUSEDBYTHISTEST', secretAccessKey: 'x' }, deployerCredentials: TEST_CREDENTIALS,
    ...options,
  });
  deployments.push(d);
  return d;
}

const one = (records: readonly StepRecord[], logicalId: string, requestType: string, phase?: string) => {
  const found = records.filter((r) => r.logicalId === logicalId && r.requestType === requestType && (phase === undefined || r.phase === phase));
  expect(found.map((r) => `${r.logicalId} ${r.requestType} ${r.phase}`)).toHaveLength(1);
  return found[0];
};
const inputs = (operation: string) => emulator.calls(operation).map((e) => e.input as Record<string, unknown>);
const tagsOf = (arn: string) => emulator.state.ivsResource(arn)!.tags;
const channels = () => [...emulator.state.channels.values()];

const PUBLIC_KEY = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

interface Version {
  readonly latencyMode: string;
  readonly channelTags: Record<string, string>;
  readonly keyOnSecondChannel?: boolean;
  readonly recordingName?: string;
  readonly countries?: string[];
}

/** Recording configuration → channel(s) → stream key; a playback key pair and a restriction policy. */
const l1App = (v: Version) => synthStack((stack) => {
  const rc = new CfnRecordingConfiguration(stack, 'Recording', {
    name: v.recordingName ?? 'rec1', destinationConfiguration: { s3: { bucketName: 'my-recordings' } },
  });
  const channel = new CfnChannel(stack, 'Channel', {
    name: 'old-channel', latencyMode: v.latencyMode, recordingConfigurationArn: rc.attrArn,
    tags: Object.entries(v.channelTags).map(([key, value]) => ({ key, value })),
  });
  let keyChannel: CfnChannel = channel;
  if (v.keyOnSecondChannel) keyChannel = new CfnChannel(stack, 'Second', { name: 'second-channel' });
  const key = new CfnStreamKey(stack, 'Key', { channelArn: keyChannel.attrArn, tags: [{ key: 'k', value: 'v' }] });
  const pair = new CfnPlaybackKeyPair(stack, 'Pair', { name: 'pair', publicKeyMaterial: PUBLIC_KEY });
  new CfnPlaybackRestrictionPolicy(stack, 'Policy', { allowedCountries: v.countries ?? ['US'], allowedOrigins: ['https://example.com'] });
  new CfnOutput(stack, 'ChannelArn', { value: channel.ref });
  new CfnOutput(stack, 'Ingest', { value: channel.attrIngestEndpoint });
  new CfnOutput(stack, 'Playback', { value: channel.attrPlaybackUrl });
  new CfnOutput(stack, 'KeyArn', { value: key.ref });
  new CfnOutput(stack, 'KeyValue', { value: key.attrValue });
  new CfnOutput(stack, 'Fingerprint', { value: pair.attrFingerprint });
  new CfnOutput(stack, 'RecordingState', { value: rc.attrState });
});

test('an L1 stack: Ref and GetAtt, the stream key CreateChannel makes is deleted, in-place updates with tags, replacements, destroy', async () => {
  // GIVEN
  const v1: Version = { latencyMode: 'NORMAL', channelTags: { team: 'video', stage: 'dev' } };

  // WHEN
  const d = await deployL1(l1App(v1));

  // THEN every resource exists in IVS, made by CloudFormation's credentials
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  expect(d.result.skipped).toEqual([]);
  expect(emulator.calls({ service: 'ivs' }).every((e) => e.principal === TEST_USER_ARN)).toBe(true);
  const [channel] = channels();
  expect(channels()).toHaveLength(1);
  expect(channel).toMatchObject({ name: 'old-channel', latencyMode: 'NORMAL', tags: { team: 'video', stage: 'dev' } });
  // the handler deleted the key CreateChannel made; the channel's one key is the StreamKey resource's
  const created = emulator.calls('CreateChannel');
  expect(created).toHaveLength(1);
  expect(emulator.calls('DeleteStreamKey')).toHaveLength(1);
  const keys = emulator.state.streamKeysOf(channel.arn);
  expect(keys.map((k) => k.arn)).toEqual([d.outputs.KeyArn]);
  expect(keys[0].tags).toEqual({ k: 'v' });
  // Ref = ARN; GetAtt from the API's answers
  const rc = [...emulator.state.recordingConfigurations.values()][0];
  expect(channel.recordingConfigurationArn).toBe(rc.arn);
  expect(d.outputs).toMatchObject({
    ChannelArn: channel.arn, Ingest: channel.ingestEndpoint, Playback: channel.playbackUrl, RecordingState: 'ACTIVE',
    Fingerprint: [...emulator.state.playbackKeyPairs.values()][0].fingerprint,
  });
  expect(d.outputs.KeyValue === emulator.state.getStreamKeyValue(d.outputs.KeyArn)).toBe(true);
  // the schema's attributes only: no SRT endpoint on a channel; a stream key's value masked in snapshots
  expect(Object.keys(d.resource('Channel')!.attributes).sort()).toEqual(['Arn', 'IngestEndpoint', 'PlaybackUrl']);
  expect(d.resource('Key')!.attributes).toEqual({ Arn: d.outputs.KeyArn, Value: '*****' });
  expect(inputs('CreatePlaybackRestrictionPolicy')[0]).toMatchObject({ allowedCountries: ['US'], allowedOrigins: ['https://example.com'], enableStrictOriginEnforcement: false });
  expect(inputs('CreateRecordingConfiguration')[0]).toMatchObject({ name: 'rec1', destinationConfiguration: { s3: { bucketName: 'my-recordings' } } });

  // WHEN the latency mode, the channel's tags and the policy's countries change
  emulator.clearLog();
  const updated = await d.update(l1App({ latencyMode: 'LOW', channelTags: { team: 'media', owner: 'me' }, countries: ['US', 'CA'] }));

  // THEN each updates in place: only what changed is sent, tags go through Tag/UntagResource
  expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
  expect(one(updated.records, 'Channel', 'Update')).toMatchObject({ status: 'SUCCESS', physicalId: channel.arn, requestPhysicalId: channel.arn });
  expect(inputs('UpdateChannel')).toEqual([{ arn: channel.arn, latencyMode: 'LOW' }]);
  expect(inputs('UntagResource')).toEqual([{ resourceArn: channel.arn, tagKeys: ['stage'] }]);
  expect(inputs('TagResource')).toEqual([{ resourceArn: channel.arn, tags: { team: 'media', owner: 'me' } }]);
  expect(tagsOf(channel.arn)).toEqual({ team: 'media', owner: 'me' });
  expect(emulator.state.channel(channel.arn)!.latencyMode).toBe('LOW');
  expect(inputs('UpdatePlaybackRestrictionPolicy')).toEqual([{ arn: expect.any(String), allowedCountries: ['US', 'CA'] }]);
  expect(updated.records.filter((r) => r.requestType === 'Delete')).toEqual([]);
  expect(emulator.calls('CreateChannel')).toEqual([]);

  // WHEN the key moves to a new channel and the recording configuration is renamed (both createOnly)
  emulator.clearLog();
  const replaced = await d.update(l1App({ latencyMode: 'LOW', channelTags: { team: 'media', owner: 'me' }, countries: ['US', 'CA'], keyOnSecondChannel: true, recordingName: 'rec2' }));

  // THEN new ones are made first; the channel moves to the new configuration; the old ones go in the cleanup
  expect(replaced.stackStatus).toBe('UPDATE_COMPLETE');
  const second = channels().find((c) => c.name === 'second-channel')!;
  const keyUpdate = one(replaced.records, 'Key', 'Update', 'update');
  expect(keyUpdate.requestPhysicalId).toBe(d.results[0].outputs.KeyArn);
  expect(keyUpdate.physicalId).not.toBe(keyUpdate.requestPhysicalId);
  expect(emulator.state.streamKeysOf(second.arn).map((k) => k.arn)).toEqual([keyUpdate.physicalId]);
  expect(emulator.state.streamKeysOf(channel.arn)).toEqual([]);
  const rc2 = [...emulator.state.recordingConfigurations.values()].find((r) => r.name === 'rec2')!;
  expect(emulator.state.channel(channel.arn)!.recordingConfigurationArn).toBe(rc2.arn);
  const lastUpdate = Math.max(...replaced.records.filter((r) => r.requestType === 'Update').map((r) => replaced.records.indexOf(r)));
  const oldKey = one(replaced.records, 'Key', 'Delete', 'cleanup');
  const oldRc = one(replaced.records, 'Recording', 'Delete', 'cleanup');
  expect(oldKey).toMatchObject({ status: 'SUCCESS', requestPhysicalId: keyUpdate.requestPhysicalId });
  expect(oldRc).toMatchObject({ status: 'SUCCESS', requestPhysicalId: rc.arn });
  expect(replaced.records.indexOf(oldKey)).toBeGreaterThan(lastUpdate);
  expect(replaced.records.indexOf(oldRc)).toBeGreaterThan(lastUpdate);
  expect([...emulator.state.recordingConfigurations.keys()]).toEqual([rc2.arn]);
  expect(replaced.outputs.KeyArn).toBe(keyUpdate.physicalId);

  // WHEN destroyed, THEN nothing is left
  const destroyed = await d.destroy();
  expect(destroyed.stackStatus).toBe('DELETE_COMPLETE');
  expect(emulator.state.isEmpty()).toBe(true);
});

test('DeletionPolicy Retain: a channel and its key removed from the template stay in IVS (the first half of a migration)', async () => {
  // GIVEN an old L1 stack whose channel and key are retained
  const app = (withChannel: boolean) => synthStack((stack) => {
    new CfnResource(stack, 'Other', { type: 'AWS::IVS::PlaybackRestrictionPolicy', properties: { Name: 'other' } });
    if (!withChannel) return;
    const channel = new CfnChannel(stack, 'Channel', { name: 'kept' });
    channel.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnStreamKey(stack, 'Key', { channelArn: channel.attrArn }).applyRemovalPolicy(RemovalPolicy.RETAIN);
  });
  const d = await deployL1(app(true));
  const [kept] = channels();
  const [key] = emulator.state.streamKeysOf(kept.arn);

  // WHEN they leave the template
  const r = await d.update(app(false));

  // THEN the cleanup skips their deletes; they are no longer the stack's
  expect(r.stackStatus).toBe('UPDATE_COMPLETE');
  expect(one(r.records, 'Channel', 'Delete', 'cleanup')).toMatchObject({ status: 'SKIPPED', resourceStatus: 'DELETE_SKIPPED', physicalId: kept.arn });
  expect(one(r.records, 'Key', 'Delete', 'cleanup')).toMatchObject({ status: 'SKIPPED', physicalId: key.arn });
  expect(d.resources().map((x) => x.logicalId)).toEqual(['Other']);
  expect(emulator.calls('DeleteChannel')).toEqual([]);

  // AND destroying the stack leaves them too
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(channels().map((c) => c.arn)).toEqual([kept.arn]);
  expect(emulator.state.streamKeysOf(kept.arn).map((k) => k.arn)).toEqual([key.arn]);
  expect(emulator.state.playbackRestrictionPolicies.size).toBe(0);
});

describe.each(['reset', 'keep'] as const)('removedProperties: %s', (mode) => {
  test('a property removed from the template', async () => {
    // GIVEN a private NORMAL-latency channel
    const app = (full: boolean) => synthStack((stack) => {
      new CfnChannel(stack, 'Channel', { name: 'c', ...(full ? { authorized: true, latencyMode: 'NORMAL', insecureIngest: true } : { insecureIngest: false }) });
    });
    const d = await deployL1(app(true), { removedProperties: mode });
    const [channel] = channels();
    expect(channel).toMatchObject({ authorized: true, latencyMode: 'NORMAL', insecureIngest: true });

    // WHEN Authorized and LatencyMode leave the template and InsecureIngest changes
    const r = await d.update(app(false));

    // THEN reset: the schema defaults are sent (Authorized false, LatencyMode LOW); keep: only the change
    expect(r.stackStatus).toBe('UPDATE_COMPLETE');
    const after = emulator.state.channel(channel.arn)!;
    if (mode === 'reset') {
      expect(inputs('UpdateChannel')).toEqual([{ arn: channel.arn, authorized: false, latencyMode: 'LOW', insecureIngest: false }]);
      expect(after).toMatchObject({ authorized: false, latencyMode: 'LOW', insecureIngest: false });
    } else {
      expect(inputs('UpdateChannel')).toEqual([{ arn: channel.arn, insecureIngest: false }]);
      expect(after).toMatchObject({ authorized: true, latencyMode: 'NORMAL', insecureIngest: false });
    }
  });
});

test('properties the schema refuses fail before any IVS call, with CloudFormation\'s model validation text', async () => {
  // GIVEN a channel with a property AWS::IVS::Channel lacks, and a stream key without its required ChannelArn
  const extraneous = synthStack((stack) => {
    new CfnResource(stack, 'Channel', { type: 'AWS::IVS::Channel', properties: { Name: 'c', PlaybackRestrictionPolicyArn: '' } });
  });
  const missing = synthStack((stack) => {
    new CfnResource(stack, 'Key', { type: 'AWS::IVS::StreamKey', properties: { Tags: [{ Key: 'a', Value: 'b' }] } });
  });
  const wrongType = synthStack((stack) => {
    new CfnResource(stack, 'Channel', { type: 'AWS::IVS::Channel', properties: { Authorized: 'yes', Type: 'HUGE' } });
  });

  // WHEN / THEN
  const d1 = await deployL1(extraneous);
  expect(one(d1.result.records, 'Channel', 'Create')).toMatchObject({
    status: 'FAILED', reason: 'Model validation failed (#: extraneous key [PlaybackRestrictionPolicyArn] is not permitted)',
  });
  const d2 = await deployL1(missing);
  expect(one(d2.result.records, 'Key', 'Create').reason).toBe('Model validation failed (#: required key [ChannelArn] not found)');
  const d3 = await deployL1(wrongType);
  expect(one(d3.result.records, 'Channel', 'Create').reason).toBe('Model validation failed (#/Authorized: expected type: Boolean, found: String, #/Type: HUGE is not a valid enum value)');
  expect(emulator.calls({ service: 'ivs' })).toEqual([]);
  expect(d3.result.stackStatus).toBe('ROLLBACK_COMPLETE');
});

test('an IVS error fails the resource with the handler\'s text and rolls back; a half-made channel is deleted in the rollback', async () => {
  // GIVEN a channel made outside the stack (it has its key), and a stack adding a second key to it
  const outside = await ivs.send(new CreateChannelCommand({ name: 'outside' }));
  const dir = synthStack((stack: Stack) => {
    new CfnPlaybackRestrictionPolicy(stack, 'Policy', {});
    new CfnStreamKey(stack, 'Key', { channelArn: outside.channel!.arn! });
  });

  // WHEN
  const d = await deployL1(dir);

  // THEN the quota answer becomes the handler's failure, and the rollback deletes the policy
  const failed = one(d.result.records, 'Key', 'Create');
  expect(failed.reason).toMatch(/^Resource handler returned message: "Request would cause a service quota to be exceeded\..* \(Service: Ivs, Status Code: 402, Request ID: [^)]+\)" \(RequestToken: [0-9a-f-]{36}, HandlerErrorCode: ServiceLimitExceeded\)$/);
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(one(d.result.records, 'Policy', 'Delete', 'rollback').status).toBe('SUCCESS');
  expect(emulator.state.playbackRestrictionPolicies.size).toBe(0);

  // GIVEN the delete of CreateChannel's own key is refused once
  emulator.state.reset();
  emulator.faults.set('DeleteStreamKey', { error: 'AccessDeniedException', times: 1, message: 'not allowed' });
  const d2 = await deployL1(synthStack((stack) => { new CfnChannel(stack, 'Channel', { name: 'half' }); }));

  // THEN the channel was made, the create failed, and the rollback deleted the channel
  expect(one(d2.result.records, 'Channel', 'Create')).toMatchObject({
    status: 'FAILED', reason: expect.stringMatching(/^Resource handler returned message: "not allowed \(Service: Ivs, Status Code: 403, .*HandlerErrorCode: AccessDenied\)$/),
  });
  expect(one(d2.result.records, 'Channel', 'Delete', 'rollback')).toMatchObject({ status: 'SUCCESS', requestPhysicalId: expect.stringMatching(/:channel\//) });
  expect(emulator.calls('DeleteChannel')).toHaveLength(1);
  expect(d2.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(emulator.state.isEmpty()).toBe(true);
});

describe.each(['success', 'failed'] as const)('deleteNotFound: %s', (mode) => {
  test('a channel deleted behind the stack\'s back', async () => {
    const d = await deployL1(synthStack((stack) => { new CfnChannel(stack, 'Channel', { name: 'gone' }); }), { deleteNotFound: mode });
    await ivs.send(new DeleteChannelCommand({ arn: channels()[0].arn }));
    const r = await d.destroy();
    const rec = one(r.records, 'Channel', 'Delete');
    if (mode === 'success') {
      expect(r.stackStatus).toBe('DELETE_COMPLETE');
      expect(rec.status).toBe('SUCCESS');
    } else {
      expect(r.stackStatus).toBe('DELETE_FAILED');
      expect(rec.reason).toMatch(/^Resource handler returned message: ".*\(Service: Ivs, Status Code: 404, .*HandlerErrorCode: NotFound\)$/);
    }
    expect(emulator.calls('DeleteChannel').map((e) => e.errorType)).toEqual([undefined, 'ResourceNotFoundException']);
  });
});
