import { Errors, Fn, Lazy, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { RESOURCE_TYPES } from '../../lib/contract';
import {
  Channel,
  ChannelProps,
  ChannelType,
  ContainerFormat,
  IPlaybackRestrictionPolicy,
  IRecordingConfiguration,
  LatencyMode,
  MaximumResolution,
  Policy,
  Preset,
} from '../../lib';
import { anyPartition, arnPartitions, checkEnum, checkRange, checkString, tagErrors } from '../../lib/validation';
import { newStack, tags, template } from './helpers';

function channelWith(props: ChannelProps): () => Channel {
  const stack = newStack();
  return () => new Channel(stack, 'Channel', props);
}

const MT = { maximumResolution: MaximumResolution.HD, policy: Policy.REQUIRE };

describe('Channel validation', () => {
  test.each<[string, ChannelProps, RegExp]>([
    ['a name with a space', { channelName: 'my channel' },
      /channelName must be only letters, digits, hyphens and underscores, got 'my channel'/],
    ['a name of 129 characters', { channelName: 'a'.repeat(129) },
      /channelName must be at most 128 characters long, got 129: 'a{129}'/],
    ['multitrack on a BASIC channel', { type: ChannelType.BASIC, multitrackInputConfiguration: MT },
      /multitrackInputConfiguration is only valid with type STANDARD, got type 'BASIC'/],
    ['multitrack on an ADVANCED_HD channel', { type: ChannelType.ADVANCED_HD, multitrackInputConfiguration: MT },
      /multitrackInputConfiguration is only valid with type STANDARD, got type 'ADVANCED_HD'/],
    ['multitrack with TS', { containerFormat: ContainerFormat.TS, multitrackInputConfiguration: MT },
      /multitrackInputConfiguration requires containerFormat FRAGMENTED_MP4, got containerFormat 'TS'/],
    ['multitrack without a policy', { multitrackInputConfiguration: { maximumResolution: MaximumResolution.SD } as any },
      /multitrackInputConfiguration.policy is required \(Policy.ALLOW or Policy.REQUIRE\), got undefined/],
    ['multitrack without a resolution', { multitrackInputConfiguration: { policy: Policy.ALLOW } as any },
      /multitrackInputConfiguration.maximumResolution is required \(MaximumResolution.SD, HD or FULL_HD\), got undefined/],
    ['a multitrack policy outside the model', { multitrackInputConfiguration: { policy: 'MAYBE', maximumResolution: 'HD' } as any },
      /multitrackInputConfiguration.policy must be one of ALLOW, REQUIRE, got 'MAYBE'/],
    ['a multitrack resolution outside the model', { multitrackInputConfiguration: { policy: 'ALLOW', maximumResolution: '4K' } as any },
      /multitrackInputConfiguration.maximumResolution must be one of SD, HD, FULL_HD, got '4K'/],
    ['a type outside the model', { type: 'PREMIUM' as ChannelType },
      /type must be one of BASIC, STANDARD, ADVANCED_SD, ADVANCED_HD, got 'PREMIUM'/],
    ['a latency mode outside the model', { latencyMode: 'ULTRA' as LatencyMode },
      /latencyMode must be one of NORMAL, LOW, got 'ULTRA'/],
    ['a preset outside the model', { type: ChannelType.ADVANCED_SD, preset: 'FAST' as Preset },
      /preset must be one of HIGHER_BANDWIDTH_DELIVERY, CONSTRAINED_BANDWIDTH_DELIVERY, got 'FAST'/],
    ['a container format outside the model', { containerFormat: 'MKV' as ContainerFormat },
      /containerFormat must be one of TS, FRAGMENTED_MP4, got 'MKV'/],
    ['a recording configuration with a channel ARN',
      { recordingConfiguration: { recordingConfigurationArn: 'arn:aws:ivs:us-west-2:123456789012:channel/abc' } as IRecordingConfiguration },
      /recordingConfiguration must be an IVS recording configuration ARN .*, got 'arn:aws:ivs:us-west-2:123456789012:channel\/abc'/],
    ['a playback restriction policy with a bad ARN',
      { playbackRestrictionPolicy: { playbackRestrictionPolicyArn: 'arn:aws:ivs:us-west-2:1:policy/abc' } as IPlaybackRestrictionPolicy },
      /playbackRestrictionPolicy must be an IVS playback restriction policy ARN .*, got 'arn:aws:ivs:us-west-2:1:policy\/abc'/],
    ['a bad ad configuration ARN', { adConfigurationArn: 'arn:aws:ivs:us-west-2:1:ad/abc' },
      /adConfigurationArn must be an IVS ad configuration ARN \(arn:<partition>:ivs:<region>:<account>:ad-configuration\/<id>\), got 'arn:aws:ivs:us-west-2:1:ad\/abc'/],
    ['50 tags', { tags: tags(50) },
      /tags holds 50 tags; IVS allows at most 49 on this resource/],
    ['an empty tag key', { tags: { '': 'v' } },
      /tags: tag key '' must be 1 to 128 characters long/],
    ['a tag value of 257 characters', { tags: { k: 'v'.repeat(257) } },
      /tags: the value of tag 'k' must be at most 256 characters long, got 257/],
    ['a non-string tag value', { tags: { k: 5 as any } },
      /tags: tag 'k' must have a string value, got 5/],
    ['RemovalPolicy.SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT },
      /removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got 'snapshot'/],
  ])('rejects %s', (_name, props, error) => {
    expect(channelWith(props)).toThrow(error);
  });

  test.each<[string, ChannelProps, string]>([
    ['a STANDARD channel', { type: ChannelType.STANDARD, preset: Preset.HIGHER_BANDWIDTH_DELIVERY }, "preset 'HIGHER_BANDWIDTH_DELIVERY' is not sent: "
      + "IVS selects a preset only for type ADVANCED_SD or ADVANCED_HD, and type is 'STANDARD', whose channels have no preset. Remove preset, or choose an ADVANCED type"],
    ['a BASIC channel', { type: ChannelType.BASIC, preset: Preset.CONSTRAINED_BANDWIDTH_DELIVERY }, "preset 'CONSTRAINED_BANDWIDTH_DELIVERY' is not sent: "
      + "IVS selects a preset only for type ADVANCED_SD or ADVANCED_HD, and type is 'BASIC', whose channels have no preset. Remove preset, or choose an ADVANCED type"],
    ['the default type', { preset: Preset.HIGHER_BANDWIDTH_DELIVERY }, "preset 'HIGHER_BANDWIDTH_DELIVERY' is not sent: "
      + "IVS selects a preset only for type ADVANCED_SD or ADVANCED_HD, and type is 'STANDARD (default)', whose channels have no preset. Remove preset, or choose an ADVANCED type"],
  ])('a preset on %s is not sent, with a warning naming it', (_name, props, warning) => {
    const stack = newStack();
    new Channel(stack, 'Channel', props);
    const t = template(stack);
    t.hasResourceProperties(RESOURCE_TYPES.channel, { Preset: Match.absent() });
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/Channel', Match.stringLikeRegexp('cdk-ivs:presetIgnored'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toBe(`${warning} [ack: cdk-ivs:presetIgnored]`);
  });

  test.each<[string, ChannelProps]>([
    ['ADVANCED_SD', { type: ChannelType.ADVANCED_SD, preset: Preset.CONSTRAINED_BANDWIDTH_DELIVERY }],
    ['a token type', { type: Lazy.string({ produce: () => 'STANDARD' }) as ChannelType, preset: Preset.CONSTRAINED_BANDWIDTH_DELIVERY }],
  ])('a preset with %s is sent, without a warning', (_name, props) => {
    const stack = newStack();
    new Channel(stack, 'Channel', props);
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-ivs:presetIgnored'));
  });

  test('errors are aws-cdk-lib ValidationErrors attached to the construct', () => {
    let caught: unknown;
    try {
      channelWith({ channelName: 'bad name' })();
    } catch (e) {
      caught = e;
    }
    expect(Errors.isValidationError(caught)).toBe(true);
    expect((caught as any).constructPath).toBe('TestStack/Channel');
  });

  test.each<[string, ChannelProps]>([
    ['a preset on ADVANCED_SD', { type: ChannelType.ADVANCED_SD, preset: Preset.CONSTRAINED_BANDWIDTH_DELIVERY }],
    ['a preset on ADVANCED_HD', { type: ChannelType.ADVANCED_HD, preset: Preset.HIGHER_BANDWIDTH_DELIVERY }],
    ['multitrack with the default type and format', { multitrackInputConfiguration: MT }],
    ['multitrack with STANDARD and FRAGMENTED_MP4', { type: ChannelType.STANDARD, containerFormat: ContainerFormat.FRAGMENTED_MP4, multitrackInputConfiguration: MT }],
    ['a name of 128 characters', { channelName: 'a'.repeat(128) }],
    ['49 tags', { tags: tags(49) }],
    ['RETAIN_ON_UPDATE_OR_DELETE', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }],
    ['an ad configuration ARN', { adConfigurationArn: 'arn:aws:ivs:us-west-2:123456789012:ad-configuration/abc' }],
  ])('accepts %s', (_name, props) => {
    expect(channelWith(props)).not.toThrow();
  });

  test.each<[string, ChannelProps]>([
    ['a token name', { channelName: Lazy.string({ produce: () => 'not valid!' }) }],
    ['a token type with a preset', { type: Lazy.string({ produce: () => 'STANDARD' }) as ChannelType, preset: Preset.HIGHER_BANDWIDTH_DELIVERY }],
    ['a token type with multitrack', { type: Lazy.string({ produce: () => 'BASIC' }) as ChannelType, multitrackInputConfiguration: MT }],
    ['a token container format with multitrack', { containerFormat: Fn.importValue('Format') as ContainerFormat, multitrackInputConfiguration: MT }],
    ['a token ad configuration ARN', { adConfigurationArn: Fn.importValue('Ad') }],
    ['a token recording configuration ARN', { recordingConfiguration: { recordingConfigurationArn: Fn.importValue('Rc') } as IRecordingConfiguration }],
    ['a token tag value', { tags: { k: Fn.importValue('V') } }],
  ])('skips %s', (_name, props) => {
    expect(channelWith(props)).not.toThrow();
  });

  test('more than 49 tags once Tags.of() has added its own fails the synth', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { tags: tags(49) });
    Tags.of(stack).add('one-more', 'x');
    expect(() => template(stack)).toThrow(/tags \(after Tags.of\) holds 50 tags; IVS allows at most 49 on this resource/);
  });

  test('49 tags with those of Tags.of() synthesize', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { tags: tags(48) });
    Tags.of(stack).add('one-more', 'x');
    template(stack).resourceCountIs(RESOURCE_TYPES.channel, 1);
  });
});

describe('ARNs of every partition', () => {
  const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

  test('the partitions are those of aws-cdk-lib\'s region table', () => {
    expect([...arnPartitions()].sort()).toEqual([...PARTITIONS].sort());
    expect(anyPartition('^arn:aws:ivs:x$|^arn:aws:ivs:y$')).toBe(`^arn:(${arnPartitions().join('|')}):ivs:x$|^arn:(${arnPartitions().join('|')}):ivs:y$`);
  });

  test.each(PARTITIONS)('accepts %s ARNs wherever an IVS ARN is taken', (partition) => {
    const stack = newStack();
    const arn = (type: string) => `arn:${partition}:ivs:us-west-2:123456789012:${type}/abcdABCDefgh`;
    expect(() => Channel.fromChannelArn(stack, 'Imported', arn('channel'))).not.toThrow();
    expect(() => new Channel(stack, 'Channel', {
      recordingConfiguration: { recordingConfigurationArn: arn('recording-configuration') } as IRecordingConfiguration,
      playbackRestrictionPolicy: { playbackRestrictionPolicyArn: arn('playback-restriction-policy') } as IPlaybackRestrictionPolicy,
      adConfigurationArn: arn('ad-configuration'),
    })).not.toThrow();
    expect(() => checkString(stack, 'arn', arn('stream-key'), 'StreamKeyArn')).not.toThrow();
    expect(() => checkString(stack, 'arn', arn('playback-key'), 'PlaybackKeyPairArn')).not.toThrow();
  });

  test.each(['arn:awsx:ivs:us-west-2:1:channel/a', 'arn:aws-mars:ivs:us-west-2:1:channel/a', 'arn::ivs:us-west-2:1:channel/a', 'arn:AWS:ivs:us-west-2:1:channel/a'])(
    'refuses %j', (arn) => {
      const stack = newStack();
      expect(() => checkString(stack, 'channel', arn, 'ChannelArn'))
        .toThrow(`channel must be an IVS channel ARN (arn:<partition>:ivs:<region>:<account>:channel/<id>), got '${arn}'`);
      expect(() => new Channel(stack, 'Channel', { adConfigurationArn: arn.replace('channel', 'ad-configuration') }))
        .toThrow(/adConfigurationArn must be an IVS ad configuration ARN \(arn:<partition>:ivs:<region>:<account>:ad-configuration\/<id>\)/);
    });
});

describe('validation helpers', () => {
  test('checkString shows a pattern it has no words for', () => {
    const stack = newStack();
    expect(() => checkString(stack, 'x', 'arn:aws:s3:::b', 'ResourceArn')).toThrow(/x must be a string matching \^arn:\(aws\|aws-cn\|.*\):ivs:.*, got 'arn:aws:s3:::b'/);
    expect(() => checkString(stack, 'x', 'a b', 'PlaybackRestrictionPolicyAllowedCountry')).toThrow(/x must be at most 2 characters long, got 3: 'a b'/);
    expect(() => checkString(stack, 'x', 'v', 'NoSuchShape')).toThrow(/no shape 'NoSuchShape' in the IVS model/);
  });

  test('checkRange rejects fractions and values outside the range, skips tokens', () => {
    const stack = newStack();
    expect(() => checkRange(stack, 'n', 1.5, 'RecordingReconnectWindowSeconds', 'seconds')).toThrow(/n must be a whole number of seconds from 0 to 300, got 1.5/);
    expect(() => checkRange(stack, 'n', -1, 'RecordingReconnectWindowSeconds', 'seconds')).toThrow(/got -1/);
    expect(() => checkRange(stack, 'n', Lazy.number({ produce: () => 999 }), 'RecordingReconnectWindowSeconds', 'seconds')).not.toThrow();
    expect(() => checkRange(stack, 'n', undefined, 'RecordingReconnectWindowSeconds', 'seconds')).not.toThrow();
  });

  test('checkEnum takes a model enum', () => {
    const stack = newStack();
    expect(() => checkEnum(stack, 'e', 'LOW', 'ChannelLatencyMode')).not.toThrow();
    expect(() => checkEnum(stack, 'e', 'x', 'ChannelName')).toThrow(/e must be one of , got 'x'/);
  });

  test('tagErrors lists every problem and skips token keys', () => {
    expect(tagErrors('tags', undefined)).toEqual([]);
    expect(tagErrors('tags', { [Lazy.string({ produce: () => 'k' })]: 'v' })).toEqual([]);
    expect(tagErrors('tags', { ...tags(3), ['x'.repeat(130)]: 'y'.repeat(300) }, { maxCount: 2 })).toEqual([
      'tags holds 4 tags; IVS allows at most 2 on this resource',
      `tags: tag key '${'x'.repeat(130)}' must be 1 to 128 characters long`,
      `tags: the value of tag '${'x'.repeat(130)}' must be at most 256 characters long, got 300`,
    ]);
  });

  test('a very long bad value is cut in the message', () => {
    const stack = newStack();
    expect(() => checkString(stack, 'channelName', `${'a'.repeat(300)} b`, 'ChannelName')).toThrow(/got 302: 'a{200}\.\.\.'/);
  });
});
