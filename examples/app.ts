// The example app: what a streaming product typically deploys with cdk-ivs. `npm run demo` synthesizes
// it with the aws-cdk CLI, deploys it into the local emulator, applies an update
// (`-c stage=update`) and destroys it. Against a real account: `npx cdk deploy` from this folder.
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  Channel,
  ChannelType,
  ContainerFormat,
  LatencyMode,
  MaximumResolution,
  PlaybackKeyPair,
  Policy,
  StreamKey,
} from 'cdk-ivs';

export interface ExampleStackProps extends StackProps {
  /** 'initial' for the first deploy, 'update' for the changed props the demo applies next. */
  readonly stage: 'initial' | 'update';
}

export class ExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const updated = props.stage === 'update';

    // A public channel whose stream key, RTMPS URL and SRT passphrase land in a secret an encoder reads.
    const live = new Channel(this, 'Live', {
      channelName: 'example-live',
      latencyMode: updated ? LatencyMode.NORMAL : LatencyMode.LOW,
      storeStreamKeyInSecret: true,
      stopStreamOnDelete: true,
      tags: { team: updated ? 'video-platform' : 'video' },
    });
    const encoder = new iam.Role(this, 'EncoderRole', { assumedBy: new iam.AccountRootPrincipal() });
    live.grantReadStreamKey(encoder);
    live.grantPutMetadata(encoder);

    // A private channel: viewers need a token signed with the playback key pair's private key,
    // which the provider generates and keeps in the key pair's secret.
    const keyPair = new PlaybackKeyPair(this, 'PlaybackKeys', { playbackKeyPairName: 'example-viewers' });
    const members = new Channel(this, 'MembersOnly', {
      channelName: 'example-members',
      authorized: true,
      type: ChannelType.ADVANCED_HD,
    });
    // The channel's stream key as its own resource (it adopts the key CreateChannel made); a new
    // `rotation` value replaces the key and rewrites its secret, without replacing the channel.
    const membersKey = new StreamKey(this, 'MembersKey', {
      channel: members,
      rotation: updated ? '2026-12' : '2026-11',
      storeStreamKeyInSecret: true,
    });

    // The token signer (examples/token-signer): reads the key pair's secret and answers a signed
    // playback URL of the private channel. NodejsFunction bundles it with esbuild at synth; the
    // tsconfig maps `cdk-ivs/playback-token` to this checkout (an app that installed cdk-ivs needs none).
    const tokenSigner = new NodejsFunction(this, 'TokenSigner', {
      entry: path.join(__dirname, 'token-signer', 'index.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        CHANNEL_ARN: members.channelArn,
        PLAYBACK_URL: members.channelPlaybackUrl,
        PLAYBACK_KEY_SECRET_ARN: keyPair.secret!.secretArn,
        TOKEN_TTL_SECONDS: '300',
      },
      bundling: { minify: true, tsconfig: path.join(__dirname, '..', 'tsconfig.dev.json') },
    });
    keyPair.secret!.grantRead(tokenSigner);   // secretsmanager:GetSecretValue, DescribeSecret on the key pair's secret
    // cdk-nag (AwsSolutions-IAM4) reads this suppression from the role's metadata.
    (tokenSigner.role!.node.defaultChild as iam.CfnRole).addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaBasicExecutionRole is the Lambda default: it only writes the function\'s own CloudWatch logs.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      }],
    });

    // Multitrack (several renditions sent by the broadcaster): STANDARD + FRAGMENTED_MP4 only.
    new Channel(this, 'Multitrack', {
      channelName: 'example-multitrack',
      containerFormat: ContainerFormat.FRAGMENTED_MP4,
      multitrackInputConfiguration: { policy: Policy.ALLOW, maximumResolution: updated ? MaximumResolution.FULL_HD : MaximumResolution.HD },
    });

    Tags.of(this).add('app', 'cdk-ivs-example');

    new CfnOutput(this, 'PlaybackUrl', { value: live.channelPlaybackUrl });
    new CfnOutput(this, 'RtmpsIngestUrl', { value: live.channelRtmpsIngestUrl });
    new CfnOutput(this, 'SrtEndpoint', { value: live.channelSrtEndpoint });
    new CfnOutput(this, 'StreamKeySecretArn', { value: live.secret.secretArn });
    new CfnOutput(this, 'MembersPlaybackUrl', { value: members.channelPlaybackUrl });
    new CfnOutput(this, 'MembersStreamKeyArn', { value: membersKey.streamKeyArn });
    new CfnOutput(this, 'PlaybackKeyPairArn', { value: keyPair.playbackKeyPairArn });
    new CfnOutput(this, 'PlaybackPrivateKeySecretArn', { value: keyPair.secret!.secretArn });
  }
}

/** Builds the example app; `stage` comes from the context (`-c stage=update`). */
export function buildApp(app: App = new App()): App {
  const stage = app.node.tryGetContext('stage') === 'update' ? 'update' : 'initial';
  new ExampleStack(app, 'CdkIvsExample', { stage });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
