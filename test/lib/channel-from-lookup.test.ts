// Channel.fromLookup: the queries a synthesis leaves in manifest.missing for the aws-cdk CLI, and what
// the construct makes of the answers the CLI writes into the context (test/lib/cli-context.ts plays the
// CLI, after its own code).
import { App, DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RESOURCE_TYPES } from '../../lib/contract';
import { Channel, ChannelLookupOptions, ILookedUpChannel, MaximumResolution, Policy } from '../../lib';
import { newStack, template } from './helpers';
import { BEHAVIOURS, Cli, CloudResource } from './cli-context';
import { envStack, HOME, HOME_CHANNEL, OTHER_ACCOUNT } from './target-helpers';

const TYPE_NAME = 'AWS::IVS::Channel';
const REQUIRED = ['Arn', 'IngestEndpoint', 'PlaybackUrl'];
const OPTIONAL = [
  'Name', 'Type', 'LatencyMode', 'Authorized', 'InsecureIngest', 'Preset', 'RecordingConfigurationArn', 'ContainerFormat', 'MultitrackInputConfiguration',
];
const EVERY_PROPERTY = [...REQUIRED, ...OPTIONAL];
const DUMMY_ARN = `arn:aws:ivs:${HOME.region}:123456789012:channel/dummy0channel`;
const STACK_LOOKUP_ROLE = `arn:\${AWS::Partition}:iam::${HOME.account}:role/cdk-hnb659fds-lookup-role-${HOME.account}-${HOME.region}`;
const TARGET_LOOKUP_ROLE = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-lookup-role-${AWS::AccountId}-${AWS::Region}';
const WHERE = `account ${HOME.account}, region ${HOME.region}`;

const PLAIN_CHANNEL = `arn:aws:ivs:${HOME.region}:${HOME.account}:channel/plainPLAINpl`;
const RECORDING_ARN = `arn:aws:ivs:${HOME.region}:${HOME.account}:recording-configuration/recABCdef123`;
const KEY_ARN = `arn:aws:ivs:${HOME.region}:${HOME.account}:stream-key/keyABCdef123`;
const KEY_VALUE = 'sk_us-west-2_abcdEFGHijklMNOPqrstUVWXyz012345';

/** Cloud Control's view of a channel, with every property of the AWS::IVS::Channel schema. */
function channelResource(arn: string, properties: { [name: string]: unknown }, account: string = HOME.account): CloudResource {
  const id = arn.split('/')[1];
  return {
    account,
    region: HOME.region,
    typeName: TYPE_NAME,
    identifier: arn,
    properties: {
      Arn: arn,
      IngestEndpoint: `${id.toLowerCase()}.global-contribute.live-video.net`,
      PlaybackUrl: `https://${id.toLowerCase()}.${HOME.region}.playback.live-video.net/api/video/v1/${HOME.region}.${account}.channel.${id}.m3u8`,
      Tags: [{ Key: 'team', Value: 'video' }],
      ...properties,
    },
  };
}

/** A named, private, transcoded channel that records. */
const STUDIO = channelResource(HOME_CHANNEL, {
  Name: 'studio-a',
  Type: 'ADVANCED_HD',
  LatencyMode: 'NORMAL',
  Authorized: true,
  InsecureIngest: true,
  Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY',
  RecordingConfigurationArn: RECORDING_ARN,
  ContainerFormat: 'TS',
  MultitrackInputConfiguration: { Enabled: false, MaximumResolution: 'FULL_HD', Policy: 'ALLOW' },
});

/** An unnamed channel with the defaults, but multitrack input. */
const PLAIN = channelResource(PLAIN_CHANNEL, {
  Name: '',
  Type: 'STANDARD',
  LatencyMode: 'LOW',
  Authorized: false,
  InsecureIngest: false,
  Preset: '',
  RecordingConfigurationArn: '',
  ContainerFormat: 'FRAGMENTED_MP4',
  MultitrackInputConfiguration: { Enabled: true, MaximumResolution: 'HD', Policy: 'REQUIRE' },
});

/** The channel's stream key, whose schema holds its value: no lookup may read it. */
const KEY: CloudResource = {
  account: HOME.account,
  region: HOME.region,
  typeName: 'AWS::IVS::StreamKey',
  identifier: KEY_ARN,
  properties: { Arn: KEY_ARN, ChannelArn: HOME_CHANNEL, Value: KEY_VALUE },
};

const STUDIO_VALUES = {
  channelArn: HOME_CHANNEL,
  channelName: 'studio-a',
  channelType: 'ADVANCED_HD',
  channelLatencyMode: 'NORMAL',
  channelAuthorized: true,
  channelInsecureIngest: true,
  channelPreset: 'CONSTRAINED_BANDWIDTH_DELIVERY',
  channelRecordingConfigurationArn: RECORDING_ARN,
  channelContainerFormat: 'TS',
  channelMultitrackInputConfiguration: undefined,
  channelIngestEndpoint: 'abcdabcdefgh.global-contribute.live-video.net',
  channelRtmpsIngestUrl: 'rtmps://abcdabcdefgh.global-contribute.live-video.net:443/app/',
  channelPlaybackUrl: `https://abcdabcdefgh.${HOME.region}.playback.live-video.net/api/video/v1/${HOME.region}.${HOME.account}.channel.abcdABCDefgh.m3u8`,
};

const PLAIN_VALUES = {
  channelArn: PLAIN_CHANNEL,
  channelName: '',
  channelType: 'STANDARD',
  channelLatencyMode: 'LOW',
  channelAuthorized: false,
  channelInsecureIngest: false,
  channelPreset: '',
  channelRecordingConfigurationArn: '',
  channelContainerFormat: 'FRAGMENTED_MP4',
  channelMultitrackInputConfiguration: { policy: Policy.REQUIRE, maximumResolution: MaximumResolution.HD },
  channelIngestEndpoint: 'plainplainpl.global-contribute.live-video.net',
  channelRtmpsIngestUrl: 'rtmps://plainplainpl.global-contribute.live-video.net:443/app/',
  channelPlaybackUrl: `https://plainplainpl.${HOME.region}.playback.live-video.net/api/video/v1/${HOME.region}.${HOME.account}.channel.plainPLAINpl.m3u8`,
};

/** The dummy values of the first synthesis, for a channel ARN. */
function dummyValues(arn: string, region: string = HOME.region) {
  return {
    channelArn: arn,
    channelName: '',
    channelType: 'STANDARD',
    channelLatencyMode: 'LOW',
    channelAuthorized: false,
    channelInsecureIngest: false,
    channelPreset: '',
    channelRecordingConfigurationArn: '',
    channelContainerFormat: 'TS',
    channelMultitrackInputConfiguration: undefined,
    channelIngestEndpoint: 'dummy.global-contribute.live-video.net',
    channelRtmpsIngestUrl: 'rtmps://dummy.global-contribute.live-video.net:443/app/',
    channelPlaybackUrl: `https://dummy.${region}.playback.live-video.net/api/video/v1/dummy.m3u8`,
  };
}

/** The looked-up values of a channel. */
function valuesOf(channel: ILookedUpChannel) {
  return {
    channelArn: channel.channelArn,
    channelName: channel.channelName,
    channelType: channel.channelType,
    channelLatencyMode: channel.channelLatencyMode,
    channelAuthorized: channel.channelAuthorized,
    channelInsecureIngest: channel.channelInsecureIngest,
    channelPreset: channel.channelPreset,
    channelRecordingConfigurationArn: channel.channelRecordingConfigurationArn,
    channelContainerFormat: channel.channelContainerFormat,
    channelMultitrackInputConfiguration: channel.channelMultitrackInputConfiguration,
    channelIngestEndpoint: channel.channelIngestEndpoint,
    channelRtmpsIngestUrl: channel.channelRtmpsIngestUrl,
    channelPlaybackUrl: channel.channelPlaybackUrl,
  };
}

/** An app whose stack (HOME unless told) looks a channel up. */
function lookupApp(options: ChannelLookupOptions, env: { account?: string; region?: string } = HOME) {
  return (app: App) => {
    const stack = new Stack(app, 'Home', { env });
    return { stack, channel: Channel.fromLookup(stack, 'Channel', options) };
  };
}

/** One synthesis with `context` (as the CLI passes it): the stack, the channel and the missing context. */
function synthWith(context: { [key: string]: unknown }, options: ChannelLookupOptions, env: { account?: string; region?: string } = HOME) {
  const app = new App({ builtinCloudFormationValidation: false, context });
  const { stack, channel } = lookupApp(options, env)(app);
  const assembly = app.synth();
  return { stack, channel, missing: assembly.manifest.missing ?? [] };
}

/** A provider error as the CLI writes it into the context. */
function providerError(message: string): unknown {
  return { [cxapi.PROVIDER_ERROR_KEY]: message, $dontSaveContext: true };
}

/** The reads of the dummy channel's ARN that the CLI performed. */
function dummyReads(cli: Cli): string[] {
  return cli.queries.map((q) => q.exactIdentifier).filter((id) => id === DUMMY_ARN);
}

/** The error annotations of the stack. */
function errorsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findError('*', Match.anyValue()).map((m) => String(m.entry.data));
}

describe('Channel.fromLookup: the queries of the first synthesis', () => {
  test('by ARN: one GetResource query for every property, with dummy values meanwhile', () => {
    // GIVEN no context
    // WHEN
    const { stack, channel, missing } = synthWith({}, { channelArn: HOME_CHANNEL });
    // THEN
    expect(missing).toHaveLength(1);
    expect(missing[0].provider).toBe('cc-api-provider');
    expect(missing[0].key).toMatch(/^cc-api-provider:account=111111111111:exactIdentifier=/);
    expect(missing[0].props).toEqual({
      account: HOME.account,
      region: HOME.region,
      typeName: TYPE_NAME,
      exactIdentifier: HOME_CHANNEL,
      propertiesToReturn: EVERY_PROPERTY,
      dummyValue: [{
        Arn: HOME_CHANNEL,
        IngestEndpoint: 'dummy.global-contribute.live-video.net',
        PlaybackUrl: `https://dummy.${HOME.region}.playback.live-video.net/api/video/v1/dummy.m3u8`,
        Name: '',
        Type: 'STANDARD',
        LatencyMode: 'LOW',
        Authorized: false,
        InsecureIngest: false,
        Preset: '',
        RecordingConfigurationArn: '',
        ContainerFormat: 'TS',
        MultitrackInputConfiguration: { Enabled: false },
      }],
      ignoreErrorOnMissingContext: false,
      // The stack's own lookup role (its synthesizer's), in the stack's account.
      lookupRoleArn: STACK_LOOKUP_ROLE,
    });
    expect(valuesOf(channel)).toEqual(dummyValues(HOME_CHANNEL));
    expect(errorsOf(stack)).toEqual([]);
  });

  test('by name: one ListResources propertyMatch query first, nothing for the dummy ARN', () => {
    const { channel, missing } = synthWith({}, { channelName: 'studio-a' });
    expect(missing).toHaveLength(1);
    expect(missing[0].props).toEqual({
      account: HOME.account,
      region: HOME.region,
      typeName: TYPE_NAME,
      propertyMatch: { Name: 'studio-a' },
      propertiesToReturn: ['Arn'],
      expectedMatchCount: 'exactly-one',
      dummyValue: [{ Arn: DUMMY_ARN }],
      ignoreErrorOnMissingContext: false,
      lookupRoleArn: STACK_LOOKUP_ROLE,
    });
    expect(valuesOf(channel)).toEqual(dummyValues(DUMMY_ARN));
  });

  test('another account: the query is in that account, with its bootstrap lookup role (placeholders for the CLI), reported once', () => {
    const arn = `arn:aws:ivs:eu-west-1:${OTHER_ACCOUNT}:channel/abcdABCDefgh`;
    const { channel, missing } = synthWith({}, { channelArn: arn });
    expect(missing).toHaveLength(1);
    expect(missing[0].props).toEqual(expect.objectContaining({
      account: OTHER_ACCOUNT,
      region: 'eu-west-1',
      exactIdentifier: arn,
      lookupRoleArn: TARGET_LOOKUP_ROLE,
    }));
    expect((missing[0].props as any).lookupRoleExternalId).toBeUndefined();
    expect(channel.env).toEqual(expect.objectContaining({ account: OTHER_ACCOUNT, region: 'eu-west-1' }));
  });

  test('another account: the bootstrap qualifier of the context names the role', () => {
    const { missing } = synthWith({ '@aws-cdk/core:bootstrapQualifier': 'video123' }, { channelName: 'studio-a', account: OTHER_ACCOUNT });
    expect(missing[0].props).toEqual(expect.objectContaining({
      account: OTHER_ACCOUNT,
      region: HOME.region,
      lookupRoleArn: 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-video123-lookup-role-${AWS::AccountId}-${AWS::Region}',
    }));
  });

  test('a lookup role of its own, in any account, with its external ID', () => {
    const role = `arn:aws:iam::${HOME.account}:role/channel-reader`;
    const own = synthWith({}, { channelArn: HOME_CHANNEL, lookupRoleArn: role, lookupRoleExternalId: 'reader-1' });
    expect(own.missing).toHaveLength(1);
    expect(own.missing[0].props).toEqual(expect.objectContaining({ account: HOME.account, lookupRoleArn: role, lookupRoleExternalId: 'reader-1' }));
    const otherRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/channel-reader`;
    const other = synthWith({}, { channelName: 'studio-a', account: OTHER_ACCOUNT, region: 'eu-west-1', lookupRoleArn: otherRole });
    expect(other.missing[0].props).toEqual(expect.objectContaining({ account: OTHER_ACCOUNT, region: 'eu-west-1', lookupRoleArn: otherRole }));
  });

  test('the stack\'s synthesizer names the role in its own account only: a lookup elsewhere, or with its own role, keeps its role', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const synthesizer = new DefaultStackSynthesizer({ lookupRoleArn: `arn:aws:iam::${HOME.account}:role/stack-lookups` });
    const stack = new Stack(app, 'Home', { env: HOME, synthesizer });
    Channel.fromLookup(stack, 'Own', { channelArn: HOME_CHANNEL });
    Channel.fromLookup(stack, 'Other', { channelName: 'studio-a', account: OTHER_ACCOUNT });
    Channel.fromLookup(stack, 'WithRole', { channelName: 'studio-b', lookupRoleArn: `arn:aws:iam::${HOME.account}:role/channel-reader` });
    const missing = app.synth().manifest.missing ?? [];
    const roleOf = (match: (props: any) => boolean) => missing.filter((m) => match(m.props)).map((m) => (m.props as any).lookupRoleArn);
    expect(missing).toHaveLength(3);
    expect(roleOf((p) => p.exactIdentifier === HOME_CHANNEL)).toEqual([`arn:aws:iam::${HOME.account}:role/stack-lookups`]);
    expect(roleOf((p) => p.account === OTHER_ACCOUNT)).toEqual([TARGET_LOOKUP_ROLE]);
    expect(roleOf((p) => p.propertyMatch?.Name === 'studio-b')).toEqual([`arn:aws:iam::${HOME.account}:role/channel-reader`]);
  });

  test('an env-agnostic stack: account and region of the ARN', () => {
    const { missing, channel } = synthWith({}, { channelArn: HOME_CHANNEL }, {});
    expect(missing[0].props).toEqual(expect.objectContaining({ account: HOME.account, region: HOME.region, exactIdentifier: HOME_CHANNEL }));
    expect(channel.env).toEqual(expect.objectContaining({ account: HOME.account, region: HOME.region }));
  });

  test('account and region options win over the ARN\'s and the stack\'s', () => {
    const { missing } = synthWith({}, { channelName: 'studio-a', account: OTHER_ACCOUNT, region: 'ap-south-1' }, {});
    expect(missing[0].props).toEqual(expect.objectContaining({ account: OTHER_ACCOUNT, region: 'ap-south-1', lookupRoleArn: TARGET_LOOKUP_ROLE }));
  });
});

describe.each(BEHAVIOURS)('Channel.fromLookup through the CLI (Cloud Control reads %j)', (behaviour) => {
  const cloud = [STUDIO, PLAIN, KEY];

  test('by ARN: every value of the channel', () => {
    const cli = new Cli(cloud, behaviour);
    const { result } = cli.synth(lookupApp({ channelArn: HOME_CHANNEL }));
    expect(valuesOf(result.channel)).toEqual(STUDIO_VALUES);
    expect(errorsOf(result.stack)).toEqual([]);
    // A read that leaves a property out costs one more round: each optional property on its own.
    expect(cli.rounds).toBe(behaviour.reads === 'all' ? 2 : 3);
  });

  test('by ARN: a channel with the defaults and multitrack input', () => {
    const cli = new Cli(cloud, behaviour);
    const { result } = cli.synth(lookupApp({ channelArn: PLAIN_CHANNEL }));
    expect(valuesOf(result.channel)).toEqual(PLAIN_VALUES);
    expect(errorsOf(result.stack)).toEqual([]);
  });

  test('by name: found where ListResources lists every channel with its name, refused with advice where not', () => {
    const cli = new Cli(cloud, behaviour);
    const { result } = cli.synth(lookupApp({ channelName: 'studio-a' }));
    // PLAIN has no name: a read that leaves '' out lists it without one, which fails the CLI's match.
    if (behaviour.lists === 'properties' && behaviour.reads === 'all') {
      expect(valuesOf(result.channel)).toEqual(STUDIO_VALUES);
      expect(errorsOf(result.stack)).toEqual([]);
      expect(cli.queries.map((q) => q.propertyMatch ?? q.exactIdentifier)).toEqual([{ Name: 'studio-a' }, HOME_CHANNEL]);
    } else {
      expect(errorsOf(result.stack)).toEqual([`Channel.fromLookup: Cloud Control's ListResources lists AWS::IVS::Channel without names in ${WHERE}, `
        + 'so a channel cannot be found by name there: look it up by channelArn, or read it at deploy time with ChannelLookup. The CLI said: '
        + 'Encountered CC API error while listing AWS::IVS::Channel resources matching {"Name":"studio-a"}\nCannot read field Name. Name is not found.']);
      expect(cli.queries).toHaveLength(1);
    }
    // Never a read of the dummy's ARN.
    expect(dummyReads(cli)).toEqual([]);
  });

  test('by name, no channel at all: no channel named so', () => {
    const cli = new Cli([], behaviour);
    const { result } = cli.synth(lookupApp({ channelName: 'studio-a' }));
    expect(errorsOf(result.stack)).toEqual([`Channel.fromLookup: no channel named 'studio-a' in ${WHERE}. The CLI said: `
      + 'Could not find any resources matching {"Name":"studio-a"}; expected exactly one.']);
    expect(dummyReads(cli)).toEqual([]);
  });

  test('by ARN, no such channel: an error naming it, once', () => {
    const cli = new Cli([PLAIN], behaviour);
    const { result } = cli.synth(lookupApp({ channelArn: HOME_CHANNEL }));
    expect(errorsOf(result.stack)).toEqual([`Channel.fromLookup: no channel ${HOME_CHANNEL} in ${WHERE}. The CLI said: `
      + `No resource of type AWS::IVS::Channel with identifier: ${HOME_CHANNEL}.`]);
  });

  test('a lookup role without access: the CLI\'s error, whole', () => {
    const denied = 'User: arn:aws:sts::111111111111:assumed-role/cdk-hnb659fds-lookup-role-111111111111-us-west-2/cli is not authorized to perform: '
      + 'cloudformation:GetResource';
    const cli = new Cli(cloud, behaviour, denied);
    const { result } = cli.synth(lookupApp({ channelArn: HOME_CHANNEL }));
    expect(errorsOf(result.stack)).toEqual([`Channel.fromLookup: reading channel ${HOME_CHANNEL} in ${WHERE} failed: `
      + `Encountered CC API error while getting AWS::IVS::Channel resource ${HOME_CHANNEL}\n${denied}.`]);
    const byName = new Cli(cloud, behaviour, denied).synth(lookupApp({ channelName: 'studio-a' }));
    expect(errorsOf(byName.result.stack)).toEqual([`Channel.fromLookup: looking for the channel named 'studio-a' in ${WHERE} failed: `
      + `Encountered CC API error while listing AWS::IVS::Channel resources matching {"Name":"studio-a"}\n${denied}.`]);
  });

  test('another account: the CLI assumes that account\'s lookup role', () => {
    const arn = `arn:aws:ivs:${HOME.region}:${OTHER_ACCOUNT}:channel/abcdABCDefgh`;
    const cli = new Cli([channelResource(arn, { ...STUDIO.properties, Arn: arn }, OTHER_ACCOUNT)], behaviour);
    const { result } = cli.synth(lookupApp({ channelArn: arn }));
    expect(result.channel.channelArn).toBe(arn);
    expect(result.channel.channelName).toBe('studio-a');
    expect(cli.queries.length).toBeGreaterThan(0);
    for (const query of cli.queries) {
      expect(query.lookupRoleArn).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role/cdk-hnb659fds-lookup-role-${OTHER_ACCOUNT}-${HOME.region}`);
    }
  });

  test('no secret reaches the context: only the channel\'s non-secret properties are asked for, and kept', () => {
    const cli = new Cli(cloud, behaviour);
    const absent = `arn:aws:ivs:${HOME.region}:${HOME.account}:channel/keyABCdef123`;
    for (const options of [{ channelArn: HOME_CHANNEL }, { channelArn: PLAIN_CHANNEL }, { channelName: 'studio-a' }, { channelArn: absent }]) {
      cli.synth(lookupApp(options));
    }
    for (const query of cli.queries) {
      expect(query.typeName).toBe(TYPE_NAME);
      for (const name of query.propertiesToReturn) expect(EVERY_PROPERTY).toContain(name);
    }
    const text = JSON.stringify(cli.context);
    expect(text).not.toContain(KEY_VALUE);
    expect(text).not.toMatch(/sk_[a-z]{2}-/);
    expect(text).not.toContain('"Tags"');
    for (const value of Object.values(cli.saved())) {
      for (const item of value as Array<{ [name: string]: unknown }>) {
        for (const name of Object.keys(item)) expect([...EVERY_PROPERTY, 'Identifier']).toContain(name);
      }
    }
  });
});

describe('Channel.fromLookup: answers as the CLI writes them into the context', () => {
  /** The key of the one query a first synthesis reports. */
  function keyOf(options: ChannelLookupOptions, context: { [key: string]: unknown } = {}): string {
    const { missing } = synthWith(context, options);
    expect(missing).toHaveLength(1);
    return missing[0].key;
  }

  test('a value: the channel, no query left', () => {
    const key = keyOf({ channelArn: HOME_CHANNEL });
    const value = [{ ...Object.fromEntries(EVERY_PROPERTY.map((p) => [p, STUDIO.properties[p]])), Identifier: HOME_CHANNEL }];
    const { channel, missing, stack } = synthWith({ [key]: value }, { channelArn: HOME_CHANNEL });
    expect(missing).toEqual([]);
    expect(valuesOf(channel)).toEqual(STUDIO_VALUES);
    expect(errorsOf(stack)).toEqual([]);
  });

  test('booleans as strings are read as booleans', () => {
    const key = keyOf({ channelArn: HOME_CHANNEL });
    const value = [{ ...STUDIO.properties, Authorized: 'true', InsecureIngest: 'false' }];
    const { channel } = synthWith({ [key]: value }, { channelArn: HOME_CHANNEL });
    expect(channel.channelAuthorized).toBe(true);
    expect(channel.channelInsecureIngest).toBe(false);
  });

  test('"No resource of type ...": an error annotation naming the channel and the account', () => {
    const key = keyOf({ channelArn: HOME_CHANNEL });
    const message = `No resource of type AWS::IVS::Channel with identifier: ${HOME_CHANNEL}`;
    const { stack, channel, missing } = synthWith({ [key]: providerError(message) }, { channelArn: HOME_CHANNEL });
    Annotations.fromStack(stack).hasError('/Home/Channel', `Channel.fromLookup: no channel ${HOME_CHANNEL} in ${WHERE}. The CLI said: ${message}.`);
    expect(missing).toEqual([]);
    // Meanwhile the dummy values, so the rest of the app still synthesizes.
    expect(valuesOf(channel)).toEqual(dummyValues(HOME_CHANNEL));
  });

  test('"Cannot read field Preset...": one query per property, a missing one taking the schema\'s default', () => {
    const options = { channelArn: HOME_CHANNEL };
    const allKey = keyOf(options);
    const context: { [key: string]: unknown } = { [allKey]: providerError('Cannot read field Preset. Preset is not found.') };
    const { missing, stack } = synthWith(context, options);
    expect(errorsOf(stack)).toEqual([]);
    expect(missing.map((m) => (m.props as any).propertiesToReturn)).toEqual([REQUIRED, ...OPTIONAL.map((p) => [p])]);
    expect(missing.map((m) => (m.props as any).exactIdentifier)).toEqual(Array(10).fill(HOME_CHANNEL));
    expect((missing[1].props as any).dummyValue).toEqual([{ Name: '' }]);
    expect((missing[9].props as any).dummyValue).toEqual([{ MultitrackInputConfiguration: { Enabled: false } }]);

    // The CLI answers each: the channel has no preset and no recording, and every other property.
    for (const query of missing) {
      const [name] = (query.props as any).propertiesToReturn as string[];
      context[query.key] = name === 'Preset' || name === 'RecordingConfigurationArn'
        ? providerError(`Cannot read field ${name}. ${name} is not found.`)
        : [{ ...Object.fromEntries(((query.props as any).propertiesToReturn as string[]).map((p) => [p, STUDIO.properties[p]])), Identifier: HOME_CHANNEL }];
    }
    const done = synthWith(context, options);
    expect(done.missing).toEqual([]);
    expect(errorsOf(done.stack)).toEqual([]);
    expect(valuesOf(done.channel)).toEqual({ ...STUDIO_VALUES, channelPreset: '', channelRecordingConfigurationArn: '' });
  });

  test('after "Cannot read field", a failing read of the required properties is reported', () => {
    const options = { channelArn: HOME_CHANNEL };
    const context: { [key: string]: unknown } = { [keyOf(options)]: providerError('Cannot read field Name. Name is not found.') };
    const message = `No resource of type AWS::IVS::Channel with identifier: ${HOME_CHANNEL}`;
    for (const query of synthWith(context, options).missing) context[query.key] = providerError(message);
    const { stack } = synthWith(context, options);
    // Ten failing queries, one error.
    expect(errorsOf(stack)).toEqual([`Channel.fromLookup: no channel ${HOME_CHANNEL} in ${WHERE}. The CLI said: ${message}.`]);
  });

  test('after "Cannot read field", another error of one property\'s read is reported', () => {
    const options = { channelArn: HOME_CHANNEL };
    const context: { [key: string]: unknown } = { [keyOf(options)]: providerError('Cannot read field Name. Name is not found.') };
    const throttled = `Encountered CC API error while getting AWS::IVS::Channel resource ${HOME_CHANNEL}\nRate exceeded`;
    for (const query of synthWith(context, options).missing) {
      const names = (query.props as any).propertiesToReturn as string[];
      context[query.key] = names[0] === 'Type' ? providerError(throttled)
        : [{ ...Object.fromEntries(names.map((p) => [p, STUDIO.properties[p]])), Identifier: HOME_CHANNEL }];
    }
    const { stack, channel } = synthWith(context, options);
    expect(errorsOf(stack)).toEqual([`Channel.fromLookup: reading channel ${HOME_CHANNEL} in ${WHERE} failed: ${throttled}.`]);
    // The failed property keeps the schema's default meanwhile.
    expect(channel.channelType).toBe('STANDARD');
  });

  test('by name: "Could not find any resources matching ...", and the ARN of a match', () => {
    const options = { channelName: 'studio-a' };
    const key = keyOf(options);
    const notFound = 'Could not find any resources matching {"Name":"studio-a"}; expected exactly one.';
    const none = synthWith({ [key]: providerError(notFound) }, options);
    expect(errorsOf(none.stack)).toEqual([`Channel.fromLookup: no channel named 'studio-a' in ${WHERE}. The CLI said: ${notFound}`]);
    expect(none.missing).toEqual([]);

    const found = synthWith({ [key]: [{ Arn: HOME_CHANNEL, Identifier: HOME_CHANNEL }] }, options);
    expect(found.missing).toHaveLength(1);
    expect((found.missing[0].props as any).exactIdentifier).toBe(HOME_CHANNEL);
    expect((found.missing[0].props as any).dummyValue[0].Arn).toBe(HOME_CHANNEL);
    expect(found.channel.channelArn).toBe(HOME_CHANNEL);
  });
});

describe('Channel.fromLookup: refusals', () => {
  test.each([
    [{}, 'neither'],
    [{ channelArn: HOME_CHANNEL, channelName: 'studio-a' }, 'both'],
  ])('needs exactly one of channelArn and channelName (%j)', (options, got) => {
    const stack = envStack();
    expect(() => Channel.fromLookup(stack, 'Channel', options)).toThrow(`Channel.fromLookup needs exactly one of channelArn and channelName, got ${got}`);
  });

  test.each(['channelArn', 'channelName', 'account', 'region', 'lookupRoleArn', 'lookupRoleExternalId'])('refuses a token for %s', (name) => {
    const stack = envStack();
    const options: any = { channelName: 'studio-a', [name]: Fn.importValue('X') };
    if (name === 'channelArn') delete options.channelName;
    expect(() => Channel.fromLookup(stack, 'Channel', options)).toThrow(`Channel.fromLookup needs concrete values (no tokens), got a token for ${name}`);
  });

  test.each(['not-an-arn', KEY_ARN, 'arn:aws:ivs:us-west-2::channel/abcdABCDefgh'])('refuses channelArn %j before any query', (channelArn) => {
    const stack = envStack();
    expect(() => Channel.fromLookup(stack, 'Channel', { channelArn }))
      .toThrow(`channelArn must be an IVS channel ARN (arn:<partition>:ivs:<region>:<account>:channel/<id>), got '${channelArn}'`);
  });

  test('needs an account and region, from the stack, the ARN or the options', () => {
    expect(() => Channel.fromLookup(newStack(), 'Channel', { channelName: 'studio-a' }))
      .toThrow('Channel.fromLookup needs the account and region: give the stack an env with account and region, or pass account and region');
    expect(() => Channel.fromLookup(newStack(), 'Channel', { channelName: 'studio-a', account: HOME.account }))
      .toThrow(/needs the account and region/);
  });
});

describe('the looked-up channel', () => {
  test('is an IChannel: a StreamKey and grants act on its ARN', () => {
    const stack = envStack();
    const channel = Channel.fromLookup(stack, 'Channel', { channelArn: HOME_CHANNEL });
    channel.addStreamKey('Key');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: HOME_CHANNEL, Region: Match.absent() });
  });

  test('in another region: a StreamKey goes there', () => {
    const stack = envStack();
    const arn = `arn:aws:ivs:eu-west-1:${HOME.account}:channel/abcdABCDefgh`;
    Channel.fromLookup(stack, 'Channel', { channelArn: arn }).addStreamKey('Key');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: arn, Region: 'eu-west-1' });
  });
});
