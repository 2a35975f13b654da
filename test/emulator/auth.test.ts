// SigV4 verification, STS, and account isolation, driven through the real SDK clients.
import { CreateChannelCommand, GetChannelCommand, IvsClient, ListChannelsCommand, TagResourceCommand } from '@aws-sdk/client-ivs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  Credentials, IvsEmulator, SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS, TEST_USER_ARN,
} from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let now: number;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false, clock: () => new Date(now) });
});

afterAll(() => emulator.close());

beforeEach(() => {
  now = Date.now();
  emulator.state.reset();
  emulator.clearLog();
  emulator.authorize = undefined;
});

function ivsClient(credentials: Credentials = TEST_CREDENTIALS, extra: object = {}): IvsClient {
  return new IvsClient({ ...emulator.clientConfig(credentials), maxAttempts: 1, ...extra });
}

/** Client config that signs for another service than the client's own (the SDK's `signingName`). */
function signedFor(signingName: string): object {
  return { signingName };
}

async function assumeSecondAccount(): Promise<Credentials> {
  const sts = new STSClient(emulator.clientConfig());
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, RoleSessionName: 'cross-account-test' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const ANY_CHANNEL = 'arn:aws:ivs:us-east-1:111111111111:channel/AbCdEf123456';

describe('SigV4 failures answer as AWS does', () => {
  test('IVS (restJson1): wrong secret, wrong region, wrong service, unknown key: 403', async () => {
    const cases: [IvsClient, string, RegExp][] = [
      [ivsClient({ ...TEST_CREDENTIALS, secretAccessKey: 'not-the-secret' }), 'InvalidSignatureException', /^The request signature we calculated does not match/],
      [new IvsClient({ ...emulator.clientConfig(), region: 'sa-east-1', maxAttempts: 1 }), 'InvalidSignatureException', /^Credential should be scoped to a valid region, not 'sa-east-1'/], // IVS is not offered there
      [ivsClient(TEST_CREDENTIALS, signedFor('secretsmanager')), 'InvalidSignatureException', /^Credential should be scoped to correct service: 'ivs'/],
      [ivsClient({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }), 'UnrecognizedClientException', /^The security token included in the request is invalid/],
    ];
    for (const [client, name, message] of cases) {
      const err = await failure(client.send(new GetChannelCommand({ arn: ANY_CHANNEL })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual([name, 403]);
      expect(err.message).toMatch(message);
    }
    expect(emulator.log.map((e) => [e.operation, e.status, e.account])).toEqual(Array(4).fill(['GetChannel', 403, undefined]));
  });

  test('Secrets Manager (awsJson1_1) answers 400, STS (awsQuery) 403 with its own codes', async () => {
    const sm = new SecretsManagerClient({ ...emulator.clientConfig({ ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }), maxAttempts: 1 });
    const smErr = await failure(sm.send(new GetSecretValueCommand({ SecretId: 'x' })));
    expect([smErr.name, smErr.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 400]);
    const smWrongService = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1, ...signedFor('ivs') });
    expect((await failure(smWrongService.send(new GetSecretValueCommand({ SecretId: 'x' })))).message).toMatch(/correct service: 'secretsmanager'/);
    const sts = new STSClient({ ...emulator.clientConfig({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }), maxAttempts: 1 });
    const stsErr = await failure(sts.send(new GetCallerIdentityCommand({})));
    expect([stsErr.name, stsErr.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    const stsBadSecret = new STSClient({ ...emulator.clientConfig({ ...TEST_CREDENTIALS, secretAccessKey: 'wrong' }), maxAttempts: 1 });
    expect((await failure(stsBadSecret.send(new GetCallerIdentityCommand({})))).name).toBe('SignatureDoesNotMatch');
  });

  test('an unsigned request answers MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${emulator.url}/GetChannel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ arn: ANY_CHANNEL }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  test('a request signed more than 5 minutes off the clock is refused', async () => {
    now = Date.now() + 10 * 60 * 1000;
    const err = await failure(ivsClient().send(new GetChannelCommand({ arn: ANY_CHANNEL })));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/^Signature expired: /);
  });

  test('temporary credentials need their session token and expire', async () => {
    const creds = await assumeSecondAccount();
    const noToken = await failure(ivsClient({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }).send(new ListChannelsCommand({})));
    expect(noToken.name).toBe('UnrecognizedClientException');
    now += 2 * 3600 * 1000; // past the default 1 h session
    const expired = await failure(ivsClient(creds).send(new ListChannelsCommand({})));
    expect([expired.name, expired.$metadata.httpStatusCode]).toEqual(['ExpiredTokenException', 403]);
  });
});

describe('STS', () => {
  test('GetCallerIdentity says who signed; AssumeRole hands out credentials of the second account', async () => {
    const sts = new STSClient(emulator.clientConfig());
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: TEST_ACCOUNT_ID, Arn: TEST_USER_ARN });
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, RoleSessionName: 'me', DurationSeconds: 900 }));
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials!.Expiration!.getTime()).toBe(now + 900_000);
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/CdkIvsEmulatorRole/me`);
    const sts2 = new STSClient(emulator.clientConfig({
      accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken!,
    }));
    expect((await sts2.send(new GetCallerIdentityCommand({}))).Account).toBe(SECOND_ACCOUNT_ID);
  });

  test('a role of an unknown account is denied; a bad session name is a ValidationError', async () => {
    const sts = new STSClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    const denied = await failure(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/Nope', RoleSessionName: 'me' })));
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(denied.message).toContain(`User: ${TEST_USER_ARN} is not authorized to perform: sts:AssumeRole`);
    const invalid = await failure(sts.send(new AssumeRoleCommand({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, RoleSessionName: 'bad name' })));
    expect([invalid.name, invalid.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
  });
});

describe('account isolation', () => {
  test('each account sees only its own IVS resources and secrets', async () => {
    // GIVEN a channel and a secret in the first account
    const first = ivsClient();
    const channel = (await first.send(new CreateChannelCommand({ name: 'first' }))).channel!;
    const secret = emulator.state.createSecret({ name: 'shared-name', secretString: 'one' });
    // WHEN the second account looks
    const creds = await assumeSecondAccount();
    const second = ivsClient(creds);
    await second.send(new CreateChannelCommand({ name: 'second' }));
    // THEN
    expect((await second.send(new ListChannelsCommand({}))).channels!.map((c) => c.name)).toEqual(['second']);
    expect((await first.send(new ListChannelsCommand({}))).channels!.map((c) => c.name)).toEqual(['first']);
    for (const call of [second.send(new GetChannelCommand({ arn: channel.arn! })), second.send(new TagResourceCommand({ resourceArn: channel.arn!, tags: { a: 'b' } }))]) {
      const err = await failure(call);
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
    }
    const sm = new SecretsManagerClient({ ...emulator.clientConfig(creds), maxAttempts: 1 });
    expect((await failure(sm.send(new GetSecretValueCommand({ SecretId: secret.arn })))).name).toBe('AccessDeniedException');
    expect((await failure(sm.send(new GetSecretValueCommand({ SecretId: 'shared-name' })))).name).toBe('ResourceNotFoundException');
    expect(emulator.state.snapshot().channels.map((c) => [c.name, c.account])).toEqual([['first', TEST_ACCOUNT_ID], ['second', SECOND_ACCOUNT_ID]]);
  });
});

describe('authorizer', () => {
  test('can deny by resource tags, as the cdk-ivs IAM condition on PutSecretValue does', async () => {
    emulator.authorize = (r) => (r.action === 'secretsmanager:PutSecretValue' && r.resourceTags?.['cdk-ivs:stack'] !== 'stack-1'
      ? 'because no identity-based policy allows the secretsmanager:PutSecretValue action'
      : undefined);
    const mine = emulator.state.createSecret({ name: 'mine', tags: { 'cdk-ivs:stack': 'stack-1' } });
    const other = emulator.state.createSecret({ name: 'other' });
    const sm = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    await sm.send(new PutSecretValueCommand({ SecretId: mine.arn, SecretString: '{}' }));
    const err = await failure(sm.send(new PutSecretValueCommand({ SecretId: other.arn, SecretString: '{}' })));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toMatch(/not authorized to perform: secretsmanager:PutSecretValue on resource: arn:aws:secretsmanager:.*:secret:other-/);
    expect(emulator.state.getSecretString('other')).toBeUndefined();
  });
});
