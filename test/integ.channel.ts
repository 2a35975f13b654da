// Integration test (integ-runner, @aws-cdk/integ-tests-alpha): a private channel with a playback
// restriction policy, its secret and an adopted stream key; the assertions read them back with the IVS
// API. `npm run integ` checks the committed snapshot offline; `npm run integ:deploy` runs it in an account.
import { App, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Channel, ChannelType, LatencyMode, PlaybackRestrictionPolicy, StreamKey } from 'cdk-ivs';

// No creation stack traces in the snapshot's metadata: they hold this machine's paths and lib/'s line numbers.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'cdk-ivs-integ-channel');

const policy = new PlaybackRestrictionPolicy(stack, 'Policy', {
  playbackRestrictionPolicyName: 'cdk-ivs-integ-policy',
  allowedCountries: ['US', 'CA'],
  allowedOrigins: ['https://example.com'],
  enableStrictOriginEnforcement: true,
});
const channel = new Channel(stack, 'Channel', {
  channelName: 'cdk-ivs-integ-channel',
  type: ChannelType.STANDARD,
  latencyMode: LatencyMode.NORMAL,
  authorized: true,
  playbackRestrictionPolicy: policy,
  storeStreamKeyInSecret: true,
  tags: { purpose: 'cdk-ivs-integ' },
});
const key = new StreamKey(stack, 'Key', { channel, rotation: 'integ-1', tags: { purpose: 'cdk-ivs-integ' } });

const integ = new IntegTest(app, 'ChannelIntegTest', {
  testCases: [stack],
  // Regions with IVS low-latency streaming (AWS General Reference, "Amazon Interactive Video Service endpoints and quotas").
  regions: ['us-east-1', 'us-west-2'],
  // No update workflow (deploying the previous snapshot first): updates are proven against the emulator (test/e2e),
  // and without it the snapshot keeps no asset bundles.
  stackUpdateWorkflow: false,
});

// ListChannels, not GetChannel: GetChannel's answer holds the channel's SRT passphrase (`srt.passphrase`,
// IVS API reference, Channel), and the assertion provider logs every answer it gets.
integ.assertions.awsApiCall('IVS', 'listChannels', { filterByName: 'cdk-ivs-integ-channel' }).expect(ExpectedResult.objectLike({
  channels: [{
    arn: channel.channelArn,
    name: 'cdk-ivs-integ-channel',
    type: 'STANDARD',
    latencyMode: 'NORMAL',
    authorized: true,
    insecureIngest: false,
    playbackRestrictionPolicyArn: policy.playbackRestrictionPolicyArn,
    tags: { purpose: 'cdk-ivs-integ' },
  }],
}));

// One stream key, the one the StreamKey adopted (ListStreamKeys answers summaries, without the key's value).
integ.assertions.awsApiCall('IVS', 'listStreamKeys', { channelArn: channel.channelArn }).expect(ExpectedResult.objectLike({
  streamKeys: [{ arn: key.streamKeyArn, channelArn: channel.channelArn, tags: { purpose: 'cdk-ivs-integ' } }],
}));

integ.assertions.awsApiCall('IVS', 'getPlaybackRestrictionPolicy', { arn: policy.playbackRestrictionPolicyArn }).expect(ExpectedResult.objectLike({
  playbackRestrictionPolicy: {
    name: 'cdk-ivs-integ-policy',
    allowedCountries: ['US', 'CA'],
    allowedOrigins: ['https://example.com'],
    enableStrictOriginEnforcement: true,
  },
}));
