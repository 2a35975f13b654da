// The bundle's credential provider (scripts/bundle-handler.js puts it in place of the SDK's default
// chain): the Lambda's environment, and nothing else.
import { defaultProvider } from '../../lambda/env-credentials';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function setEnv(values: Partial<Record<(typeof KEYS)[number], string>>): void {
  for (const k of KEYS) delete process.env[k];
  Object.assign(process.env, values);
}

test('the execution role\'s credentials as Lambda sets them, session token included', async () => {
  setEnv({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
  expect(await defaultProvider()()).toEqual({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
});

test('read at each call, so a later environment is seen; an expiration is passed on', async () => {
  const provider = defaultProvider();
  setEnv({ AWS_ACCESS_KEY_ID: 'AKIAFIRST', AWS_SECRET_ACCESS_KEY: 's1' });
  expect(await provider()).toEqual({ accessKeyId: 'AKIAFIRST', secretAccessKey: 's1' });
  setEnv({ AWS_ACCESS_KEY_ID: 'AKIASECOND', AWS_SECRET_ACCESS_KEY: 's2', AWS_CREDENTIAL_EXPIRATION: '2026-12-01T00:00:00Z' });
  expect(await provider()).toEqual({ accessKeyId: 'AKIASECOND', secretAccessKey: 's2', expiration: new Date('2026-12-01T00:00:00Z') });
});

test.each([
  ['no key', { AWS_SECRET_ACCESS_KEY: 'secret' }],
  ['no secret', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }],
])('%s: a CredentialsProviderError that names no value', async (_, env) => {
  setEnv(env);
  const error = await defaultProvider()().catch((e: Error) => e);
  expect(error).toMatchObject({ name: 'CredentialsProviderError' });
  expect((error as Error).message).not.toMatch(/secret$|AKIAEXAMPLE/);
});
