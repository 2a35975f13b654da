// PlaybackKeyLoader: reads the key pair's secret with the app's own Secrets Manager client (here the
// real SDK client with aws-sdk-client-mock), caches it for warm invocations, refreshes it after
// maxAgeSeconds, shares one read between concurrent callers and never caches a failure.
import { generateKeyPairSync } from 'crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import * as jwt from 'jsonwebtoken';
import { PlaybackKeyLoader, PlaybackTokenError } from '../../lib/playback-token';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';
const SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:PlaybackKeysSecret-abcdef';

function pairJson() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'secp384r1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, json: JSON.stringify({ playbackKeyPairArn: 'arn:aws:ivs:us-west-2:123456789012:playback-key/AAAAAAAAAAAA', publicKey, privateKey }) };
}

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-west-2' });
const getSecretString = async (SecretId: string) => (await client.send(new GetSecretValueCommand({ SecretId }))).SecretString;

beforeEach(() => sm.reset());

test('reads the secret once, then serves warm calls from the cache', async () => {
  // GIVEN
  const pair = pairJson();
  sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: pair.json });
  let now = 1_000_000;
  const loader = new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString, clock: () => now });

  // WHEN
  const first = await loader.load();
  now += 299_000;
  const second = await loader.load();

  // THEN
  expect(second).toBe(first);
  expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  expect(first.playbackKeyPairArn).toBe('arn:aws:ivs:us-west-2:123456789012:playback-key/AAAAAAAAAAAA');
  const { token } = await loader.sign({ channelArn: CHANNEL_ARN, expiresInSeconds: 60 });
  expect(jwt.verify(token, pair.publicKey, { algorithms: ['ES384'] })).toMatchObject({ 'aws:channel-arn': CHANNEL_ARN });
});

test('after maxAgeSeconds, the secret is read again: a rotated key pair is picked up', async () => {
  // GIVEN
  const before = pairJson();
  const after = pairJson();
  sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: before.json }).resolves({ SecretString: after.json });
  let now = 0;
  const loader = new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString, maxAgeSeconds: 60, clock: () => now });
  const old = await loader.sign({ channelArn: CHANNEL_ARN });

  // WHEN
  now += 60_000;
  const fresh = await loader.sign({ channelArn: CHANNEL_ARN });

  // THEN
  expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  expect(() => jwt.verify(old.token, before.publicKey, { algorithms: ['ES384'] })).not.toThrow();
  expect(() => jwt.verify(fresh.token, after.publicKey, { algorithms: ['ES384'] })).not.toThrow();
  expect(() => jwt.verify(fresh.token, before.publicKey, { algorithms: ['ES384'] })).toThrow(/invalid signature/);
});

test('concurrent cold calls share one read', async () => {
  sm.on(GetSecretValueCommand).callsFake(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { SecretString: pairJson().json };
  });
  const loader = new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString });
  const keys = await Promise.all([loader.load(), loader.load(), loader.load()]);
  expect(new Set(keys).size).toBe(1);
  expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
});

test('a failed read is not cached; invalidate() forces a read', async () => {
  // GIVEN
  sm.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({ SecretString: pairJson().json });
  const loader = new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString });

  // WHEN / THEN
  await expect(loader.load()).rejects.toThrow(/Rate exceeded/);
  const key = await loader.load();
  expect(await loader.load()).toBe(key);
  loader.invalidate();
  expect(await loader.load()).not.toBe(key);
  expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
});

test('a secret without a value, or without a private key, is named in the error', async () => {
  sm.on(GetSecretValueCommand).resolvesOnce({}).resolves({ SecretString: JSON.stringify({ channelArn: CHANNEL_ARN, streamKey: 'sk_us-west-2_x' }) });
  const loader = new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString });
  await expect(loader.load()).rejects.toThrow(`playback token: secret ${SECRET_ARN} has no SecretString (was the key pair deployed?)`);
  const error = await loader.load().catch((e: Error) => e);
  expect(error).toBeInstanceOf(PlaybackTokenError);
  expect((error as Error).message).toBe('playback token: the key pair secret has no privateKey field (fields: channelArn, streamKey); '
    + `is it the secret of a generated PlaybackKeyPair? (secret ${SECRET_ARN})`);
});

test('options are checked', () => {
  expect(() => new PlaybackKeyLoader({ secretId: '', getSecretString })).toThrow(/secretId must be the ARN or name/);
  expect(() => new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString: undefined as never })).toThrow(/getSecretString must be a function/);
  expect(() => new PlaybackKeyLoader({ secretId: SECRET_ARN, getSecretString, maxAgeSeconds: -1 })).toThrow(/maxAgeSeconds must be 0 or more, got -1/);
});
