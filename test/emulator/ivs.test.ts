// The IVS side of the emulator, driven through the real @aws-sdk/client-ivs.
import {
  BatchGetChannelCommand, CreateChannelCommand, CreateStreamKeyCommand, DeleteChannelCommand, DeletePlaybackKeyPairCommand,
  DeleteStreamKeyCommand, GetChannelCommand, GetPlaybackKeyPairCommand, GetStreamCommand, GetStreamKeyCommand,
  GetStreamSessionCommand, ImportPlaybackKeyPairCommand, IvsClient, ListChannelsCommand, ListPlaybackKeyPairsCommand,
  ListStreamKeysCommand, ListTagsForResourceCommand, StopStreamCommand, TagResourceCommand, UntagResourceCommand,
  UpdateChannelCommand, CreateRecordingConfigurationCommand, DeleteRecordingConfigurationCommand,
  CreatePlaybackRestrictionPolicyCommand, UpdatePlaybackRestrictionPolicyCommand, DeletePlaybackRestrictionPolicyCommand,
  ListPlaybackRestrictionPoliciesCommand, ListStreamsCommand, PutMetadataCommand, StartViewerSessionRevocationCommand,
} from '@aws-sdk/client-ivs';
import { CHANNEL_RULE_VARIANTS, DEFAULT_CHANNEL_RULES, IvsEmulator, startEmulator, TEST_ACCOUNT_ID } from '.';
import { failure, p384PublicKey } from './sdk-helpers';

let emulator: IvsEmulator;
let ivs: IvsClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  ivs = new IvsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  ivs.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
});

async function createChannel(name = 'demo') {
  const out = await ivs.send(new CreateChannelCommand({ name }));
  return { channel: out.channel!, streamKey: out.streamKey! };
}

describe('CreateChannel', () => {
  test('returns the channel and its one stream key, with IVS-shaped values', async () => {
    // WHEN
    const out = await ivs.send(new CreateChannelCommand({ name: 'my-channel', tags: { team: 'video' } }));

    // THEN
    const { channel, streamKey } = out;
    expect(channel).toMatchObject({
      name: 'my-channel',
      latencyMode: 'LOW',
      type: 'STANDARD',
      authorized: false,
      insecureIngest: false,
      preset: '',
      recordingConfigurationArn: '',
      containerFormat: 'TS',
      tags: { team: 'video' },
    });
    expect(channel!.arn).toMatch(/^arn:aws:ivs:us-east-1:111111111111:channel\/[a-zA-Z0-9]{12}$/);
    const id = channel!.arn!.split('/')[1];
    expect(channel!.ingestEndpoint).toMatch(/^[0-9a-f]{12}\.global-contribute\.live-video\.net$/);
    const prefix = channel!.ingestEndpoint!.split('.')[0];
    expect(channel!.playbackUrl).toBe(`https://${prefix}.us-east-1.playback.live-video.net/api/video/v1/us-east-1.${TEST_ACCOUNT_ID}.channel.${id}.m3u8`);
    expect(channel!.srt!.endpoint).toBe(`${prefix}.srt.live-video.net`);
    expect(channel!.srt!.passphrase!.length).toBeGreaterThanOrEqual(32);
    expect(streamKey!.arn).toMatch(/^arn:aws:ivs:us-east-1:111111111111:stream-key\/[a-zA-Z0-9]{12}$/);
    expect(streamKey!.channelArn).toBe(channel!.arn);
    expect(streamKey!.value).toMatch(/^sk_us-east-1_[A-Za-z0-9_]{36}$/);
  });

  test('accepts adConfigurationArn (a newer SDK field, an emulator extension) and returns it', async () => {
    const adConfigurationArn = 'arn:aws:ivs:us-east-1:111111111111:ad-configuration/abcdABCD1234';
    const out = await ivs.send(new CreateChannelCommand({ name: 'ads', adConfigurationArn }));
    expect(out.channel!.adConfigurationArn).toBe(adConfigurationArn);
    expect(emulator.calls('CreateChannel')[0].unknownMembers).toBeUndefined();
  });

  test('ADVANCED channels get the default preset; a preset on a STANDARD channel is refused', async () => {
    const advanced = await ivs.send(new CreateChannelCommand({ type: 'ADVANCED_HD' }));
    expect(advanced.channel!.preset).toBe('HIGHER_BANDWIDTH_DELIVERY');
    const err = await failure(ivs.send(new CreateChannelCommand({ type: 'STANDARD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' })));
    expect(err.name).toBe('ValidationException');
    expect(err.exceptionMessage).toMatch(/preset is selectable only for ADVANCED_HD and ADVANCED_SD/);
  });

  test('a recording configuration that does not exist answers ResourceNotFoundException', async () => {
    const err = await failure(ivs.send(new CreateChannelCommand({ recordingConfigurationArn: 'arn:aws:ivs:us-east-1:111111111111:recording-configuration/nope12345678' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });
});

describe('validation generated from the model', () => {
  test.each([
    ['a name outside the pattern', { name: 'bad name!' }, "Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]*$"],
    ['a name over 128 characters', { name: 'n'.repeat(129) }, "at 'name' failed to satisfy constraint: Member must have length less than or equal to 128"],
    ['a value outside the enum', { latencyMode: 'FAST' as never }, "Value 'FAST' at 'latencyMode' failed to satisfy constraint: Member must satisfy enum value set: [NORMAL, LOW]"],
    ['a nested enum', { multitrackInputConfiguration: { enabled: true, policy: 'SOMETIMES' as never } }, "Value 'SOMETIMES' at 'multitrackInputConfiguration.policy' failed to satisfy constraint: Member must satisfy enum value set: [ALLOW, REQUIRE]"],
    ['a tag key over 128 characters', { tags: { ['k'.repeat(129)]: 'v' } }, "at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128]"],
  ])('CreateChannel with %s answers ValidationException', async (_what, input, message) => {
    // WHEN
    const err = await failure(ivs.send(new CreateChannelCommand(input)));

    // THEN
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.$response?.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(err.exceptionMessage).toContain(message);
    expect(err.exceptionMessage).toMatch(/^1 validation error detected: /);
    expect(emulator.state.snapshot().channels).toHaveLength(0);
  });

  test('a missing required member, and every violation in one message', async () => {
    const missing = await failure(ivs.send(new GetChannelCommand({} as never)));
    expect(missing.exceptionMessage).toBe("1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null");
    const two = await failure(ivs.send(new UpdateChannelCommand({ arn: 'not-an-arn', latencyMode: 'FAST' as never })));
    expect(two.exceptionMessage).toMatch(/^2 validation errors detected: Value 'not-an-arn' at 'arn' .*; Value 'FAST' at 'latencyMode'/);
  });

  test('list lengths: BatchGetChannel takes 1 to 50 ARNs', async () => {
    const err = await failure(ivs.send(new BatchGetChannelCommand({ arns: [] })));
    expect(err.exceptionMessage).toContain("at 'arns' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  test('ranges: maxResults of ListChannels is 1 to 100', async () => {
    const err = await failure(ivs.send(new ListChannelsCommand({ maxResults: 101 })));
    expect(err.exceptionMessage).toContain("Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
  });
});

describe('errors', () => {
  test('carry the model status, x-amzn-ErrorType, the SDK error class and exceptionMessage', async () => {
    const err = await failure(ivs.send(new GetChannelCommand({ arn: 'arn:aws:ivs:us-east-1:111111111111:channel/doesNotExist' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.$response?.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(err.exceptionMessage).toBe('Request references a resource which does not exist. ARN: arn:aws:ivs:us-east-1:111111111111:channel/doesNotExist');
  });

  test('an unknown route answers 404; a model operation the emulator does not serve answers 501', async () => {
    const res = await fetch(`${emulator.url}/CreateChanel`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const err = await failure(ivs.send(new GetStreamSessionCommand({ channelArn: 'arn:aws:ivs:us-east-1:111111111111:channel/abc' })));
    expect(err.$metadata.httpStatusCode).toBe(501);
    expect(err.name).toBe('EmulatorNotImplementedException');
  });
});

describe('stream keys', () => {
  test('a second key on a channel answers ServiceQuotaExceededException (402)', async () => {
    const { channel } = await createChannel();
    const err = await failure(ivs.send(new CreateStreamKeyCommand({ channelArn: channel.arn! })));
    expect(err.name).toBe('ServiceQuotaExceededException');
    expect(err.$metadata.httpStatusCode).toBe(402);
    expect(err.exceptionMessage).toMatch(/^Request would cause a service quota to be exceeded\./);
  });

  test('delete, then create a new key; Get/List return it (List pages by 1 by default)', async () => {
    const { channel, streamKey } = await createChannel();
    await ivs.send(new DeleteStreamKeyCommand({ arn: streamKey.arn! }));
    const created = await ivs.send(new CreateStreamKeyCommand({ channelArn: channel.arn!, tags: { 'cdk-ivs:request': 'request-1' } }));
    expect(created.streamKey!.arn).not.toBe(streamKey.arn);
    const got = await ivs.send(new GetStreamKeyCommand({ arn: created.streamKey!.arn! }));
    expect(got.streamKey).toEqual(created.streamKey);
    const listed = await ivs.send(new ListStreamKeysCommand({ channelArn: channel.arn! }));
    expect(listed.streamKeys).toEqual([{ arn: created.streamKey!.arn, channelArn: channel.arn, tags: { 'cdk-ivs:request': 'request-1' } }]);
    expect(listed.nextToken).toBeUndefined();
    const gone = await failure(ivs.send(new GetStreamKeyCommand({ arn: streamKey.arn! })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  test('DeleteChannel deletes its keys', async () => {
    const { channel, streamKey } = await createChannel();
    const result = await ivs.send(new DeleteChannelCommand({ arn: channel.arn! }));
    expect(result.$metadata.httpStatusCode).toBe(204);
    expect(emulator.state.streamKeys.has(streamKey.arn!)).toBe(false);
    expect(emulator.state.isEmpty()).toBe(true);
  });
});

describe('live channels', () => {
  test('update and delete answer 409 until StopStream; then they work', async () => {
    // GIVEN
    const { channel } = await createChannel();
    emulator.state.setLive(channel.arn!);

    // WHEN / THEN
    const stream = await ivs.send(new GetStreamCommand({ channelArn: channel.arn! }));
    expect(stream.stream).toMatchObject({ channelArn: channel.arn, state: 'LIVE', health: 'HEALTHY', playbackUrl: channel.playbackUrl });
    expect(stream.stream!.streamId).toMatch(/^st-[a-zA-Z0-9]{23}$/);
    expect(stream.stream!.startTime).toBeInstanceOf(Date);
    for (const call of [
      ivs.send(new UpdateChannelCommand({ arn: channel.arn!, latencyMode: 'NORMAL' })),
      ivs.send(new DeleteChannelCommand({ arn: channel.arn! })),
    ]) {
      const err = await failure(call);
      expect(err.name).toBe('ConflictException');
      expect(err.$metadata.httpStatusCode).toBe(409);
      expect(err.exceptionMessage).toMatch(/is live/);
    }
    await ivs.send(new StopStreamCommand({ channelArn: channel.arn! }));
    await ivs.send(new UpdateChannelCommand({ arn: channel.arn!, latencyMode: 'NORMAL' }));
    await ivs.send(new DeleteChannelCommand({ arn: channel.arn! }));
  });

  test('StopStream and GetStream of an offline channel answer ChannelNotBroadcasting (404)', async () => {
    const { channel } = await createChannel();
    for (const call of [ivs.send(new StopStreamCommand({ channelArn: channel.arn! })), ivs.send(new GetStreamCommand({ channelArn: channel.arn! }))]) {
      const err = await failure(call);
      expect(err.name).toBe('ChannelNotBroadcasting');
      expect(err.$metadata.httpStatusCode).toBe(404);
    }
  });
});

describe('UpdateChannel', () => {
  test('changes the given fields and keeps the others', async () => {
    const { channel } = await createChannel('before');
    const out = await ivs.send(new UpdateChannelCommand({ arn: channel.arn!, name: 'after', authorized: true }));
    expect(out.channel).toMatchObject({ arn: channel.arn, name: 'after', authorized: true, latencyMode: 'LOW', ingestEndpoint: channel.ingestEndpoint });
    expect(out.channel!.srt!.passphrase).toBe(channel.srt!.passphrase);
  });
});

describe('UpdateChannel rules of the API reference', () => {
  test('multitrack input needs a STANDARD channel, policy, maximumResolution and FRAGMENTED_MP4', async () => {
    const { channel } = await createChannel();
    const noFormat = await failure(ivs.send(new UpdateChannelCommand({ arn: channel.arn!, multitrackInputConfiguration: { enabled: true, policy: 'ALLOW', maximumResolution: 'HD' } })));
    expect(noFormat.exceptionMessage).toMatch(/containerFormat must be FRAGMENTED_MP4/);
    const ok = await ivs.send(new UpdateChannelCommand({
      arn: channel.arn!, containerFormat: 'FRAGMENTED_MP4', multitrackInputConfiguration: { enabled: true, policy: 'REQUIRE', maximumResolution: 'HD' },
    }));
    expect(ok.channel!.multitrackInputConfiguration).toEqual({ enabled: true, policy: 'REQUIRE', maximumResolution: 'HD' });
    const notStandard = await failure(ivs.send(new UpdateChannelCommand({ arn: channel.arn!, type: 'BASIC' })));
    expect(notStandard.exceptionMessage).toMatch(/only for STANDARD channels/);
  });

  test('changing to an ADVANCED type sets the default preset; back to STANDARD clears it (by default)', async () => {
    const { channel } = await createChannel();
    expect((await ivs.send(new UpdateChannelCommand({ arn: channel.arn!, type: 'ADVANCED_SD' }))).channel!.preset).toBe('HIGHER_BANDWIDTH_DELIVERY');
    expect((await ivs.send(new UpdateChannelCommand({ arn: channel.arn!, type: 'STANDARD' }))).channel!.preset).toBe('');
  });
});

describe.each(CHANNEL_RULE_VARIANTS)('presets outside ADVANCED channels, %o', (rules) => {
  beforeEach(() => {
    emulator.channelRules = { ...rules };
  });
  afterAll(() => {
    emulator.channelRules = { ...DEFAULT_CHANNEL_RULES };
  });

  test('a type change from ADVANCED_HD to STANDARD or BASIC without a preset: cleared, or still reported', async () => {
    const advanced = (await ivs.send(new CreateChannelCommand({ type: 'ADVANCED_HD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }))).channel!;
    expect(advanced.preset).toBe('CONSTRAINED_BANDWIDTH_DELIVERY');
    const expected = rules.presetOnTypeChange === 'cleared' ? '' : 'CONSTRAINED_BANDWIDTH_DELIVERY';
    expect((await ivs.send(new UpdateChannelCommand({ arn: advanced.arn!, type: 'STANDARD' }))).channel!.preset).toBe(expected);
    expect((await ivs.send(new GetChannelCommand({ arn: advanced.arn! }))).channel!.preset).toBe(expected);
    // later updates that leave the type alone do not change it; BASIC neither
    expect((await ivs.send(new UpdateChannelCommand({ arn: advanced.arn!, name: 'renamed' }))).channel!.preset).toBe(expected);
    expect((await ivs.send(new UpdateChannelCommand({ arn: advanced.arn!, type: 'BASIC' }))).channel!.preset).toBe(expected);
    // back to ADVANCED_SD: the kept preset, or the default one
    const back = (await ivs.send(new UpdateChannelCommand({ arn: advanced.arn!, type: 'ADVANCED_SD' }))).channel!.preset;
    expect(back).toBe(expected || 'HIGHER_BANDWIDTH_DELIVERY');
  });

  test('a preset given with STANDARD: ValidationException, or not applied', async () => {
    const plain = (await ivs.send(new CreateChannelCommand({ type: 'STANDARD' }))).channel!;
    const create = () => ivs.send(new CreateChannelCommand({ type: 'STANDARD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }));
    const update = () => ivs.send(new UpdateChannelCommand({ arn: plain.arn!, preset: 'HIGHER_BANDWIDTH_DELIVERY' }));
    if (rules.presetWithNonAdvancedType === 'refused') {
      for (const call of [create, update]) {
        const err = await failure(call());
        expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
        expect(err.exceptionMessage).toMatch(/preset is selectable only for ADVANCED_HD and ADVANCED_SD channel types, not STANDARD/);
      }
    } else {
      expect((await create()).channel!.preset).toBe('');
      expect((await update()).channel!.preset).toBe('');
    }
    expect((await ivs.send(new GetChannelCommand({ arn: plain.arn! }))).channel!.preset).toBe('');
  });
});

describe('the other operations of the model', () => {
  test('playback restriction policies, streams, metadata and viewer session revocation', async () => {
    const policy = (await ivs.send(new CreatePlaybackRestrictionPolicyCommand({ name: 'p', allowedCountries: ['US'] }))).playbackRestrictionPolicy!;
    expect(policy).toMatchObject({ name: 'p', allowedCountries: ['US'], allowedOrigins: [], enableStrictOriginEnforcement: false });
    expect((await ivs.send(new UpdatePlaybackRestrictionPolicyCommand({ arn: policy.arn!, allowedOrigins: ['https://x.example'] }))).playbackRestrictionPolicy!.allowedOrigins).toEqual(['https://x.example']);
    const channel = (await ivs.send(new CreateChannelCommand({ playbackRestrictionPolicyArn: policy.arn }))).channel!;
    expect((await failure(ivs.send(new DeletePlaybackRestrictionPolicyCommand({ arn: policy.arn! })))).name).toBe('ConflictException');
    expect((await ivs.send(new ListPlaybackRestrictionPoliciesCommand({}))).playbackRestrictionPolicies).toHaveLength(1);

    expect((await failure(ivs.send(new PutMetadataCommand({ channelArn: channel.arn!, metadata: 'hi' })))).name).toBe('ChannelNotBroadcasting');
    emulator.state.setLive(channel.arn!);
    await ivs.send(new PutMetadataCommand({ channelArn: channel.arn!, metadata: 'hi' }));
    expect((await ivs.send(new ListStreamsCommand({}))).streams!.map((s) => s.channelArn)).toEqual([channel.arn]);
    await ivs.send(new StartViewerSessionRevocationCommand({ channelArn: channel.arn!, viewerId: 'viewer-1' }));
    emulator.state.setLive(channel.arn!, false);
    expect((await ivs.send(new ListStreamsCommand({}))).streams).toEqual([]);
    await ivs.send(new DeleteChannelCommand({ arn: channel.arn! }));
    await ivs.send(new DeletePlaybackRestrictionPolicyCommand({ arn: policy.arn! }));
    expect(emulator.state.isEmpty()).toBe(true);
  });
});

describe('playback key pairs', () => {
  test('import returns a fingerprint; at most 3 per account and region', async () => {
    const pairs = [];
    for (let i = 0; i < 3; i++) pairs.push(await ivs.send(new ImportPlaybackKeyPairCommand({ name: `pair-${i}`, publicKeyMaterial: p384PublicKey() })));
    expect(pairs[0].keyPair!.arn).toMatch(/^arn:aws:ivs:us-east-1:111111111111:playback-key\/[a-zA-Z0-9]{12}$/);
    expect(pairs[0].keyPair!.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const err = await failure(ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: p384PublicKey() })));
    expect(err.name).toBe('ServiceQuotaExceededException');
    expect((await ivs.send(new ListPlaybackKeyPairsCommand({}))).keyPairs).toHaveLength(3);
    await ivs.send(new DeletePlaybackKeyPairCommand({ arn: pairs[0].keyPair!.arn! }));
    expect((await ivs.send(new GetPlaybackKeyPairCommand({ arn: pairs[1].keyPair!.arn! }))).keyPair!.name).toBe('pair-1');
  });

  test('the same public key twice answers ConflictException; a non-P-384 key ValidationException', async () => {
    const pem = p384PublicKey();
    await ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: pem }));
    expect((await failure(ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: pem })))).name).toBe('ConflictException');
    const bad = await failure(ivs.send(new ImportPlaybackKeyPairCommand({ publicKeyMaterial: 'not a key' })));
    expect(bad.name).toBe('ValidationException');
  });
});

describe('tags', () => {
  test('TagResource / UntagResource / ListTagsForResource on /tags/{resourceArn} with real ARNs', async () => {
    // The model's ResourceArn pattern would refuse these ARNs; the emulator's correction accepts them.
    const { channel, streamKey } = await createChannel();
    await ivs.send(new TagResourceCommand({ resourceArn: channel.arn!, tags: { a: '1', b: '2' } }));
    await ivs.send(new UntagResourceCommand({ resourceArn: channel.arn!, tagKeys: ['a'] }));
    expect((await ivs.send(new ListTagsForResourceCommand({ resourceArn: channel.arn! }))).tags).toEqual({ b: '2' });
    await ivs.send(new TagResourceCommand({ resourceArn: streamKey.arn!, tags: { k: 'v' } }));
    expect(emulator.state.streamKeys.get(streamKey.arn!)!.tags).toEqual({ k: 'v' });
  });

  test('UntagResource without tagKeys is refused (the query member is required)', async () => {
    const { channel } = await createChannel();
    const err = await failure(ivs.send(new UntagResourceCommand({ resourceArn: channel.arn!, tagKeys: [] })));
    expect(err.exceptionMessage).toContain("Value null at 'tagKeys'");
  });

  test('a tag of a resource that does not exist answers ResourceNotFoundException; aws: keys are refused', async () => {
    const missing = await failure(ivs.send(new TagResourceCommand({ resourceArn: 'arn:aws:ivs:us-east-1:111111111111:channel/gone12345678', tags: { a: '1' } })));
    expect(missing.name).toBe('ResourceNotFoundException');
    const { channel } = await createChannel();
    expect((await failure(ivs.send(new TagResourceCommand({ resourceArn: channel.arn!, tags: { 'aws:x': '1' } })))).name).toBe('ValidationException');
  });
});

describe('lists and references', () => {
  test('ListChannels pages with nextToken; two filters together answer ConflictException', async () => {
    for (let i = 0; i < 3; i++) await createChannel(`c${i}`);
    const first = await ivs.send(new ListChannelsCommand({ maxResults: 2 }));
    expect(first.channels).toHaveLength(2);
    const second = await ivs.send(new ListChannelsCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.channels!.map((c) => c.name)).toEqual(['c2']);
    expect(second.nextToken).toBeUndefined();
    expect((await ivs.send(new ListChannelsCommand({ filterByName: 'c1' }))).channels!.map((c) => c.name)).toEqual(['c1']);
    const err = await failure(ivs.send(new ListChannelsCommand({ filterByName: 'c1', filterByRecordingConfigurationArn: 'arn:aws:ivs:us-east-1:111111111111:recording-configuration/abc' })));
    expect(err.name).toBe('ConflictException');
  });

  test('a recording configuration in use cannot be deleted', async () => {
    const rc = await ivs.send(new CreateRecordingConfigurationCommand({ destinationConfiguration: { s3: { bucketName: 'my-bucket' } } }));
    const arn = rc.recordingConfiguration!.arn!;
    const { channel } = await (async () => ({ channel: (await ivs.send(new CreateChannelCommand({ recordingConfigurationArn: arn }))).channel! }))();
    expect((await failure(ivs.send(new DeleteRecordingConfigurationCommand({ arn })))).name).toBe('ConflictException');
    await ivs.send(new DeleteChannelCommand({ arn: channel.arn! }));
    await ivs.send(new DeleteRecordingConfigurationCommand({ arn }));
  });

  test('BatchGetChannel answers found channels and per-ARN errors', async () => {
    const { channel } = await createChannel();
    const missing = 'arn:aws:ivs:us-east-1:111111111111:channel/missing12345';
    const out = await ivs.send(new BatchGetChannelCommand({ arns: [channel.arn!, missing] }));
    expect(out.channels!.map((c) => c.arn)).toEqual([channel.arn]);
    expect(out.errors).toEqual([{ arn: missing, code: 'ResourceNotFoundException', message: expect.stringContaining(missing) }]);
  });
});

describe('request log and snapshot', () => {
  test('log operation, account and status, never a stream key value; the snapshot lists resources without secrets', async () => {
    const { channel, streamKey } = await createChannel();
    await failure(ivs.send(new CreateStreamKeyCommand({ channelArn: channel.arn! })));
    expect(emulator.calls().map((e) => [e.service, e.operation, e.account, e.status, e.errorType])).toEqual([
      ['ivs', 'CreateChannel', TEST_ACCOUNT_ID, 200, undefined],
      ['ivs', 'CreateStreamKey', TEST_ACCOUNT_ID, 402, 'ServiceQuotaExceededException'],
    ]);
    expect(emulator.calls('CreateStreamKey')[0].arn).toBe(channel.arn);
    const snapshot = JSON.stringify(emulator.state.snapshot());
    const log = JSON.stringify(emulator.log);
    for (const text of [snapshot, log]) {
      expect(text).not.toContain(streamKey.value);
      expect(text).not.toContain(channel.srt!.passphrase);
    }
    expect(emulator.state.snapshot()).toMatchObject({ channels: [{ arn: channel.arn }], streamKeys: [{ arn: streamKey.arn, channelArn: channel.arn }] });
    expect(emulator.state.getStreamKeyValue(streamKey.arn!)).toBe(streamKey.value);
  });
});

describe('env()', () => {
  test('points an SDK client configured only by the environment at the emulator', async () => {
    // GIVEN the variables a handler run in-process would see
    const saved = { ...process.env };
    Object.assign(process.env, emulator.env());
    try {
      // WHEN
      const fromEnv = new IvsClient({ maxAttempts: 1 });
      await fromEnv.send(new CreateChannelCommand({ name: 'from-env' }));
      fromEnv.destroy();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    // THEN
    expect(emulator.calls('CreateChannel')).toMatchObject([{ status: 200, account: TEST_ACCOUNT_ID }]);
  });
});
