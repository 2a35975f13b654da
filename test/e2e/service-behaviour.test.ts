// Where IVS and CloudFormation behave in ways a handler can easily get wrong (issue 7's defects),
// end to end: the shipped bundle, the harness playing CloudFormation, the emulator playing IVS and
// Secrets Manager. Rollbacks of replaced key pairs (proven by playing signed tokens at the playback
// edge), encoders that reconnect after StopStream, conflicts that are not live streams, a Delete of
// a physical ID CloudFormation made up, presets after a type change, a removed ad configuration, and
// secret versions written only for new values.
//
// Every scenario has its own emulator and runs twice (service-modes.ts): as the fixed provider role,
// and as the provider's template role with the emulator evaluating its policies.
import { generateKeyPairSync } from 'node:crypto';
import { CreateChannelCommand, CreateStreamKeyCommand, DeleteChannelCommand, DeleteStreamKeyCommand } from '@aws-sdk/client-ivs';
import { CfnParameter, type CfnResource, type Stack } from 'aws-cdk-lib';
import { Channel, ChannelType, LatencyMode, PlaybackKeyPair, Preset, RecordingConfiguration, StreamKey } from 'cdk-ivs';
import type { PlaybackKeyPairSecretValue, StreamSecretValue } from '../../lib/contract';
import { CHANNEL_RULE_VARIANTS, TEST_ACCOUNT_ID } from '../emulator';
import { LeakScan, type Scenario, leakScanTest, logicalIdOf, step } from './helpers';
import { CHANNEL, KEY_PAIR, STREAM_KEY, modeScenario, playWithToken, providerCalls } from './service-modes';

const scan = new LeakScan();

/** A Lambda Timeout whose deadline (Timeout - 10 s) comes 10 s after an invocation starts. */
const TIMEOUT_S = 20;

/** A recording configuration that does not exist (the emulator's default region and the test account). */
const GONE_RECORDING = `arn:aws:ivs:us-east-1:${TEST_ACCOUNT_ID}:recording-configuration/GoneGoneGone`;

/** An ECDSA P-384 key pair of the user's own, in PEM. */
function ownKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('ec', {
    namedCurve: 'secp384r1', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/**
 * The private channel `e2e-members` whose playback proves which pairs exist, and `e2e-later`, which
 * depends on `after` and, with `fail`, fails its update: its recording configuration does not exist.
 */
function channels(stack: Stack, after: PlaybackKeyPair, fail: boolean): void {
  new Channel(stack, 'Members', { channelName: 'e2e-members', authorized: true });
  const recordingConfiguration = fail ? RecordingConfiguration.fromRecordingConfigurationArn(stack, 'Gone', GONE_RECORDING) : undefined;
  new Channel(stack, 'Later', { channelName: 'e2e-later', recordingConfiguration }).node.addDependency(after);
}

describe('a replaced playback key pair and a rollback', () => {
  modeScenario(scan, 'your own key renamed in an update that fails: refused, the rollback keeps the pair, and a private channel plays its tokens', async (s, deploy) => {
    // GIVEN a pair of the user's key, and a live private channel that plays tokens signed with it
    const own = ownKeyPair();
    const app = (name: string, publicKeyMaterial: string, fail: boolean) => s.synthStack((stack) => {
      channels(stack, new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: name, publicKeyMaterial }), fail);
    });
    const d = await deploy(app('e2e-viewers', own.publicKey, false));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const members = s.channel('e2e-members').arn;
    s.emulator.state.setLive(members);
    const pairId = logicalIdOf(d, 'Pair', KEY_PAIR);
    const original = d.resource(pairId)!.physicalId;
    expect(await playWithToken(s, members, own.privateKey)).toBe(200);

    // WHEN an update renames the pair, and a channel updated after it fails
    const updated = await d.update(app('e2e-viewers-2', own.publicKey, true));

    // THEN the update rolled back, and the pair the stack records is there: the user's tokens still play
    expect(updated.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(d.resource(pairId)!.physicalId).toBe(original);
    expect(s.emulator.state.snapshot().playbackKeyPairs.map((p) => [p.arn, p.name])).toEqual([[original, 'e2e-viewers']]);
    expect(await playWithToken(s, members, own.privateKey)).toBe(200);
    // the rename was refused before anything was deleted, saying what to do
    const refused = step(updated, 'Pair', { resourceType: KEY_PAIR, phase: 'update' });
    expect(refused.status).toBe('FAILED');
    expect(refused.reason).toContain('keep the name, or give the new name with a new publicKeyMaterial (a new key)');
    expect(providerCalls(s, 'DeletePlaybackKeyPair')).toEqual([]);

    // WHEN the new name comes with a new key
    const next = ownKeyPair();
    const renamed = await d.update(app('e2e-viewers-2', next.publicKey, false));

    // THEN the new pair replaced the old one: the new key's tokens play, the old key's no longer
    expect(renamed.stackStatus).toBe('UPDATE_COMPLETE');
    const replacement = d.resource(pairId)!.physicalId;
    expect(s.emulator.state.snapshot().playbackKeyPairs.map((p) => [p.arn, p.name])).toEqual([[replacement, 'e2e-viewers-2']]);
    expect(replacement).not.toBe(original);
    expect(await playWithToken(s, members, next.privateKey)).toBe(200);
    expect(await playWithToken(s, members, own.privateKey)).toBe(403);

    // WHEN destroyed THEN
    s.emulator.state.setLive(members, false);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  for (const properties of ['new', 'old'] as const) {
    modeScenario(scan, `a generated pair renamed in an update that fails: the rollback keeps the old pair and its secret signs for it (the rollback's Delete has the ${properties} properties)`, async (s, deploy) => {
      // GIVEN a generated pair, and a live private channel that plays tokens signed with its secret
      const app = (name: string, fail: boolean) => s.synthStack((stack) => {
        channels(stack, new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: name }), fail);
      });
      const d = await deploy(app('e2e-keys', false), 'E2e', { replacementRollback: { properties } });
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      const members = s.channel('e2e-members').arn;
      s.emulator.state.setLive(members);
      const pairId = logicalIdOf(d, 'Pair', KEY_PAIR);
      const original = d.resource(pairId)!.physicalId;
      const secretArn = String(d.resource(pairId)!.properties.SecretArn);
      const originalSecret = s.emulator.state.getSecretString(secretArn)!;
      expect(await playWithToken(s, members, originalSecret)).toBe(200);

      // WHEN an update renames the pair (a new pair, a new private key), and a channel updated after it fails
      const updated = await d.update(app('e2e-keys-2', true));

      // THEN the new pair was made, and deleted by the rollback's cleanup; the stack keeps the old one
      expect(updated.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      const replaced = step(updated, 'Pair', { resourceType: KEY_PAIR, phase: 'update' });
      expect(replaced.status).toBe('SUCCESS');
      expect(replaced.physicalId).not.toBe(original);
      expect(step(updated, 'Pair', { resourceType: KEY_PAIR, requestType: 'Delete' })).toMatchObject({ phase: 'cleanup', status: 'SUCCESS', requestPhysicalId: replaced.physicalId });
      expect(d.resource(pairId)!.physicalId).toBe(original);
      expect(s.emulator.state.snapshot().playbackKeyPairs.map((p) => [p.arn, p.name])).toEqual([[original, 'e2e-keys']]);
      // ... and the secret matches that pair: its ARN, its public key, and a private key whose tokens play
      const secret = s.secretJson<PlaybackKeyPairSecretValue>(secretArn);
      expect(secret.playbackKeyPairArn).toBe(original);
      expect(secret.publicKey).toBe(s.emulator.state.playbackKeyPairs.get(original)!.publicKeyPem);
      expect(await playWithToken(s, members, s.emulator.state.getSecretString(secretArn)!)).toBe(200);
      expect(providerCalls(s, 'GetSecretValue')).toEqual([]);

      // WHEN the rename is deployed again, without the failure
      const renamed = await d.update(app('e2e-keys-2', false));

      // THEN the new pair replaced the old; the secret signs for it, and the old private key no longer plays
      expect(renamed.stackStatus).toBe('UPDATE_COMPLETE');
      const replacement = d.resource(pairId)!.physicalId;
      expect(s.emulator.state.snapshot().playbackKeyPairs.map((p) => [p.arn, p.name])).toEqual([[replacement, 'e2e-keys-2']]);
      expect(s.secretJson<PlaybackKeyPairSecretValue>(secretArn).playbackKeyPairArn).toBe(replacement);
      expect(await playWithToken(s, members, s.emulator.state.getSecretString(secretArn)!)).toBe(200);
      expect(await playWithToken(s, members, originalSecret)).toBe(403);

      // WHEN destroyed THEN
      s.emulator.state.setLive(members, false);
      expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
      s.expectNothingLeft();
    });
  }
});

describe('secret versions', () => {
  modeScenario(scan, 'a new version only for a new value: tag-only and other updates that leave the value as it was add none', async (s, deploy) => {
    // GIVEN a channel with its secret and a generated pair, tagged per version
    type Version = { tags: Record<string, string>; latencyMode?: LatencyMode };
    const app = (v: Version) => s.synthStack((stack) => {
      new Channel(stack, 'Live', { channelName: 'e2e-versions', storeStreamKeyInSecret: true, tags: v.tags, latencyMode: v.latencyMode });
      new PlaybackKeyPair(stack, 'Pair', { playbackKeyPairName: 'e2e-versions', tags: v.tags });
    });
    const d = await deploy(app({ tags: { v: '1' } }));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    const liveSecret = String(d.resource(logicalIdOf(d, 'Live', CHANNEL))!.properties.SecretArn);
    const pairSecret = String(d.resource(logicalIdOf(d, 'Pair', KEY_PAIR))!.properties.SecretArn);
    const versions = () => [liveSecret, pairSecret].map((arn) => s.emulator.state.snapshot().secrets.find((x) => x.arn === arn)?.versions);
    expect(versions()).toEqual([1, 1]);
    const value = s.emulator.state.getSecretString(liveSecret);

    // WHEN the tags change, twice, and then the latency mode (none of which is in the secret)
    const changes: Version[] = [{ tags: { v: '2' } }, { tags: { v: '3', more: 'x' } }, { tags: { v: '3', more: 'x' }, latencyMode: LatencyMode.NORMAL }];
    for (const v of changes) {
      expect((await d.update(app(v))).stackStatus).toBe('UPDATE_COMPLETE');
    }

    // THEN the channel's updates wrote its secret each time, and no version was added
    expect(s.channel('e2e-versions')).toMatchObject({ latencyMode: 'NORMAL', tags: expect.objectContaining({ v: '3', more: 'x' }) });
    expect(providerCalls(s, 'PutSecretValue').filter((e) => e.arn === liveSecret).map((e) => e.status)).toEqual([200, 200, 200, 200]);
    expect(versions()).toEqual([1, 1]);
    expect(s.emulator.state.getSecretString(liveSecret)).toBe(value);
    // the handler never read a value
    expect(providerCalls(s, 'GetSecretValue')).toEqual([]);

    // WHEN the channel's key changes behind the stack's back, and the next update runs
    const channelArn = s.channel('e2e-versions').arn;
    await s.ivs.send(new DeleteStreamKeyCommand({ arn: s.emulator.state.streamKeysOf(channelArn)[0].arn }));
    const fresh = await s.ivs.send(new CreateStreamKeyCommand({ channelArn }));
    expect((await d.update(app({ tags: { v: '4' }, latencyMode: LatencyMode.NORMAL }))).stackStatus).toBe('UPDATE_COMPLETE');

    // THEN the new value is a new version, and the current one
    expect(versions()).toEqual([2, 1]);
    expect(s.secretJson<StreamSecretValue>(liveSecret)).toMatchObject({ streamKeyArn: fresh.streamKey!.arn, streamKey: fresh.streamKey!.value });

    // WHEN destroyed THEN
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });
});

describe('conflicts, live streams and deletes', () => {
  modeScenario(scan, 'a 409 that is not a live stream: retried (GetStream says not live), and when it persists the reason says so', async (s, deploy) => {
    // GIVEN a channel IVS refuses to update twice with ConflictException, while it is not live
    const app = (latencyMode: LatencyMode) => s.synthStack((stack) => {
      new Channel(stack, 'Channel', { channelName: 'e2e-conflict', storeStreamKeyInSecret: true, latencyMode });
    });
    const d = await deploy(app(LatencyMode.LOW), 'E2e', { functionTimeoutSeconds: TIMEOUT_S });
    const arn = s.channel('e2e-conflict').arn;
    s.emulator.faults.conflict(arn, { times: 2 }, ['UpdateChannel']);

    // WHEN updated
    const updated = await d.update(app(LatencyMode.NORMAL));

    // THEN the handler retried, having asked GetStream, and said it was not a live channel
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(providerCalls(s, 'UpdateChannel').map((e) => e.status)).toEqual([409, 409, 200]);
    expect(providerCalls(s, 'GetStream').map((e) => e.errorType)).toEqual(['ChannelNotBroadcasting', 'ChannelNotBroadcasting']);
    const retried = step(updated, 'Channel', { resourceType: CHANNEL });
    expect(retried.logs.filter((l) => l.includes('channel in conflict, not live (409), retrying in'))).toHaveLength(2);
    expect(s.channel('e2e-conflict').latencyMode).toBe('NORMAL');

    // WHEN IVS goes on refusing the next update
    s.emulator.faults.conflict(arn, {}, ['UpdateChannel']);
    const refused = await d.update(app(LatencyMode.LOW));

    // THEN it failed at the deadline with IVS's words and what they meant: not a live stream
    expect(refused.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failed = step(refused, 'Channel', { resourceType: CHANNEL, phase: 'update' });
    expect(failed.reason).toBe(`${CHANNEL} ${failed.logicalId} (e2e-conflict): UpdateChannel failed: ConflictException: Updating or deleting a resource can cause an `
      + 'inconsistent state. The channel is not live: IVS refused the change for another conflict; deploy again');
    expect(failed.durationMs).toBeLessThan(TIMEOUT_S * 1000);
    expect(s.channel('e2e-conflict').latencyMode).toBe('NORMAL');

    // WHEN the conflict is over and the stack destroyed THEN
    s.emulator.faults.clear('UpdateChannel');
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });

  modeScenario(scan, 'a Delete of a physical ID CloudFormation invented (a Create cancelled by another failure): counted gone, the rollback completes', async (s, deploy) => {
    // GIVEN a channel whose CreateChannel never answers, a StreamKey (on a channel made behind the
    // stack's back) whose ListStreamKeys never answers, and a pair whose key, from a parameter, IVS refuses at once
    const { channel: existing } = await s.ivs.send(new CreateChannelCommand({ name: 'e2e-existing' }));
    s.emulator.faults.set('CreateChannel', { hang: true });
    s.emulator.faults.set('ListStreamKeys', { hang: true });
    const dir = s.synthStack((stack) => {
      new Channel(stack, 'Slow', { channelName: 'e2e-slow', storeStreamKeyInSecret: true });
      new StreamKey(stack, 'SlowKey', { channel: Channel.fromChannelArn(stack, 'Existing', existing!.arn!) });
      new PlaybackKeyPair(stack, 'Bad', { publicKeyMaterial: new CfnParameter(stack, 'BadKey', { default: 'not a key' }).valueAsString });
    });

    // WHEN deployed, CloudFormation cancelling the creates still running when Bad fails
    const d = await deploy(dir, 'E2e', { inFlightCreates: 'cancel', functionTimeoutSeconds: 14 });

    // THEN the rollback's Deletes carried IDs CloudFormation made up; each succeeded without an IVS call
    expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(step(d.result, 'Bad', { resourceType: KEY_PAIR, requestType: 'Create' }).reason).toContain('ImportPlaybackKeyPair failed: ValidationException');
    for (const [id, type] of [['Slow', CHANNEL], ['SlowKey', STREAM_KEY]]) {
      const cancelled = step(d.result, id, { resourceType: type, requestType: 'Create' });
      expect(cancelled).toMatchObject({ status: 'FAILED', reason: 'Resource creation cancelled' });
      const deleted = step(d.result, id, { resourceType: type, requestType: 'Delete' });
      expect(deleted).toMatchObject({ phase: 'rollback', status: 'SUCCESS', requestPhysicalId: cancelled.physicalId, answeredBy: 'handler' });
      expect(deleted.requestPhysicalId).toMatch(new RegExp(`^E2e-${cancelled.logicalId}-[A-Z0-9]{13}$`));
    }
    expect(providerCalls(s, 'DeleteChannel')).toEqual([]);
    // the cancelled invocations went on until their deadline, having made nothing
    expect(providerCalls(s, 'CreateChannel').map((e) => e.fault)).toEqual(['hang']);
    await s.ivs.send(new DeleteChannelCommand({ arn: existing!.arn! }));
    s.expectNothingLeft();
  });

  const cancelledCreates = [
    {
      what: 'makes its channel', type: CHANNEL, create: 'CreateChannel', deleted: 'DeleteChannel', status: 204,
      // no secret, so no later step fails and undoes its create
      slow: (stack: Stack) => new Channel(stack, 'Slow', { channelName: 'e2e-late' }),
    },
    {
      what: 'imports a key of one\'s own', type: KEY_PAIR, create: 'ImportPlaybackKeyPair', deleted: 'DeletePlaybackKeyPair', status: 200,
      slow: (stack: Stack) => new PlaybackKeyPair(stack, 'Slow', { playbackKeyPairName: 'e2e-late', publicKeyMaterial: ownKeyPair().publicKey }),
    },
  ];
  /**
   * When the rollback's Delete meets the cancelled create: while it creates (it takes effect 3 s after it is sent);
   * after it answered, unheard (it takes 1.5 s, the Delete's first claim lookup 5 s); before it claimed (its claim
   * takes 3 s to reach Secrets Manager).
   */
  const meetings: ReadonlyArray<{ readonly when: string; readonly set: (s: Scenario, create: string) => unknown }> = [
    { when: 'while it creates', set: (s, create) => s.emulator.faults.set(create, { latencyMs: 3_000, times: 1 }) },
    {
      when: 'after it answered',
      set: (s, create) => [s.emulator.faults.set(create, { latencyMs: 1_500, times: 1 }), s.emulator.faults.set('secretsmanager:DescribeSecret', { latencyMs: 5_000, times: 1 })],
    },
    { when: 'before it claimed', set: (s) => s.emulator.faults.set('secretsmanager:CreateSecret', { latencyMs: 3_000, times: 1 }) },
  ];
  for (const [kase, meeting] of cancelledCreates.flatMap((k) => meetings.map((m) => [k, m] as const))) {
    modeScenario(scan, `a cancelled Create that still ${kase.what}, the rollback's Delete coming ${meeting.when}: it deletes what the create made`, async (s, deploy) => {
      // GIVEN Slow, and Bad, a channel whose properties the provider refuses before any call
      meeting.set(s, kase.create);
      const dir = s.synthStack((stack) => {
        kase.slow(stack);
        (new Channel(stack, 'Bad').node.defaultChild as CfnResource).addPropertyOverride('Authorized', 'maybe');
      });

      // WHEN deployed, CloudFormation cancelling the slow create when Bad fails
      const d = await deploy(dir, 'E2e', { inFlightCreates: 'cancel' });

      // THEN (once the cancelled create took effect) the rollback's Delete, an ID CloudFormation made up, had deleted
      // what the cancelled create went on to make
      for (const until = Date.now() + 15_000; !providerCalls(s, kase.create).some((e) => e.status === 200) && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
      expect(step(d.result, 'Slow', { resourceType: kase.type, requestType: 'Create' })).toMatchObject({ status: 'FAILED', reason: 'Resource creation cancelled' });
      expect(step(d.result, 'Slow', { resourceType: kase.type, requestType: 'Delete' })).toMatchObject({ phase: 'rollback', status: 'SUCCESS' });
      const made = providerCalls(s, kase.create).filter((e) => e.status === 200);
      expect(made).toHaveLength(1);
      expect(providerCalls(s, kase.deleted).map((e) => [e.arn, e.status])).toEqual([[made[0].arn ?? expect.any(String), kase.status]]);
      s.expectNothingLeft();
    });
  }

  for (const encoder of [
    { what: 'an encoder that reconnects at once, to a stream that ends 1.5 s after StopStream', live: { reconnectAfterMs: 0, endsAfterMs: 1_500 } },
    { what: 'an encoder that reconnects 0.3 s after its stream ends', live: { reconnectAfterMs: 300 } },
  ]) {
    modeScenario(scan, `stopStreamOnDelete against ${encoder.what}: the key is revoked, the stream waited out, the channel deleted`, async (s, deploy) => {
      // GIVEN a live channel with stopStreamOnDelete, whose encoder comes back after its stream ends
      const dir = s.synthStack((stack) => {
        new Channel(stack, 'Channel', { channelName: 'e2e-encoder', storeStreamKeyInSecret: true, stopStreamOnDelete: true });
      });
      const d = await deploy(dir, 'E2e', { functionTimeoutSeconds: TIMEOUT_S });
      const arn = s.channel('e2e-encoder').arn;
      s.emulator.state.setLive(arn, encoder.live);
      const started = s.emulator.state.streamEvents.length;

      // WHEN the stack is destroyed
      const deleted = await d.destroy();

      // THEN DeleteChannel came once the stream was over for good: never refused, and the encoder never came back
      expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
      expect(providerCalls(s, 'DeleteChannel').map((e) => e.status)).toEqual([204]);
      const stopped = providerCalls(s, 'StopStream');
      expect(stopped.map((e) => e.status)).toEqual([200]);
      expect(providerCalls(s, 'DeleteStreamKey').every((e) => e.seq < stopped[0].seq)).toBe(true);
      const events = s.emulator.state.streamEvents.slice(started).filter((e) => e.channelArn === arn);
      expect(events.map((e) => e.eventName)).toEqual(['Stream End']);
      s.expectNothingLeft();
    });
  }
});

describe('presets and ad configurations', () => {
  for (const rules of CHANNEL_RULE_VARIANTS) {
    modeScenario(scan, `away from ADVANCED and back (preset on a type change ${rules.presetOnTypeChange}, a preset on STANDARD ${rules.presetWithNonAdvancedType}): each update leaves what the props declare`, async (s, deploy) => {
      // GIVEN an ADVANCED_HD channel with a preset
      const app = (type: ChannelType | undefined, preset?: Preset) => s.synthStack((stack) => {
        new Channel(stack, 'Channel', { channelName: 'e2e-preset', type, preset });
      });
      const d = await deploy(app(ChannelType.ADVANCED_HD, Preset.CONSTRAINED_BANDWIDTH_DELIVERY));
      expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
      const channel = () => s.channel('e2e-preset');
      expect(channel()).toMatchObject({ type: 'ADVANCED_HD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' });

      // WHEN the preset is removed THEN the channel has the ADVANCED types' default
      expect((await d.update(app(ChannelType.ADVANCED_HD))).stackStatus).toBe('UPDATE_COMPLETE');
      expect(channel()).toMatchObject({ type: 'ADVANCED_HD', preset: 'HIGHER_BANDWIDTH_DELIVERY' });

      // WHEN the preset comes back, then the type goes to STANDARD
      expect((await d.update(app(ChannelType.ADVANCED_HD, Preset.CONSTRAINED_BANDWIDTH_DELIVERY))).stackStatus).toBe('UPDATE_COMPLETE');
      const standard = await d.update(app(ChannelType.STANDARD));

      // THEN IVS took it: a STANDARD channel, whose preset IVS reports as it does (cleared, or the old one kept)
      expect(standard.stackStatus).toBe('UPDATE_COMPLETE');
      expect(channel()).toMatchObject({ type: 'STANDARD', preset: rules.presetOnTypeChange === 'cleared' ? '' : 'CONSTRAINED_BANDWIDTH_DELIVERY' });
      // ... and no request gave a preset for a STANDARD channel
      expect(providerCalls(s, 'UpdateChannel').filter((e) => (e.input as { type?: string }).type === 'STANDARD' && 'preset' in (e.input as object))).toEqual([]);

      // WHEN the type goes back to ADVANCED_SD without a preset, then the type is removed (STANDARD)
      expect((await d.update(app(ChannelType.ADVANCED_SD))).stackStatus).toBe('UPDATE_COMPLETE');
      // THEN the preset is the default the props declare, not the one the channel had before
      expect(channel()).toMatchObject({ type: 'ADVANCED_SD', preset: 'HIGHER_BANDWIDTH_DELIVERY' });
      expect((await d.update(app(undefined))).stackStatus).toBe('UPDATE_COMPLETE');
      expect(channel().type).toBe('STANDARD');

      // WHEN destroyed THEN
      expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
      s.expectNothingLeft();
    }, { emulator: { channelRules: rules } });
  }

  modeScenario(scan, 'adConfigurationArn removed: UpdateChannel resets it to "" (no ad configuration), as for the other references', async (s, deploy) => {
    // GIVEN a channel with an ad configuration
    const adConfigurationArn = `arn:aws:ivs:us-east-1:${TEST_ACCOUNT_ID}:ad-configuration/e2eAdConfig1`;
    const app = (withAds: boolean) => s.synthStack((stack) => {
      new Channel(stack, 'Channel', { channelName: 'e2e-ads', adConfigurationArn: withAds ? adConfigurationArn : undefined });
    });
    const d = await deploy(app(true));
    expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
    expect(s.channel('e2e-ads').adConfigurationArn).toBe(adConfigurationArn);

    // WHEN the prop is removed
    const updated = await d.update(app(false));

    // THEN the channel has none, set by the reset UpdateChannel sends
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(s.channel('e2e-ads').adConfigurationArn).toBe('');
    expect(providerCalls(s, 'UpdateChannel').map((e) => (e.input as { adConfigurationArn?: string }).adConfigurationArn)).toEqual(['']);

    // WHEN it comes back THEN
    expect((await d.update(app(true))).stackStatus).toBe('UPDATE_COMPLETE');
    expect(s.channel('e2e-ads').adConfigurationArn).toBe(adConfigurationArn);
    expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
    s.expectNothingLeft();
  });
});

leakScanTest(scan, ['stream key', 'SRT passphrase', 'private key']);
