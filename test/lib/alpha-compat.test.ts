// The examples of @aws-cdk/aws-ivs-alpha's README, unchanged but for the import: cdk-ivs is a drop-in
// superset of the alpha.
import { generateKeyPairSync } from 'crypto';
import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ivs from '../../lib';
import { RESOURCE_TYPES } from '../../lib/contract';
import { newStack, template } from './helpers';

const myChannelArn = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';
const myPublicKeyPemString = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
  .publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** Runs one README example with `this` as the stack, then synthesizes. */
function example(body: (this: Stack) => void): Stack {
  const stack = newStack();
  body.call(stack);
  template(stack);
  return stack;
}

describe('alpha README examples synthesize', () => {
  test('new ivs.Channel(this, \'Channel\')', () => {
    const stack = example(function (this: Stack) {
      const myChannel = new ivs.Channel(this, 'Channel');
      void myChannel;
    });
    template(stack).resourceCountIs(RESOURCE_TYPES.channel, 1);
  });

  test('advanced channel with a preset', () => {
    const stack = example(function (this: Stack) {
      new ivs.Channel(this, 'myChannel', {
        type: ivs.ChannelType.ADVANCED_HD,
        preset: ivs.Preset.CONSTRAINED_BANDWIDTH_DELIVERY,
      });
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Type: 'ADVANCED_HD', Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' });
  });

  test('a preset on a STANDARD channel (the alpha\'s integration test): not sent, as IVS gives STANDARD channels no preset; a warning', () => {
    const stack = example(function (this: Stack) {
      new ivs.Channel(this, 'StandardChannelWithPresetSetting', {
        type: ivs.ChannelType.STANDARD,
        preset: ivs.Preset.CONSTRAINED_BANDWIDTH_DELIVERY,
      });
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Type: 'STANDARD', Preset: Match.absent() });
    Annotations.fromStack(stack).hasWarning('/TestStack/StandardChannelWithPresetSetting', Match.stringLikeRegexp('^preset .* is not sent'));
  });

  test('RTMP ingest', () => {
    const stack = example(function (this: Stack) {
      new ivs.Channel(this, 'myRtmpChannel', {
        type: ivs.ChannelType.STANDARD,
        insecureIngest: true, // default value is false
      });
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Type: 'STANDARD', InsecureIngest: true });
  });

  test('multitrack video', () => {
    const stack = example(function (this: Stack) {
      new ivs.Channel(this, 'ChannelWithMultitrackVideo', {
        type: ivs.ChannelType.STANDARD,
        containerFormat: ivs.ContainerFormat.FRAGMENTED_MP4,
        multitrackInputConfiguration: {
          maximumResolution: ivs.MaximumResolution.HD,
          policy: ivs.Policy.ALLOW,
        },
      });
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, {
      ContainerFormat: 'FRAGMENTED_MP4',
      MultitrackInputConfiguration: { Enabled: true, MaximumResolution: 'HD', Policy: 'ALLOW' },
    });
  });

  test('ivs.Channel.fromChannelArn(this, \'Channel\', myChannelArn)', () => {
    example(function (this: Stack) {
      const myChannel = ivs.Channel.fromChannelArn(this, 'Channel', myChannelArn);
      expect(myChannel.channelArn).toBe(myChannelArn);
    });
  });

  test('myChannel.addStreamKey(\'StreamKey\')', () => {
    const stack = example(function (this: Stack) {
      const myChannel = new ivs.Channel(this, 'Channel');
      const myStreamKey: ivs.StreamKey = myChannel.addStreamKey('StreamKey');
      const arn: string = myStreamKey.streamKeyArn;
      void arn;
    });
    template(stack).resourceCountIs(RESOURCE_TYPES.streamKey, 1);
  });

  test('PlaybackKeyPair with publicKeyMaterial', () => {
    const stack = example(function (this: Stack) {
      const keyPair = new ivs.PlaybackKeyPair(this, 'PlaybackKeyPair', {
        publicKeyMaterial: myPublicKeyPemString,
      });
      void keyPair.playbackKeyPairFingerprint;
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.playbackKeyPair, { PublicKeyMaterial: myPublicKeyPemString });
  });

  test('an authorized channel', () => {
    const stack = example(function (this: Stack) {
      const myChannel = new ivs.Channel(this, 'Channel', {
        authorized: true, // default value is false
      });
      void myChannel;
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Authorized: true });
  });

  test('recording configurations with a bucket, renditions, thumbnails and a reconnect window, attached to a channel', () => {
    const stack = example(function (this: Stack) {
      // create an S3 bucket for storing recordings
      const recordingBucket = new s3.Bucket(this, 'RecordingBucket');

      // create a basic recording configuration
      const recordingConfiguration = new ivs.RecordingConfiguration(this, 'RecordingConfiguration', {
        bucket: recordingBucket,
      });

      new ivs.RecordingConfiguration(this, 'RecordingConfigurationRenditions', {
        bucket: recordingBucket,
        // set rendition configuration
        renditionConfiguration: ivs.RenditionConfiguration.custom([ivs.Resolution.HD, ivs.Resolution.SD]),
      });

      new ivs.RecordingConfiguration(this, 'RecordingConfigurationThumbnails', {
        bucket: recordingBucket,
        // set thumbnail settings
        thumbnailConfiguration: ivs.ThumbnailConfiguration.interval(ivs.Resolution.HD, [ivs.Storage.LATEST, ivs.Storage.SEQUENTIAL], Duration.seconds(30)),
      });

      new ivs.RecordingConfiguration(this, 'RecordingConfigurationReconnect', {
        bucket: recordingBucket,
        // set recording reconnect window
        recordingReconnectWindow: Duration.seconds(60),
      });

      const channel = new ivs.Channel(this, 'Channel', {
        // set recording configuration
        recordingConfiguration: recordingConfiguration,
      });
      void channel;
    });
    const t = template(stack);
    t.resourceCountIs('AWS::IVS::RecordingConfiguration', 4);
    t.resourceCountIs(RESOURCE_TYPES.channel, 1);
  });

  test('the alpha\'s types are all exported', () => {
    const names: (keyof typeof ivs)[] = [
      'Channel', 'ChannelType', 'LatencyMode', 'Preset', 'ContainerFormat', 'MaximumResolution', 'Policy',
      'StreamKey', 'PlaybackKeyPair', 'RecordingConfiguration', 'RenditionConfiguration', 'RenditionSelection',
      'ThumbnailConfiguration', 'RecordingMode', 'Storage', 'Resolution',
    ];
    for (const name of names) {
      expect(ivs[name]).toBeDefined();
    }
  });
});

// Compiles only if the alpha's type names and shapes exist (checked by `tsc -p tsconfig.dev.json`).
export function alphaTypes(stack: Stack, bucket: s3.IBucket): void {
  const props: ivs.ChannelProps = {
    authorized: false,
    insecureIngest: false,
    latencyMode: ivs.LatencyMode.LOW,
    channelName: 'name',
    type: ivs.ChannelType.STANDARD,
    containerFormat: ivs.ContainerFormat.FRAGMENTED_MP4,
    multitrackInputConfiguration: { maximumResolution: ivs.MaximumResolution.FULL_HD, policy: ivs.Policy.REQUIRE } satisfies ivs.MultitrackInputConfiguration,
  };
  const channel: ivs.IChannel = new ivs.Channel(stack, 'C', props);
  const keyProps: ivs.StreamKeyProps = { channel };
  const key: ivs.IStreamKey = new ivs.StreamKey(stack, 'K', keyProps);
  const value: string = new ivs.StreamKey(stack, 'K2', { channel: new ivs.Channel(stack, 'C2') }).streamKeyValue;
  const pairProps: ivs.PlaybackKeyPairProps = { publicKeyMaterial: 'pem', playbackKeyPairName: 'name' };
  const pair: ivs.IPlaybackKeyPair = new ivs.PlaybackKeyPair(stack, 'P', pairProps);
  const recordingProps: ivs.RecordingConfigurationProps = {
    bucket,
    recordingConfigurationName: 'r',
    recordingReconnectWindow: Duration.seconds(1),
    renditionConfiguration: ivs.RenditionConfiguration.all(),
    thumbnailConfiguration: ivs.ThumbnailConfiguration.disable(),
  };
  const recording: ivs.IRecordingConfiguration = new ivs.RecordingConfiguration(stack, 'R', recordingProps);
  const ids: string[] = [recording.recordingConfigurationId, ivs.RecordingConfiguration.PROPERTY_INJECTION_ID];
  void [key, value, pair, ids];
}
