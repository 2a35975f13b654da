// How the provider's requests reach IVS and how CloudFormation's events reach the provider (issue 7's
// defects), end to end: one Create delivered twice (one after the other, or at once), reads that miss
// what was just made, creates retried after throttling and the list after them, and several stacks
// sharing IVS's rate quota. Each scenario has its own emulator and runs as the fixed provider role and
// as the template role under enforceIam (service-modes.ts).
import { generateKeyPairSync } from 'node:crypto';
import { CreateChannelCommand, DeleteChannelCommand, DeleteStreamKeyCommand } from '@aws-sdk/client-ivs';
import { Channel, PlaybackKeyPair, StreamKey } from 'cdk-ivs';
import { CLAIM_PREFIX, type PlaybackKeyPairSecretValue, type StreamSecretValue } from '../../lib/contract';
import { VISIBILITY_NAMED_VARIANTS } from '../emulator';
import type { Deployment } from '../harness';
import { LeakScan, type Scenario, leakScanTest, logicalIdOf, maxPerSecond, step } from './helpers';
import { CHANNEL, KEY_PAIR, STREAM_KEY, answers, modeScenario, providerCalls } from './service-modes';

const scan = new LeakScan();

/** A channel made behind the stack's back, whose stream key is deleted: a StreamKey on it has to create one. */
async function keylessChannel(s: Scenario, name: string): Promise<string> {
  const { channel, streamKey } = await s.ivs.send(new CreateChannelCommand({ name }));
  await s.ivs.send(new DeleteStreamKeyCommand({ arn: streamKey!.arn! }));
  return channel!.arn!;
}

/** The stack's channel `Live`, generated pair `Pair` and StreamKey `Key` (on `keyless`) each hold what IVS holds, once, and their secrets name it. */
function expectOneOfEach(s: Scenario, d: Deployment, keyless: string): void {
  const { channels, playbackKeyPairs, streamKeys } = s.emulator.state.snapshot();
  const live = d.resource(logicalIdOf(d, 'Live', CHANNEL))!;
  const pair = d.resource(logicalIdOf(d, 'Pair', KEY_PAIR))!;
  const key = d.resource(logicalIdOf(d, 'Key', STREAM_KEY))!;
  expect(channels.map((c) => c.arn).sort()).toEqual([live.physicalId, keyless].sort());
  expect(playbackKeyPairs.map((p) => p.arn)).toEqual([pair.physicalId]);
  expect(streamKeys.filter((k) => k.channelArn === keyless).map((k) => k.arn)).toEqual([key.physicalId]);
  expect(s.secretJson<StreamSecretValue>(String(live.properties.SecretArn)).channelArn).toBe(live.physicalId);
  const pairSecret = s.secretJson<PlaybackKeyPairSecretValue>(String(pair.properties.SecretArn));
  expect(pairSecret.playbackKeyPairArn).toBe(pair.physicalId);
  expect(pairSecret.publicKey).toBe(s.emulator.state.playbackKeyPairs.get(pair.physicalId)!.publicKeyPem);
  expect(s.secretJson<StreamSecretValue>(String(key.properties.SecretArn))).toMatchObject({
    channelArn: keyless, streamKeyArn: key.physicalId, streamKey: s.emulator.state.getStreamKeyValue(key.physicalId),
  });
}

/**
 * How the two deliveries meet: one after the other; at once (CloudFormation taking the first answer or the last);
 * at once with the second starting 300 ms later while the first one's creates take 2 s to reach IVS, so the
 * later delivery would create first (a claim deleted without recovery then reads as not found: describeWhilePurging);
 * and at once with the second starting 1.5 s later while the first one's claims take 5 s to reach Secrets Manager
 * (throttled and retried, say), so the delivery that started first claims and creates after the other one finished.
 */
const DELIVERIES: ReadonlyArray<{
  readonly mode: 'sequential' | 'concurrent'; readonly duplicateAnswers: 'first' | 'last'; readonly staggerMs?: number;
  readonly describeWhilePurging?: 'deleted' | 'not-found'; readonly lateClaimMs?: number;
}> = [
  { mode: 'sequential', duplicateAnswers: 'first' },
  { mode: 'concurrent', duplicateAnswers: 'first' },
  { mode: 'concurrent', duplicateAnswers: 'last' },
  { mode: 'concurrent', duplicateAnswers: 'first', staggerMs: 300, describeWhilePurging: 'not-found' },
  { mode: 'concurrent', duplicateAnswers: 'first', staggerMs: 1_500, lateClaimMs: 5_000 },
];

/** The claims (lambda/claim.ts) the emulator holds, but those being deleted. */
function claims(s: Scenario): string[] {
  return [...s.emulator.state.secrets.values()].filter((x) => x.name.startsWith(`${CLAIM_PREFIX}/`) && !x.purging).map((x) => x.name);
}

describe('the same Create delivered twice', () => {
  for (const { mode, duplicateAnswers, staggerMs, describeWhilePurging, lateClaimMs } of DELIVERIES) {
    const how = !staggerMs ? mode : lateClaimMs
      ? `${mode}, the second ${staggerMs} ms later while the first one's claims take ${lateClaimMs / 1000} s`
      : `${mode}, the second ${staggerMs} ms later while the first one's creates take 2 s`;
    modeScenario(scan, `${how}, CloudFormation taking the ${duplicateAnswers} answer: one channel, one generated pair, one stream key, and both deliveries answer its ID`, async (s, deploy) => {
      // GIVEN a channel, a generated pair and a StreamKey on a keyless channel, every Create delivered twice
      const keyless = await keylessChannel(s, 'e2e-keyless');
      const dir = s.synthStack((stack) => {
        new Channel(stack, 'Live', { channelName: 'e2e-twice', storeStreamKeyInSecret: true });
        new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-twice' });
        new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'Keyless', keyless), storeStreamKeyInSecret: true });
      });
      // the first delivery's claims of the channel and the pair (the stream key takes none)
      const slowed = lateClaimMs ? s.emulator.faults.set('secretsmanager:CreateSecret', { latencyMs: lateClaimMs, times: 2, arn: new RegExp(`^${CLAIM_PREFIX}/`) })
        : staggerMs ? [
          ...s.emulator.faults.set('CreateChannel', { latencyMs: 2_000, times: 1 }),
          ...s.emulator.faults.set('ImportPlaybackKeyPair', { latencyMs: 2_000, times: 1 }),
        ] : [];

      // WHEN deployed
      const d = await deploy(dir, 'E2e', { duplicateDeliveries: [{ requestType: 'Create', mode, staggerMs }], duplicateAnswers });

      // THEN each was delivered twice, both deliveries succeeded with the same physical ID, and that one exists, once
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      expect(slowed.map((r) => r.applied)).toEqual(lateClaimMs ? [2] : staggerMs ? [1, 1] : []);
      for (const [id, type] of [['Live', CHANNEL], ['Pair', KEY_PAIR], ['Key', STREAM_KEY]]) {
        const created = step(d.result, id, { resourceType: type, requestType: 'Create' });
        expect(created.deliveries).toBe(2);
        expect(answers(created)).toEqual([['SUCCESS', created.physicalId], ['SUCCESS', created.physicalId]]);
      }
      expectOneOfEach(s, d, keyless);
      const done = (op: string) => providerCalls(s, op).filter((e) => e.status >= 200 && e.status < 300).length;
      expect(done('CreateChannel') - done('DeleteChannel')).toBe(1);
      expect(done('ImportPlaybackKeyPair') - done('DeletePlaybackKeyPair')).toBe(1);
      // overlapping for sure (the slowed creates), the second delivery waited for the first and made nothing; a late
      // claim came after the other delivery let go, so its delivery made one too, and deleted it; no claim is left
      if (staggerMs) expect([done('CreateChannel'), done('ImportPlaybackKeyPair')]).toEqual(lateClaimMs ? [2, 2] : [1, 1]);
      expect(claims(s)).toEqual([]);

      // WHEN destroyed THEN nothing is left but the channel made behind the stack's back (its key stays with it)
      expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
      expect(s.emulator.state.snapshot().channels.map((c) => c.arn)).toEqual([keyless]);
      await s.ivs.send(new DeleteChannelCommand({ arn: keyless }));
      s.expectNothingLeft();
    }, { emulator: { visibility: { lagMsByType: { 'stream-key': 1_000 } }, ...(describeWhilePurging && { secretsManager: { describeWhilePurging } }) } });
  }
});

describe('reads that miss what was just made', () => {
  for (const named of VISIBILITY_NAMED_VARIANTS) {
    modeScenario(scan, `a StreamKey right after CreateChannel, and the sweeps after creates whose answers were lost, with reads 1.5 s behind (named: ${named})`, async (s, deploy) => {
      // GIVEN reads that miss a resource for 1.5 s after its create, and the first CreateChannel and
      // ImportPlaybackKeyPair answers lost after they took effect (the SDK sends them again)
      const lost = [
        ...s.emulator.faults.set('CreateChannel', { reset: true, afterEffect: true, times: 1 }),
        ...s.emulator.faults.set('ImportPlaybackKeyPair', { reset: true, afterEffect: true, times: 1 }),
      ];
      const dir = s.synthStack((stack) => {
        const live = new Channel(stack, 'Live', { channelName: 'e2e-lag', storeStreamKeyInSecret: true });
        new StreamKey(stack, 'Key', { channel: live, storeStreamKeyInSecret: true });
        new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-lag' });
      });

      // WHEN deployed
      const d = await deploy(dir);

      // THEN one of each, in one invocation each: the StreamKey adopted the channel's key once it could see it
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      expect(lost.map((r) => r.applied)).toEqual([1, 1]);
      expect(d.result.records.filter((r) => r.kind === 'custom').map((r) => [r.status, r.invocations])).toEqual([['SUCCESS', 1], ['SUCCESS', 1], ['SUCCESS', 1]]);
      const { channels, streamKeys, playbackKeyPairs } = s.emulator.state.snapshot();
      const live = d.resource(logicalIdOf(d, 'Live', CHANNEL))!;
      const key = d.resource(logicalIdOf(d, 'Key', STREAM_KEY))!;
      const pair = d.resource(logicalIdOf(d, 'Pair', KEY_PAIR))!;
      expect(channels.map((c) => c.arn)).toEqual([live.physicalId]);
      expect(streamKeys.map((k) => [k.arn, k.channelArn])).toEqual([[key.physicalId, live.physicalId]]);
      expect(playbackKeyPairs.map((p) => p.arn)).toEqual([pair.physicalId]);
      expect(providerCalls(s, 'CreateStreamKey').filter((e) => e.status === 200)).toEqual([]);
      // the secrets name what exists
      const channelSecret = s.secretJson<StreamSecretValue>(String(live.properties.SecretArn));
      expect(channelSecret).toMatchObject({
        channelArn: live.physicalId, streamKeyArn: key.physicalId, streamKey: s.emulator.state.getStreamKeyValue(key.physicalId),
      });
      expect(s.secretJson<StreamSecretValue>(String(key.properties.SecretArn))).toEqual(channelSecret);
      expect(s.secretJson<PlaybackKeyPairSecretValue>(String(pair.properties.SecretArn)).playbackKeyPairArn).toBe(pair.physicalId);
      // the channel sweep found both channels of its request once it could see them, and deleted the one not kept
      expect(providerCalls(s, 'CreateChannel').map((e) => e.status)).toEqual([0, 200]);
      expect(providerCalls(s, 'DeleteChannel').map((e) => e.status)).toEqual([204]);

      // WHEN destroyed THEN
      expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
      s.expectNothingLeft();
    }, { emulator: { visibility: { lagMs: 1_500, named } } });
  }
});

describe('throttled creates', () => {
  modeScenario(scan, 'creates retried only after 429s: the one sweep of a channel, no list for a stream key or a pair of one\'s own key', async (s, deploy) => {
    // GIVEN every create answers 429 three times first (the injected 429s are the subject: four ImportPlaybackKeyPair
    // tries can fall within one second, over its real 3 TPS, whose own 429s would add to the count; it is lifted below)
    const own = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const app = (rotation: string) => s.synthStack((stack) => {
      const live = new Channel(stack, 'Live', { channelName: 'e2e-throttled' });
      new StreamKey(stack, 'Key', { channel: live, rotation });
      new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-own', publicKeyMaterial: own });
    });
    const throttle = (op: string) => s.emulator.faults.set(op, { error: 'ThrottlingException', times: 3 });
    const storm = [...throttle('CreateChannel'), ...throttle('ImportPlaybackKeyPair')];

    // WHEN deployed
    const d = await deploy(app('1'));

    // THEN each create was sent until IVS took it, and a throttled request, never executed, led to no list
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(storm.map((r) => r.applied)).toEqual([3, 3]);
    expect(providerCalls(s, 'CreateChannel').map((e) => e.status)).toEqual([429, 429, 429, 200]);
    expect(providerCalls(s, 'ImportPlaybackKeyPair').map((e) => e.status)).toEqual([429, 429, 429, 200]);
    expect(providerCalls(s, 'ListChannels')).toHaveLength(1);
    expect(providerCalls(s, 'ListPlaybackKeyPairs')).toEqual([]);

    // WHEN the key is rotated, its CreateStreamKey throttled the same way
    const [keyStorm] = throttle('CreateStreamKey');
    const rotated = await d.update(app('2'));

    // THEN no ListStreamKeys after the create (IVS allows one key per channel: nothing to sweep)
    expect(rotated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(keyStorm.applied).toBe(3);
    const creates = providerCalls(s, 'CreateStreamKey');
    expect(creates.map((e) => e.status)).toEqual([429, 429, 429, 200]);
    expect(providerCalls(s, 'ListStreamKeys').filter((e) => e.seq > creates[0].seq)).toEqual([]);
    expect(s.emulator.state.streamKeysOf(s.channel('e2e-throttled').arn).map((k) => k.arn)).toEqual([d.resource(logicalIdOf(d, 'Key', STREAM_KEY))!.physicalId]);

    // WHEN destroyed THEN
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  }, { emulator: { throttle: { rates: { ImportPlaybackKeyPair: Infinity } } } });

  modeScenario(scan, 'the list after a create fails: the channel the create made is deleted, and the reason says both', async (s, deploy) => {
    // GIVEN a CreateChannel throttled once, then taken, and a ListChannels IAM refuses
    s.emulator.faults.set('CreateChannel', { error: 'ThrottlingException', times: 1 });
    s.emulator.faults.set('ListChannels', { error: 'AccessDeniedException' });

    // WHEN a channel with its secret is deployed
    const d = await deploy(s.synthStack((stack) => { new Channel(stack, 'Live', { channelName: 'e2e-list-fails', storeStreamKeyInSecret: true }); }));

    // THEN the create failed naming the list, after deleting the channel it had made; nothing is left
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(providerCalls(s, 'CreateChannel').map((e) => e.status)).toEqual([429, 200]);
    expect(providerCalls(s, 'DeleteChannel').map((e) => e.status)).toEqual([204]);
    const deleted = providerCalls(s, 'DeleteChannel')[0].arn!;
    const failed = step(d.result, 'Live', { resourceType: CHANNEL, requestType: 'Create' });
    expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-list-fails): ListChannels failed: AccessDeniedException: `
      + `User does not have sufficient access to perform this action. (deleted ${deleted}, which this request had created)`);
    expect(providerCalls(s, 'PutSecretValue')).toEqual([]);
    s.expectNothingLeft();
  });

  modeScenario(scan, 'a create throttled 12 times in a row (every attempt of a fixed 12) is sent until IVS takes it, well before the deadline', async (s, deploy) => {
    // GIVEN CreateChannel answers 429 twelve times
    const [storm] = s.emulator.faults.set('CreateChannel', { error: 'ThrottlingException', times: 12 });

    // WHEN a channel is deployed
    const d = await deploy(s.synthStack((stack) => { new Channel(stack, 'Live', { channelName: 'e2e-patient' }); }));

    // THEN the 13th try made it, in one invocation
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(storm.applied).toBe(12);
    expect(providerCalls(s, 'CreateChannel').map((e) => e.status)).toEqual([...Array(12).fill(429), 200]);
    expect(step(d.result, 'Live', { resourceType: CHANNEL }).invocations).toBe(1);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  }, { timeoutMs: 150_000 });

  modeScenario(scan, 'three stacks deploying at once share a quota lowered to 1 TPS: every resource made once, in one invocation, the quota held', async (s, deploy) => {
    // GIVEN three stacks of three channels each (with secrets), and 1 request per second for channel creates, lists and deletes
    for (const op of ['CreateChannel', 'ListChannels', 'DeleteChannel']) s.emulator.throttle.setRate(op, 1);
    const dirs = [0, 1, 2].map((n) => s.synthStack((stack) => {
      for (let i = 0; i < 3; i++) new Channel(stack, `Channel${i}`, { channelName: `e2e-load-${n}-${i}`, storeStreamKeyInSecret: true });
    }, `Load${n}`));

    // WHEN all three are deployed at once
    const stacks = await Promise.all(dirs.map((dir, n) => deploy(dir, `Load${n}`)));

    // THEN all succeeded, each channel made once in one invocation, after throttling that held the quota
    for (const d of stacks) {
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      expect(d.result.records.filter((r) => r.kind === 'custom').map((r) => [r.status, r.invocations])).toEqual(Array(3).fill(['SUCCESS', 1]));
    }
    expect(s.emulator.state.snapshot().channels).toHaveLength(9);
    expect(providerCalls(s, 'CreateChannel').filter((e) => e.status === 200)).toHaveLength(9);
    expect(providerCalls(s, 'CreateChannel').filter((e) => e.status === 429).length).toBeGreaterThan(0);
    expect(maxPerSecond(providerCalls(s, 'CreateChannel').filter((e) => e.status === 200).map((e) => e.time.getTime()))).toBeLessThanOrEqual(2);

    // WHEN all three are destroyed at once THEN
    const deleted = await Promise.all(stacks.map((d) => d.destroy()));
    expect(deleted.map((r) => r.stackStatus)).toEqual(Array(3).fill('DELETE_COMPLETE'));
    expect(providerCalls(s, 'DeleteChannel').filter((e) => e.status === 429).length).toBeGreaterThan(0);
    s.expectNothingLeft();
  }, { timeoutMs: 180_000 });
});

leakScanTest(scan, ['stream key', 'SRT passphrase', 'private key']);
