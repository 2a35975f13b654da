import {
  CreateChannelCommand,
  DeletePlaybackKeyPairCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListChannelsCommand,
  ListStreamKeysCommand,
} from '@aws-sdk/client-ivs';
import {
  DescribeSecretCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import { versionToken } from '../../lambda/secrets';
import {
  CHANNEL_ARN, KEY_PAIR_ARN, SECRET_ARN, ivsChannel, ivsStreamKey, makeContext, makeEvent, madeBy,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const OLD_PAIR = KEY_PAIR_ARN.replace('pair1', 'pair0');

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

describe('versions of a secret', () => {
  test('every write names its version after the value: the same value twice is one version', async () => {
    // GIVEN a channel updated twice with nothing changed
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel() });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: ivsStreamKey().arn, channelArn: CHANNEL_ARN }] });
    ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey() });
    secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
    const props = { Name: 'my-channel', SecretArn: SECRET_ARN, Tags: { a: '1' } };

    // WHEN
    for (const tags of [{ a: '2' }, { a: '3' }]) {
      await handler(makeEvent(RESOURCE_TYPES.channel, 'Update', { ...props, Tags: tags }, { PhysicalResourceId: CHANNEL_ARN, OldResourceProperties: props }), makeContext());
    }

    // THEN both writes carry the same token (Secrets Manager ignores the second), a UUID
    const tokens = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(secrets).not.toHaveReceivedCommand(DescribeSecretCommand);
  });

  test('a write Secrets Manager ignored (a value written before, not current now) makes that version current again', async () => {
    // GIVEN the answer of an ignored write: the version exists, without AWSCURRENT
    ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
    ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));
    secrets.on(PutSecretValueCommand).resolves({ VersionStages: [] });
    secrets.on(DescribeSecretCommand).callsFake(({ SecretId }) => ({
      VersionIdsToStages: { newer: ['AWSCURRENT'], [secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.ClientRequestToken!]: [], SecretId },
    }));
    secrets.on(UpdateSecretVersionStageCommand).resolves({});

    // WHEN
    await handler(makeEvent(RESOURCE_TYPES.channel, 'Create', { Name: 'my-channel', SecretArn: SECRET_ARN }), makeContext());

    // THEN
    const token = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.ClientRequestToken;
    expect(secrets).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: 'newer',
    });
  });
});

describe('a generated playback key pair deleted', () => {
  const pair = { Name: 'viewers', SecretArn: SECRET_ARN };
  const remove = () => makeEvent(RESOURCE_TYPES.playbackKeyPair, 'Delete', pair, { PhysicalResourceId: KEY_PAIR_ARN });

  beforeEach(() => {
    ivs.on(DeletePlaybackKeyPairCommand).resolves({});
    secrets.on(UpdateSecretVersionStageCommand).resolves({});
  });

  test('while its version is current (the rollback of its replacement): the version before it is current again', async () => {
    // GIVEN the secret's current version is this pair's, the previous one the pair it replaced
    secrets.on(DescribeSecretCommand).resolves({
      VersionIdsToStages: { [versionToken(SECRET_ARN, KEY_PAIR_ARN)]: ['AWSCURRENT'], [versionToken(SECRET_ARN, OLD_PAIR)]: ['AWSPREVIOUS'] },
    });

    // WHEN
    await handler(remove(), makeContext());

    // THEN
    expect(secrets).toHaveReceivedCommandWith(UpdateSecretVersionStageCommand, {
      SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: versionToken(SECRET_ARN, OLD_PAIR),
      RemoveFromVersionId: versionToken(SECRET_ARN, KEY_PAIR_ARN),
    });
    expect(ivs).toHaveReceivedCommandWith(DeletePlaybackKeyPairCommand, { arn: KEY_PAIR_ARN });
  });

  test('when its version is not current (the cleanup after its replacement): the secret is left as it is', async () => {
    // GIVEN the replacement's version is current, this pair's is previous
    secrets.on(DescribeSecretCommand).resolves({
      VersionIdsToStages: { [versionToken(SECRET_ARN, OLD_PAIR)]: ['AWSCURRENT'], [versionToken(SECRET_ARN, KEY_PAIR_ARN)]: ['AWSPREVIOUS'] },
    });

    // WHEN
    await handler(remove(), makeContext());

    // THEN
    expect(secrets).not.toHaveReceivedCommand(UpdateSecretVersionStageCommand);
    expect(ivs).toHaveReceivedCommandWith(DeletePlaybackKeyPairCommand, { arn: KEY_PAIR_ARN });
  });

  test('with its secret already gone: the pair is deleted all the same', async () => {
    // GIVEN
    secrets.on(DescribeSecretCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'Secrets Manager can\'t find the specified secret.' }));

    // WHEN
    await handler(remove(), makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(DeletePlaybackKeyPairCommand, { arn: KEY_PAIR_ARN });
  });

  test('a pair of one\'s own key has no secret to put back', async () => {
    // WHEN
    await handler(makeEvent(RESOURCE_TYPES.playbackKeyPair, 'Delete', { Name: 'viewers', PublicKeyMaterial: 'pem' }, { PhysicalResourceId: KEY_PAIR_ARN }), makeContext());

    // THEN
    expect(secrets).not.toHaveReceivedAnyCommand();
  });
});
