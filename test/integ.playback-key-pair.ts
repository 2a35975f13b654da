// Integration test (integ-runner, @aws-cdk/integ-tests-alpha): a playback key pair the provider
// generates, read back with IVS's GetPlaybackKeyPair (name, fingerprint, tags: IVS never holds the
// private key, which stays in the pair's secret). `npm run integ` checks the committed snapshot offline.
import { App, Stack } from 'aws-cdk-lib';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { PlaybackKeyPair } from 'cdk-ivs';

// No creation stack traces in the snapshot's metadata: they hold this machine's paths and lib/'s line numbers.
const app = new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
const stack = new Stack(app, 'cdk-ivs-integ-playback-key-pair');

const keys = new PlaybackKeyPair(stack, 'Keys', {
  playbackKeyPairName: 'cdk-ivs-integ-viewers',
  tags: { purpose: 'cdk-ivs-integ' },
});

const integ = new IntegTest(app, 'PlaybackKeyPairIntegTest', {
  testCases: [stack],
  // Regions with IVS low-latency streaming (AWS General Reference, "Amazon Interactive Video Service endpoints and quotas").
  regions: ['us-east-1', 'us-west-2'],
  // No update workflow (deploying the previous snapshot first): updates are proven against the emulator (test/e2e),
  // and without it the snapshot keeps no asset bundles.
  stackUpdateWorkflow: false,
});

integ.assertions.awsApiCall('IVS', 'getPlaybackKeyPair', { arn: keys.playbackKeyPairArn }).expect(ExpectedResult.objectLike({
  keyPair: {
    arn: keys.playbackKeyPairArn,
    name: 'cdk-ivs-integ-viewers',
    fingerprint: keys.playbackKeyPairFingerprint,
    tags: { purpose: 'cdk-ivs-integ' },
  },
}));
