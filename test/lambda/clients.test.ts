// The real SDK clients (no aws-sdk-client-mock) against a local HTTP server: the endpoint variables,
// the retry configuration and the deadline, as the bundled handler would meet them.

import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import { TRANSIENT_ATTEMPTS } from '../../lambda/clients';
import { KEY_PAIR_ARN, SECRET_ARN, failureOf, makeContext, makeEvent } from './helpers';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let route: Route;
const requests: string[] = [];
const bodies = new WeakMap<IncomingMessage, string>();

/** The pair the last import made, as ListPlaybackKeyPairs shows it: with the tags the import sent. */
let imported: { arn: string; tags?: { [k: string]: string } } | undefined;
function recordImport(request: IncomingMessage, arn = KEY_PAIR_ARN): void {
  imported = { arn, tags: JSON.parse(bodies.get(request) ?? '{}').tags };
}
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(String(request.headers['x-amz-target'] ?? request.url));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.set(request, Buffer.concat(chunks).toString('utf8'));
      // The claim of a generated pair's import (lambda/claim.ts): made, then deleted.
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target === 'secretsmanager.CreateSecret' || target === 'secretsmanager.DeleteSecret') return json(response, 200, { ARN: SECRET_ARN });
      route(request, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_IVS: endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  requests.length = 0;
  imported = undefined;
  jest.spyOn(console, 'log').mockImplementation(() => {});
  // Backoff delays are random fractions of the base: keep them short.
  jest.spyOn(Math, 'random').mockReturnValue(0.001);
});
afterEach(() => jest.restoreAllMocks());

function json(response: ServerResponse, status: number, body: object, headers: { [name: string]: string } = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const KEY_PAIR = { keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34' } };
const importPair = (props: { [name: string]: unknown }) => makeEvent(RESOURCE_TYPES.playbackKeyPair, 'Create', { Name: 'viewers', ...props });

test('ThrottlingException twice, then success: retried, reaching both endpoint variables; then the one list every generated pair\'s import makes', async () => {
  // GIVEN IVS throttles the first two imports; Secrets Manager accepts the write
  let imports = 0;
  route = (request, response) => {
    if (request.headers['x-amz-target'] === 'secretsmanager.PutSecretValue') return json(response, 200, { ARN: SECRET_ARN, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    if (request.url === '/ListPlaybackKeyPairs') return json(response, 200, { keyPairs: imported ? [imported] : [] });
    if (++imports <= 2) return json(response, 429, { exceptionMessage: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
    recordImport(request);
    return json(response, 200, KEY_PAIR);
  };

  // WHEN
  const response = await handler(importPair({ SecretArn: SECRET_ARN }), makeContext());

  // THEN the throttles cost no extra call: the list is the sweep for other deliveries of the event
  expect(requests).toEqual([
    'secretsmanager.CreateSecret', '/ImportPlaybackKeyPair', '/ImportPlaybackKeyPair', '/ImportPlaybackKeyPair', '/ListPlaybackKeyPairs',
    'secretsmanager.PutSecretValue', 'secretsmanager.DeleteSecret',
  ]);
  expect(response.PhysicalResourceId).toBe(KEY_PAIR_ARN);
});

test('a connection reset after the import took effect: the retry\'s ConflictException is answered by the pair found, whose key the secret gets', async () => {
  // GIVEN the first import's connection is reset (IVS made the pair), the retry is refused as a duplicate
  let imports = 0;
  route = (request, response) => {
    if (request.headers['x-amz-target'] === 'secretsmanager.PutSecretValue') return json(response, 200, { ARN: SECRET_ARN, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    if (request.url === '/ListPlaybackKeyPairs') return json(response, 200, { keyPairs: [imported] });
    if (request.url === '/GetPlaybackKeyPair') return json(response, 200, KEY_PAIR);
    if (++imports === 1) {
      recordImport(request);
      return request.socket.destroy();
    }
    return json(response, 409, { exceptionMessage: 'The key is already imported' }, { 'x-amzn-errortype': 'ConflictException' });
  };

  // WHEN
  const response = await handler(importPair({ SecretArn: SECRET_ARN }), makeContext());

  // THEN
  expect(requests).toEqual([
    'secretsmanager.CreateSecret', '/ImportPlaybackKeyPair', '/ImportPlaybackKeyPair', '/ListPlaybackKeyPairs', '/GetPlaybackKeyPair',
    'secretsmanager.PutSecretValue', 'secretsmanager.DeleteSecret',
  ]);
  expect(response.PhysicalResourceId).toBe(KEY_PAIR_ARN);
});

test('throttling is retried for as long as the deadline allows, then fails saying what the last attempt got', async () => {
  // GIVEN IVS throttles every call, and a deadline 1.5 s away
  route = (_, response) => json(response, 429, { exceptionMessage: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });

  // WHEN
  const error = await failureOf(handler(importPair({ PublicKeyMaterial: 'pem' }), makeContext(1_500)));

  // THEN far more tries than any fixed count the SDK would make, and the reason names the throttle
  expect(requests.length).toBeGreaterThan(12);
  // (the request the deadline aborted may still arrive: let it, before the next test counts)
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(error.message).toBe('Custom::IvsPlaybackKeyPair Resource (viewers): ImportPlaybackKeyPair failed: no answer before the handler\'s deadline '
    + '(10 s before the Lambda times out); the last attempt got ThrottlingException: Rate exceeded; deploy again');
});

test(`a 5xx is retried ${TRANSIENT_ATTEMPTS} times in all, then fails with IVS's text`, async () => {
  // GIVEN
  route = (_, response) => json(response, 500, { exceptionMessage: 'Internal failure' }, { 'x-amzn-errortype': 'InternalServerException' });

  // WHEN
  const error = await failureOf(handler(importPair({ PublicKeyMaterial: 'pem' }), makeContext()));

  // THEN (around them, the create's claim: lambda/claim.ts)
  expect(requests.filter((r) => !r.startsWith('secretsmanager.'))).toEqual(Array(TRANSIENT_ATTEMPTS).fill('/ImportPlaybackKeyPair'));
  expect(error.message).toBe('Custom::IvsPlaybackKeyPair Resource (viewers): ImportPlaybackKeyPair failed: InternalServerException: Internal failure');
});

test('a lost answer, then throttling, then the refusal of the key IVS holds: the pair the lost attempt made is the answer', async () => {
  // GIVEN the first import is reset after IVS made the pair, the retry is throttled, the next refused as a duplicate
  let imports = 0;
  route = (request, response) => {
    if (request.headers['x-amz-target'] === 'secretsmanager.PutSecretValue') return json(response, 200, { ARN: SECRET_ARN, VersionId: 'v1', VersionStages: ['AWSCURRENT'] });
    if (request.url === '/ListPlaybackKeyPairs') return json(response, 200, { keyPairs: [imported] });
    if (request.url === '/GetPlaybackKeyPair') return json(response, 200, KEY_PAIR);
    imports++;
    if (imports === 1) {
      recordImport(request);
      return request.socket.destroy();
    }
    if (imports === 2) return json(response, 429, { exceptionMessage: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
    return json(response, 409, { exceptionMessage: 'The key is already imported' }, { 'x-amzn-errortype': 'ConflictException' });
  };

  // WHEN
  const response = await handler(importPair({ SecretArn: SECRET_ARN }), makeContext());

  // THEN
  expect(requests).toEqual(['secretsmanager.CreateSecret', '/ImportPlaybackKeyPair', '/ImportPlaybackKeyPair', '/ImportPlaybackKeyPair',
    '/ListPlaybackKeyPairs', '/GetPlaybackKeyPair', 'secretsmanager.PutSecretValue', 'secretsmanager.DeleteSecret']);
  expect(response.PhysicalResourceId).toBe(KEY_PAIR_ARN);
});

test('a call that never answers fails at the deadline, before the Lambda times out', async () => {
  // GIVEN a server that never answers, and a deadline 300 ms away
  route = () => {};
  const started = Date.now();

  // WHEN
  const error = await failureOf(handler(importPair({ PublicKeyMaterial: 'pem' }), makeContext(300)));

  // THEN
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(290);
  expect(elapsed).toBeLessThan(2_000);
  expect(error.message).toBe('Custom::IvsPlaybackKeyPair Resource (viewers): ImportPlaybackKeyPair failed: no answer before the handler\'s deadline (10 s before the Lambda times out); deploy again');
  expect(error.stack).toBe(error.message);
});

test('a deadline reached while the SDK backs off says what the last attempt got', async () => {
  // GIVEN IVS throttles every call, the SDK's backoff (half its range here) outlasts a deadline 300 ms away
  route = (_, response) => json(response, 429, { exceptionMessage: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
  jest.spyOn(Math, 'random').mockReturnValue(0.5);

  // WHEN
  const error = await failureOf(handler(importPair({ PublicKeyMaterial: 'pem' }), makeContext(300)));

  // THEN
  expect(requests.length).toBeLessThan(12);
  expect(error.message).toBe('Custom::IvsPlaybackKeyPair Resource (viewers): ImportPlaybackKeyPair failed: no answer before the handler\'s deadline '
    + '(10 s before the Lambda times out); the last attempt got ThrottlingException: Rate exceeded; deploy again');
});
