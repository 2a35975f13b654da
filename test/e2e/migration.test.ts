// The README's migration guide, end to end: a stack of L1 resources (what @aws-cdk/aws-ivs-alpha
// synthesizes: AWS::IVS::Channel + AWS::IVS::StreamKey) retains its channel and key, removes them, and
// a cdk-ivs stack adopts the channel: the ARN, playback URL and stream key value stay, nothing is
// duplicated or orphaned; the adopted channel then updates and deletes like any cdk-ivs channel.
import { CfnOutput, CfnWaitConditionHandle, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnChannel, CfnStreamKey } from 'aws-cdk-lib/aws-ivs';
import { REQUEST_TAG, type StreamSecretValue } from '../../lib/contract';
import { Channel, LatencyMode } from '../../lib';
import { LeakScan, leakScanTest, Scenario, scenario, step } from './helpers';

const scan = new LeakScan();

interface Legacy {
  readonly arn: string;
  readonly playbackUrl: string;
  readonly keyArn: string;
  readonly keyValue: string;
}

/** Steps 1 and 2 of the guide: the L1 stack, its resources retained, then removed from it. */
async function legacyChannel(s: Scenario): Promise<Legacy> {
  const legacy = s.synth((app) => {
    const stack = new Stack(app, 'Legacy');
    const channel = new CfnChannel(stack, 'Channel', { name: 'legacy-live', latencyMode: 'LOW', tags: [{ key: 'team', value: 'video' }] });
    const key = new CfnStreamKey(stack, 'Key', { channelArn: channel.attrArn });
    channel.applyRemovalPolicy(RemovalPolicy.RETAIN);
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CfnOutput(stack, 'ChannelArn', { value: channel.attrArn });
    new CfnOutput(stack, 'PlaybackUrl', { value: channel.attrPlaybackUrl });
  });
  const d = await s.deploy(legacy, 'Legacy');
  expect(d.result.stackStatus).toBe('CREATE_COMPLETE');
  const arn = d.outputs.ChannelArn;
  const [key] = s.emulator.state.streamKeysOf(arn);
  // the channels and keys CloudFormation's handlers made: one of each (the key CreateChannel made is gone)
  expect(s.emulator.state.snapshot().streamKeys.map((k) => k.arn)).toEqual([key.arn]);

  const removed = s.synth((app) => new CfnWaitConditionHandle(new Stack(app, 'Legacy'), 'Placeholder'));
  expect((await d.update(removed)).stackStatus).toBe('UPDATE_COMPLETE');
  expect(s.emulator.state.channel(arn)).toBeDefined();
  expect(s.emulator.state.streamKeysOf(arn).map((k) => k.arn)).toEqual([key.arn]);
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  return { arn, playbackUrl: d.results[0].outputs.PlaybackUrl, keyArn: key.arn, keyValue: key.value };
}

/** Step 3: the cdk-ivs stack adopting the channel. */
function adopting(s: Scenario, arn: string, options: { latencyMode?: LatencyMode; removalPolicy?: RemovalPolicy; fail?: boolean } = {}): string {
  return s.synth((app) => {
    const stack = new Stack(app, 'Streaming');
    const live = new Channel(stack, 'Live', {
      adoptChannelArn: arn,
      latencyMode: options.latencyMode ?? LatencyMode.LOW,
      tags: { team: 'video' },
      storeStreamKeyInSecret: true,
      removalPolicy: options.removalPolicy,
    });
    if (options.fail) {
      // A resource after the channel that fails: the deployment rolls back.
      new Channel(stack, 'Broken', { adoptChannelArn: arn.replace(/\/\w+$/, '/doesNotExist0') }).node.addDependency(live);
    }
    new CfnOutput(stack, 'ChannelArn', { value: live.channelArn });
    new CfnOutput(stack, 'PlaybackUrl', { value: live.channelPlaybackUrl });
    new CfnOutput(stack, 'StreamKeyArn', { value: live.defaultStreamKeyArn });
    new CfnOutput(stack, 'SecretArn', { value: live.secret.secretArn });
  });
}

scenario(scan, 'the migration guide: same ARN, playback URL and stream key; nothing duplicated; then updated and deleted as a cdk-ivs channel', async (s) => {
  // GIVEN a channel and key left behind by the L1 stack
  const legacy = await legacyChannel(s);

  // WHEN the cdk-ivs stack adopts it
  const d = await s.deploy(adopting(s, legacy.arn), 'Streaming');

  // THEN the channel is the same one, with the same playback URL and stream key, and it is in the secret
  expect(d.result.reason).toBeUndefined();
  expect(d.outputs.ChannelArn).toBe(legacy.arn);
  expect(d.outputs.PlaybackUrl).toBe(legacy.playbackUrl);
  expect(d.outputs.StreamKeyArn).toBe(legacy.keyArn);
  expect(s.secretJson<StreamSecretValue>(d.outputs.SecretArn).streamKey).toBe(legacy.keyValue);
  const snapshot = s.emulator.state.snapshot();
  expect(snapshot.channels.map((c) => c.arn)).toEqual([legacy.arn]);
  expect(snapshot.streamKeys.map((k) => k.arn)).toEqual([legacy.keyArn]);
  // settings already as declared: no UpdateChannel; no channel created; the channel says who manages it
  expect(s.lambdaCalls('UpdateChannel')).toEqual([]);
  expect(s.lambdaCalls('CreateChannel')).toEqual([]);
  expect(s.channel('legacy-live').tags).toEqual({ team: 'video', [REQUEST_TAG]: 'adopted by Streaming/' + step(d.result, 'Live', { resourceType: 'Custom::IvsChannel' }).logicalId });

  // WHEN it is updated, THEN as any cdk-ivs channel
  expect((await d.update(adopting(s, legacy.arn, { latencyMode: LatencyMode.NORMAL, removalPolicy: RemovalPolicy.DESTROY }))).stackStatus).toBe('UPDATE_COMPLETE');
  expect(s.channel('legacy-live').latencyMode).toBe('NORMAL');
  expect(d.outputs.ChannelArn).toBe(legacy.arn);

  // WHEN the stack (now DESTROY) is destroyed, THEN the channel and its key are gone, and nothing is left
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a rolled-back adoption keeps the channel (RETAIN by default), and the next deployment adopts it again', async (s) => {
  // GIVEN the legacy channel, and a first deployment whose later resource fails
  const legacy = await legacyChannel(s);
  const failed = await s.deploy(adopting(s, legacy.arn, { fail: true }), 'Streaming');

  // THEN it rolled back, and the adopted channel and its key are still there
  expect(failed.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  expect(step(failed.result, 'Live', { resourceType: 'Custom::IvsChannel', requestType: 'Delete', phase: 'rollback' }).resourceStatus).toBe('DELETE_SKIPPED');
  expect(s.emulator.state.channel(legacy.arn)).toBeDefined();
  expect(s.emulator.state.streamKeysOf(legacy.arn).map((k) => k.arn)).toEqual([legacy.keyArn]);

  // WHEN the stack is deployed again (without the broken resource), THEN it adopts the channel again
  const d = await s.deploy(adopting(s, legacy.arn), 'Streaming');
  expect(d.result.reason).toBeUndefined();
  expect(d.outputs.ChannelArn).toBe(legacy.arn);
  expect(s.secretJson<StreamSecretValue>(d.outputs.SecretArn).streamKey).toBe(legacy.keyValue);

  // AND destroying the stack keeps the channel (RETAIN): delete it by hand, as its owner would
  expect((await d.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  expect(s.emulator.state.channel(legacy.arn)).toBeDefined();
  await deleteByHand(s, legacy.arn);
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

scenario(scan, 'a channel another cdk-ivs stack manages is refused, with what to do, and left as it was', async (s) => {
  // GIVEN a cdk-ivs stack that made a channel
  const owner = await s.deploy(s.synth((app) => {
    const stack = new Stack(app, 'Owner');
    new CfnOutput(stack, 'ChannelArn', { value: new Channel(stack, 'Live', { channelName: 'owned' }).channelArn });
  }), 'Owner');
  const arn = owner.outputs.ChannelArn;
  const before = s.emulator.state.channel(arn)!;

  // WHEN another stack tries to adopt it
  const d = await s.deploy(adopting(s, arn), 'Streaming');

  // THEN it is refused, naming the channel and the way out, and the channel is untouched
  expect(d.result.stackStatus).toBe('ROLLBACK_COMPLETE');
  const reason = step(d.result, 'Live', { resourceType: 'Custom::IvsChannel', requestType: 'Create' }).reason!;
  expect(reason).toContain(`channel ${arn} was created by a cdk-ivs Channel (its tag ${REQUEST_TAG} says so), and a channel has one manager`);
  expect(reason).toContain(`aws ivs untag-resource --resource-arn ${arn} --tag-keys ${REQUEST_TAG}`);
  expect(s.emulator.state.channel(arn)).toEqual(before);
  expect((await owner.destroy()).stackStatus).toBe('DELETE_COMPLETE');
  s.expectNothingLeft();
}, { timeoutMs: 60_000 });

async function deleteByHand(s: Scenario, arn: string): Promise<void> {
  const { DeleteChannelCommand } = await import('@aws-sdk/client-ivs');
  await s.ivs.send(new DeleteChannelCommand({ arn }));
}

leakScanTest(scan, ['stream key', 'SRT passphrase']);
