// Cloud Control API reads of AWS::IVS::Channel through the real @aws-sdk/client-cloudcontrol, as
// the aws-cdk CLI's cc-api-provider makes them (GetResource by ARN, ListResources then a
// client-side propertyMatch), under each option where the documentation is silent.
import { CloudControlClient, GetResourceCommand, ListResourcesCommand, ListResourcesCommandOutput } from '@aws-sdk/client-cloudcontrol';
import { CreateChannelCommand, CreateRecordingConfigurationCommand, GetChannelCommand, IvsClient } from '@aws-sdk/client-ivs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  Credentials, DEFAULT_CLOUD_CONTROL, IvsEmulator, SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, startEmulator,
  TEST_CREDENTIALS, TEST_USER_ARN,
} from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  emulator.cloudControl = { ...DEFAULT_CLOUD_CONTROL };
  emulator.throttle.enabled = false;
  emulator.throttle.reset();
});

function cc(credentials: Credentials = TEST_CREDENTIALS, region?: string): CloudControlClient {
  return new CloudControlClient({ ...emulator.clientConfig(credentials, region), maxAttempts: 1 });
}

function ivs(credentials: Credentials = TEST_CREDENTIALS, region?: string): IvsClient {
  return new IvsClient({ ...emulator.clientConfig(credentials, region), maxAttempts: 1 });
}

async function get(identifier: string, client = cc()): Promise<{ [k: string]: any }> {
  const out = await client.send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: identifier }));
  expect(out.TypeName).toBe('AWS::IVS::Channel');
  expect(out.ResourceDescription!.Identifier).toBe(identifier);
  return JSON.parse(out.ResourceDescription!.Properties!);
}

/** The schema's properties and attributes of AWS::IVS::Channel (aws-cdk's db.json.gz). */
const SCHEMA_KEYS = [
  'Arn', 'Authorized', 'ContainerFormat', 'IngestEndpoint', 'InsecureIngest', 'LatencyMode', 'MultitrackInputConfiguration', 'Name',
  'PlaybackUrl', 'Preset', 'RecordingConfigurationArn', 'Tags', 'Type',
];

describe('GetResource', () => {
  test('returns the read model with the schema property names, nothing the schema lacks', async () => {
    const channel = (await ivs().send(new CreateChannelCommand({ name: 'launch', latencyMode: 'NORMAL', authorized: true, tags: { team: 'video' } }))).channel!;
    const props = await get(channel.arn!);
    expect(Object.keys(props).sort()).toEqual(SCHEMA_KEYS);
    expect(props).toEqual({
      Arn: channel.arn, Name: 'launch', Authorized: true, InsecureIngest: false, LatencyMode: 'NORMAL', Type: 'STANDARD', Preset: '',
      RecordingConfigurationArn: '', Tags: [{ Key: 'team', Value: 'video' }], IngestEndpoint: channel.ingestEndpoint, PlaybackUrl: channel.playbackUrl,
      MultitrackInputConfiguration: { Enabled: false, Policy: 'ALLOW', MaximumResolution: 'FULL_HD' }, ContainerFormat: 'TS',
    });
    expect(JSON.stringify(props)).not.toContain(channel.srt!.passphrase!);
    expect(JSON.stringify(props)).not.toContain('srt');
    // served by the read handler calling IVS as the caller (the schema's read permissions)
    expect(emulator.calls('GetResource')[0]).toMatchObject({
      service: 'cloudcontrolapi', status: 200, account: '111111111111', principal: TEST_USER_ARN, arn: channel.arn,
      notes: ['handler called ivs:GetChannel: 200', 'handler called ivs:ListTagsForResource: 200'],
    });
  });

  test('omitEmpty: empty or off properties are returned (false) or left out (true)', async () => {
    const plain = (await ivs().send(new CreateChannelCommand({}))).channel!;
    const rc = (await ivs().send(new CreateRecordingConfigurationCommand({ destinationConfiguration: { s3: { bucketName: 'recordings' } } }))).recordingConfiguration!;
    const full = (await ivs().send(new CreateChannelCommand({
      name: 'full', recordingConfigurationArn: rc.arn, tags: { a: 'b' }, containerFormat: 'FRAGMENTED_MP4',
      multitrackInputConfiguration: { enabled: true, policy: 'REQUIRE', maximumResolution: 'HD' },
    }))).channel!;
    for (const omitEmpty of [false, true]) {
      emulator.cloudControl.omitEmpty = omitEmpty;
      const p = await get(plain.arn!);
      if (omitEmpty) {
        expect(Object.keys(p).sort()).toEqual(['Arn', 'Authorized', 'ContainerFormat', 'IngestEndpoint', 'InsecureIngest', 'LatencyMode', 'PlaybackUrl', 'Type']);
      } else {
        expect(p).toMatchObject({ Name: '', Preset: '', RecordingConfigurationArn: '', Tags: [], MultitrackInputConfiguration: { Enabled: false } });
      }
      const f = await get(full.arn!); // nothing empty: the same either way
      expect(Object.keys(f).sort()).toEqual(SCHEMA_KEYS.filter((k) => k !== 'Preset' || !omitEmpty));
      expect(f).toMatchObject({
        RecordingConfigurationArn: rc.arn, Tags: [{ Key: 'a', Value: 'b' }], ContainerFormat: 'FRAGMENTED_MP4',
        MultitrackInputConfiguration: { Enabled: true, Policy: 'REQUIRE', MaximumResolution: 'HD' },
      });
    }
  });

  test('a channel that does not exist (or lives in another region) is ResourceNotFoundException 404', async () => {
    const west = (await ivs(TEST_CREDENTIALS, 'eu-west-1').send(new CreateChannelCommand({ name: 'west' }))).channel!;
    const gone = 'arn:aws:ivs:us-east-1:111111111111:channel/AbCdEf123456';
    for (const arn of [gone, west.arn!]) {
      const err = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: arn })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
      expect(err.message).toMatch(new RegExp(`^AWS::IVS::Channel Handler returned status FAILED: Resource of type 'AWS::IVS::Channel' with identifier '${arn}' was not found\\. \\(HandlerErrorCode: NotFound, RequestToken: [0-9a-f-]{36}\\)$`));
    }
    expect((await get(west.arn!, cc(TEST_CREDENTIALS, 'eu-west-1'))).Name).toBe('west');
  });

  test("another account's channel is refused as GetChannel refuses it, under each accessDenied option; with a role it is read", async () => {
    const second = emulator.issueCredentials(SECOND_ACCOUNT_ID);
    const theirs = (await ivs(second).send(new CreateChannelCommand({ name: 'theirs' }))).channel!;
    const direct = await failure(ivs().send(new GetChannelCommand({ arn: theirs.arn! })));
    expect(direct.name).toBe('AccessDeniedException');
    const expected = { AccessDeniedException: [400, 'AccessDenied'], GeneralServiceException: [400, 'GeneralServiceException'], InvalidCredentialsException: [401, 'InvalidCredentials'], HandlerFailureException: [502, 'InternalFailure'] } as const;
    for (const accessDenied of ['AccessDeniedException', 'GeneralServiceException', 'InvalidCredentialsException', 'HandlerFailureException'] as const) {
      emulator.cloudControl.accessDenied = accessDenied;
      const err = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: theirs.arn! })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual([accessDenied, expected[accessDenied][0]]);
      expect(err.message).toContain(`Handler returned status FAILED: ${direct.exceptionMessage} (Service: Ivs, Status Code: 403, Request ID: `);
      expect(err.message).toContain(`(HandlerErrorCode: ${expected[accessDenied][1]}, RequestToken: `);
    }
    // the lookup role of the other account reads it
    const assumed = await new STSClient(emulator.clientConfig()).send(new AssumeRoleCommand({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, RoleSessionName: 'lookup' }));
    const c = assumed.Credentials!;
    expect((await get(theirs.arn!, cc({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }))).Name).toBe('theirs');
  });

  test('an Identifier that is not a channel ARN: InvalidRequestException or ResourceNotFoundException (invalidIdentifier)', async () => {
    for (const [invalidIdentifier, name, status] of [['InvalidRequestException', 'InvalidRequestException', 400], ['ResourceNotFoundException', 'ResourceNotFoundException', 404]] as const) {
      emulator.cloudControl.invalidIdentifier = invalidIdentifier;
      const err = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: 'my-channel' })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual([name, status]);
    }
  });

  test('reads are rate-limited as the IVS calls they make (GetChannel 5 TPS, shared with direct calls)', async () => {
    const channel = (await ivs().send(new CreateChannelCommand({ name: 'limited' }))).channel!;
    emulator.throttle.enabled = true;
    emulator.throttle.setRate('GetChannel', 0.001); // one token, no refill during the test
    try {
      await get(channel.arn!);
      const err = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: channel.arn! })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 429]);
      expect(err.message).toContain('Request was denied due to request throttling.');
      expect(emulator.calls('GetResource').at(-1)!.notes).toEqual(['handler called ivs:GetChannel: ThrottlingException']);
      expect((await failure(ivs().send(new GetChannelCommand({ arn: channel.arn! })))).name).toBe('ThrottlingException');
    } finally {
      emulator.throttle.setRate('GetChannel', 5);
    }
  });

  test('other type names are UnsupportedActionException; a malformed one ValidationException', async () => {
    const other = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::StreamKey', Identifier: 'x' })));
    expect([other.name, other.$metadata.httpStatusCode, other.message]).toEqual(['UnsupportedActionException', 405, "The cdk-ivs emulator's Cloud Control API serves AWS::IVS::Channel only, not AWS::IVS::StreamKey."]);
    const bad = await failure(cc().send(new GetResourceCommand({ TypeName: 'IVS-Channel', Identifier: 'x' })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(bad.message).toBe("1 validation error detected: Value 'IVS-Channel' at 'typeName' failed to satisfy constraint: "
      + 'Member must satisfy regular expression pattern: [A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}');
  });
});

describe('ListResources', () => {
  async function listAll(maxResults?: number): Promise<ListResourcesCommandOutput[]> {
    const pages: ListResourcesCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await cc().send(new ListResourcesCommand({ TypeName: 'AWS::IVS::Channel', MaxResults: maxResults, NextToken: token }));
      pages.push(page);
      token = page.NextToken;
    } while (token);
    return pages;
  }

  test('identifiers: only {"Arn": …} per channel, paged by MaxResults, own account only', async () => {
    const arns = [];
    for (const name of ['a', 'b', 'c']) arns.push((await ivs().send(new CreateChannelCommand({ name }))).channel!.arn!);
    await ivs(emulator.issueCredentials(SECOND_ACCOUNT_ID)).send(new CreateChannelCommand({ name: 'theirs' }));
    const pages = await listAll(2);
    expect(pages.map((p) => p.ResourceDescriptions!.length)).toEqual([2, 1]);
    const all = pages.flatMap((p) => p.ResourceDescriptions!);
    expect(all.map((d) => d.Identifier)).toEqual(arns);
    expect(all.map((d) => JSON.parse(d.Properties!))).toEqual(arns.map((Arn) => ({ Arn })));
    expect(pages[0].NextToken).toMatch(/^[-A-Za-z0-9+/=]+$/);
    expect(emulator.calls('GetResource')).toEqual([]);
    expect(emulator.calls('ListResources').map((e) => e.notes)).toEqual([['handler called ivs:ListChannels: 200'], ['handler called ivs:ListChannels: 200']]);
  });

  test('full: each channel read by the read handler; a propertyMatch on Name finds it (and only under full)', async () => {
    const arn = (await ivs().send(new CreateChannelCommand({ name: 'wanted', tags: { k: 'v' } }))).channel!.arn!;
    await ivs().send(new CreateChannelCommand({ name: 'other' }));
    for (const list of ['identifiers', 'full'] as const) {
      emulator.cloudControl.list = list;
      const found = (await listAll()).flatMap((p) => p.ResourceDescriptions!).map((d) => JSON.parse(d.Properties!)).filter((p) => p.Name === 'wanted');
      if (list === 'full') {
        expect(found).toEqual([await get(arn)]);
        expect(found[0]).toMatchObject({ Arn: arn, Tags: [{ Key: 'k', Value: 'v' }] });
      } else {
        expect(found).toEqual([]);
      }
    }
  });

  test('full reads are rate-limited too: a page of 6 channels needs 6 GetChannel calls at 5 TPS', async () => {
    for (let i = 0; i < 6; i++) await ivs().send(new CreateChannelCommand({ name: `c${i}` }));
    emulator.cloudControl.list = 'full';
    emulator.throttle.enabled = true;
    const err = await failure(cc().send(new ListResourcesCommand({ TypeName: 'AWS::IVS::Channel' })));
    expect(err.name).toBe('ThrottlingException');
    expect(emulator.calls('ListResources')[0].notes!.filter((n) => n.startsWith('handler called ivs:GetChannel'))).toEqual([
      ...Array(5).fill('handler called ivs:GetChannel: 200'), 'handler called ivs:GetChannel: ThrottlingException',
    ]);
  });

  test('a bad NextToken is InvalidRequestException; ResourceModel is accepted', async () => {
    const err = await failure(cc().send(new ListResourcesCommand({ TypeName: 'AWS::IVS::Channel', NextToken: 'bm9wZQ==' })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidRequestException', 400]);
    const out = await cc().send(new ListResourcesCommand({ TypeName: 'AWS::IVS::Channel', ResourceModel: '{}' }));
    expect(out.ResourceDescriptions).toEqual([]);
  });
});

describe('the endpoint', () => {
  test('Cloud Control is signed as cloudcontrolapi; operations it does not serve answer 501', async () => {
    const wrong = new CloudControlClient({ ...emulator.clientConfig(), maxAttempts: 1, signingName: 'ivs' } as object);
    const err = await failure(wrong.send(new ListResourcesCommand({ TypeName: 'AWS::IVS::Channel' })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 400]);
    expect(err.message).toMatch(/correct service: 'cloudcontrolapi'/);
    const res = await failure(cc().send(new GetResourceCommand({ TypeName: 'AWS::IVS::Channel', Identifier: 'x', RoleArn: 'arn:aws:iam::111111111111:role/cc' })));
    expect(res.$metadata.httpStatusCode).toBe(501);
  });
});
