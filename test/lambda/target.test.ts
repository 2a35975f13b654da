// Where IVS calls go (TARGET_FIELDS): the stack's account and region, another region, or another
// account through STS AssumeRole; and how an Update that moves a resource is answered. With
// aws-sdk-client-mock, each call's client is the sinon call's `thisValue`: its region and the
// credentials it would sign with tell where the call went. The last describe runs the real SDK
// clients against a local server, for what only a signed request shows.

import { once } from 'node:events';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  BatchGetChannelCommand,
  BatchGetStreamKeyCommand,
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListChannelsCommand,
  ListStreamKeysCommand,
  TagResourceCommand,
  UpdateChannelCommand,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import type { CustomResourceEvent } from '../../lambda/types';
import {
  ASSUMED, ASSUMED_CREDENTIALS, EXTERNAL_ID, OTHER_ACCOUNT, OTHER_CHANNEL_ARN, OTHER_REGION, OTHER_STREAM_KEY_ARN, REGION, ROLE_ARN,
  SECRET_ARN, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent, signed, madeBy,
} from './helpers';

const ivs = mockClient(IvsClient);
const sts = mockClient(STSClient);
const secrets = mockClient(SecretsManagerClient);
const savedEnv = { ...process.env };
/** The provider's own credentials (the Lambda role's), from the environment as in the Lambda. */
const PROVIDER_KEY = 'AKIDPROVIDEREXAMPLE';
const OTHER_ROLE_ARN = `arn:aws:iam::${OTHER_ACCOUNT}:role/IvsCrossAccountOther`;
const OWN_ROLE_ARN = 'arn:aws:iam::123456789012:role/IvsInOwnAccount';
const OTHER_CHANNEL = ivsChannel({ arn: OTHER_CHANNEL_ARN, name: 'theirs' });

beforeAll(() => {
  Object.assign(process.env, { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: PROVIDER_KEY, AWS_SECRET_ACCESS_KEY: 'provider-secret' });
  delete process.env.AWS_SESSION_TOKEN;
});
afterAll(() => {
  process.env = savedEnv;
});

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

/** STS, Secrets Manager and IVS answering as the SDK would, through each call's credentials (the describes that mock the clients). */
function mockAws(): void {
  ivs.reset();
  sts.reset();
  secrets.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: ASSUMED });
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
  ivs.on(BatchGetChannelCommand).callsFake(signed({ channels: [OTHER_CHANNEL] }));
  ivs.on(ListStreamKeysCommand).callsFake(signed({ streamKeys: [{ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN }] }));
  ivs.on(BatchGetStreamKeyCommand).callsFake(signed({ streamKeys: [ivsStreamKey({ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN })] }));
  ivs.on(GetStreamKeyCommand).callsFake(signed({ streamKey: ivsStreamKey({ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN }) }));
  ivs.on(CreateChannelCommand).callsFake(signed({ channel: OTHER_CHANNEL, streamKey: ivsStreamKey({ arn: OTHER_STREAM_KEY_ARN }) }));
  ivs.on(GetChannelCommand).callsFake(signed({ channel: OTHER_CHANNEL }));
  ivs.on(DeleteChannelCommand).callsFake(signed({}));
  ivs.on(ListChannelsCommand).callsFake(signed(() => ({ channels: [madeBy(ivs, CreateChannelCommand, OTHER_CHANNEL_ARN)] })));
}

/** The region a call's client sends to and the access key (and session token) it signs with. */
async function whereSent(call: { thisValue: unknown }): Promise<{ region: string; accessKeyId: string; sessionToken?: string }> {
  const { config } = call.thisValue as IvsClient;
  const credentials = await config.credentials();
  return { region: await config.region(), accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken };
}

/** Where every IVS call went (one entry for all when they agree). */
async function ivsPlaces(): Promise<Array<{ region: string; accessKeyId: string; sessionToken?: string }>> {
  const places = await Promise.all(ivs.calls().map(whereSent));
  return [...new Map(places.map((place) => [JSON.stringify(place), place])).values()];
}

const PROVIDER = { region: REGION, accessKeyId: PROVIDER_KEY, sessionToken: undefined };
const PROVIDER_IN = (region: string) => ({ ...PROVIDER, region });
const ASSUMED_IN = (region: string) => ({ region, accessKeyId: ASSUMED.AccessKeyId, sessionToken: ASSUMED.SessionToken });

const lookupOf = (props: { [name: string]: unknown }) => makeEvent(RESOURCE_TYPES.channelLookup, 'Create', {
  ChannelArns: [OTHER_CHANNEL_ARN], Attributes: ['0.Name', '0.StreamKeyValue'], ...props,
});

describe('where IVS calls go', () => {
  beforeEach(mockAws);

  test.each([
    ['no target', {}],
    ['a Region that is the stack\'s', { Region: REGION }],
  ])('%s: the stack\'s region, with the provider\'s own credentials, and no AssumeRole', async (_, target) => {
    // WHEN
    await handler(lookupOf(target), makeContext());

    // THEN
    expect(ivs.calls()).toHaveLength(3);
    expect(await ivsPlaces()).toEqual([PROVIDER]);
    expect(sts).not.toHaveReceivedAnyCommand();
  });

  test('another Region of the stack\'s account: IVS of that region, with the provider\'s own credentials', async () => {
    // WHEN
    await handler(lookupOf({ Region: OTHER_REGION }), makeContext());

    // THEN
    expect(await ivsPlaces()).toEqual([PROVIDER_IN(OTHER_REGION)]);
    expect(sts).not.toHaveReceivedAnyCommand();
  });

  test('a role: one AssumeRole (external ID, session name) through STS of the target\'s region, and every IVS call signed with its credentials there', async () => {
    // WHEN a lookup makes three IVS calls through the role
    const response = await handler(lookupOf({ RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, Region: OTHER_REGION }), makeContext());

    // THEN
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: ROLE_ARN, RoleSessionName: 'cdk-ivs.Stack.Resource', ExternalId: EXTERNAL_ID },
    ]);
    expect(await whereSent(sts.commandCalls(AssumeRoleCommand)[0])).toEqual(PROVIDER_IN(OTHER_REGION));
    expect(ivs.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual(['BatchGetChannelCommand', 'ListStreamKeysCommand', 'BatchGetStreamKeyCommand']);
    expect(await ivsPlaces()).toEqual([ASSUMED_IN(OTHER_REGION)]);
    expect(await (ivs.calls()[0].thisValue as IvsClient).config.credentials()).toEqual(ASSUMED_CREDENTIALS);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(response.Data).toEqual({ '0.Name': 'theirs', '0.StreamKeyValue': ivsStreamKey().value });
  });

  test('a role without Region: STS and IVS of the stack\'s region; no ExternalId is sent when none is given', async () => {
    // WHEN
    await handler(lookupOf({ RoleArn: ROLE_ARN }), makeContext());

    // THEN
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      { RoleArn: ROLE_ARN, RoleSessionName: 'cdk-ivs.Stack.Resource', ExternalId: undefined },
    ]);
    expect(await whereSent(sts.commandCalls(AssumeRoleCommand)[0])).toEqual(PROVIDER);
    expect(await ivsPlaces()).toEqual([ASSUMED_IN(REGION)]);
  });

  test('nothing outlives an invocation: the next one assumes the role again', async () => {
    // WHEN
    await handler(lookupOf({ RoleArn: ROLE_ARN, Region: OTHER_REGION }), makeContext());
    await handler(lookupOf({ RoleArn: ROLE_ARN, Region: OTHER_REGION }), makeContext());

    // THEN
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  test('Secrets Manager stays in the stack\'s account and region', async () => {
    // WHEN a lookup through a role of another region writes a secret
    await handler(lookupOf({ RoleArn: ROLE_ARN, Region: OTHER_REGION, SecretArns: { 0: SECRET_ARN } }), makeContext());

    // THEN
    expect(secrets).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    expect(await whereSent(secrets.commandCalls(PutSecretValueCommand)[0])).toEqual(PROVIDER);
    expect(await ivsPlaces()).toEqual([ASSUMED_IN(OTHER_REGION)]);
  });

  test('the cleanup of a failed create goes to the same target', async () => {
    // GIVEN a channel created through a role, whose secret cannot be written
    secrets.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // WHEN
    const error = await failureOf(handler(makeEvent(RESOURCE_TYPES.channel, 'Create', {
      Name: 'theirs', RoleArn: ROLE_ARN, Region: OTHER_REGION, SecretArn: SECRET_ARN,
    }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannel Resource (theirs): PutSecretValue failed: AccessDeniedException: denied (deleted channel ${OTHER_CHANNEL_ARN}, `
      + 'which this request had created)');
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input)).toEqual([{ arn: OTHER_CHANNEL_ARN }]);
    expect(await whereSent(ivs.commandCalls(DeleteChannelCommand)[0])).toEqual(ASSUMED_IN(OTHER_REGION));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  test('Delete goes to the target its properties name', async () => {
    // WHEN
    await handler(makeEvent(RESOURCE_TYPES.channel, 'Delete', { Name: 'theirs', RoleArn: ROLE_ARN, Region: OTHER_REGION }, {
      PhysicalResourceId: OTHER_CHANNEL_ARN,
    }), makeContext());

    // THEN
    expect(ivs.commandCalls(DeleteChannelCommand).map((call) => call.args[0].input)).toEqual([{ arn: OTHER_CHANNEL_ARN }]);
    expect(await ivsPlaces()).toEqual([ASSUMED_IN(OTHER_REGION)]);
  });
});

describe('AssumeRole failures', () => {
  beforeEach(mockAws);

  const denied = () => Object.assign(new Error(`User: arn:aws:sts::123456789012:assumed-role/Provider/fn is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`), {
    name: 'AccessDenied', $metadata: { httpStatusCode: 403 },
  });

  test.each([
    ['with an external ID', { ExternalId: EXTERNAL_ID }, 'that it requires the external ID given'],
    ['without one', {}, 'that it requires no external ID (none is given)'],
  ])('a refused AssumeRole %s fails with STS\'s text and what to check, and no IVS call is answered', async (_, externalId, check) => {
    // GIVEN
    sts.on(AssumeRoleCommand).rejects(denied());

    // WHEN
    const error = await failureOf(handler(lookupOf({ RoleArn: ROLE_ARN, Region: OTHER_REGION, ...externalId }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsChannelLookup Resource: AssumeRole failed: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/Provider/fn is '
      + `not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}. Role ${ROLE_ARN}: check that its trust policy trusts this stack's provider role `
      + `(or its account), ${check}, and that the role exists`);
    expect(error.stack).toBe(error.message);
    expect(ivs.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual(['BatchGetChannelCommand']);
  });

  test('a failed AssumeRole is not remembered: the next request of the invocation assumes the role again', async () => {
    // GIVEN an AssumeRole that fails once
    sts.on(AssumeRoleCommand).rejectsOnce(denied()).resolves({ Credentials: ASSUMED });
    await failureOf(handler(lookupOf({ RoleArn: ROLE_ARN }), makeContext()));

    // WHEN the client asks for credentials again (as the SDK does before its next request)
    const credentials = await (ivs.calls()[0].thisValue as IvsClient).config.credentials();

    // THEN
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(credentials).toEqual(ASSUMED_CREDENTIALS);
  });

  test('an AssumeRole answer without credentials fails the IVS call that needed them', async () => {
    // GIVEN
    sts.on(AssumeRoleCommand).resolves({});

    // WHEN
    const error = await failureOf(handler(lookupOf({ RoleArn: ROLE_ARN }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsChannelLookup Resource: BatchGetChannel failed: the answer had no AccessKeyId');
  });
});

describe('role session name', () => {
  beforeEach(mockAws);

  function withStack(stackName: string, logicalId: string): CustomResourceEvent {
    return {
      ...lookupOf({ RoleArn: ROLE_ARN }),
      LogicalResourceId: logicalId,
      StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stackName}/11111111-2222-3333-4444-555555555555`,
    };
  }

  async function sessionNameOf(stackName: string, logicalId: string): Promise<string> {
    sts.resetHistory();
    await handler(withStack(stackName, logicalId), makeContext());
    return sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleSessionName!;
  }

  test('cdk-ivs.<stack>.<logical id> when it fits in 64 characters', async () => {
    // WHEN
    const name = await sessionNameOf('Media-Prod', 'LiveLookup0A1B2C3D');

    // THEN
    expect(name).toBe('cdk-ivs.Media-Prod.LiveLookup0A1B2C3D');
  });

  test('a long stack name is cut to fit 64 characters, with a hash of the whole name; the logical ID stays whole', async () => {
    // GIVEN a stack name of 128 characters (CloudFormation's longest)
    const stackName = `Media-${'x'.repeat(121)}A`;

    // WHEN
    const name = await sessionNameOf(stackName, 'Live');
    const other = await sessionNameOf(`Media-${'x'.repeat(121)}B`, 'Live');

    // THEN STS's limit holds and names that differ only past the cut stay apart
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(name).toMatch(new RegExp(`^cdk-ivs\\.${stackName.slice(0, 42)}-[0-9a-f]{8}\\.Live$`));
    expect(other).toHaveLength(64);
    expect(other).not.toBe(name);
  });

  test('a long logical ID gets the room a short stack name leaves (the name is exactly 64 characters)', async () => {
    // GIVEN
    const logicalId = `ChannelLookup${'Z'.repeat(60)}0A1B2C3D`;

    // WHEN
    const name = await sessionNameOf('Media-Prod', logicalId);

    // THEN
    expect(name.length).toBe(64);
    expect(name).toMatch(new RegExp(`^cdk-ivs\\.Media-Prod-[0-9a-f]{8}\\.${logicalId.slice(0, 36)}$`));
  });
});

describe('an Update that moves the resource', () => {
  beforeEach(mockAws);

  const channel = { Name: 'theirs', Authorized: 'false' };

  function update(props: { [name: string]: unknown }, oldProps: { [name: string]: unknown }, type: string = RESOURCE_TYPES.channel) {
    return makeEvent(type, 'Update', props, { PhysicalResourceId: OTHER_CHANNEL_ARN, OldResourceProperties: oldProps });
  }

  function commands(): string[] {
    return ivs.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
  }

  test.each([
    ['to another region', { ...channel, Region: OTHER_REGION }, channel, PROVIDER_IN(OTHER_REGION)],
    ['to another account', { ...channel, RoleArn: ROLE_ARN }, channel, ASSUMED_IN(REGION)],
    ['back to the stack\'s account', channel, { ...channel, RoleArn: ROLE_ARN }, PROVIDER],
    ['to a role of another account', { ...channel, RoleArn: ROLE_ARN }, { ...channel, RoleArn: 'arn:aws:iam::333333333333:role/Ivs' }, ASSUMED_IN(REGION)],
  ])('%s is a Create there (CloudFormation then deletes the old one)', async (_, props, oldProps, place) => {
    // WHEN
    const response = await handler(update(props, oldProps), makeContext());

    // THEN
    expect(commands()).toEqual(['CreateChannel', 'ListChannels']);
    expect(await ivsPlaces()).toEqual([place]);
    expect(response.PhysicalResourceId).toBe(OTHER_CHANNEL_ARN);
  });

  test.each([
    ['another role of the same account', { ...channel, RoleArn: OTHER_ROLE_ARN }, { ...channel, RoleArn: ROLE_ARN }, ASSUMED_IN(REGION)],
    ['another external ID', { ...channel, RoleArn: ROLE_ARN, ExternalId: 'new-id' }, { ...channel, RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID }, ASSUMED_IN(REGION)],
    ['the stack\'s region named', { ...channel, Region: REGION }, channel, PROVIDER],
    ['a role of the stack\'s own account added', { ...channel, RoleArn: OWN_ROLE_ARN }, channel, ASSUMED_IN(REGION)],
    ['a role of the stack\'s own account removed', channel, { ...channel, RoleArn: OWN_ROLE_ARN }, PROVIDER],
  ])('%s is an update in place, through the new properties\' target', async (_, props, oldProps, place) => {
    // WHEN
    const response = await handler(update(props, oldProps), makeContext());

    // THEN
    expect(commands()).toEqual(['GetChannel', 'ListStreamKeys']);
    expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
    expect(await ivsPlaces()).toEqual([place]);
    const roleArn = (props as { RoleArn?: string }).RoleArn;
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual(roleArn ? [roleArn] : []);
    expect(response.PhysicalResourceId).toBe(OTHER_CHANNEL_ARN);
  });

  test('a StreamKey moved to another region adopts the key of the channel there', async () => {
    // GIVEN the same channel ARN property, now reached in another region
    const key = { ChannelArn: OTHER_CHANNEL_ARN };

    // WHEN
    const response = await handler(update({ ...key, Region: OTHER_REGION }, key, RESOURCE_TYPES.streamKey), makeContext());

    // THEN no tag or rotation step of an update in place
    expect(commands()).toEqual(['ListStreamKeys']);
    expect(ivs).not.toHaveReceivedCommand(TagResourceCommand);
    expect(ivs).not.toHaveReceivedCommand(CreateStreamKeyCommand);
    expect(await ivsPlaces()).toEqual([PROVIDER_IN(OTHER_REGION)]);
    expect(response.PhysicalResourceId).toBe(OTHER_STREAM_KEY_ARN);
  });

  test('an update in place of a channel still reaches UpdateChannel through the target', async () => {
    // GIVEN
    ivs.on(UpdateChannelCommand).callsFake(signed({ channel: { ...OTHER_CHANNEL, authorized: true } }));
    const target = { RoleArn: ROLE_ARN, Region: OTHER_REGION };

    // WHEN
    await handler(update({ ...channel, ...target, Authorized: 'true' }, { ...channel, ...target }), makeContext());

    // THEN
    expect(commands()).toEqual(['GetChannel', 'UpdateChannel', 'ListStreamKeys']);
    expect(await ivsPlaces()).toEqual([ASSUMED_IN(OTHER_REGION)]);
  });
});

describe('over the wire (real SDK clients, local server)', () => {
  let server: Server;
  let route: (request: IncomingMessage, body: string, response: ServerResponse) => void;
  const requests: Array<{ path: string; authorization: string; token?: string; body: string }> = [];

  beforeAll(async () => {
    ivs.restore();
    sts.restore();
    secrets.restore();
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        requests.push({ path: request.url!, authorization: String(request.headers.authorization), token: request.headers['x-amz-security-token'] as string, body });
        route(request, body, response);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(process.env, { AWS_ENDPOINT_URL_IVS: endpoint, AWS_ENDPOINT_URL_STS: endpoint });
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

  function assumeRoleAnswer(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(`<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>${ASSUMED.AccessKeyId}</AccessKeyId>`
      + `<SecretAccessKey>${ASSUMED.SecretAccessKey}</SecretAccessKey><SessionToken>${ASSUMED.SessionToken}</SessionToken>`
      + `<Expiration>${ASSUMED.Expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>`
      + `<Arn>arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/IvsCrossAccount/s</Arn></AssumedRoleUser></AssumeRoleResult>`
      + '<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleResponse>');
  }

  function ivsAnswer(request: IncomingMessage, response: ServerResponse): void {
    const answers: { [path: string]: object } = {
      '/BatchGetChannel': { channels: [OTHER_CHANNEL], errors: [] },
      '/ListStreamKeys': { streamKeys: [{ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN }] },
      '/BatchGetStreamKey': { streamKeys: [ivsStreamKey({ arn: OTHER_STREAM_KEY_ARN, channelArn: OTHER_CHANNEL_ARN })], errors: [] },
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answers[request.url!]));
  }

  test('one AssumeRole signed by the provider in the target\'s region, then IVS requests signed with the assumed credentials', async () => {
    // GIVEN STS and IVS that answer
    route = (request, _body, response) => (request.url === '/' ? assumeRoleAnswer(response) : ivsAnswer(request, response));

    // WHEN
    const response = await handler(lookupOf({ RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, Region: OTHER_REGION }), makeContext());

    // THEN
    expect(requests.map((r) => r.path)).toEqual(['/', '/BatchGetChannel', '/ListStreamKeys', '/BatchGetStreamKey']);
    const [assume, ...calls] = requests;
    const form = new URLSearchParams(assume.body);
    expect(Object.fromEntries(form)).toEqual({
      Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'cdk-ivs.Stack.Resource', ExternalId: EXTERNAL_ID,
    });
    expect(assume.authorization).toMatch(new RegExp(`Credential=${PROVIDER_KEY}/\\d{8}/${OTHER_REGION}/sts/aws4_request`));
    for (const call of calls) {
      expect(call.authorization).toMatch(new RegExp(`Credential=${ASSUMED.AccessKeyId}/\\d{8}/${OTHER_REGION}/ivs/aws4_request`));
      expect(call.token).toBe(ASSUMED.SessionToken);
    }
    expect(response.Data).toEqual({ '0.Name': 'theirs', '0.StreamKeyValue': ivsStreamKey().value });
  });

  test('a refused AssumeRole fails at once, with STS\'s text and what to check, and no IVS request is sent', async () => {
    // GIVEN STS refuses
    route = (request, _body, response) => {
      if (request.url !== '/') return ivsAnswer(request, response);
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(`<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:`
        + `assumed-role/Provider/fn is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}</Message></Error><RequestId>r2</RequestId></ErrorResponse>`);
    };

    // WHEN
    const error = await failureOf(handler(lookupOf({ RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, Region: OTHER_REGION }), makeContext()));

    // THEN
    expect(requests.map((r) => r.path)).toEqual(['/']);
    expect(error.message).toBe('Custom::IvsChannelLookup Resource: AssumeRole failed: AccessDenied: User: arn:aws:sts::123456789012:assumed-role/Provider/fn is '
      + `not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}. Role ${ROLE_ARN}: check that its trust policy trusts this stack's provider role `
      + '(or its account), that it requires the external ID given, and that the role exists');
  });
});
