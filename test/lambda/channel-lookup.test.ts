import {
  BatchGetChannelCommand,
  BatchGetStreamKeyCommand,
  Channel,
  IvsClient,
  ListStreamKeysCommand,
  StreamKey,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { LOOKUP_ATTRIBUTES, RESOURCE_TYPES } from '../../lib/contract';
import { BATCH_SIZE } from '../../lambda/channel-lookup';
import { handler } from '../../lambda/index';
import {
  CHANNEL_ARN, INGEST_ENDPOINT, NEW_STREAM_KEY_ARN, NEW_STREAM_KEY_VALUE, OTHER_ACCOUNT, OTHER_CHANNEL_ARN, ROLE_ARN, SECRET_ARN, SRT_ENDPOINT,
  SRT_PASSPHRASE, STREAM_KEY_ARN, STREAM_KEY_VALUE, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.channelLookup;
const SECOND_CHANNEL_ARN = 'arn:aws:ivs:us-east-1:123456789012:channel/secondABCDef';
const PLAYBACK_URL = ivsChannel().playbackUrl!;

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
});
afterEach(() => jest.restoreAllMocks());

/** IVS holds `channels` (by ARN) with `keys` (by channel ARN): the batch calls answer what exists and leave the rest out. */
function given(channels: Channel[], keys: StreamKey[] = []): void {
  ivs.on(BatchGetChannelCommand).callsFake(({ arns }: { arns: string[] }) => ({ channels: channels.filter((c) => arns.includes(c.arn!)), errors: [] }));
  ivs.on(ListStreamKeysCommand).callsFake(({ channelArn }: { channelArn: string }) => ({
    streamKeys: keys.filter((k) => k.channelArn === channelArn).map(({ arn, channelArn: c, tags }) => ({ arn, channelArn: c, tags })),
  }));
  ivs.on(BatchGetStreamKeyCommand).callsFake(({ arns }: { arns: string[] }) => ({ streamKeys: keys.filter((k) => arns.includes(k.arn!)), errors: [] }));
}

function lookup(props: { [name: string]: unknown }, requestType: 'Create' | 'Update' = 'Create', old?: { [name: string]: unknown }) {
  return makeEvent(TYPE, requestType, props, requestType === 'Update' ? { PhysicalResourceId: 'cdk-ivs-lookup-old', OldResourceProperties: old ?? props } : {});
}

function inputs<T>(command: new (input: T) => unknown): T[] {
  return ivs.commandCalls(command as never).map((call) => call.args[0].input as T);
}

describe('Create', () => {
  const second = ivsChannel({ arn: SECOND_CHANNEL_ARN, name: 'second', playbackUrl: 'https://second.example/playlist.m3u8' });
  const secondKey = ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE, channelArn: SECOND_CHANNEL_ARN });

  test('reads the channels with one BatchGetChannel and answers only the attributes asked for', async () => {
    // GIVEN two channels, and attributes of both that need no stream key
    given([ivsChannel(), second], [ivsStreamKey(), secondKey]);
    const event = lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], Attributes: ['0.Name', '1.Name', '1.PlaybackUrl'] });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN one read, no stream key call, and Data holds exactly those attributes, without NoEcho
    expect(inputs(BatchGetChannelCommand)).toEqual([{ arns: [CHANNEL_ARN, SECOND_CHANNEL_ARN] }]);
    expect(ivs.calls()).toHaveLength(1);
    expect(response).toEqual({
      PhysicalResourceId: expect.stringMatching(/^cdk-ivs-lookup-[0-9a-f]{16}$/),
      Data: { '0.Name': 'my-channel', '1.Name': 'second', '1.PlaybackUrl': 'https://second.example/playlist.m3u8' },
    });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  test('answers every channel attribute as IVS has it, booleans as "true" / "false"', async () => {
    // GIVEN a channel with every setting, and every attribute but the stream key's asked for
    const channelAttributes = Object.keys(LOOKUP_ATTRIBUTES).filter((name) => !name.startsWith('StreamKey'));
    given([ivsChannel({
      type: 'ADVANCED_HD', latencyMode: 'NORMAL', authorized: true, insecureIngest: true, preset: 'HIGHER_BANDWIDTH_DELIVERY',
      recordingConfigurationArn: 'arn:aws:ivs:us-east-1:123456789012:recording-configuration/r1',
      playbackRestrictionPolicyArn: 'arn:aws:ivs:us-east-1:123456789012:playback-restriction-policy/p1',
      adConfigurationArn: 'arn:aws:ivs:us-east-1:123456789012:ad-configuration/a1',
      containerFormat: 'FRAGMENTED_MP4', multitrackInputConfiguration: { enabled: true, policy: 'REQUIRE', maximumResolution: 'FULL_HD' },
    })]);

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN], Attributes: channelAttributes.map((name) => `0.${name}`) }), makeContext());

    // THEN
    expect(response.Data).toEqual({
      '0.Arn': CHANNEL_ARN,
      '0.Name': 'my-channel',
      '0.Type': 'ADVANCED_HD',
      '0.LatencyMode': 'NORMAL',
      '0.Authorized': 'true',
      '0.InsecureIngest': 'true',
      '0.Preset': 'HIGHER_BANDWIDTH_DELIVERY',
      '0.RecordingConfigurationArn': 'arn:aws:ivs:us-east-1:123456789012:recording-configuration/r1',
      '0.PlaybackRestrictionPolicyArn': 'arn:aws:ivs:us-east-1:123456789012:playback-restriction-policy/p1',
      '0.AdConfigurationArn': 'arn:aws:ivs:us-east-1:123456789012:ad-configuration/a1',
      '0.ContainerFormat': 'FRAGMENTED_MP4',
      '0.MultitrackEnabled': 'true',
      '0.MultitrackPolicy': 'REQUIRE',
      '0.MultitrackMaximumResolution': 'FULL_HD',
      '0.IngestEndpoint': INGEST_ENDPOINT,
      '0.RtmpsIngestUrl': `rtmps://${INGEST_ENDPOINT}:443/app/`,
      '0.SrtEndpoint': SRT_ENDPOINT,
      '0.PlaybackUrl': PLAYBACK_URL,
    });
    expect(JSON.stringify(response)).not.toContain(SRT_PASSPHRASE);
  });

  test('a setting IVS leaves out answers "" (a boolean: "false"); a disabled multitrack has no policy or resolution', async () => {
    // GIVEN a channel with only its ARN, and one whose multitrack is off but still names a policy
    given([{ arn: CHANNEL_ARN }, ivsChannel({ arn: SECOND_CHANNEL_ARN, multitrackInputConfiguration: { enabled: false, policy: 'ALLOW', maximumResolution: 'HD' } })]);
    const attributes = ['Name', 'Authorized', 'InsecureIngest', 'Preset', 'MultitrackEnabled', 'MultitrackPolicy', 'RtmpsIngestUrl', 'SrtEndpoint'];

    // WHEN
    const response = await handler(lookup({
      ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN],
      Attributes: [...attributes.map((name) => `0.${name}`), '1.MultitrackEnabled', '1.MultitrackPolicy', '1.MultitrackMaximumResolution'],
    }), makeContext());

    // THEN
    expect(response.Data).toEqual({
      '0.Name': '', '0.Authorized': 'false', '0.InsecureIngest': 'false', '0.Preset': '', '0.MultitrackEnabled': 'false', '0.MultitrackPolicy': '',
      '0.RtmpsIngestUrl': '', '0.SrtEndpoint': '',
      '1.MultitrackEnabled': 'false', '1.MultitrackPolicy': '', '1.MultitrackMaximumResolution': '',
    });
  });

  test('a stream key ARN costs one ListStreamKeys for that channel only, and no value is read', async () => {
    // GIVEN
    given([ivsChannel(), second], [ivsStreamKey(), secondKey]);

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], Attributes: ['0.Name', '1.StreamKeyArn'] }), makeContext());

    // THEN
    expect(inputs(ListStreamKeysCommand)).toEqual([{ channelArn: SECOND_CHANNEL_ARN }]);
    expect(ivs).not.toHaveReceivedCommand(BatchGetStreamKeyCommand);
    expect(response).toEqual({ PhysicalResourceId: expect.any(String), Data: { '0.Name': 'my-channel', '1.StreamKeyArn': NEW_STREAM_KEY_ARN } });
  });

  test('a stream key value is read with BatchGetStreamKey and answered with NoEcho', async () => {
    // GIVEN
    given([ivsChannel(), second], [ivsStreamKey(), secondKey]);

    // WHEN
    const response = await handler(lookup({
      ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], Attributes: ['0.StreamKeyValue', '1.StreamKeyArn', '1.StreamKeyValue'],
    }), makeContext());

    // THEN both keys' values come from one call
    expect(inputs(ListStreamKeysCommand)).toEqual([{ channelArn: CHANNEL_ARN }, { channelArn: SECOND_CHANNEL_ARN }]);
    expect(inputs(BatchGetStreamKeyCommand)).toEqual([{ arns: [STREAM_KEY_ARN, NEW_STREAM_KEY_ARN] }]);
    expect(response).toEqual({
      PhysicalResourceId: expect.any(String),
      Data: { '0.StreamKeyValue': STREAM_KEY_VALUE, '1.StreamKeyArn': NEW_STREAM_KEY_ARN, '1.StreamKeyValue': NEW_STREAM_KEY_VALUE },
      NoEcho: true,
    });
  });

  test('a channel without a stream key answers "" for its key, with no BatchGetStreamKey', async () => {
    // GIVEN
    given([ivsChannel()]);

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN], Attributes: ['0.StreamKeyArn', '0.StreamKeyValue'] }), makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(BatchGetStreamKeyCommand);
    expect(response).toEqual({ PhysicalResourceId: expect.any(String), Data: { '0.StreamKeyArn': '', '0.StreamKeyValue': '' }, NoEcho: true });
  });

  test('writes a channel\'s stream key to its secret, and the value stays out of Data', async () => {
    // GIVEN a secret for the second channel only, and no attribute of a key
    given([ivsChannel(), second], [ivsStreamKey(), secondKey]);

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], Attributes: ['0.Arn'], SecretArns: { 1: SECRET_ARN } }), makeContext());

    // THEN only that channel's key is read, and the secret gets what a broadcaster needs
    expect(inputs(ListStreamKeysCommand)).toEqual([{ channelArn: SECOND_CHANNEL_ARN }]);
    expect(inputs(BatchGetStreamKeyCommand)).toEqual([{ arns: [NEW_STREAM_KEY_ARN] }]);
    const written = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
    expect(written.map((input) => input.SecretId)).toEqual([SECRET_ARN]);
    expect(JSON.parse(written[0].SecretString!)).toEqual({
      channelArn: SECOND_CHANNEL_ARN,
      streamKeyArn: NEW_STREAM_KEY_ARN,
      streamKey: NEW_STREAM_KEY_VALUE,
      rtmpsUrl: `rtmps://${INGEST_ENDPOINT}:443/app/`,
      srtEndpoint: SRT_ENDPOINT,
      srtPassphrase: SRT_PASSPHRASE,
    });
    expect(response).toEqual({ PhysicalResourceId: expect.any(String), Data: { '0.Arn': CHANNEL_ARN } });
  });

  test('a secret for a channel without a stream key fails, and writes nothing', async () => {
    // GIVEN
    given([ivsChannel()]);

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN], SecretArns: { 0: SECRET_ARN } }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: channel ${CHANNEL_ARN} has no stream key to write to secret ${SECRET_ARN}`);
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  test(`reads more than ${BATCH_SIZE} channels and keys in batches of ${BATCH_SIZE}, answering in the order given`, async () => {
    // GIVEN 51 channels with a key each, and the last channel's name and key value asked for
    const arns = Array.from({ length: BATCH_SIZE + 1 }, (_, i) => `arn:aws:ivs:us-east-1:123456789012:channel/ch${String(i).padStart(10, '0')}`);
    const keyArn = (i: number) => `arn:aws:ivs:us-east-1:123456789012:stream-key/sk${String(i).padStart(10, '0')}`;
    given(arns.map((arn, i) => ivsChannel({ arn, name: `channel-${i}` })), arns.map((arn, i) => ivsStreamKey({ arn: keyArn(i), channelArn: arn, value: `value-${i}` })));
    const secretArns = Object.fromEntries(arns.map((_, i) => [String(i), `${SECRET_ARN}-${i}`]));

    // WHEN
    const response = await handler(lookup({ ChannelArns: arns, Attributes: [`${BATCH_SIZE}.Name`, `${BATCH_SIZE}.StreamKeyValue`], SecretArns: secretArns }), makeContext());

    // THEN
    expect(inputs(BatchGetChannelCommand)).toEqual([{ arns: arns.slice(0, BATCH_SIZE) }, { arns: arns.slice(BATCH_SIZE) }]);
    expect(inputs(BatchGetStreamKeyCommand)).toEqual([{ arns: arns.slice(0, BATCH_SIZE).map((_, i) => keyArn(i)) }, { arns: [keyArn(BATCH_SIZE)] }]);
    expect(response.Data).toEqual({ [`${BATCH_SIZE}.Name`]: `channel-${BATCH_SIZE}`, [`${BATCH_SIZE}.StreamKeyValue`]: `value-${BATCH_SIZE}` });
    const written = secrets.commandCalls(PutSecretValueCommand).map((call) => JSON.parse(call.args[0].input.SecretString!));
    expect(written).toHaveLength(BATCH_SIZE + 1);
    expect(written[7]).toMatchObject({ channelArn: arns[7], streamKeyArn: keyArn(7), streamKey: 'value-7' });
  });

  test('a channel named twice is read once and answered at both indexes', async () => {
    // GIVEN
    given([ivsChannel()]);

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN, CHANNEL_ARN], Attributes: ['0.Name', '1.Name'] }), makeContext());

    // THEN
    expect(inputs(BatchGetChannelCommand)).toEqual([{ arns: [CHANNEL_ARN] }]);
    expect(response.Data).toEqual({ '0.Name': 'my-channel', '1.Name': 'my-channel' });
  });

  test('the physical ID follows the channels read, not the attributes', async () => {
    // GIVEN
    given([ivsChannel(), second]);

    // WHEN
    const one = await handler(lookup({ ChannelArns: [CHANNEL_ARN], Attributes: ['0.Name'] }), makeContext());
    const again = await handler(lookup({ ChannelArns: [CHANNEL_ARN], Attributes: ['0.Arn'] }), makeContext());
    const other = await handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN] }), makeContext());

    // THEN
    expect(again.PhysicalResourceId).toBe(one.PhysicalResourceId);
    expect(other.PhysicalResourceId).not.toBe(one.PhysicalResourceId);
    expect(other.Data).toEqual({});
  });
});

describe('channels and keys that cannot be read', () => {
  test('a channel IVS reports in errors, and one it leaves out, both fail in one reason', async () => {
    // GIVEN the first channel is reported as an error, the third is absent from the answer
    const third = 'arn:aws:ivs:us-east-1:123456789012:channel/thirdABCDefg';
    ivs.on(BatchGetChannelCommand).resolves({
      channels: [ivsChannel({ arn: SECOND_CHANNEL_ARN })],
      errors: [{ arn: CHANNEL_ARN, code: 'ResourceNotFoundException', message: 'Channel not found' }],
    });

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN, third], Attributes: ['1.Name'] }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: channel ${CHANNEL_ARN}: ResourceNotFoundException: Channel not found; `
      + `channel ${third}: not found (it does not exist, or not in this account and region)`);
    expect(ivs.calls()).toHaveLength(1);
  });

  test('an error without code or message still names the channel', async () => {
    // GIVEN
    ivs.on(BatchGetChannelCommand).resolves({ errors: [{ arn: CHANNEL_ARN }] });

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN] }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: channel ${CHANNEL_ARN}: error: no message`);
  });

  test('a channel of another account that the lookup does not reach says which role to give', async () => {
    // GIVEN the stack's account reads a channel ARN of another account
    ivs.on(BatchGetChannelCommand).resolves({ errors: [{ arn: OTHER_CHANNEL_ARN, code: 'AccessDeniedException', message: 'not authorized' }] });

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [OTHER_CHANNEL_ARN] }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: channel ${OTHER_CHANNEL_ARN}: AccessDeniedException: not authorized; it is in account `
      + `${OTHER_ACCOUNT}, and this lookup reads account 123456789012: give the lookup a role in account ${OTHER_ACCOUNT} (assumedRoleArn)`);
  });

  test('through a role of the channel\'s account, a channel not found gets no hint about roles', async () => {
    // GIVEN a lookup that assumes a role of the channel's account
    ivs.on(BatchGetChannelCommand).resolves({});

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [OTHER_CHANNEL_ARN], RoleArn: ROLE_ARN, Region: 'us-west-2' }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: channel ${OTHER_CHANNEL_ARN}: not found (it does not exist, or not in this account and region)`);
  });

  test('a stream key BatchGetStreamKey does not return fails, naming it, and writes no secret', async () => {
    // GIVEN the channel lists a key that BatchGetStreamKey reports as an error
    given([ivsChannel()]);
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
    ivs.on(BatchGetStreamKeyCommand).resolves({ errors: [{ arn: STREAM_KEY_ARN, code: 'ResourceNotFoundException', message: 'Stream key not found' }] });

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN], SecretArns: { 0: SECRET_ARN } }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: stream key ${STREAM_KEY_ARN}: ResourceNotFoundException: Stream key not found`);
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  test('a failed BatchGetChannel reports IVS\'s error', async () => {
    // GIVEN
    ivs.on(BatchGetChannelCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:BatchGetChannel' }));

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN] }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsChannelLookup Resource: BatchGetChannel failed: AccessDeniedException: no ivs:BatchGetChannel');
  });
});

describe('properties', () => {
  test('no channel fails before any call', async () => {
    // WHEN
    const none = await failureOf(handler(lookup({ ChannelArns: [] }), makeContext()));
    const absent = await failureOf(handler(lookup({}), makeContext()));

    // THEN
    expect(none.message).toBe('Custom::IvsChannelLookup Resource: property ChannelArns must name at least one channel');
    expect(absent.message).toBe(none.message);
    expect(ivs).not.toHaveReceivedAnyCommand();
  });

  test('ChannelArns that is not a list of strings fails naming the property', async () => {
    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: CHANNEL_ARN }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: property ChannelArns must be a list of strings, got "${CHANNEL_ARN}"`);
    expect(ivs).not.toHaveReceivedAnyCommand();
  });

  test.each([
    ['an index past the channels', '2.Name'],
    ['no index', 'Name'],
    ['a negative index', '-1.Name'],
    ['an index with a leading zero', '01.Name'],
    ['an unknown attribute', '0.Passphrase'],
    ['an inherited property name', '0.toString'],
    ['a third part', '0.Name.x'],
    ['no attribute', '0'],
  ])('an attribute with %s fails before any call', async (_, name) => {
    // GIVEN channels IVS would answer
    given([ivsChannel(), ivsChannel({ arn: SECOND_CHANNEL_ARN })], [ivsStreamKey()]);

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], Attributes: ['0.Name', name] }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: property Attributes: '${name}' is not <channel index below 2>.<one of `
      + `${Object.keys(LOOKUP_ATTRIBUTES).join(', ')}>`);
    expect(ivs).not.toHaveReceivedAnyCommand();
  });

  test.each([
    ['an index past the channels', '2'],
    ['an index with a leading zero', '01'],
    ['a name', 'first'],
  ])('a secret with %s fails before any call', async (_, index) => {
    // GIVEN channels IVS would answer
    given([ivsChannel(), ivsChannel({ arn: SECOND_CHANNEL_ARN })], [ivsStreamKey(), ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, channelArn: SECOND_CHANNEL_ARN })]);

    // WHEN
    const error = await failureOf(handler(lookup({ ChannelArns: [CHANNEL_ARN, SECOND_CHANNEL_ARN], SecretArns: { [index]: SECRET_ARN } }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannelLookup Resource: property SecretArns: '${index}' is not a channel index below 2`);
    expect(ivs).not.toHaveReceivedAnyCommand();
    expect(secrets).not.toHaveReceivedAnyCommand();
  });
});

describe('Update and Delete', () => {
  test('Update reads again, with the new properties', async () => {
    // GIVEN the channel's name changed since the last read, and another attribute is asked for
    given([ivsChannel({ name: 'renamed' })], [ivsStreamKey()]);
    const old = { ChannelArns: [CHANNEL_ARN], Attributes: ['0.Name'] };

    // WHEN
    const response = await handler(lookup({ ChannelArns: [CHANNEL_ARN], Attributes: ['0.Name', '0.StreamKeyArn'], Refresh: '2' }, 'Update', old), makeContext());

    // THEN
    expect(inputs(BatchGetChannelCommand)).toEqual([{ arns: [CHANNEL_ARN] }]);
    expect(response).toEqual({
      PhysicalResourceId: expect.stringMatching(/^cdk-ivs-lookup-[0-9a-f]{16}$/),
      Data: { '0.Name': 'renamed', '0.StreamKeyArn': STREAM_KEY_ARN },
    });
  });

  test('Delete makes no call', async () => {
    // WHEN
    const response = await handler(makeEvent(TYPE, 'Delete', { ChannelArns: [CHANNEL_ARN], SecretArns: { 0: SECRET_ARN } }, {
      PhysicalResourceId: 'cdk-ivs-lookup-0123456789abcdef',
    }), makeContext());

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'cdk-ivs-lookup-0123456789abcdef' });
    expect(ivs).not.toHaveReceivedAnyCommand();
    expect(secrets).not.toHaveReceivedAnyCommand();
  });
});
