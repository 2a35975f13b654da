// One endpoint, every region: each request is served in the region of its credential scope.
import { CreateChannelCommand, GetChannelCommand, IvsClient, ListChannelsCommand } from '@aws-sdk/client-ivs';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IVS_REGIONS, IvsEmulator, startEmulator, TEST_ACCOUNT_ID } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  emulator.throttle.enabled = false;
});

function ivs(region: string): IvsClient {
  return new IvsClient({ ...emulator.clientConfig(undefined, region), maxAttempts: 1 });
}

describe('regions', () => {
  test('the default list is the IVS endpoints table: 7 regions, us-east-1 the default', () => {
    expect(emulator.regions).toEqual(IVS_REGIONS);
    expect(IVS_REGIONS).toEqual(['us-east-1', 'us-west-2', 'ap-south-1', 'ap-northeast-2', 'ap-northeast-1', 'eu-central-1', 'eu-west-1']);
    expect(emulator.clientConfig().region).toBe('us-east-1');
    expect(emulator.env(undefined, 'eu-west-1')).toMatchObject({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
  });

  test('one emulator serves two regions at once; each lists only its own channels', async () => {
    // WHEN the same account creates a channel in two regions
    const east = (await ivs('us-east-1').send(new CreateChannelCommand({ name: 'east' })));
    const west = (await ivs('eu-west-1').send(new CreateChannelCommand({ name: 'west' })));

    // THEN ARNs, playback URLs and stream keys carry the region of the request
    expect(east.channel!.arn).toMatch(/^arn:aws:ivs:us-east-1:111111111111:channel\//);
    expect(west.channel!.arn).toMatch(/^arn:aws:ivs:eu-west-1:111111111111:channel\//);
    expect(west.channel!.playbackUrl).toContain('.eu-west-1.playback.live-video.net/api/video/v1/eu-west-1.111111111111.channel.');
    expect(west.streamKey!.value).toMatch(/^sk_eu-west-1_/);
    expect((await ivs('us-east-1').send(new ListChannelsCommand({}))).channels!.map((c) => c.name)).toEqual(['east']);
    expect((await ivs('eu-west-1').send(new ListChannelsCommand({}))).channels!.map((c) => c.name)).toEqual(['west']);
    expect((await ivs('ap-south-1').send(new ListChannelsCommand({}))).channels).toEqual([]);
    // a channel of the same account in another region is not found in this one
    const err = await failure(ivs('us-east-1').send(new GetChannelCommand({ arn: west.channel!.arn! })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
    expect(emulator.state.snapshot().channels.map((c) => [c.name, c.region])).toEqual([['east', 'us-east-1'], ['west', 'eu-west-1']]);
    expect(emulator.calls('CreateChannel').map((e) => e.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('a region IVS is not offered in is refused with a clear error', async () => {
    const err = await failure(ivs('sa-east-1').send(new ListChannelsCommand({})));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
    expect(err.message).toBe(`Credential should be scoped to a valid region, not 'sa-east-1'. This endpoint serves ${IVS_REGIONS.join(', ')}.`);
  });

  test('rate limits are per account and region', async () => {
    emulator.throttle.enabled = true;
    emulator.throttle.setRate('ListChannels', 0.001); // one token, refilled only after ~17 min
    try {
      await ivs('us-east-1').send(new ListChannelsCommand({}));
      await ivs('eu-west-1').send(new ListChannelsCommand({})); // another region: its own bucket
      const err = await failure(ivs('us-east-1').send(new ListChannelsCommand({})));
      expect(err.name).toBe('ThrottlingException');
      expect(emulator.calls('ListChannels').map((e) => [e.region, !!e.throttled])).toEqual([['us-east-1', false], ['eu-west-1', false], ['us-east-1', true]]);
    } finally {
      emulator.throttle.setRate('ListChannels', 5);
    }
  });

  test('Secrets Manager is regional: a secret of eu-west-1 is not found in us-east-1', async () => {
    const west = new SecretsManagerClient({ ...emulator.clientConfig(undefined, 'eu-west-1'), maxAttempts: 1 });
    const east = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    const created = await west.send(new CreateSecretCommand({ Name: 'regional', SecretString: 'v' }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:111111111111:secret:regional-[A-Za-z0-9]{6}$/);
    expect((await west.send(new GetSecretValueCommand({ SecretId: 'regional' }))).SecretString).toBe('v');
    expect((await failure(east.send(new GetSecretValueCommand({ SecretId: 'regional' })))).name).toBe('ResourceNotFoundException');
    expect(emulator.state.getSecretString('regional', TEST_ACCOUNT_ID, 'eu-west-1')).toBe('v');
    expect(emulator.state.getSecretString('regional')).toBeUndefined();
  });

  test('STS accepts its global us-east-1 scope and every regional scope', async () => {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-northeast-2']) {
      const sts = new STSClient({ ...emulator.clientConfig(undefined, region), maxAttempts: 1 });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(TEST_ACCOUNT_ID);
    }
    const err = await failure(new STSClient({ ...emulator.clientConfig(undefined, 'sa-east-1'), maxAttempts: 1 }).send(new GetCallerIdentityCommand({})));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
  });
});

describe('options.regions', () => {
  test('restricts the regions served; the default region must be one of them', async () => {
    const small = await startEmulator({ throttle: false, region: 'us-west-2', regions: ['us-west-2'] });
    try {
      const client = (region: string) => new IvsClient({ ...small.clientConfig(undefined, region), maxAttempts: 1 });
      expect((await client('us-west-2').send(new ListChannelsCommand({}))).channels).toEqual([]);
      const err = await failure(client('us-east-1').send(new ListChannelsCommand({})));
      expect(err.message).toBe("Credential should be scoped to a valid region, not 'us-east-1'. This endpoint serves us-west-2.");
    } finally {
      await small.close();
    }
    await expect(startEmulator({ region: 'eu-west-1', regions: ['us-west-2'] })).rejects.toThrow(/region eu-west-1 is not one of the regions served/);
  });
});
