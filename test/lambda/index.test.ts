import { CreateChannelCommand, DeleteChannelCommand, IvsClient, ListChannelsCommand } from '@aws-sdk/client-ivs';
import { DeleteSecretCommand, DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CHANNEL_ARN, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent, madeBy, sentTag,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

test('dispatches on the resource type and request type', async () => {
  // GIVEN
  ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel() });
  ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));

  // WHEN
  const response = await handler(makeEvent(RESOURCE_TYPES.channel, 'Create'), makeContext());

  // THEN
  expect(ivs).toHaveReceivedCommandTimes(CreateChannelCommand, 1);
  expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
});

test('an unknown resource type fails with a clean reason', async () => {
  // WHEN
  const error = await failureOf(handler(makeEvent('Custom::IvsStage', 'Create'), makeContext()));

  // THEN
  expect(error.message).toBe('Custom::IvsStage Resource: unknown resource type; this provider serves Custom::IvsChannel, Custom::IvsStreamKey, Custom::IvsPlaybackKeyPair, Custom::IvsChannelLookup');
  expect(error.stack).toBe(error.message);
  expect(ivs).not.toHaveReceivedAnyCommand();
});

test('an unknown request type fails', async () => {
  // GIVEN
  const event = { ...makeEvent(RESOURCE_TYPES.channel, 'Create'), RequestType: 'Replace' as 'Create' };

  // WHEN
  const error = await failureOf(handler(event, makeContext()));

  // THEN
  expect(error.message).toBe('Custom::IvsChannel Resource: unknown request type Replace');
});

test('a bad property value fails before any IVS call, naming the property', async () => {
  // WHEN
  const error = await failureOf(handler(makeEvent(RESOURCE_TYPES.channel, 'Create', { Name: 'live', Authorized: 'yes' }), makeContext()));

  // THEN
  expect(error.message).toBe('Custom::IvsChannel Resource (live): property Authorized must be "true" or "false", got "yes"');
  expect(ivs).not.toHaveReceivedAnyCommand();
});

test('an answer without the expected resource fails clearly', async () => {
  // GIVEN
  ivs.on(CreateChannelCommand).resolves({});

  // WHEN
  const error = await failureOf(handler(makeEvent(RESOURCE_TYPES.channel, 'Create'), makeContext()));

  // THEN
  expect(error.message).toBe('Custom::IvsChannel Resource: the answer had no channel');
});

test.each([
  ['the CDK wrapper\'s marker', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
  ['a name CloudFormation made up for a create that never answered', 'Stack-ChannelA1B2C3D4-1ABCDEFGHIJKL'],
  ['a request ID', '0b6c8f3e-5d2a-4e1b-9c7d-1a2b3c4d5e6f'],
])('a Delete of a physical ID that is no IVS ARN (%s), no claim left and nothing made: the channels of the name listed, the claims looked at until the wait is over, success', async (_, physicalId) => {
  // GIVEN no claim of the resource, no channel of the name, and 1.5 s left for the wait (ABANDON_RESERVE_MS is 5 s)
  secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
  ivs.on(ListChannelsCommand).resolves({ channels: [] });

  // WHEN
  const started = Date.now();
  const response = await handler(makeEvent(RESOURCE_TYPES.channel, 'Delete', { Name: 'c' }, { PhysicalResourceId: physicalId }), makeContext(6_500));

  // THEN each claim generation looked up and the channels listed, the claims again each second until the end, then both
  expect(response).toEqual({ PhysicalResourceId: physicalId });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  expect(ivs.commandCalls(ListChannelsCommand).map((c) => c.args[0].input)).toEqual([1, 2].map(() => ({ filterByName: 'c', nextToken: undefined })));
  const looked = secrets.calls().map((c) => c.args[0].input as { SecretId: string });
  expect(looked.length % 4).toBe(0);
  expect(looked.length).toBeGreaterThanOrEqual(12);
  looked.forEach((input, i) => expect(input).toEqual({ SecretId: expect.stringMatching(new RegExp(`^cdk-ivs/claims/Stack/[0-9a-f]{32}\\.${i % 4}$`)) }));
  expect(secrets).not.toHaveReceivedCommand(DeleteSecretCommand);
});

test('a Delete after a create that answered too late (its claim let go): what that create made, found by the event\'s hash, is deleted at once', async () => {
  // GIVEN no claim, and a channel of the name that a create of this event made (another request ID: a retry, say)
  secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
  ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
  ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));
  await handler(makeEvent(RESOURCE_TYPES.channel, 'Create', { Name: 'c' }), makeContext());
  const sent = sentTag(ivs, CreateChannelCommand)!.replace(/^\S+/, 'another-request');
  ivs.reset();
  ivs.on(ListChannelsCommand).resolves({ channels: [
    { arn: CHANNEL_ARN, tags: { [REQUEST_TAG]: sent } }, { arn: `${CHANNEL_ARN}2`, tags: { [REQUEST_TAG]: `another-request 1 1 ${'x'.repeat(22)}` } },
  ] });
  ivs.on(DeleteChannelCommand).resolves({});

  // WHEN the Delete of that event comes
  const started = Date.now();
  const physicalId = 'Stack-ChannelA1B2C3D4-1ABCDEFGHIJKL';
  await handler(makeEvent(RESOURCE_TYPES.channel, 'Delete', { Name: 'c' }, { PhysicalResourceId: physicalId }), makeContext());

  // THEN only that channel is deleted, without waiting
  expect(ivs.commandCalls(DeleteChannelCommand).map((c) => c.args[0].input)).toEqual([{ arn: CHANNEL_ARN }]);
  expect(Date.now() - started).toBeLessThan(1_000);
});

test('a Delete after a create that never answered, whose invocation left its claim: what its request made is deleted, then the claim', async () => {
  // GIVEN generation 0 names the crashed create's request, which made a channel; another request's channel of the name
  const crashed = 'c0ffee00-0000-4000-8000-000000000001';
  const made = 'arn:aws:ivs:us-east-1:123456789012:channel/madeByCrash';
  secrets.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) => {
    if (input.SecretId.endsWith('.0')) return { Description: JSON.stringify({ request: crashed, started: '1', deadline: 1 }) };
    throw new ResourceNotFoundException({ message: 'gone', $metadata: {} });
  });
  ivs.on(ListChannelsCommand).resolves({ channels: [
    { arn: made, tags: { [REQUEST_TAG]: `${crashed} 1` } }, { arn: CHANNEL_ARN, tags: { [REQUEST_TAG]: 'another-request 1' } },
  ] });
  ivs.on(DeleteChannelCommand).resolves({});

  // WHEN
  const physicalId = 'Stack-ChannelA1B2C3D4-1ABCDEFGHIJKL';
  const response = await handler(makeEvent(RESOURCE_TYPES.channel, 'Delete', { Name: 'c' }, { PhysicalResourceId: physicalId }), makeContext());

  // THEN only the crashed request's channel is deleted, then its claim
  expect(response).toEqual({ PhysicalResourceId: physicalId });
  expect(ivs).toHaveReceivedCommandWith(ListChannelsCommand, { filterByName: 'c' });
  expect(ivs.commandCalls(DeleteChannelCommand).map((c) => c.args[0].input)).toEqual([{ arn: made }]);
  expect(secrets.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input)).toEqual([
    { SecretId: expect.stringMatching(/^cdk-ivs\/claims\/Stack\/[0-9a-f]{32}\.0$/), ForceDeleteWithoutRecovery: true },
  ]);
});

test('a Delete of a lookup\'s physical ID (no IVS ARN, no claims) makes no call at all', async () => {
  // WHEN
  const physicalId = 'cdk-ivs-lookup-0123456789abcdef';
  const response = await handler(makeEvent(RESOURCE_TYPES.channelLookup, 'Delete', { ChannelArns: [CHANNEL_ARN] }, { PhysicalResourceId: physicalId }), makeContext());

  // THEN
  expect(response).toEqual({ PhysicalResourceId: physicalId });
  expect(ivs).not.toHaveReceivedAnyCommand();
  expect(secrets).not.toHaveReceivedAnyCommand();
});
