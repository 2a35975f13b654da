import {
  CreateStreamKeyCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListStreamKeysCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CREATE_TAG, MADE_TAG, CHANNEL_ARN, NEW_STREAM_KEY_ARN, NEW_STREAM_KEY_VALUE, SECRET_ARN, SRT_PASSPHRASE, STREAM_KEY_ARN, STREAM_KEY_VALUE,
  afterAttempts, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent, notFound, quotaExceeded,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.streamKey;
const CREATED = { [REQUEST_TAG]: MADE_TAG };

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  ivs.on(GetChannelCommand).resolves({ channel: ivsChannel() });
  ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
  ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey() });
  ivs.on(CreateStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE, tags: CREATED }) });
});
afterEach(() => jest.restoreAllMocks());

function writtenSecrets(): Array<{ [field: string]: string }> {
  return secrets.commandCalls(PutSecretValueCommand).map((call) => JSON.parse(call.args[0].input.SecretString!));
}

describe('Create', () => {
  test('adopts the key the channel already has instead of failing on the quota', async () => {
    // GIVEN a channel with its default key, and a secret
    const event = makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN, SecretArn: SECRET_ARN, Tags: { team: 'video' } });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN the existing key is tagged, written and returned
    expect(ivs).not.toHaveReceivedCommand(CreateStreamKeyCommand);
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: STREAM_KEY_ARN, tags: { team: 'video' } });
    expect(writtenSecrets()).toEqual([
      expect.objectContaining({ channelArn: CHANNEL_ARN, streamKeyArn: STREAM_KEY_ARN, streamKey: STREAM_KEY_VALUE, srtPassphrase: SRT_PASSPHRASE }),
    ]);
    expect(response).toEqual({ PhysicalResourceId: STREAM_KEY_ARN, Data: { Arn: STREAM_KEY_ARN, ChannelArn: CHANNEL_ARN } });
  });

  test('adopting without secret or exposure reads no key value', async () => {
    // GIVEN
    const event = makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN });

    // WHEN
    await handler(event, makeContext());

    // THEN
    expect(ivs).not.toHaveReceivedCommand(GetStreamKeyCommand);
    expect(ivs).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('creates a key, tagged as created here, when the channel has none', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    const event = makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN, Tags: { team: 'video' }, ExposeStreamKeyValue: 'true' });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN the key carries the request tag; the create was answered at once, so nothing more is listed
    expect(ivs).toHaveReceivedCommandWith(CreateStreamKeyCommand, { channelArn: CHANNEL_ARN, tags: { team: 'video', [REQUEST_TAG]: CREATE_TAG } });
    expect(ivs).toHaveReceivedCommandTimes(ListStreamKeysCommand, 1);
    expect(response).toEqual({
      PhysicalResourceId: NEW_STREAM_KEY_ARN,
      Data: { Arn: NEW_STREAM_KEY_ARN, ChannelArn: CHANNEL_ARN, StreamKeyValue: NEW_STREAM_KEY_VALUE },
      NoEcho: true,
    });
  });

  test('a retried CreateStreamKey refused by the one-key quota takes the key its earlier attempt made', async () => {
    // GIVEN a keyless channel, and a CreateStreamKey whose first attempt made the key, its answer lost
    ivs.on(ListStreamKeysCommand).resolvesOnce({ streamKeys: [] })
      .resolves({ streamKeys: [{ arn: NEW_STREAM_KEY_ARN, channelArn: CHANNEL_ARN, tags: CREATED }] });
    ivs.on(CreateStreamKeyCommand).rejects(afterAttempts(2, quotaExceeded()));
    ivs.on(GetStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN }).resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE }) });

    // WHEN
    const response = await handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN, SecretArn: SECRET_ARN }), makeContext());

    // THEN that key is read back, written and returned; none is deleted
    expect(ivs).toHaveReceivedCommandWith(GetStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN });
    expect(ivs).not.toHaveReceivedCommand(DeleteStreamKeyCommand);
    expect(writtenSecrets()).toEqual([expect.objectContaining({ streamKeyArn: NEW_STREAM_KEY_ARN, streamKey: NEW_STREAM_KEY_VALUE })]);
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
  });

  test.each([
    ['at the first attempt (the first list missed a key made a moment ago)', 1, CREATED],
    ['after retries, while no key carries this request\'s tag (another delivery made it)', 2, { [REQUEST_TAG]: 'another-request' }],
  ])('a quota refusal %s: the key the channel has is adopted, not a failure, and no second key', async (_when, attempts, tags) => {
    // GIVEN the first list shows no key, later ones the key the channel has
    ivs.on(ListStreamKeysCommand).resolvesOnce({ streamKeys: [] }).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN, tags }] });
    ivs.on(CreateStreamKeyCommand).rejects(afterAttempts(attempts, quotaExceeded('Stream keys per channel: 1')));

    // WHEN (a short deadline bounds the wait for a key of this request)
    const response = await handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN }), makeContext(1_000));

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(CreateStreamKeyCommand, 1);
    expect(ivs).not.toHaveReceivedCommand(DeleteStreamKeyCommand);
    expect(response.PhysicalResourceId).toBe(STREAM_KEY_ARN);
  });

  test('a quota refusal while no key ever shows is the error, once the reads gave up', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    ivs.on(CreateStreamKeyCommand).rejects(quotaExceeded('Stream keys per channel: 1'));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN }), makeContext(600)));

    // THEN
    expect(ivs.commandCalls(ListStreamKeysCommand).length).toBeGreaterThan(2);
    expect(error.message).toBe(`Custom::IvsStreamKey Resource (${CHANNEL_ARN}): CreateStreamKey failed: ServiceQuotaExceededException: Stream keys per channel: 1`);
  });

  test('a channel made a moment ago and not found yet is read again', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).rejectsOnce(notFound('Channel not found')).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });

    // WHEN
    const response = await handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN }), makeContext());

    // THEN
    expect(response.PhysicalResourceId).toBe(STREAM_KEY_ARN);
  });

  test('deletes the key it created when the secret cannot be written', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    ivs.on(DeleteStreamKeyCommand).resolves({});
    secrets.on(PutSecretValueCommand).rejects(Object.assign(new Error('Secrets Manager can\'t find the specified secret.'), { name: 'ResourceNotFoundException' }));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN, SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN });
    expect(error.message).toBe(`Custom::IvsStreamKey Resource (${CHANNEL_ARN}): PutSecretValue failed: ResourceNotFoundException: Secrets Manager can't find the specified secret. (deleted stream key ${NEW_STREAM_KEY_ARN}, which this request had created)`);
  });

  test('leaves an adopted key alone when the secret cannot be written', async () => {
    // GIVEN
    secrets.on(PutSecretValueCommand).rejects(new Error('denied'));

    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', { ChannelArn: CHANNEL_ARN, SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(ivs).not.toHaveReceivedCommand(DeleteStreamKeyCommand);
    expect(error.message).toMatch(/PutSecretValue failed: denied$/);
  });
  test('needs a ChannelArn', async () => {
    // WHEN
    const error = await failureOf(handler(makeEvent(TYPE, 'Create', {}), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsStreamKey Resource: property ChannelArn is required');
  });
});

describe('Update', () => {
  const old = { ChannelArn: CHANNEL_ARN, SecretArn: SECRET_ARN, Rotation: '1', Tags: { team: 'video' } };

  function update(props: { [name: string]: unknown }, oldProps: { [name: string]: unknown } = old) {
    return makeEvent(TYPE, 'Update', props, { PhysicalResourceId: STREAM_KEY_ARN, OldResourceProperties: oldProps });
  }

  test('a new Rotation replaces the key and rewrites the secret', async () => {
    // GIVEN
    ivs.on(DeleteStreamKeyCommand).resolves({});

    // WHEN
    const response = await handler(update({ ...old, Rotation: '2' }), makeContext());

    // THEN the channel's key goes first (one key per channel), the new one is written and returned
    const operations = ivs.calls().map((call) => call.args[0].constructor.name);
    expect(operations.indexOf('DeleteStreamKeyCommand')).toBeLessThan(operations.indexOf('CreateStreamKeyCommand'));
    expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: STREAM_KEY_ARN });
    expect(ivs).toHaveReceivedCommandWith(CreateStreamKeyCommand, { channelArn: CHANNEL_ARN, tags: { team: 'video', [REQUEST_TAG]: CREATE_TAG } });
    expect(writtenSecrets()).toEqual([expect.objectContaining({ streamKeyArn: NEW_STREAM_KEY_ARN, streamKey: NEW_STREAM_KEY_VALUE })]);
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
  });

  test('a rotation after a rollback deletes the key the channel really has', async () => {
    // GIVEN a rollback left the channel with a key CloudFormation does not know (its ARN is old)
    const unknownKey = 'arn:aws:ivs:us-east-1:123456789012:stream-key/leftByRollback';
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: unknownKey, channelArn: CHANNEL_ARN }] });
    ivs.on(DeleteStreamKeyCommand).resolves({});

    // WHEN
    const response = await handler(update({ ...old, Rotation: '2' }), makeContext());

    // THEN that key goes, not the (gone) physical one, and a new key is made
    expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: unknownKey });
    expect(ivs).not.toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: STREAM_KEY_ARN });
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
  });

  test('a key gone between listing and deleting does not stop the rotation', async () => {
    // GIVEN
    ivs.on(DeleteStreamKeyCommand).rejects(notFound());

    // WHEN CloudFormation sends the old properties back
    const response = await handler(update(old, { ...old, Rotation: '2' }), makeContext());

    // THEN
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
    expect(writtenSecrets()).toHaveLength(1);
  });

  test('a failed rotation deletes the key it created', async () => {
    // GIVEN
    ivs.on(DeleteStreamKeyCommand).resolves({});
    secrets.on(PutSecretValueCommand).rejects(new Error('denied'));

    // WHEN
    const error = await failureOf(handler(update({ ...old, Rotation: '2' }), makeContext()));

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN });
    expect(error.message).toMatch(`(deleted stream key ${NEW_STREAM_KEY_ARN}, which this request had created)`);
  });

  test('tags change in place; an unchanged secret is not rewritten', async () => {
    // GIVEN
    const event = update({ ...old, Tags: { stage: 'prod' } });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: STREAM_KEY_ARN, tagKeys: ['team'] });
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: STREAM_KEY_ARN, tags: { stage: 'prod' } });
    expect(secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(ivs).not.toHaveReceivedCommand(GetStreamKeyCommand);
    expect(response).toEqual({ PhysicalResourceId: STREAM_KEY_ARN, Data: { Arn: STREAM_KEY_ARN, ChannelArn: CHANNEL_ARN } });
  });

  test('a new secret is written with the current key', async () => {
    // GIVEN
    const event = update({ ...old, SecretArn: `${SECRET_ARN}-2` });

    // WHEN
    await handler(event, makeContext());

    // THEN
    expect(secrets).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: `${SECRET_ARN}-2` });
    expect(writtenSecrets()[0]).toMatchObject({ streamKeyArn: STREAM_KEY_ARN, streamKey: STREAM_KEY_VALUE });
  });

  test.each([
    ['tags', { Tags: { stage: 'prod' } }, () => ivs.on(UntagResourceCommand, { resourceArn: STREAM_KEY_ARN }).rejects(notFound())],
    ['the secret', { SecretArn: `${SECRET_ARN}-2` }, () => ivs.on(GetStreamKeyCommand, { arn: STREAM_KEY_ARN }).rejects(notFound())],
  ])('a change of %s when the key is gone (a rolled-back rotation) takes the channel\'s key', async (_what, change, keyGone) => {
    // GIVEN the stack names a key a rotation deleted before its deployment was rolled back
    keyGone();
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: NEW_STREAM_KEY_ARN, channelArn: CHANNEL_ARN, tags: { [REQUEST_TAG]: 'rotation' } }] });
    ivs.on(GetStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN }).resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE }) });
    const props = { ...old, ...change };

    // WHEN
    const response = await handler(update(props), makeContext());

    // THEN the channel's key is adopted as on Create: tagged, written to the secret, its ARN returned
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: NEW_STREAM_KEY_ARN, tags: props.Tags });
    expect(ivs).not.toHaveReceivedCommand(CreateStreamKeyCommand);
    expect(secrets).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: props.SecretArn });
    expect(writtenSecrets()).toEqual([expect.objectContaining({ streamKeyArn: NEW_STREAM_KEY_ARN, streamKey: NEW_STREAM_KEY_VALUE })]);
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
  });

  test('another NotFound of a tags-only update is the error (the channel is gone)', async () => {
    // GIVEN
    ivs.on(UntagResourceCommand).rejects(notFound('Channel not found'));
    ivs.on(ListStreamKeysCommand).rejects(notFound('Channel not found'));

    // WHEN (a short deadline: a channel just made is read again until then)
    const error = await failureOf(handler(update({ ...old, Tags: {} }), makeContext(500)));

    // THEN
    expect(error.message).toMatch(/ListStreamKeys failed: ResourceNotFoundException: Channel not found$/);
  });

  test('another channel gets its own key (replacement)', async () => {
    // GIVEN
    const otherChannel = 'arn:aws:ivs:us-east-1:123456789012:channel/otherChannel';
    ivs.on(ListStreamKeysCommand, { channelArn: otherChannel }).resolves({ streamKeys: [] });

    // WHEN
    const response = await handler(update({ ...old, ChannelArn: otherChannel }), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(CreateStreamKeyCommand, { channelArn: otherChannel });
    expect(response.PhysicalResourceId).toBe(NEW_STREAM_KEY_ARN);
  });
});

describe('Delete', () => {
  const remove = () => makeEvent(TYPE, 'Delete', { ChannelArn: CHANNEL_ARN }, { PhysicalResourceId: STREAM_KEY_ARN });

  test('leaves the key with its channel, even one it created', async () => {
    // GIVEN a key this handler created
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ tags: CREATED }) });

    // WHEN
    const response = await handler(remove(), makeContext());

    // THEN no IVS call at all: the channel keeps a key to stream with
    expect(ivs.calls()).toHaveLength(0);
    expect(response).toEqual({ PhysicalResourceId: STREAM_KEY_ARN });
  });
});
