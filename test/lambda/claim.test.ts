// The claim through which one delivery of a Create at a time creates (lambda/claim.ts), through the
// handler: who creates, who waits and takes what the other made, and what each leaves behind.
import {
  CreateChannelCommand, DeleteChannelCommand, GetChannelCommand, GetStreamKeyCommand, IvsClient, ListChannelsCommand, ListStreamKeysCommand,
} from '@aws-sdk/client-ivs';
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, InvalidRequestException, PutSecretValueCommand, ResourceExistsException,
  ResourceNotFoundException, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { CLAIM_GENERATIONS } from '../../lambda/claim';
import { handler } from '../../lambda/index';
import { CHANNEL_ARN, REQUEST_ID, SECRET_ARN, failureOf, ivsChannel, ivsStreamKey, madeBy, makeContext, makeEvent } from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.channel;
const CLAIM = /^cdk-ivs\/claims\/Stack\/[0-9a-f]{32}\.(\d)$/;

const exists = () => new ResourceExistsException({ message: 'The operation failed because the secret already exists.', $metadata: {} });
const gone = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });
/** A claim's Description as another invocation wrote it. */
const holder = (request: string, started: string, deadline: number) => JSON.stringify({ request, started, deadline });

/** The generation of each claim name the calls of `command` named. */
function generations(command: typeof CreateSecretCommand | typeof DeleteSecretCommand | typeof DescribeSecretCommand): number[] {
  return secrets.commandCalls(command as any).map((call) => {
    const input = call.args[0].input as { Name?: string; SecretId?: string };
    return Number(CLAIM.exec(input.Name ?? input.SecretId ?? '')?.[1]);
  });
}

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
  ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
});
afterEach(() => jest.restoreAllMocks());

test('the claim is made before the create, says who holds it, and is deleted before the answer', async () => {
  // GIVEN every call recorded in order
  const order: string[] = [];
  secrets.on(CreateSecretCommand).callsFake(() => order.push('CreateSecret') && {});
  secrets.on(DeleteSecretCommand).callsFake(() => order.push('DeleteSecret') && {});
  ivs.on(CreateChannelCommand).callsFake(() => order.push('CreateChannel') && { channel: ivsChannel(), streamKey: ivsStreamKey() });
  ivs.on(ListChannelsCommand).callsFake(() => order.push('ListChannels') && { channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] });

  // WHEN
  const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN }), makeContext(60_000));

  // THEN one claim, of generation 0, named after the stack and resource, made first and deleted after the secret is written
  expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  expect(order).toEqual(['CreateSecret', 'CreateChannel', 'ListChannels', 'DeleteSecret']);
  expect(secrets.calls().map((c) => c.args[0].constructor.name)).toEqual(['CreateSecretCommand', 'PutSecretValueCommand', 'DeleteSecretCommand']);
  const created = secrets.commandCalls(CreateSecretCommand)[0].args[0].input;
  expect(created).toEqual({ Name: expect.stringMatching(CLAIM), Description: expect.any(String) });
  expect(JSON.parse(created.Description!)).toEqual({ request: REQUEST_ID, started: expect.stringMatching(/^[0-9a-z]+$/), deadline: expect.any(Number) });
  expect(generations(CreateSecretCommand)).toEqual([0]);
  expect(secrets.commandCalls(DeleteSecretCommand)[0].args[0].input).toEqual({ SecretId: created.Name, ForceDeleteWithoutRecovery: true });
});

test('another delivery of this event holds the claim: this one waits until it is gone, creates nothing, and answers what the other made', async () => {
  // GIVEN the claim of another delivery (started earlier, well within its time), gone after two looks
  const other = 'arn:aws:ivs:us-east-1:123456789012:channel/otherDelivery';
  secrets.on(CreateSecretCommand).rejects(exists());
  secrets.on(DescribeSecretCommand)
    .resolvesOnce({ Description: holder(REQUEST_ID, '1', Date.now() + 60_000) })
    .resolvesOnce({ Description: holder(REQUEST_ID, '1', Date.now() + 60_000) })
    .rejects(gone());
  ivs.on(ListChannelsCommand).resolves({ channels: [{ arn: other, tags: { [REQUEST_TAG]: `${REQUEST_ID} 1` } }] });
  ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ arn: other }) });
  ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: 'arn:aws:ivs:us-east-1:123456789012:stream-key/otherKey', channelArn: other }] });
  ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ channelArn: other }) });

  // WHEN
  const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN }), makeContext(60_000));

  // THEN the other delivery's channel, no create, nothing deleted, no claim of this delivery's to delete; the secret names it
  expect(response.PhysicalResourceId).toBe(other);
  expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
  expect(ivs).not.toHaveReceivedCommand(DeleteChannelCommand);
  expect(secrets).not.toHaveReceivedCommand(DeleteSecretCommand);
  expect(generations(DescribeSecretCommand)).toEqual([0, 0, 0]);
  expect(JSON.parse(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretString!).channelArn).toBe(other);
});

test('the other delivery let go and made nothing (it failed): this one fails too, and says why', async () => {
  // GIVEN a claim of another delivery, gone at once, and no channel of this request
  secrets.on(CreateSecretCommand).rejects(exists());
  secrets.on(DescribeSecretCommand).resolvesOnce({ Description: holder(REQUEST_ID, '1', Date.now() + 60_000) }).rejects(gone());
  ivs.on(ListChannelsCommand).resolves({ channels: [] });

  // WHEN
  const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(2_000)));

  // THEN
  expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): another delivery of this event was making it and made none (its reason says why); deploy again');
  expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
});

test.each([
  ['its own CreateSecret, retried after a lost answer', (started: string) => holder(REQUEST_ID, started, Date.now() + 60_000), [0], [0]],
  ['another request\'s claim, left by an invocation that never finished', () => holder('another-request', '1', Date.now() + 60_000), [0, 1], [0, 1]],
  ['a delivery of this event whose Lambda is over', () => holder(REQUEST_ID, '1', Date.now() - 20_000), [0, 1], [0, 1]],
  ['a Description that names no holder', () => 'made by hand', [0, 1], [0, 1]],
])('generation 0 is held by %s: this delivery creates, and deletes the claims it passed and made', async (_, description, made, deleted) => {
  // GIVEN generation 0 exists, and says so
  secrets.on(CreateSecretCommand).rejectsOnce(exists()).resolves({});
  secrets.on(DescribeSecretCommand).callsFake(() => {
    const started = JSON.parse(secrets.commandCalls(CreateSecretCommand)[0].args[0].input.Description!).started;
    return { Description: description(started) };
  });

  // WHEN
  const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(60_000));

  // THEN it created, under the claims listed, and deleted them
  expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  expect(ivs).toHaveReceivedCommandTimes(CreateChannelCommand, 1);
  expect(generations(CreateSecretCommand)).toEqual(made);
  expect(generations(DeleteSecretCommand)).toEqual(deleted);
});

test.each([
  ['being deleted (CreateSecret: scheduled for deletion)', () => secrets.on(CreateSecretCommand).rejectsOnce(
    new InvalidRequestException({ message: "You can't create this secret because a secret with this name is already scheduled for deletion.", $metadata: {} })).resolves({})],
  ['being deleted (DescribeSecret: DeletedDate)', () => {
    secrets.on(CreateSecretCommand).rejectsOnce(exists()).resolves({});
    secrets.on(DescribeSecretCommand).resolves({ DeletedDate: new Date() });
  }],
  ['gone between CreateSecret and DescribeSecret', () => {
    secrets.on(CreateSecretCommand).rejectsOnce(exists()).resolves({});
    secrets.on(DescribeSecretCommand).rejects(gone());
  }],
])('generation 0 is %s: generation 1 is claimed, and only it deleted', async (_, given) => {
  // GIVEN
  given();

  // WHEN
  const response = await handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(60_000));

  // THEN
  expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  expect(generations(CreateSecretCommand)).toEqual([0, 1]);
  expect(generations(DeleteSecretCommand)).toEqual([1]);
});

test(`every one of the ${CLAIM_GENERATIONS} generations is taken: the create fails before anything is made`, async () => {
  // GIVEN
  secrets.on(CreateSecretCommand).rejects(exists());
  secrets.on(DescribeSecretCommand).resolves({ Description: holder('another-request', '1', 0) });

  // WHEN
  const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(60_000)));

  // THEN
  expect(error.message).toMatch(/^Custom::IvsChannel Resource \(my-channel\): no claim of 4 \(cdk-ivs\/claims\/Stack\/[0-9a-f]{32}\.0 and on\) could be made for this create; deploy again$/);
  expect(ivs).not.toHaveReceivedAnyCommand();
});

test('the holder is still at work when this delivery\'s deadline comes: it fails, naming the other delivery, and makes nothing', async () => {
  // GIVEN a holder of this request whose time runs past this delivery's deadline
  secrets.on(CreateSecretCommand).rejects(exists());
  secrets.on(DescribeSecretCommand).resolves({ Description: holder(REQUEST_ID, (Date.now() - 1_000).toString(36), Date.now() + 120_000) });

  // WHEN
  const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(1_500)));

  // THEN
  expect(error.message).toMatch(/^Custom::IvsChannel Resource \(my-channel\): another delivery of this event \(started 20\d\d-.*Z\) is making it and had not finished by this one's deadline; its answer stands$/);
  expect(ivs).not.toHaveReceivedAnyCommand();
  expect(secrets).not.toHaveReceivedCommand(DeleteSecretCommand);
});

test('a claim that cannot be deleted fails the create, and the channel it made is deleted again', async () => {
  // GIVEN
  secrets.on(DeleteSecretCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  ivs.on(DeleteChannelCommand).resolves({});

  // WHEN
  const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(60_000)));

  // THEN
  expect(error.message).toMatch(/^Custom::IvsChannel Resource \(my-channel\): DeleteSecret failed: AccessDeniedException: denied: a claim of this create \(cdk-ivs\/claims\/Stack\/[0-9a-f]{32}\.0\) could not be deleted \(what it made is deleted again\); delete it, then deploy again$/);
  expect(ivs.commandCalls(DeleteChannelCommand).map((c) => c.args[0].input)).toEqual([{ arn: CHANNEL_ARN }]);
});

test('a create that fails still deletes its claim, and its own failure is the reason', async () => {
  // GIVEN
  ivs.on(CreateChannelCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'ValidationException', exceptionMessage: 'bad name' }));

  // WHEN
  const error = await failureOf(handler(makeEvent(TYPE, 'Create', { Name: 'my-channel' }), makeContext(60_000)));

  // THEN
  expect(error.message).toBe('Custom::IvsChannel Resource (my-channel): CreateChannel failed: ValidationException: bad name');
  expect(generations(DeleteSecretCommand)).toEqual([0]);
});

test('claims are per resource: another logical ID has another name', async () => {
  // WHEN two resources of one stack are created
  await handler(makeEvent(TYPE, 'Create', { Name: 'a' }, { LogicalResourceId: 'A' }), makeContext(60_000));
  await handler(makeEvent(TYPE, 'Create', { Name: 'b' }, { LogicalResourceId: 'B' }), makeContext(60_000));

  // THEN
  const names = secrets.commandCalls(CreateSecretCommand).map((c) => c.args[0].input.Name);
  expect(new Set(names).size).toBe(2);
});
