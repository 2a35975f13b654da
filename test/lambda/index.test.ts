import { CreateChannelCommand, IvsClient, ListChannelsCommand } from '@aws-sdk/client-ivs';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CHANNEL_ARN, failureOf, ivsChannel, makeContext, makeEvent, madeBy,
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
])('a Delete of a physical ID that is no IVS ARN (%s) makes no IVS call, deletes the claims its create may have left, and succeeds', async (_, physicalId) => {
  // WHEN
  const response = await handler(makeEvent(RESOURCE_TYPES.channel, 'Delete', { Name: 'c' }, { PhysicalResourceId: physicalId }), makeContext());

  // THEN every generation of the resource's claim is deleted, without recovery
  expect(response).toEqual({ PhysicalResourceId: physicalId });
  expect(ivs).not.toHaveReceivedAnyCommand();
  expect(secrets.calls().map((c) => c.args[0].input)).toEqual([0, 1, 2, 3].map((generation) => ({
    SecretId: expect.stringMatching(new RegExp(`^cdk-ivs/claims/Stack/[0-9a-f]{32}\\.${generation}$`)), ForceDeleteWithoutRecovery: true,
  })));
  expect(secrets).toHaveReceivedCommandTimes(DeleteSecretCommand, 4);
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
