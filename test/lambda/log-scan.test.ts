// Captures every log line of a full lifecycle of all three resource types, and of lookups and
// adoptions through a role, run through aws-cdk-lib's response wrapper as in the Lambda, and asserts
// that no stream key value, SRT passphrase, private key or assumed credential appears in any of them,
// while they do reach the secrets (so these tests can fail).

import * as path from 'node:path';
import {
  BatchGetChannelCommand,
  BatchGetStreamKeyCommand,
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  DeletePlaybackKeyPairCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetPlaybackKeyPairCommand,
  GetStreamKeyCommand,
  ImportPlaybackKeyPairCommand,
  IvsClient,
  ListChannelsCommand,
  ListPlaybackKeyPairsCommand,
  ListStreamKeysCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import type { CustomResourceEvent } from '../../lambda/types';
import {
  ASSUMED, CHANNEL_ARN, EXTERNAL_ID, KEY_PAIR_ARN, NEW_STREAM_KEY_ARN, NEW_STREAM_KEY_VALUE, OTHER_CHANNEL_ARN, OTHER_REGION,
  OTHER_STREAM_KEY_ARN, REQUEST_ID, ROLE_ARN, SECRET_ARN, SRT_PASSPHRASE, STREAM_KEY_ARN, STREAM_KEY_VALUE, conflict, ivsChannel,
  ivsStreamKey, makeContext, makeEvent, signed, madeBy,
} from './helpers';

// The wrapper CustomResourceProvider puts around the handler (not in aws-cdk-lib's exports map).
const WRAPPER = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resource-handlers', 'dist', 'core', 'nodejs-entrypoint-handler', 'index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrapper = require(WRAPPER);

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const sts = mockClient(STSClient);
const lines: string[] = [];
const responses: Array<{ Status: string; Reason: string; NoEcho?: boolean; Data?: { [name: string]: string } }> = [];

beforeAll(() => {
  wrapper.external.userHandlerIndex = path.join(__dirname, '..', '..', 'lambda', 'index.ts');
  wrapper.external.sendHttpRequest = async (_options: unknown, body: string) => {
    responses.push(JSON.parse(body));
  };
});

function captureLogs(): void {
  const capture = (...args: unknown[]) => {
    lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(capture);
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      capture(String(chunk));
      return true;
    });
  }
}

function mockIvs(): void {
  ivs.on(CreateChannelCommand).resolves({ channel: ivsChannel(), streamKey: ivsStreamKey() });
  ivs.on(ListChannelsCommand).callsFake(() => ({ channels: [madeBy(ivs, CreateChannelCommand, CHANNEL_ARN)] }));
  ivs.on(GetChannelCommand).resolves({ channel: ivsChannel() });
  ivs.on(UpdateChannelCommand).rejectsOnce(conflict()).resolves({ channel: ivsChannel({ authorized: true }) });
  ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
  ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey() });
  ivs.on(GetStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN })
    .resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE, tags: { [REQUEST_TAG]: REQUEST_ID } }) });
  ivs.on(CreateStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE }) });
  ivs.on(ImportPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34' } });
  ivs.on(ListPlaybackKeyPairsCommand).callsFake(() => ({ keyPairs: [madeBy(ivs, ImportPlaybackKeyPairCommand, KEY_PAIR_ARN)] }));
  ivs.on(GetPlaybackKeyPairCommand).resolves({ keyPair: { arn: KEY_PAIR_ARN, name: 'viewers', fingerprint: '12:34' } });
  ivs.on(TagResourceCommand).resolves({});
  ivs.on(UntagResourceCommand).resolves({});
  ivs.on(DeleteStreamKeyCommand).resolves({});
  ivs.on(DeletePlaybackKeyPairCommand).resolves({});
  ivs.on(DeleteChannelCommand).resolves({});
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
}

test('no secret reaches any log line across a full lifecycle', async () => {
  // GIVEN IVS and Secrets Manager, and every log line captured
  mockIvs();
  jest.spyOn(Math, 'random').mockReturnValue(0.01);
  const channel = { Name: 'live', Authorized: 'false', SecretArn: SECRET_ARN, ExposeStreamKeyValue: 'true', Tags: { team: 'video' } };
  const key = { ChannelArn: CHANNEL_ARN, SecretArn: `${SECRET_ARN}-key`, Rotation: '1', ExposeStreamKeyValue: 'true' };
  const pair = { Name: 'viewers', SecretArn: `${SECRET_ARN}-pair`, Tags: { team: 'video' } };
  const { channel: CH, streamKey: SK, playbackKeyPair: PK } = RESOURCE_TYPES;
  const events: CustomResourceEvent[] = [
    makeEvent(CH, 'Create', channel),
    makeEvent(CH, 'Update', { ...channel, Authorized: 'true', SecretArn: `${SECRET_ARN}-2` }, { PhysicalResourceId: CHANNEL_ARN, OldResourceProperties: channel }),
    makeEvent(SK, 'Create', key),
    makeEvent(SK, 'Update', { ...key, Rotation: '2' }, { PhysicalResourceId: STREAM_KEY_ARN, OldResourceProperties: key }),
    makeEvent(PK, 'Create', pair),
    makeEvent(PK, 'Update', { ...pair, Tags: { team: 'live' } }, { PhysicalResourceId: KEY_PAIR_ARN, OldResourceProperties: pair }),
    makeEvent(PK, 'Create', { Name: 'no-secret' }),
    makeEvent(SK, 'Delete', { ...key, Rotation: '2' }, { PhysicalResourceId: NEW_STREAM_KEY_ARN }),
    makeEvent(PK, 'Delete', pair, { PhysicalResourceId: KEY_PAIR_ARN }),
    makeEvent(CH, 'Delete', channel, { PhysicalResourceId: CHANNEL_ARN }),
  ];
  captureLogs();

  // WHEN each event goes through the response wrapper
  for (const event of events) {
    await wrapper.handler({ ...event, ResponseURL: 'https://cloudformation-custom-resource-response.example/path?signature=abc' }, makeContext());
  }
  jest.restoreAllMocks();

  // THEN every request was answered, the lifecycle reached IVS and the secrets got the values...
  expect(responses.map((r) => r.Status)).toEqual([
    'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'SUCCESS', 'SUCCESS', 'SUCCESS',
  ]);
  expect(responses[6].Reason).toMatch(/SecretArn is required/);
  expect(ivs).toHaveReceivedCommandTimes(UpdateChannelCommand, 2);
  expect(ivs).toHaveReceivedCommand(DeleteStreamKeyCommand);
  const written = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.SecretString!).join('\n');
  const privateKey = JSON.parse(secrets.commandCalls(PutSecretValueCommand, { SecretId: pair.SecretArn })[0].args[0].input.SecretString!).privateKey;
  const privateKeyBody = privateKey.split('\n').filter((line: string) => line.length > 20 && !line.startsWith('-----'));
  const secretValues = [STREAM_KEY_VALUE, NEW_STREAM_KEY_VALUE, SRT_PASSPHRASE, ...privateKeyBody];
  for (const value of secretValues) expect(written).toContain(value);
  // ...the exposed stream key reached CloudFormation with NoEcho, in responses well under 4 KB...
  expect(responses[0]).toMatchObject({ NoEcho: true, Data: { StreamKeyValue: STREAM_KEY_VALUE } });
  for (const response of responses) expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(2048);
  // ...and no log line holds any of them
  expect(lines.length).toBeGreaterThan(events.length * 2);
  expect(lines.some((line) => line.includes('ivs CreateChannel live'))).toBe(true);
  for (const value of secretValues) {
    expect(lines.filter((line) => line.includes(value))).toEqual([]);
  }
});

test('no secret and no assumed credential reaches any log line for lookups and adoptions through a role', async () => {
  // GIVEN a channel in another account, reached through a role; IVS answers after resolving the
  // assumed credentials (as the SDK's signer does); the second adoption's secret cannot be written
  lines.length = 0;
  responses.length = 0;
  ivs.reset();
  secrets.reset();
  sts.reset();
  const channel = ivsChannel({ arn: OTHER_CHANNEL_ARN, name: 'legacy', authorized: true, tags: { owner: 'console' } });
  const key = ivsStreamKey({ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN });
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED });
  ivs.on(BatchGetChannelCommand).callsFake(signed({ channels: [channel] }));
  ivs.on(BatchGetStreamKeyCommand).callsFake(signed({ streamKeys: [key] }));
  ivs.on(GetChannelCommand).callsFake(signed({ channel }));
  ivs.on(UpdateChannelCommand).callsFake(signed({ channel: { ...channel, authorized: false } }));
  // The lookup's two reads find the channel's key; the adoptions find none and create one.
  ivs.on(ListStreamKeysCommand).callsFakeOnce(signed({ streamKeys: [{ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN }] }))
    .callsFakeOnce(signed({ streamKeys: [{ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN }] }))
    .callsFake(signed({ streamKeys: [] }));
  ivs.on(CreateStreamKeyCommand).callsFake(signed({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE }) }));
  ivs.on(TagResourceCommand).callsFake(signed({}));
  ivs.on(UntagResourceCommand).callsFake(signed({}));
  ivs.on(DeleteStreamKeyCommand).callsFake(signed({}));
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
  secrets.on(PutSecretValueCommand, { SecretId: `${SECRET_ARN}-failing` }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  const target = { RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, Region: OTHER_REGION };
  const lookup = { ...target, ChannelArns: [OTHER_CHANNEL_ARN], Attributes: ['0.Name', '0.StreamKeyValue'], SecretArns: { 0: `${SECRET_ARN}-lookup` } };
  const adoption = { ...target, AdoptChannelArn: OTHER_CHANNEL_ARN, SecretArn: `${SECRET_ARN}-adopted`, ExposeStreamKeyValue: 'true' };
  const { channel: CH, channelLookup: LU } = RESOURCE_TYPES;
  const events: CustomResourceEvent[] = [
    makeEvent(LU, 'Create', lookup),
    makeEvent(LU, 'Update', { ...lookup, Refresh: '2' }, { PhysicalResourceId: 'cdk-ivs-lookup-0123456789abcdef', OldResourceProperties: lookup }),
    makeEvent(LU, 'Delete', lookup, { PhysicalResourceId: 'cdk-ivs-lookup-0123456789abcdef' }),
    makeEvent(CH, 'Create', adoption),
    makeEvent(CH, 'Create', { ...adoption, SecretArn: `${SECRET_ARN}-failing` }, { LogicalResourceId: 'Second' }),
  ];
  captureLogs();

  // WHEN each event goes through the response wrapper
  for (const event of events) {
    await wrapper.handler({ ...event, ResponseURL: 'https://cloudformation-custom-resource-response.example/path?signature=abc' }, makeContext());
  }
  jest.restoreAllMocks();

  // THEN every request was answered, through the role, and the secrets got the values...
  expect(responses.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED']);
  expect(responses[4].Reason).toMatch(/^Custom::IvsChannel Second \([^)]+\): PutSecretValue failed: AccessDeniedException: denied \(deleted stream key [^,]+, which this request had created, and put the channel's settings back\)$/);
  // (one AssumeRole per invocation that called IVS: the lookup's Delete calls nothing)
  expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 4);
  expect(ivs).toHaveReceivedCommandWith(DeleteStreamKeyCommand, { arn: NEW_STREAM_KEY_ARN });
  const written = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.SecretString!).join('\n');
  const secretValues = [STREAM_KEY_VALUE, NEW_STREAM_KEY_VALUE, SRT_PASSPHRASE];
  for (const value of secretValues) expect(written).toContain(value);
  // ...the values asked for reached CloudFormation with NoEcho...
  expect(responses[0]).toMatchObject({ NoEcho: true, Data: { '0.Name': 'legacy', '0.StreamKeyValue': STREAM_KEY_VALUE } });
  expect(responses[3]).toMatchObject({ NoEcho: true, Data: { StreamKeyValue: NEW_STREAM_KEY_VALUE } });
  // ...and no log line holds any of them, nor the assumed role's secret key or session token
  expect(lines.some((line) => line.includes(`sts AssumeRole ${ROLE_ARN}`))).toBe(true);
  expect(lines.some((line) => line.includes(`ivs BatchGetStreamKey ${OTHER_STREAM_KEY_ARN}`))).toBe(true);
  for (const value of [...secretValues, ASSUMED.SecretAccessKey, ASSUMED.SessionToken]) {
    expect(lines.filter((line) => line.includes(value))).toEqual([]);
  }
});
