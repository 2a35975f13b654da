// One synth of one peer's app with N items, in a process of its own (bench/synth.ts times the process):
//   node bench/synth-app.js <peer> <n> <on|off> <outdir> [stacks]
// `stacks` splits the N items over that many stacks (Bench1, Bench2, ...; one stack is Bench). For deploys
// into the emulator, BENCH_CHANNEL_ARNS and BENCH_STREAM_KEY_ARNS (comma-separated) name the channels a
// lookup reads, and BENCH_PREFIX the channels' names.
// Plain JavaScript, so the process does what a user's `cdk synth` does and nothing more (no TypeScript
// transpile). The alpha peer loads @aws-cdk/aws-ivs-alpha and the aws-cdk-lib it pins from bench/peers/.
'use strict';
const path = require('path');

const [peer, nText, validation, outdir, stacksText = '1'] = process.argv.slice(2);
const stacks = Number(stacksText);
let n = Number(nText);
const given = (name) => (process.env[name] ? process.env[name].split(',') : undefined);
const PREFIX = process.env.BENCH_PREFIX ?? 'bench';
const root = path.join(__dirname, '..');
const fromPeers = (name) => require(path.join(__dirname, 'peers', 'node_modules', name));

/** ARNs of channels a lookup reads: another account's with a role, the stack's own without. */
const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'us-east-1';
const ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/cdk-ivs-bench-lookup`;
const EXTERNAL_ID = 'bench-external-id';
const channelId = (i) => `bench${String(i).padStart(7, '0')}`;
const channelArn = (i, account) => given('BENCH_CHANNEL_ARNS')?.[i] ?? `arn:aws:ivs:${REGION}:${account}:channel/${channelId(i)}`;
/** Items whose values become outputs (a template holds at most 200 outputs, CloudFormation quotas), alike in both lookup peers. */
const OUTPUTS = 30;
const streamKeyArn = (i, account) => given('BENCH_STREAM_KEY_ARNS')?.[i] ?? `arn:aws:ivs:${REGION}:${account}:stream-key/${channelId(i)}`;

/** Each peer: the libraries it loads, and what it puts in the stack for N items. */
const PEERS = {
  // aws-cdk-lib's L1: a channel and its stream key per item.
  'l1': (lib, stack, first) => {
    const ivs = require('aws-cdk-lib/aws-ivs');
    for (let i = 0; i < n; i++) {
      const channel = new ivs.CfnChannel(stack, `Channel${i}`, { name: `${PREFIX}-${first + i}` });
      new ivs.CfnStreamKey(stack, `Key${i}`, { channelArn: channel.attrArn });
    }
  },
  // @aws-cdk/aws-ivs-alpha: Channel + addStreamKey (the L1 pair underneath).
  'alpha': (lib, stack, first) => {
    const ivs = fromPeers('@aws-cdk/aws-ivs-alpha');
    for (let i = 0; i < n; i++) new ivs.Channel(stack, `Channel${i}`, { channelName: `${PREFIX}-${first + i}` }).addStreamKey('Key');
  },
  // cdk-ivs: a Channel; its stream key is the one CreateChannel makes (defaultStreamKeyArn).
  'cdk-ivs': (lib, stack, first) => {
    const { Channel } = require(path.join(root, 'lib', 'index.js'));
    for (let i = 0; i < n; i++) new Channel(stack, `Channel${i}`, { channelName: `${PREFIX}-${first + i}` });
  },
  // cdk-ivs's deploy-time lookup: ChannelLookups of up to 50 channels, reading each channel and its stream key.
  'cdk-ivs-lookup': (lib, stack) => lookups(stack, false),
  'cdk-ivs-lookup-role': (lib, stack) => lookups(stack, true),
  // aws-cdk-lib's AwsCustomResource doing that job: GetChannel and GetStreamKey per channel.
  'acr-lookup': (lib, stack) => awsCustomResources(stack, false),
  'acr-lookup-role': (lib, stack) => awsCustomResources(stack, true),
};

function lookups(stack, withRole) {
  const { CfnOutput } = require('aws-cdk-lib');
  const { ChannelLookup } = require(path.join(root, 'lib', 'index.js'));
  const account = withRole ? OTHER_ACCOUNT : ACCOUNT;
  // A lookup reads up to 50 channels, but answers within CloudFormation's 4 KB response: 10 channels
  // whose playback URL and stream key ARN are referenced fit (synthesis says when they do not).
  for (let start = 0, index = 0; start < n; index++) {
    const size = Math.min(start < OUTPUTS ? 10 : 50, n - start);
    const arns = Array.from({ length: size }, (_, k) => channelArn(start + k, account));
    const lookup = new ChannelLookup(stack, `Lookup${index}`, {
      channelArns: arns,
      ...(withRole && { assumedRoleArn: ROLE_ARN, externalId: EXTERNAL_ID }),
    });
    // What the AwsCustomResource peer outputs too: the playback URL and the stream key's ARN of the first items.
    lookup.channels.forEach((channel, k) => {
      if (start + k >= OUTPUTS) return;
      new CfnOutput(stack, `Playback${start + k}`, { value: channel.channelPlaybackUrl });
      new CfnOutput(stack, `Key${start + k}`, { value: channel.streamKeyArn });
    });
    start += size;
  }
}

function awsCustomResources(stack, withRole) {
  const { CfnOutput } = require('aws-cdk-lib');
  const cr = require('aws-cdk-lib/custom-resources');
  const account = withRole ? OTHER_ACCOUNT : ACCOUNT;
  const call = (action, parameters, id) => ({
    service: 'ivs',
    action,
    parameters,
    physicalResourceId: cr.PhysicalResourceId.of(id),
    ...(withRole && { assumedRoleArn: ROLE_ARN, externalId: EXTERNAL_ID }),
  });
  for (let i = 0; i < n; i++) {
    const arn = channelArn(i, account);
    const keyArn = streamKeyArn(i, account);
    const channel = new cr.AwsCustomResource(stack, `GetChannel${i}`, {
      onUpdate: call('GetChannel', { arn }, arn),
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [arn] }),
      installLatestAwsSdk: false,
    });
    const key = new cr.AwsCustomResource(stack, `GetStreamKey${i}`, {
      onUpdate: call('GetStreamKey', { arn: keyArn }, keyArn),
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [keyArn] }),
      installLatestAwsSdk: false,
    });
    if (i < OUTPUTS) {
      new CfnOutput(stack, `Playback${i}`, { value: channel.getResponseField('channel.playbackUrl') });
      new CfnOutput(stack, `Key${i}`, { value: key.getResponseField('streamKey.arn') });
    }
  }
}

function main() {
  const build = PEERS[peer];
  if (!build || !Number.isInteger(n / stacks) || !outdir) throw new Error(`usage: synth-app.js <${Object.keys(PEERS).join('|')}> <n> <on|off> <outdir>`);
  const lib = peer === 'alpha' ? fromPeers('aws-cdk-lib') : require('aws-cdk-lib');
  // The stack's resource limit is checked by bench/synth.ts (so a stack over it is still measured).
  const app = new lib.App({
    outdir,
    ...(validation === 'off' && { builtinCloudFormationValidation: false }),
    context: { '@aws-cdk/core:stackResourceLimit': 0 },
  });
  const each = n / stacks;
  for (let k = 1; k <= stacks; k++) {
    const stack = new lib.Stack(app, stacks === 1 ? 'Bench' : `Bench${k}`, { env: { account: ACCOUNT, region: REGION } });
    n = each;
    build(lib, stack, (k - 1) * each);
  }
  app.synth();
}

main();
