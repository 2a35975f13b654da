// The fault matrix: what goes wrong between the provider and IVS, CloudFormation or IAM, and how
// each case ends (a clear reason, or a success the retries earned) with nothing orphaned.
//
// Every scenario has its own emulator with IVS's real quotas and rate limits (real time), and
// runs concurrently with the others: most of their time is spent waiting (backoff, deadlines).
// Where the handler's deadline matters, the harness shortens the Lambda's Timeout: the handler
// keeps 10 s of it back, so a 14 s Timeout puts the deadline 4 s after the invocation starts.
import { generateKeyPairSync } from 'crypto';
import { CreateStreamKeyCommand, DeleteChannelCommand, DeletePlaybackKeyPairCommand, DeleteStreamKeyCommand } from '@aws-sdk/client-ivs';
import { CfnOutput, CfnParameter } from 'aws-cdk-lib';
import { Channel, LatencyMode, PlaybackKeyPair, RecordingConfiguration, StreamKey } from 'cdk-ivs';
import { type PlaybackKeyPairSecretValue, REQUEST_TAG, type StreamSecretValue } from '../../lib/contract';
import { TEST_ACCOUNT_ID, TEST_CREDENTIALS } from '../emulator';
import { failure } from '../emulator/sdk-helpers';
import type { Deployment, OperationResult, StepRecord } from '../harness';
import { DEADLINE_TEXT, LeakScan, PROVIDER_ROLE, type Scenario, leakScanTest, logicalIdOf, scenario, step, steps, madeByRequest } from './helpers';

const scan = new LeakScan();

/** A Lambda Timeout whose deadline (Timeout - 10 s) comes 4 s after an invocation starts. */
const SHORT_TIMEOUT_S = 14;
const CHANNEL = 'Custom::IvsChannel';
const KEY_PAIR = 'Custom::IvsPlaybackKeyPair';
const STREAM_KEY = 'Custom::IvsStreamKey';

/** A stack of `count` channels `e2e-<i>` (the first with a secret), a StreamKey on the first and a generated PlaybackKeyPair. */
function mixedStack(s: Scenario, count = 3): string {
  return s.synthStack((stack) => {
    const channels = Array.from({ length: count }, (_, i) => new Channel(stack, `Channel${i}`, { channelName: `e2e-${i}`, storeStreamKeyInSecret: i === 0 }));
    new StreamKey(stack, 'Key', { channel: channels[0], storeStreamKeyInSecret: true });
    new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-pair' });
  });
}

/** One channel with its secret. */
function channelStack(s: Scenario, name: string, props: { latencyMode?: LatencyMode; stopStreamOnDelete?: boolean } = {}): string {
  return s.synthStack((stack) => {
    new Channel(stack, 'Channel', { channelName: name, storeStreamKeyInSecret: true, ...props });
  });
}

const ok = (status: number) => status >= 200 && status < 300;

/** The custom resource steps that did not succeed. */
const failures = (result: OperationResult): StepRecord[] => result.records.filter((r) => r.kind === 'custom' && r.status === 'FAILED');

/** Every resource of the mixed stack exists once, as declared. */
function expectMixedStack(s: Scenario, count = 3): void {
  const snapshot = s.emulator.state.snapshot();
  expect(snapshot.channels.map((c) => c.name).sort()).toEqual(Array.from({ length: count }, (_, i) => `e2e-${i}`));
  expect(snapshot.streamKeys).toHaveLength(count);
  expect(snapshot.playbackKeyPairs.map((p) => p.name)).toEqual(['e2e-pair']);
  expect(snapshot.secrets.map((x) => x.hasValue)).toEqual([true, true, true]);
  expect(s.lambdaCalls('CreateChannel').filter((e) => ok(e.status))).toHaveLength(count);
  expect(s.lambdaCalls('ImportPlaybackKeyPair').filter((e) => ok(e.status))).toHaveLength(1);
  expect(s.emulator.calls('CreateStreamKey')).toEqual([]);
}

/** The channels the handler deleted (each answered 204): the ones it had created (CreateChannel's answer is not logged). */
function createdThenDeleted(s: Scenario): string[] {
  const deletes = s.lambdaCalls('DeleteChannel');
  expect(deletes.map((e) => [e.operation, e.status])).toEqual(deletes.map(() => ['DeleteChannel', 204]));
  expect(deletes.length).toBeGreaterThan(0);
  return deletes.map((e) => e.arn!);
}

/** Every custom resource of an operation succeeded in one invocation (the SDK did the retrying). */
function expectOneInvocationEach(result: OperationResult): void {
  expect(result.records.filter((r) => r.kind === 'custom').map((r) => [r.logicalId, r.status, r.invocations]))
    .toEqual(result.records.filter((r) => r.kind === 'custom').map((r) => [r.logicalId, 'SUCCESS', 1]));
}

/** A FAILED step answered by the handler before the Lambda's Timeout (no "Task timed out"). */
function expectAnsweredBeforeTimeout(r: StepRecord, timeoutSeconds: number): void {
  expect(r).toMatchObject({ status: 'FAILED', answeredBy: 'handler', invocations: 1 });
  expect(r.durationMs).toBeLessThan(timeoutSeconds * 1000);
  expect(r.logs.join('\n')).not.toMatch(/Task timed out|Status: timeout/);
}

describe('transient faults', () => {
  scenario(scan, 'throttling storm: every IVS operation answers 429 for a while; each resource is made once, and destroy rides out the next storm', async (s) => {
    // GIVEN a storm: the next 6 IVS calls answer ThrottlingException, on top of the real quotas
    const storm = () => s.emulator.faults.set('ivs:*', { error: 'ThrottlingException', message: 'Rate exceeded', times: 6 });
    const [createStorm] = storm();

    // WHEN a stack of channels, a stream key and a playback key pair is deployed
    const d = await s.deploy(mixedStack(s));

    // THEN the SDK's backoff rode it out: each resource made exactly once, in one invocation
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(createStorm.applied).toBe(6);
    expectOneInvocationEach(d.result);
    expectMixedStack(s);

    // WHEN destroyed in the next storm
    const [deleteStorm] = storm();
    const deleted = await d.destroy();

    // THEN
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(deleteStorm.applied).toBe(6);
    expectOneInvocationEach(deleted);
    expect(s.emulator.calls({ service: 'ivs', errorType: 'ThrottlingException' }).length).toBeGreaterThanOrEqual(12);
    s.expectNothingLeft();
  });

  scenario(scan, 'throttling that never ends: FAILED with the deadline reason before the Lambda times out, and the rollback leaves nothing', async (s) => {
    // GIVEN IVS throttles every CreateChannel, and a short Lambda Timeout
    s.emulator.throttle.setRate('CreateChannel', 0);

    // WHEN deployed
    const d = await s.deploy(channelStack(s, 'e2e-throttled'), 'E2e', { functionTimeoutSeconds: SHORT_TIMEOUT_S + 6 });

    // THEN the handler gave up at its deadline, said so, and answered before the Lambda's Timeout
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = step(d.result, 'Channel', { resourceType: CHANNEL, requestType: 'Create' });
    expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-throttled): CreateChannel failed: ${DEADLINE_TEXT.replace('; deploy again', '; the last attempt got ThrottlingException: Request was denied due to request throttling; deploy again')}`);
    expectAnsweredBeforeTimeout(failed, SHORT_TIMEOUT_S + 6);
    expect(d.result.reason).toBe(`The following resource(s) failed to create: [${failed.logicalId}]. Rollback requested by user.`);
    // the SDK kept retrying until then; no channel was made, and the rollback removed the secret
    const attempts = s.lambdaCalls('CreateChannel');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((e) => e.status === 429 && e.errorType === 'ThrottlingException')).toBe(true);
    s.expectNothingLeft();
  });

  scenario(scan, '5xx bursts: IVS 500s and 503s and Secrets Manager 500s are retried; each resource is made once', async (s) => {
    // GIVEN bursts of server errors on IVS and on PutSecretValue
    const bursts = [
      ...s.emulator.faults.set('ivs:*', [{ error: 'InternalServerException', times: 3 }, { error: 'ServiceUnavailable', status: 503, times: 2 }]),
      ...s.emulator.faults.set('secretsmanager:PutSecretValue', { error: 'InternalServiceError', status: 500, times: 2 }),
    ];

    // WHEN deployed
    const d = await s.deploy(mixedStack(s));

    // THEN
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(bursts.map((b) => b.applied)).toEqual([3, 2, 2]);
    expectOneInvocationEach(d.result);
    expectMixedStack(s);
    // the retried PutSecretValue wrote one version per secret (its ClientRequestToken made the retry idempotent)
    expect(s.emulator.state.snapshot().secrets.map((x) => x.versions)).toEqual([1, 1, 1]);

    // WHEN destroyed in another burst
    const [deleteBurst] = s.emulator.faults.set('DeleteChannel', { error: 'InternalServerException', times: 3 });
    const deleted = await d.destroy();

    // THEN
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(deleteBurst.applied).toBe(3);
    expect(s.emulator.calls({ status: 500 }).length + s.emulator.calls({ status: 503 }).length).toBe(10);
    s.expectNothingLeft();
  });

  scenario(scan, 'connection resets, before and after the call took effect: retried, nothing made twice, nothing left', async (s) => {
    // GIVEN connections reset before CreateChannel and ImportPlaybackKeyPair take effect, and both
    // before and after PutSecretValue does (a retry of a write that happened)
    const resets = [
      ...s.emulator.faults.set('CreateChannel', { reset: true, times: 2 }),
      ...s.emulator.faults.set('ImportPlaybackKeyPair', { reset: true, times: 1 }),
      ...s.emulator.faults.set('PutSecretValue', [{ reset: true, times: 1 }, { reset: true, afterEffect: true, times: 2 }]),
    ];

    // WHEN deployed
    const d = await s.deploy(mixedStack(s));

    // THEN
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(resets.map((r) => r.applied)).toEqual([2, 1, 1, 2]);
    expectOneInvocationEach(d.result);
    expectMixedStack(s);
    expect(s.emulator.state.snapshot().secrets.map((x) => x.versions)).toEqual([1, 1, 1]);

    // WHEN destroyed while DeleteChannel's connections reset, once before and once after it took effect
    const deleteResets = s.emulator.faults.set('DeleteChannel', [{ reset: true, times: 1 }, { reset: true, afterEffect: true, times: 1 }]);
    const deleted = await d.destroy();

    // THEN the retry of a delete that happened finds the channel gone, which counts as deleted
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(deleteResets.map((r) => r.applied)).toEqual([1, 1]);
    expect(s.lambdaCalls('DeleteChannel').map((e) => e.status).sort()).toEqual([0, 0, 204, 204, 404]);
    s.expectNothingLeft();
  });

  scenario(scan, 'a create\'s answer lost (connection reset after it took effect): the retry\'s duplicate is deleted, or its refusal answered by what the first attempt made; one of each, destroy leaves nothing', async (s) => {
    // GIVEN the first CreateChannel and ImportPlaybackKeyPair take effect, then their connections reset
    const lost = [
      ...s.emulator.faults.set('CreateChannel', { reset: true, afterEffect: true, times: 1 }),
      ...s.emulator.faults.set('ImportPlaybackKeyPair', { reset: true, afterEffect: true, times: 1 }),
    ];
    const app = (rotation: string) => s.synthStack((stack) => {
      const channel = new Channel(stack, 'Channel', { channelName: 'e2e-lost' });
      new StreamKey(stack, 'Key', { channel, rotation, storeStreamKeyInSecret: true });
      new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-lost-pair' });
    });
    const requestTag = (r: StepRecord) => ({ [REQUEST_TAG]: madeByRequest(r.requestId) });

    // WHEN deployed
    const d = await s.deploy(app('1'));

    // THEN the SDK sent each create again: a second channel, which the handler deleted; a refused
    // import (the key was in), answered by the pair the first attempt made
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(lost.map((r) => r.applied)).toEqual([1, 1]);
    expectOneInvocationEach(d.result);
    expect(s.lambdaCalls('CreateChannel').map((e) => e.status)).toEqual([0, 200]);
    expect(s.lambdaCalls('ImportPlaybackKeyPair').map((e) => [e.status, e.errorType])).toEqual([[0, undefined], [409, 'ConflictException']]);
    const channel = s.channel('e2e-lost');
    expect(d.resource(logicalIdOf(d, 'Channel', CHANNEL))!.physicalId).toBe(channel.arn);
    expect(channel.tags).toEqual(requestTag(step(d.result, 'Channel', { resourceType: CHANNEL })));
    const [duplicate] = createdThenDeleted(s);
    expect(duplicate).not.toBe(channel.arn);
    const { playbackKeyPairs: [pair, ...morePairs], streamKeys } = s.emulator.state.snapshot();
    expect(morePairs).toEqual([]);
    expect(streamKeys.map((k) => k.channelArn)).toEqual([channel.arn]);
    const pairStep = step(d.result, 'Pair', { resourceType: KEY_PAIR });
    expect(pairStep.physicalId).toBe(pair.arn);
    expect(pair.tags).toEqual(requestTag(pairStep));
    expect(s.secretJson<PlaybackKeyPairSecretValue>(String(pairStep.properties!.SecretArn))).toMatchObject({
      playbackKeyPairArn: pair.arn, publicKey: s.emulator.state.playbackKeyPairs.get(pair.arn)!.publicKeyPem,
    });

    // WHEN the key is rotated, and the first CreateStreamKey's answer is lost the same way
    const [lostKey] = s.emulator.faults.set('CreateStreamKey', { reset: true, afterEffect: true, times: 1 });
    const updated = await d.update(app('2'));

    // THEN the retry was refused by the one-key quota, and the key the first attempt made is the stack's
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(lostKey.applied).toBe(1);
    expect(s.lambdaCalls('CreateStreamKey').map((e) => [e.status, e.errorType])).toEqual([[0, undefined], [402, 'ServiceQuotaExceededException']]);
    const [key, ...moreKeys] = s.emulator.state.streamKeysOf(channel.arn);
    expect(moreKeys).toEqual([]);
    const keyStep = step(updated, 'Key', { resourceType: STREAM_KEY, requestType: 'Update' });
    expect(keyStep).toMatchObject({ status: 'SUCCESS', physicalId: key.arn });
    expect(key.tags).toEqual(requestTag(keyStep));
    expect(s.secretJson<StreamSecretValue>(String(keyStep.properties!.SecretArn))).toMatchObject({ streamKeyArn: key.arn, streamKey: key.value });

    // WHEN destroyed THEN
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  scenario(scan, 'the response URL fails twice, then accepts: the answer gets through on the third PUT, for create and delete', async (s) => {
    // GIVEN CloudFormation's response URL answers 500 to the next two PUTs
    // WHEN deployed
    const d = await s.deploy(channelStack(s, 'e2e-response'), 'E2e', { failResponses: 2 });

    // THEN the wrapper's retries delivered the answer: one invocation, one channel
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(step(d.result, 'Channel', { resourceType: CHANNEL })).toMatchObject({ status: 'SUCCESS', invocations: 1, responseAttempts: 3, answeredBy: 'handler' });
    expect(s.lambdaCalls('CreateChannel')).toHaveLength(1);
    expect(s.channel('e2e-response').arn).toBe(d.resource(logicalIdOf(d, 'Channel', CHANNEL))!.physicalId);

    // WHEN destroyed with the next two PUTs failing
    d.failNextResponses(2);
    const deleted = await d.destroy();

    // THEN
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(step(deleted, 'Channel', { resourceType: CHANNEL })).toMatchObject({ status: 'SUCCESS', invocations: 1, responseAttempts: 3 });
    s.expectNothingLeft();
  });
});

describe('deadline', () => {
  scenario(scan, 'a CreateChannel stuck past the handler\'s deadline: FAILED with the deadline reason, answered before the Lambda\'s Timeout', async (s) => {
    // GIVEN CreateChannel never answers, and a short Lambda Timeout
    s.emulator.faults.set('CreateChannel', { hang: true });

    // WHEN deployed
    const d = await s.deploy(channelStack(s, 'e2e-stuck'), 'E2e', { functionTimeoutSeconds: SHORT_TIMEOUT_S });

    // THEN
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = step(d.result, 'Channel', { resourceType: CHANNEL, requestType: 'Create' });
    expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-stuck): CreateChannel failed: ${DEADLINE_TEXT}`);
    expectAnsweredBeforeTimeout(failed, SHORT_TIMEOUT_S);
    expect(failed.durationMs).toBeGreaterThan(2_000);
    expect(s.lambdaCalls('CreateChannel').map((e) => e.fault)).toEqual(['hang']);
    s.expectNothingLeft();
  });

  scenario(scan, 'a PutSecretValue stuck after CreateChannel succeeded: FAILED at the deadline, and the channel is deleted again', async (s) => {
    // GIVEN PutSecretValue never answers, and a short Lambda Timeout
    s.emulator.faults.set('secretsmanager:PutSecretValue', { hang: true });

    // WHEN deployed
    const d = await s.deploy(channelStack(s, 'e2e-stuck-secret'), 'E2e', { functionTimeoutSeconds: SHORT_TIMEOUT_S });

    // THEN the handler removed the channel it had made (in the grace it keeps for that), then answered
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(s.lambdaCalls('CreateChannel').map((e) => e.status)).toEqual([200]);
    const [created] = createdThenDeleted(s);
    const failed = step(d.result, 'Channel', { resourceType: CHANNEL, requestType: 'Create' });
    expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-stuck-secret): PutSecretValue failed: ${DEADLINE_TEXT} (deleted channel ${created}, which this request had created)`);
    expectAnsweredBeforeTimeout(failed, SHORT_TIMEOUT_S);
    s.expectNothingLeft();
  });
});

describe('failed creates and updates', () => {
  scenario(scan, 'failed create: a name IVS refuses (a parameter, unknown at synth) fails with IVS\'s ValidationException, the rollback deletes what was made', async (s) => {
    // GIVEN a good channel, then one whose name comes from a parameter IVS's pattern refuses
    const dir = s.synthStack((stack) => {
      const good = new Channel(stack, 'Good', { channelName: 'e2e-good', storeStreamKeyInSecret: true });
      const name = new CfnParameter(stack, 'ChannelName', { type: 'String', default: 'Live channel #1' });
      new Channel(stack, 'Bad', { channelName: name.valueAsString }).node.addDependency(good);
    });

    // WHEN deployed
    const d = await s.deploy(dir);

    // THEN
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    const bad = step(d.result, 'Bad', { requestType: 'Create' });
    expect(bad.reason).toBe(`${CHANNEL} ${bad.logicalId} (Live channel #1): CreateChannel failed: ValidationException: 1 validation error detected: `
      + "Value 'Live channel #1' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]*$");
    expect(d.result.reason).toBe(`The following resource(s) failed to create: [${bad.logicalId}]. Rollback requested by user.`);
    expect(step(d.result, 'Good', { resourceType: CHANNEL, phase: 'rollback' })).toMatchObject({ requestType: 'Delete', status: 'SUCCESS' });
    expect(s.lambdaCalls('DeleteChannel').map((e) => e.status)).toEqual([204]);
    s.expectNothingLeft();
  });

  scenario(scan, 'failed create after the IVS resource exists (IAM refuses PutSecretValue): the handler deletes what it made, the reason says both', async (s) => {
    // GIVEN IAM refuses the provider's PutSecretValue
    s.emulator.authorize = (req) => (req.action === 'secretsmanager:PutSecretValue' && req.principal.arn.includes(`/${PROVIDER_ROLE}/`)
      ? 'because no identity-based policy allows the secretsmanager:PutSecretValue action' : undefined);
    const channelDir = channelStack(s, 'e2e-denied');
    const pairDir = s.synthStack((stack) => { new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-denied-pair' }); }, 'E2ePair');

    // WHEN a channel and a generated playback key pair are deployed (two stacks)
    const [channelStackD, pairStackD] = await Promise.all([s.deploy(channelDir), s.deploy(pairDir, 'E2ePair')]);

    // THEN each create failed after IVS made the resource, which the handler deleted again
    const denied = (secretArn: string) => `PutSecretValue failed: AccessDeniedException: User: arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/${PROVIDER_ROLE}/emulator-session `
      + `is not authorized to perform: secretsmanager:PutSecretValue on resource: ${secretArn} because no identity-based policy allows the secretsmanager:PutSecretValue action`;
    const secretOf = (r: StepRecord) => String(r.properties!.SecretArn);

    expect(channelStackD.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(s.lambdaCalls('CreateChannel').map((e) => e.status)).toEqual([200]);
    const [channel] = createdThenDeleted(s);
    const channelStep = step(channelStackD.result, 'Channel', { resourceType: CHANNEL, requestType: 'Create' });
    expect(channelStep.reason).toBe(`${CHANNEL} ${channelStep.logicalId} (e2e-denied): ${denied(secretOf(channelStep))} (deleted channel ${channel}, which this request had created)`);

    expect(pairStackD.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(s.lambdaCalls('ImportPlaybackKeyPair').map((e) => e.status)).toEqual([200]);
    const pairArn = s.lambdaCalls('DeletePlaybackKeyPair').map((e) => e.arn);
    expect(s.lambdaCalls('DeletePlaybackKeyPair').map((e) => ok(e.status))).toEqual([true]);
    const pairStep = step(pairStackD.result, 'Pair', { resourceType: KEY_PAIR, requestType: 'Create' });
    expect(pairStep.reason).toBe(`${KEY_PAIR} ${pairStep.logicalId} (e2e-denied-pair): ${denied(secretOf(pairStep))} (deleted playback key pair ${pairArn[0]}, which this request had created)`);
    s.expectNothingLeft();
  });

  scenario(scan, 'failed update and its rollback: IVS is back to the old properties, the rotated key keeps the channel streamable, and the next updates and destroy work', async (s) => {
    // GIVEN channel A with a StreamKey, and channel B updated after them
    const GONE = `arn:aws:ivs:${s.emulator.region}:${TEST_ACCOUNT_ID}:recording-configuration/GoneGoneGone`;
    type Version = { latencyMode: LatencyMode; tags: Record<string, string>; rotation: string; gone?: boolean; keyTags?: Record<string, string> };
    const app = (v: Version) => s.synthStack((stack) => {
      const a = new Channel(stack, 'A', { channelName: 'e2e-a', latencyMode: v.latencyMode, tags: v.tags });
      const key = new StreamKey(stack, 'Key', { channel: a, rotation: v.rotation, storeStreamKeyInSecret: true, tags: v.keyTags });
      const recordingConfiguration = v.gone ? RecordingConfiguration.fromRecordingConfigurationArn(stack, 'Gone', GONE) : undefined;
      new Channel(stack, 'B', { channelName: 'e2e-b', recordingConfiguration }).node.addDependency(key);
    });
    const d = await s.deploy(app({ latencyMode: LatencyMode.LOW, tags: { team: 'a' }, rotation: '1' }));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const a = s.channel('e2e-a');
    const keyId = logicalIdOf(d, 'Key', STREAM_KEY);
    const [firstKey] = s.emulator.state.streamKeysOf(a.arn);
    expect(d.resource(keyId)!.physicalId).toBe(firstKey.arn);
    const keySecret = String(d.resource(keyId)!.properties.SecretArn);

    // WHEN an update changes A and rotates its key, then fails on B (its recording configuration no longer exists)
    const updated = await d.update(app({ latencyMode: LatencyMode.NORMAL, tags: { team: 'b', env: 'e2e' }, rotation: '2', gone: true }));

    // THEN B's reason is IVS's, and the rollback brought every channel back to the old properties
    expect(updated.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const b = step(updated, 'B', { requestType: 'Update', phase: 'update' });
    expect(b.reason).toBe(`${CHANNEL} ${b.logicalId} (e2e-b): UpdateChannel failed: ResourceNotFoundException: Request references a resource which does not exist. ARN: ${GONE}`);
    expect(updated.reason).toBe(`The following resource(s) failed to update: [${b.logicalId}].`);
    expect(step(updated, 'A', { requestType: 'Update', phase: 'update', resourceType: CHANNEL }).status).toBe('SUCCESS');
    expect(steps(updated, '', { phase: 'rollback', requestType: 'Update' }).map((r) => [r.logicalId, r.status]).sort())
      .toEqual([[b.logicalId, 'SUCCESS'], [logicalIdOf(d, 'A', CHANNEL), 'SUCCESS']].sort());
    expect(s.channel('e2e-a')).toMatchObject({ arn: a.arn, latencyMode: 'LOW', tags: { team: 'a' } });
    expect(s.channel('e2e-b')).toMatchObject({ latencyMode: 'LOW', recordingConfigurationArn: '' });
    // a rotation cannot be undone (the old key is deleted): the channel keeps exactly one key, the
    // one its secret holds, and the stack still names the key it had
    const [keyAfterRollback, ...extraKeys] = s.emulator.state.streamKeysOf(a.arn);
    expect(extraKeys).toEqual([]);
    expect(keyAfterRollback.arn).not.toBe(firstKey.arn);
    expect(s.secretJson<StreamSecretValue>(keySecret)).toMatchObject({ streamKeyArn: keyAfterRollback.arn, streamKey: keyAfterRollback.value });
    expect(step(updated, 'Key', { requestType: 'Delete', phase: 'cleanup' })).toMatchObject({ status: 'SUCCESS', requestPhysicalId: keyAfterRollback.arn });
    expect(d.resource(keyId)!.physicalId).toBe(firstKey.arn);

    // WHEN the next update changes only the key's tags
    const tagged = await d.update(app({ latencyMode: LatencyMode.LOW, tags: { team: 'a' }, rotation: '1', keyTags: { stage: 'e2e' } }));

    // THEN the deleted key's NotFound made the handler take the key the channel has; the stack names it now
    expect(tagged.stackStatus).toBe('UPDATE_COMPLETE');
    expect(s.emulator.state.streamKeysOf(a.arn).map((k) => [k.arn, k.tags.stage])).toEqual([[keyAfterRollback.arn, 'e2e']]);
    expect(d.resource(keyId)!.physicalId).toBe(keyAfterRollback.arn);
    const keyTagging = s.lambdaCalls('TagResource').filter((e) => e.arn?.includes(':stream-key/'));
    expect(keyTagging.map((e) => [e.arn, e.status])).toEqual([[firstKey.arn, 404], [keyAfterRollback.arn, 200]]);
    expect(step(tagged, 'Key', { requestType: 'Delete', phase: 'cleanup' })).toMatchObject({ status: 'SUCCESS', requestPhysicalId: firstKey.arn });
    expect(s.secretJson<StreamSecretValue>(keySecret)).toMatchObject({ streamKeyArn: keyAfterRollback.arn, streamKey: keyAfterRollback.value });

    // WHEN the next update rotates again
    const next = await d.update(app({ latencyMode: LatencyMode.LOW, tags: { team: 'a' }, rotation: '3', keyTags: { stage: 'e2e' } }));

    // THEN it works from whatever key the channel has
    expect(next.stackStatus).toBe('UPDATE_COMPLETE');
    const [rotated, ...others] = s.emulator.state.streamKeysOf(a.arn);
    expect(others).toEqual([]);
    expect(d.resource(keyId)!.physicalId).toBe(rotated.arn);
    expect(rotated.tags).toEqual({ stage: 'e2e', [REQUEST_TAG]: madeByRequest(step(next, 'Key', { requestType: 'Update', phase: 'update' }).requestId) });
    expect(s.secretJson<StreamSecretValue>(keySecret)).toMatchObject({ streamKeyArn: rotated.arn, streamKey: rotated.value });

    // WHEN destroyed THEN
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  scenario(scan, 'delete of something already gone: the channel and key pair deleted behind the stack\'s back, destroy succeeds', async (s) => {
    // GIVEN a deployed stack whose first channel (with its key) and key pair someone deleted
    const d = await s.deploy(mixedStack(s, 2));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const goneChannel = s.channel('e2e-0').arn;
    const gonePair = s.emulator.state.snapshot().playbackKeyPairs[0].arn;
    await s.ivs.send(new DeleteChannelCommand({ arn: goneChannel }));
    await s.ivs.send(new DeletePlaybackKeyPairCommand({ arn: gonePair }));

    // WHEN destroyed
    const deleted = await d.destroy();

    // THEN IVS's NotFound counted as deleted
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(failures(deleted)).toEqual([]);
    expect(s.lambdaCalls('DeleteChannel').map((e) => [e.arn === goneChannel, e.status, e.errorType]).sort())
      .toEqual([[false, 204, undefined], [true, 404, 'ResourceNotFoundException']]);
    expect(s.lambdaCalls('DeletePlaybackKeyPair').map((e) => [e.arn, e.status])).toEqual([[gonePair, 404]]);
    s.expectNothingLeft();
  });
});

describe('live channels', () => {
  scenario(scan, 'live channel without stopStreamOnDelete: update and delete fail telling to stop the stream or set stopStreamOnDelete; once it stops, destroy succeeds', async (s) => {
    // GIVEN a channel that is live, and a short Lambda Timeout: the handler retries the 409 of a
    // live channel until its deadline (4 s) rather than for its usual 60 s
    const d = await s.deploy(channelStack(s, 'e2e-live'), 'E2e', { functionTimeoutSeconds: SHORT_TIMEOUT_S });
    const arn = s.channel('e2e-live').arn;
    s.emulator.state.setLive(arn);
    const conflict = (verb: string) => `ConflictException: Updating or deleting a resource can cause an inconsistent state. Channel ${arn} is live; a live channel cannot be ${verb}.`;

    // WHEN its latency mode is updated
    const updated = await d.update(channelStack(s, 'e2e-live', { latencyMode: LatencyMode.NORMAL }));

    // THEN the update failed after retrying, saying what to do, and was rolled back
    expect(updated.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failedUpdate = step(updated, 'Channel', { resourceType: CHANNEL, phase: 'update' });
    expect(failedUpdate.reason).toBe(`${CHANNEL} ${failedUpdate.logicalId} (e2e-live): UpdateChannel failed: ${conflict('updated')} The channel is live: stop the stream, then deploy again`);
    expectAnsweredBeforeTimeout(failedUpdate, SHORT_TIMEOUT_S);
    expect(failedUpdate.logs.some((l) => l.includes('channel is live (409), retrying in'))).toBe(true);
    expect(s.lambdaCalls('UpdateChannel').length).toBeGreaterThanOrEqual(2);
    expect(s.lambdaCalls('UpdateChannel').every((e) => e.status === 409)).toBe(true);
    expect(s.channel('e2e-live')).toMatchObject({ latencyMode: 'LOW' });
    expect(s.emulator.state.isLive(arn)).toBe(true);

    // WHEN destroyed while still live
    const refused = await d.destroy();

    // THEN the delete failed the same way, and the channel is still there, live
    expect(refused.stackStatus).toBe('DELETE_FAILED');
    const failedDelete = step(refused, 'Channel', { resourceType: CHANNEL });
    expect(failedDelete.reason).toBe(`${CHANNEL} ${failedDelete.logicalId} (e2e-live): DeleteChannel failed: ${conflict('deleted')} `
      + 'The channel is live: stop the stream, or set stopStreamOnDelete: true, then deploy again');
    expect(refused.reason).toBe(`The following resource(s) failed to delete: [${failedDelete.logicalId}].`);
    expect(s.lambdaCalls('StopStream')).toEqual([]);
    expect(s.emulator.state.isLive(arn)).toBe(true);

    // WHEN the stream stops and the stack is destroyed again THEN
    s.emulator.state.setLive(arn, false);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  scenario(scan, 'live channel with stopStreamOnDelete: an update waits for the stream to end; destroy stops the stream, then deletes', async (s) => {
    // GIVEN a live channel with stopStreamOnDelete, whose stream ends right after IVS first refuses the update
    const d = await s.deploy(channelStack(s, 'e2e-stop', { stopStreamOnDelete: true }));
    const arn = s.channel('e2e-stop').arn;
    s.emulator.state.setLive(arn);
    s.onRequest((e) => {
      if (e.operation === 'UpdateChannel' && e.status === 409) s.emulator.state.setLive(arn, false);
    });

    // WHEN updated
    const updated = await d.update(channelStack(s, 'e2e-stop', { latencyMode: LatencyMode.NORMAL, stopStreamOnDelete: true }));

    // THEN the handler retried the 409 until the stream ended
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(step(updated, 'Channel', { resourceType: CHANNEL }).logs.some((l) => l.includes('(409), retrying in'))).toBe(true);
    expect(s.lambdaCalls('UpdateChannel').map((e) => e.status)).toEqual([409, 200]);
    expect(s.channel('e2e-stop').latencyMode).toBe('NORMAL');

    // WHEN destroyed while live again
    s.emulator.state.setLive(arn);
    s.emulator.clearLog();
    const deleted = await d.destroy();

    // THEN the key was revoked and the stream stopped and over first, so DeleteChannel was never refused
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(s.emulator.calls({ service: 'ivs' }).map((e) => [e.operation, e.status])).toEqual([
      ['ListStreamKeys', 200], ['DeleteStreamKey', 204], ['StopStream', 200], ['GetStream', 404], ['DeleteChannel', 204],
    ]);
    s.expectNothingLeft();
  });
});

describe('quotas and credentials', () => {
  scenario(scan, 'second stream key: a StreamKey adopts the key the channel has (no ServiceQuotaExceeded); on a keyless channel it creates one', async (s) => {
    // GIVEN channel A with a StreamKey whose value the app references (NoEcho), and channel B
    const app = (withFreshKey: boolean) => s.synthStack((stack) => {
      const a = new Channel(stack, 'A', { channelName: 'e2e-a' });
      const key = new StreamKey(stack, 'Key', { channel: a, storeStreamKeyInSecret: true });
      new CfnOutput(stack, 'KeyValue', { value: key.streamKeyValue });
      const b = new Channel(stack, 'B', { channelName: 'e2e-b' });
      if (withFreshKey) new StreamKey(stack, 'Fresh', { channel: b });
    });

    // WHEN deployed
    const d = await s.deploy(app(false));

    // THEN the key CreateChannel made was adopted: no CreateStreamKey, no quota error
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const a = s.channel('e2e-a');
    const keyArn = d.resource(logicalIdOf(d, 'Key', STREAM_KEY))!.physicalId;
    expect(s.emulator.state.streamKeysOf(a.arn).map((k) => k.arn)).toEqual([keyArn]);
    expect(step(d.result, 'A', { resourceType: CHANNEL }).data).toMatchObject({ DefaultStreamKeyArn: keyArn });
    expect(s.emulator.calls('CreateStreamKey')).toEqual([]);
    expect(s.emulator.calls({ errorType: 'ServiceQuotaExceededException' })).toEqual([]);
    // its value travelled under NoEcho: masked in the output, the record and the logs (see the scan)
    const keyStep = step(d.result, 'Key', { resourceType: STREAM_KEY });
    expect(keyStep).toMatchObject({ noEcho: true, data: { StreamKeyValue: '*****' } });
    expect(d.outputs.KeyValue).toBe('****');
    expect(d.resource(keyStep.logicalId)!.data.StreamKeyValue).toBe(s.emulator.state.getStreamKeyValue(keyArn));
    expect(s.secretJson<StreamSecretValue>(String(keyStep.properties!.SecretArn))).toMatchObject({ streamKeyArn: keyArn, channelArn: a.arn });
    // ... which is what IVS requires: a second key on the channel is refused
    const second = await failure(s.ivs.send(new CreateStreamKeyCommand({ channelArn: a.arn })));
    expect(second.name).toBe('ServiceQuotaExceededException');
    expect(second.exceptionMessage).toMatch(/^Request would cause a service quota to be exceeded\. Stream keys per channel: 1/);

    // WHEN B's key is deleted behind the stack's back, and an update gives B a StreamKey
    const b = s.channel('e2e-b');
    await s.ivs.send(new DeleteStreamKeyCommand({ arn: s.emulator.state.streamKeysOf(b.arn)[0].arn }));
    const updated = await d.update(app(true));

    // THEN that one created a key, tagged as made by StreamKey
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    const fresh = d.resource(logicalIdOf(d, 'Fresh', STREAM_KEY))!.physicalId;
    expect(s.lambdaCalls('CreateStreamKey').map((e) => [e.arn, e.status])).toEqual([[b.arn, 200]]);
    const freshRequest = step(updated, 'Fresh', { resourceType: STREAM_KEY, requestType: 'Create' }).requestId;
    expect(s.emulator.state.streamKeysOf(b.arn).map((k) => [k.arn, k.tags])).toEqual([[fresh, { [REQUEST_TAG]: madeByRequest(freshRequest) }]]);

    // WHEN destroyed THEN
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  scenario(scan, 'playback key pair quota: the 4th pair of a stack fails with IVS\'s ServiceQuotaExceededException, the rollback removes the other 3', async (s) => {
    // GIVEN four generated playback key pairs in one stack (IVS allows 3 per account and region)
    const dir = s.synthStack((stack) => {
      for (let i = 1; i <= 4; i++) new PlaybackKeyPair(stack, `Pair${i}`, { playbackKeyPairName: `e2e-pair-${i}` });
    });

    // WHEN deployed
    const d = await s.deploy(dir);

    // THEN exactly one failed, with IVS's words, and the rollback deleted the three others and the secrets
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    const [failed, ...moreFailed] = failures(d.result);
    expect(moreFailed).toEqual([]);
    const name = `e2e-pair-${failed.logicalId.charAt(4)}`;
    expect(failed.reason).toBe(`${KEY_PAIR} ${failed.logicalId} (${name}): ImportPlaybackKeyPair failed: ServiceQuotaExceededException: `
      + 'Request would cause a service quota to be exceeded. Playback key pairs per account and region: 3.');
    expect(d.result.reason).toBe(`The following resource(s) failed to create: [${failed.logicalId}]. Rollback requested by user.`);
    const imported = s.lambdaCalls('ImportPlaybackKeyPair').filter((e) => e.status === 200);
    expect(imported).toHaveLength(3);
    expect(steps(d.result, 'Pair', { resourceType: KEY_PAIR, phase: 'rollback', requestType: 'Delete' }).map((r) => r.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(s.lambdaCalls('DeletePlaybackKeyPair').filter((e) => ok(e.status))).toHaveLength(3);
    s.expectNothingLeft();
  });

  scenario(scan, 'renaming a playback key pair of your own key is refused with what to do; the rollback keeps the pair, which still plays tokens', async (s) => {
    // GIVEN a pair imported from the user's public key
    const publicKeyMaterial = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pair = (name: string) => s.synthStack((stack) => { new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: name, publicKeyMaterial }); });
    const d = await s.deploy(pair('e2e-viewers'));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const before = s.emulator.state.snapshot().playbackKeyPairs;

    // WHEN it is renamed
    const renamed = await d.update(pair('e2e-viewers-2'));

    // THEN IVS could only rename it by deleting it first, which a rollback could not undo: refused, rolled back, the pair untouched
    expect(renamed.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const refused = step(renamed, 'Pair', { resourceType: KEY_PAIR, phase: 'update' });
    expect(refused.reason).toContain('IVS holds one playback key pair per public key, so');
    expect(refused.reason).toContain('keep the name, or give the new name with a new publicKeyMaterial (a new key)');
    expect(s.lambdaCalls('DeletePlaybackKeyPair')).toEqual([]);
    expect(s.emulator.state.snapshot().playbackKeyPairs).toEqual(before);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  for (const wrong of [
    {
      what: 'an access key IVS does not know',
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY123456', secretAccessKey: 'NotAKeyTheEmulatorKnows+0000000000000000' },
      error: 'UnrecognizedClientException: The security token included in the request is invalid.',
    },
    {
      what: 'a known access key with the wrong secret',
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'WrongSecretAccessKey+000000000000000000' },
      error: 'InvalidSignatureException: The request signature we calculated does not match the signature you provided. '
        + 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    },
  ]) {
    scenario(scan, `wrong credentials (${wrong.what}): the reason shows the service's refusal, and nothing was created`, async (s) => {
      // GIVEN the Lambda gets credentials AWS refuses (CloudFormation's own are fine)
      // WHEN deployed
      const d: Deployment = await s.deploy(channelStack(s, 'e2e-credentials'), 'E2e', { credentials: wrong.credentials });

      // THEN the first call, the create's claim (Secrets Manager), was refused: its words, and no IVS call
      expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
      const failed = step(d.result, 'Channel', { resourceType: CHANNEL, requestType: 'Create' });
      expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-credentials): CreateSecret failed: ${wrong.error}`);
      const unauthenticated = s.emulator.log.filter((e) => e.account === undefined && (e.service === 'secretsmanager' || e.service === 'ivs'));
      expect(unauthenticated.map((e) => [e.service, e.operation, e.status])).toEqual([['secretsmanager', 'CreateSecret', 400]]);
      expect(s.emulator.calls({ service: 'ivs' })).toEqual([]);
      s.expectNothingLeft();
    });
  }
});

leakScanTest(scan, ['stream key', 'SRT passphrase', 'private key']);
