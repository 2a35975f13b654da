import {
  CreateChannelCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  DeleteStreamKeyCommand,
  GetStreamCommand,
  ListChannelsCommand,
  ListStreamKeysCommand,
  StopStreamCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateChannelCommand,
  ChannelNotBroadcasting,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CREATE_TAG, CHANNEL_ARN, INGEST_ENDPOINT, REQUEST_ID, SECRET_ARN, SRT_ENDPOINT, SRT_PASSPHRASE, STREAM_KEY_ARN, STREAM_KEY_VALUE,
  afterAttempts, conflict, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent, notFound, quotaExceeded, madeBy,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.channel;

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  // Short jittered waits between 409 retries.
  jest.spyOn(Math, 'random').mockReturnValue(0.01);
});
afterEach(() => jest.restoreAllMocks());

describe('Create', () => {
  beforeEach(() => {
    ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
    // The sweep after the create (other deliveries of the event) lists the channel it made.
    ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));
  });

  test('creates the channel with properties parsed from CloudFormation strings', async () => {
    // GIVEN properties as CloudFormation sends them
    const event = makeEvent(TYPE, 'Create', {
      Name: 'my-channel', Type: 'ADVANCED_HD', LatencyMode: 'NORMAL', Authorized: 'true', InsecureIngest: 'false',
      Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY', PlaybackRestrictionPolicyArn: 'arn:aws:ivs:us-east-1:123456789012:playback-restriction-policy/p1',
      ContainerFormat: 'FRAGMENTED_MP4', MultitrackInputConfiguration: { Enabled: 'true', Policy: 'ALLOW', MaximumResolution: 'HD' },
      Tags: { team: 'video' },
    });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN IVS gets typed values and the request tag, and Data holds every attribute but no secret
    expect(ivs).toHaveReceivedCommandWith(CreateChannelCommand, {
      name: 'my-channel', type: 'ADVANCED_HD', latencyMode: 'NORMAL', authorized: true, insecureIngest: false,
      preset: 'CONSTRAINED_BANDWIDTH_DELIVERY', playbackRestrictionPolicyArn: 'arn:aws:ivs:us-east-1:123456789012:playback-restriction-policy/p1',
      containerFormat: 'FRAGMENTED_MP4', multitrackInputConfiguration: { enabled: true, policy: 'ALLOW', maximumResolution: 'HD' },
      tags: { team: 'video', [REQUEST_TAG]: CREATE_TAG },
    });
    // one CreateChannel, and one ListChannels by name: the sweep for other deliveries of the event
    expect(ivs.calls().map((call) => call.args[0].constructor.name)).toEqual(['CreateChannelCommand', 'ListChannelsCommand']);
    expect(ivs).toHaveReceivedCommandWith(ListChannelsCommand, { filterByName: 'my-channel' });
    expect(response).toEqual({
      PhysicalResourceId: CHANNEL_ARN,
      Data: {
        Arn: CHANNEL_ARN,
        Name: 'my-channel',
        IngestEndpoint: INGEST_ENDPOINT,
        PlaybackUrl: ivsChannel().playbackUrl,
        RtmpsIngestUrl: `rtmps://${INGEST_ENDPOINT}:443/app/`,
        SrtEndpoint: SRT_ENDPOINT,
        DefaultStreamKeyArn: STREAM_KEY_ARN,
      },
    });
    // no secret written: only the claim of the create, made and deleted (claim.test.ts)
    expect(secrets.calls().map((call) => call.args[0].constructor.name)).toEqual(['CreateSecretCommand', 'DeleteSecretCommand']);
  });

  test('a retried CreateChannel keeps the channel it returned and deletes the one an earlier attempt made', async () => {
    // GIVEN the SDK retried CreateChannel (an attempt whose answer was lost made a channel too), and
    // a channel of the same name that another request made
    const duplicate = 'arn:aws:ivs:us-east-1:123456789012:channel/duplicate';
    const others = 'arn:aws:ivs:us-east-1:123456789012:channel/othersOwn';
    ivs.on(CreateChannelCommand).resolves(afterAttempts(2, { channel: ivsChannel(), streamKey: ivsStreamKey() }));
    ivs.on(ListChannelsCommand).resolvesOnce({ channels: [{ arn: others, tags: { [REQUEST_TAG]: 'another-request' } }, { arn: duplicate, tags: { [REQUEST_TAG]: REQUEST_ID } }], nextToken: 'page2' })
      .resolves({ channels: [{ arn: CHANNEL_ARN, tags: { [REQUEST_TAG]: REQUEST_ID } }] });
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext());

    // THEN every page of the channels of that name was read, and only this request's other channel deleted
    expect(ivs.commandCalls(ListChannelsCommand).map((call) => call.args[0].input)).toEqual([
      { filterByName: 'my-channel', nextToken: undefined }, { filterByName: 'my-channel', nextToken: 'page2' },
    ]);
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input)).toEqual([{ arn: duplicate }]);
    expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  });

  test('another delivery of this event made a channel first: it is kept and answered, this one deleted, no secret undone', async () => {
    // GIVEN a channel of this request made earlier than the one this create answered
    const first = 'arn:aws:ivs:us-east-1:123456789012:channel/firstDelivery';
    ivs.on(ListChannelsCommand).resolves({ channels: [
      { arn: CHANNEL_ARN, tags: { [REQUEST_TAG]: `${REQUEST_ID} zz` } }, { arn: first, tags: { [REQUEST_TAG]: `${REQUEST_ID} aa` } },
    ] });
    ivs.on(DeleteChannelCommand).resolves({});
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ arn: first }) });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: first }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ channelArn: first }) });
    secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });

    // WHEN
    const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN }), makeContext());

    // THEN both deliveries answer the first channel
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input)).toEqual([{ arn: CHANNEL_ARN }]);
    expect(response.PhysicalResourceId).toBe(first);
    expect(JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!).channelArn).toBe(first);
  });

  test('a delivery that started first but created after others answered keeps theirs: the one sent first, though it started last', async () => {
    // GIVEN this delivery's channel, and two that other deliveries of this request made before it (they had the
    // claim first): one sent earlier by a delivery that started after every other, one sent later
    const now = Date.now();
    const tag = (started: number, sent: number) => `${REQUEST_ID} ${started.toString(36)} ${sent.toString(36)}`;
    const earliest = 'arn:aws:ivs:us-east-1:123456789012:channel/zzSentFirst';
    const later = 'arn:aws:ivs:us-east-1:123456789012:channel/aaSentLater';
    ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
    ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [
      madeBy(ivs, CreateChannelCommand, CHANNEL_ARN),
      { arn: later, tags: { [REQUEST_TAG]: tag(now - 60_000, now - 20_000) } },
      { arn: earliest, tags: { [REQUEST_TAG]: tag(now + 60_000, now - 30_000) } },
    ] }));
    ivs.on(DeleteChannelCommand).resolves({});
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ arn: earliest }) });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: earliest }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ channelArn: earliest }) });

    // WHEN
    const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext());

    // THEN that one answers; this delivery's own channel and the later one are deleted
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input.arn).sort()).toEqual([CHANNEL_ARN, later].sort());
    expect(response.PhysicalResourceId).toBe(earliest);
  });

  test('a retried CreateChannel whose list of this request\'s channels fails deletes the channel it made, and says so', async () => {
    // GIVEN the SDK retried CreateChannel, and ListChannels is refused
    ivs.on(CreateChannelCommand).resolves(afterAttempts(2, { channel: ivsChannel(), streamKey: ivsStreamKey() }));
    ivs.on(ListChannelsCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:ListChannels' }));
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext()));

    // THEN nothing is left behind
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input)).toEqual([{ arn: CHANNEL_ARN }]);
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): ListChannels failed: AccessDeniedException: no ivs:ListChannels '
      + `(deleted ${CHANNEL_ARN}, which this request had created)`);
  });

  test('a CreateChannel that failed after retries reports its error (none of its errors comes from a duplicate)', async () => {
    // GIVEN
    ivs.on(CreateChannelCommand).rejects(afterAttempts(3, quotaExceeded('Maximum number of channels reached')));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext()));

    // THEN
    expect(ivs).not.toHaveReceivedCommand(ListChannelsCommand);
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): CreateChannel failed: ServiceQuotaExceededException: Maximum number of channels reached');
  });

  test('writes the default stream key and SRT details to the secret', async () => {
    // GIVEN a channel with a secret
    const event = makeEvent(TYPE, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN });

    // WHEN
    await handler(event, makeContext());

    // THEN the secret's JSON holds what a broadcaster needs
    expect(secrets).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    const input = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(input.SecretId).toBe(SECRET_ARN);
    expect(JSON.parse(input.SecretString!)).toEqual({
      channelArn: CHANNEL_ARN,
      streamKeyArn: STREAM_KEY_ARN,
      streamKey: STREAM_KEY_VALUE,
      rtmpsUrl: `rtmps://${INGEST_ENDPOINT}:443/app/`,
      srtEndpoint: SRT_ENDPOINT,
      srtPassphrase: SRT_PASSPHRASE,
    });
  });

  test('exposes the stream key value only when asked, with NoEcho', async () => {
    // GIVEN
    const event = makeEvent(TYPE, 'Create', { ExposeStreamKeyValue: 'true' });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(response.NoEcho).toBe(true);
    expect(response.Data?.StreamKeyValue).toBe(STREAM_KEY_VALUE);
  });

  test('deletes the channel it created when the secret cannot be written', async () => {
    // GIVEN a secret write that is denied
    secrets.on(PutSecretValueCommand).rejects(Object.assign(new Error('User is not authorized to perform PutSecretValue'), { name: 'AccessDeniedException' }));
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN }, { LogicalResourceId: 'Live' }), makeContext()));

    // THEN nothing is orphaned and the reason says what happened
    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: CHANNEL_ARN });
    expect(error.message).toBe(`Custom::IvsChannel Live (my-channel): PutSecretValue failed: AccessDeniedException: User is not authorized to perform PutSecretValue (deleted channel ${CHANNEL_ARN}, which this request had created)`);
    expect(error.stack).toBe(error.message);
  });

  test('says so when the cleanup fails too', async () => {
    // GIVEN a failed secret write and a failed DeleteChannel
    secrets.on(PutSecretValueCommand).rejects(new Error('denied'));
    ivs.on(DeleteChannelCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:DeleteChannel' }));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(error.message).toMatch(`could not delete channel ${CHANNEL_ARN}, which this request had created: DeleteChannel failed: AccessDeniedException: no ivs:DeleteChannel`);
  });

  test('answers with a deadline reason when IVS never answers', async () => {
    // GIVEN a CreateChannel that hangs and a deadline 200 ms away
    ivs.on(CreateChannelCommand).callsFake(() => new Promise(() => {}));
    const started = Date.now();

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(200)));

    // THEN FAILED comes at the deadline, long before the Lambda would time out
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toMatch(/^Custom::IvsChannel Resource \(my-channel\): CreateChannel failed: no answer before the handler's deadline/);
  });

  test('shows IVS exceptionMessage, not the SDK message', async () => {
    // GIVEN
    ivs.on(CreateChannelCommand).rejects(Object.assign(new Error('UnknownError'), {
      name: 'ServiceQuotaExceededException', exceptionMessage: 'Maximum number of channels reached',
    }));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): CreateChannel failed: ServiceQuotaExceededException: Maximum number of channels reached');
  });
});

describe('Update', () => {
  const old = { Name: 'my-channel', LatencyMode: 'LOW', Authorized: 'false', RecordingConfigurationArn: 'arn:aws:ivs:us-east-1:123456789012:recording-configuration/r1', Tags: { team: 'video', stage: 'dev' } };

  beforeEach(() => {
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ recordingConfigurationArn: old.RecordingConfigurationArn }) });
    ivs.on(UpdateChannelCommand).resolves({ channel: ivsChannel({ authorized: true }) });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey() });
  });

  function update(props: { [name: string]: unknown }, oldProps: { [name: string]: unknown } = old) {
    return makeEvent(TYPE, 'Update', props, { PhysicalResourceId: CHANNEL_ARN, OldResourceProperties: oldProps });
  }

  test('updates in place, resets removed settings and reconciles tags', async () => {
    // GIVEN authorized turned on, recording removed, one tag changed and one removed
    const event = update({ Name: 'my-channel', LatencyMode: 'LOW', Authorized: 'true', Tags: { team: 'live' } });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(UpdateChannelCommand, {
      arn: CHANNEL_ARN, name: 'my-channel', latencyMode: 'LOW', authorized: true, recordingConfigurationArn: '',
    });
    expect(ivs).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: CHANNEL_ARN, tagKeys: ['stage'] });
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: CHANNEL_ARN, tags: { team: 'live' } });
    expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
    expect(response.Data?.DefaultStreamKeyArn).toBe(STREAM_KEY_ARN);
    expect(ivs).not.toHaveReceivedCommand(GetStreamKeyCommand);
  });

  test('makes no UpdateChannel call when only tags change', async () => {
    // GIVEN
    const event = update({ ...old, Tags: { team: 'video', stage: 'prod' } });

    // WHEN
    await handler(event, makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(UpdateChannelCommand);
    expect(ivs).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: CHANNEL_ARN, tags: { stage: 'prod' } });
  });

  test('rollback: the update back to the old properties works like any update', async () => {
    // GIVEN a failed update that had set authorized and team=live, and the channel as IVS has it now
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ authorized: true, tags: { team: 'live' } }) });
    const failed = { Name: 'my-channel', LatencyMode: 'LOW', Authorized: 'true', Tags: { team: 'live' } };

    // WHEN CloudFormation sends the old properties as the new ones
    await handler(update(old, failed), makeContext());

    // THEN the channel and its tags go back
    expect(ivs).toHaveReceivedCommandWith(UpdateChannelCommand, {
      arn: CHANNEL_ARN, authorized: false, recordingConfigurationArn: old.RecordingConfigurationArn,
    });
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: CHANNEL_ARN, tags: { team: 'video', stage: 'dev' } });
    expect(ivs).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('rollback of an update that never reached IVS makes no UpdateChannel call (works while live)', async () => {
    // GIVEN the channel still as the old properties describe it
    const failed = { ...old, Authorized: 'true' };

    // WHEN
    await handler(update(old, failed), makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(UpdateChannelCommand);
  });

  test('retries a live channel (409) until the update goes through', async () => {
    // GIVEN two 409s, then success
    ivs.on(UpdateChannelCommand).rejectsOnce(conflict()).rejectsOnce(conflict()).resolves({ channel: ivsChannel() });

    // WHEN
    await handler(update({ ...old, Authorized: 'true' }), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(UpdateChannelCommand, 3);
  });

  test('fails with what to do when the channel stays live', async () => {
    // GIVEN a channel live past the retry time (the deadline, 300 ms away)
    ivs.on(UpdateChannelCommand).rejects(conflict('Unable to perform: UpdateChannel while stream is live'));

    // WHEN
    const error = await failureOf(handler(update({ ...old, Authorized: 'true' }), makeContext(300)));

    // THEN
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): UpdateChannel failed: ConflictException: Unable to perform: UpdateChannel while stream is live. The channel is live: stop the stream, then deploy again');
  });

  test('writes a new secret with the re-read stream key, and exposes it with NoEcho', async () => {
    // GIVEN a secret added on update
    const event = update({ ...old, SecretArn: SECRET_ARN, ExposeStreamKeyValue: 'true' });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(GetStreamKeyCommand, { arn: STREAM_KEY_ARN });
    const written = JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!);
    expect(written).toMatchObject({ streamKeyArn: STREAM_KEY_ARN, streamKey: STREAM_KEY_VALUE, srtPassphrase: SRT_PASSPHRASE });
    expect(response).toMatchObject({ NoEcho: true, Data: { StreamKeyValue: STREAM_KEY_VALUE } });
  });

  test('rewrites the secret on every update, with the key the channel has now', async () => {
    // GIVEN an unchanged secret (the key may have been rotated by a StreamKey since)
    const event = update({ ...old, SecretArn: SECRET_ARN, Authorized: 'true' }, { ...old, SecretArn: SECRET_ARN });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN the current key is re-read and written, but not exposed in Data
    expect(ivs).toHaveReceivedCommandWith(GetStreamKeyCommand, { arn: STREAM_KEY_ARN });
    const written = JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!);
    expect(written).toMatchObject({ streamKeyArn: STREAM_KEY_ARN, streamKey: STREAM_KEY_VALUE });
    expect(response).not.toHaveProperty('NoEcho');
    expect(JSON.stringify(response)).not.toContain(STREAM_KEY_VALUE);
  });

  test('answers with empty key attributes for a channel without a stream key', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });

    // WHEN
    const response = await handler(update({ ...old, ExposeStreamKeyValue: 'true' }), makeContext());

    // THEN
    expect(response.Data).toMatchObject({ DefaultStreamKeyArn: '', StreamKeyValue: '' });
  });
});

describe('Update: presets', () => {
  const update = (props: { [name: string]: unknown }, oldProps: { [name: string]: unknown }) =>
    makeEvent(TYPE, 'Update', { Name: 'my-channel', ...props }, { PhysicalResourceId: CHANNEL_ARN, OldResourceProperties: { Name: 'my-channel', ...oldProps } });

  beforeEach(() => {
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ type: 'ADVANCED_HD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }) });
    ivs.on(UpdateChannelCommand).resolves({ channel: ivsChannel() });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
  });

  test('a type changed away from ADVANCED sends no preset (there is no empty one to send)', async () => {
    await handler(update({ Type: 'STANDARD' }, { Type: 'ADVANCED_HD', Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }), makeContext());
    const [input] = ivs.commandCalls(UpdateChannelCommand).map((call) => call.args[0].input);
    expect(input).toMatchObject({ type: 'STANDARD' });
    expect(input.preset).toBeUndefined();
  });

  test('a preset removed from an ADVANCED channel goes back to the default of ADVANCED types', async () => {
    await handler(update({ Type: 'ADVANCED_HD' }, { Type: 'ADVANCED_HD', Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }), makeContext());
    expect(ivs).toHaveReceivedCommandWith(UpdateChannelCommand, { type: 'ADVANCED_HD', preset: 'HIGHER_BANDWIDTH_DELIVERY' });
  });

  test('back to ADVANCED without a preset, from a STANDARD channel that kept its old one: the default is sent', async () => {
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ type: 'STANDARD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY' }) });
    await handler(update({ Type: 'ADVANCED_SD' }, { Type: 'STANDARD' }), makeContext());
    expect(ivs).toHaveReceivedCommandWith(UpdateChannelCommand, { type: 'ADVANCED_SD', preset: 'HIGHER_BANDWIDTH_DELIVERY' });
  });

  test('an ADVANCED channel with the default preset and none declared: no UpdateChannel', async () => {
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ type: 'ADVANCED_HD', preset: 'HIGHER_BANDWIDTH_DELIVERY' }) });
    await handler(update({ Type: 'ADVANCED_HD', Tags: { a: 'b' } }, { Type: 'ADVANCED_HD' }), makeContext());
    expect(ivs).not.toHaveReceivedCommand(UpdateChannelCommand);
  });
});

describe('Delete', () => {
  function remove(props: { [name: string]: unknown } = {}) {
    return makeEvent(TYPE, 'Delete', { Name: 'my-channel', ...props }, { PhysicalResourceId: CHANNEL_ARN });
  }

  test('deletes the channel', async () => {
    // GIVEN
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    const response = await handler(remove(), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeleteChannelCommand, { arn: CHANNEL_ARN });
    expect(ivs).not.toHaveReceivedCommand(StopStreamCommand);
    expect(response).toEqual({ PhysicalResourceId: CHANNEL_ARN });
  });

  test('a channel already gone counts as deleted', async () => {
    // GIVEN
    ivs.on(DeleteChannelCommand).rejects(notFound());

    // WHEN
    const response = await handler(remove(), makeContext());

    // THEN
    expect(response).toEqual({ PhysicalResourceId: CHANNEL_ARN });
  });

  test('retries while live, then deletes', async () => {
    // GIVEN
    ivs.on(DeleteChannelCommand).rejectsOnce(conflict()).resolves({});

    // WHEN
    await handler(remove(), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(DeleteChannelCommand, 2);
  });

  test('tells the user to stop the stream or set stopStreamOnDelete when the channel stays live', async () => {
    // GIVEN
    ivs.on(DeleteChannelCommand).rejects(conflict());

    // WHEN
    const error = await failureOf(handler(remove(), makeContext(300)));

    // THEN
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): DeleteChannel failed: ConflictException: Unable to perform: DeleteChannel while stream is live. The channel is live: stop the stream, or set stopStreamOnDelete: true, then deploy again');
  });

  const notBroadcasting = () => new ChannelNotBroadcasting({ $metadata: {}, message: 'UnknownError', exceptionMessage: 'Channel is not broadcasting' });

  test('with StopStreamOnDelete: revokes the channel\'s keys (encoders reconnect), stops the stream, waits for its end, then deletes', async () => {
    // GIVEN a live channel with a key, whose stream is still live once after StopStream
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
    ivs.on(DeleteStreamKeyCommand).resolves({});
    ivs.on(StopStreamCommand).resolves({});
    ivs.on(GetStreamCommand).resolvesOnce({ stream: { channelArn: CHANNEL_ARN, state: 'LIVE' } }).rejects(notBroadcasting());
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    await handler(remove({ StopStreamOnDelete: 'true' }), makeContext());

    // THEN in that order, and DeleteChannel once: the stream was over
    const calls = ivs.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''));
    expect(calls).toEqual(['ListStreamKeys', 'DeleteStreamKey', 'StopStream', 'GetStream', 'GetStream', 'DeleteChannel']);
    expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: STREAM_KEY_ARN });
  });

  test('with StopStreamOnDelete, a channel not broadcasting is fine', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    ivs.on(StopStreamCommand).rejects(notBroadcasting());
    ivs.on(GetStreamCommand).rejects(notBroadcasting());
    ivs.on(DeleteChannelCommand).resolves({});

    // WHEN
    await handler(remove({ StopStreamOnDelete: 'true' }), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(DeleteChannelCommand, 1);
  });

  test('with StopStreamOnDelete, a channel already gone makes no other call', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).rejects(notFound());

    // WHEN
    const response = await handler(remove({ StopStreamOnDelete: 'true' }), makeContext());

    // THEN
    expect(ivs.calls()).toHaveLength(1);
    expect(response).toEqual({ PhysicalResourceId: CHANNEL_ARN });
  });

  test('with StopStreamOnDelete, a stream that does not end in time is reported', async () => {
    // GIVEN a stream that stays live
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    ivs.on(StopStreamCommand).resolves({});
    ivs.on(GetStreamCommand).resolves({ stream: { channelArn: CHANNEL_ARN, state: 'LIVE' } });
    ivs.on(DeleteChannelCommand).rejects(conflict());

    // WHEN
    const error = await failureOf(handler(remove({ StopStreamOnDelete: 'true' }), makeContext(300)));

    // THEN
    expect(error.message).toMatch(/The channel is live: the stream did not stop in time; deploy again$/);
  });

  test('a 409 whose GetStream fails keeps IVS\'s words and says the stream state is unknown', async () => {
    // GIVEN a refused delete, and a GetStream the role may not call
    ivs.on(GetStreamCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:GetStream' }));
    ivs.on(DeleteChannelCommand).rejects(conflict('Updating or deleting a resource can cause an inconsistent state.'));

    // WHEN
    const error = await failureOf(handler(remove(), makeContext(300)));

    // THEN the 409 is the reason, with what GetStream answered
    expect(ivs.commandCalls(DeleteChannelCommand)).toHaveLength(1);
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): DeleteChannel failed: ConflictException: Updating or deleting a resource '
      + 'can cause an inconsistent state. Whether the channel is live is unknown (GetStream failed: AccessDeniedException: no ivs:GetStream); deploy again');
  });

  test('a 409 while the channel is not live is retried, then reported as another conflict, without the advice about streams', async () => {
    // GIVEN
    ivs.on(GetStreamCommand).rejects(notBroadcasting());
    ivs.on(DeleteChannelCommand).rejects(conflict('Updating or deleting a resource can cause an inconsistent state.'));

    // WHEN
    const error = await failureOf(handler(remove(), makeContext(300)));

    // THEN
    expect(ivs.commandCalls(DeleteChannelCommand).length).toBeGreaterThan(1);
    expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): DeleteChannel failed: ConflictException: Updating or deleting a resource '
      + 'can cause an inconsistent state. The channel is not live: IVS refused the change for another conflict; deploy again');
  });
});
