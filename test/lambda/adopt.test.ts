import {
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  ListStreamKeysCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateChannelCommand,
  ValidationException,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { REQUEST_TAG, RESOURCE_TYPES } from '../../lib/contract';
import { handler } from '../../lambda/index';
import {
  CREATE_TAG, CHANNEL_ARN, INGEST_ENDPOINT, NEW_STREAM_KEY_ARN, NEW_STREAM_KEY_VALUE, SECRET_ARN, SRT_ENDPOINT, SRT_PASSPHRASE, STREAM_KEY_ARN,
  STREAM_KEY_VALUE, conflict, failureOf, ivsChannel, ivsStreamKey, makeContext, makeEvent, notFound,
} from './helpers';

const ivs = mockClient(IvsClient);
const secrets = mockClient(SecretsManagerClient);
const TYPE = RESOURCE_TYPES.channel;
const RECORDING = 'arn:aws:ivs:us-east-1:123456789012:recording-configuration/r1';
const POLICY = 'arn:aws:ivs:us-east-1:123456789012:playback-restriction-policy/p1';
const AD = 'arn:aws:ivs:us-east-1:123456789012:ad-configuration/a1';
const OTHER_REQUEST = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
/** REQUEST_TAG on a channel this resource (stack 'Stack', logical ID 'Resource' in makeEvent) adopted. */
const ADOPTED = 'adopted by Stack/Resource';

/** The channel as the console made it: another name, other settings, tags of its own. */
const LEGACY = ivsChannel({
  name: 'legacy', latencyMode: 'NORMAL', authorized: true, recordingConfigurationArn: RECORDING,
  tags: { team: 'old', owner: 'console', 'aws:cloudformation:stack-name': 'Legacy' },
});

/** Every setting UpdateChannel takes, as a channel with no declared setting gets them (the API's defaults). */
const DEFAULTS = {
  latencyMode: 'LOW', type: 'STANDARD', authorized: false, insecureIngest: false, recordingConfigurationArn: '', playbackRestrictionPolicyArn: '',
  adConfigurationArn: '', containerFormat: 'TS', multitrackInputConfiguration: { enabled: false },
};

beforeEach(() => {
  ivs.reset();
  secrets.reset();
  jest.spyOn(console, 'log').mockImplementation(() => {});
  // Short jittered waits between 409 retries.
  jest.spyOn(Math, 'random').mockReturnValue(0.01);
  ivs.on(GetChannelCommand).resolves({ channel: LEGACY });
  ivs.on(UpdateChannelCommand).callsFake(({ arn: _arn, ...settings }) => ({ channel: { ...LEGACY, ...settings } }));
  ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [{ arn: STREAM_KEY_ARN, channelArn: CHANNEL_ARN }] });
  ivs.on(GetStreamKeyCommand).resolves({ streamKey: ivsStreamKey() });
  ivs.on(CreateStreamKeyCommand).resolves({ streamKey: ivsStreamKey({ arn: NEW_STREAM_KEY_ARN, value: NEW_STREAM_KEY_VALUE }) });
  ivs.on(DeleteStreamKeyCommand).resolves({});
  ivs.on(TagResourceCommand).resolves({});
  ivs.on(UntagResourceCommand).resolves({});
  secrets.on(PutSecretValueCommand).resolves({ VersionStages: ['AWSCURRENT'] });
});
afterEach(() => jest.restoreAllMocks());

function adopt(props: { [name: string]: unknown } = {}) {
  return makeEvent(TYPE, 'Create', { AdoptChannelArn: CHANNEL_ARN, ...props });
}

/** Every IVS command sent, in order: its name and input. */
function sent(): Array<[string, unknown]> {
  return ivs.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name.replace(/Command$/, ''), command.input];
  });
}

describe('Create with AdoptChannelArn', () => {
  test('a channel already as declared: no UpdateChannel, its key kept, its tags brought to the declared ones, last', async () => {
    // GIVEN a channel whose settings are the defaults, with a tag the template declares, one it does not, and an aws: tag
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ tags: LEGACY.tags }) });

    // WHEN
    const response = await handler(adopt({ Tags: { team: 'video' } }), makeContext());

    // THEN no channel is created, and the tags come last: the declared ones and the request tag, then the untagging
    expect(sent()).toEqual([
      ['GetChannel', { arn: CHANNEL_ARN }],
      ['ListStreamKeys', { channelArn: CHANNEL_ARN }],
      ['TagResource', { resourceArn: CHANNEL_ARN, tags: { team: 'video', [REQUEST_TAG]: ADOPTED } }],
      ['UntagResource', { resourceArn: CHANNEL_ARN, tagKeys: ['owner'] }],
    ]);
    expect(ivs).not.toHaveReceivedCommand(CreateChannelCommand);
    expect(response).toEqual({
      PhysicalResourceId: CHANNEL_ARN,
      Data: {
        Arn: CHANNEL_ARN,
        Name: 'my-channel',
        IngestEndpoint: INGEST_ENDPOINT,
        PlaybackUrl: ivsChannel().playbackUrl,
        RtmpsIngestUrl: `rtmps://${INGEST_ENDPOINT}:443/app/`,
        SrtEndpoint: SRT_ENDPOINT,
        DefaultStreamKeyArn: STREAM_KEY_ARN,
      },
    });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  test('a setting IVS leaves out matches its default, an unnamed channel stays unnamed (no UpdateChannel), and no foreign tag means no UntagResource', async () => {
    // GIVEN a channel described without its empty settings (name, recording, policies, multitrack), booleans or tags
    ivs.on(GetChannelCommand).resolves({ channel: { arn: CHANNEL_ARN, latencyMode: 'LOW', type: 'STANDARD', containerFormat: 'TS' } });

    // WHEN
    const response = await handler(adopt(), makeContext());

    // THEN
    expect(sent().map(([name]) => name)).toEqual(['GetChannel', 'ListStreamKeys', 'TagResource']);
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: CHANNEL_ARN, tags: { [REQUEST_TAG]: ADOPTED } });
    expect(response.Data).toMatchObject({ Name: '', PlaybackUrl: '', SrtEndpoint: '' });
  });

  test('settings that differ: one UpdateChannel sets every setting, undeclared ones to the defaults, the name kept', async () => {
    // GIVEN the legacy channel (NORMAL, authorized, recording), and only the type declared
    const event = adopt({ Type: 'BASIC' });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(ivs.commandCalls(UpdateChannelCommand).map((call) => call.args[0].input)).toEqual([
      { arn: CHANNEL_ARN, ...DEFAULTS, name: 'legacy', type: 'BASIC' },
    ]);
    expect(sent().map(([name]) => name)).toEqual(['GetChannel', 'UpdateChannel', 'ListStreamKeys', 'TagResource', 'UntagResource']);
    expect(ivs).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: CHANNEL_ARN, tagKeys: ['team', 'owner'] });
    expect(response.Data).toMatchObject({ Arn: CHANNEL_ARN, Name: 'legacy', DefaultStreamKeyArn: STREAM_KEY_ARN });
  });

  test('declared settings, the name and multitrack included, go to UpdateChannel as declared', async () => {
    // GIVEN
    const event = adopt({
      Name: 'renamed', Type: 'ADVANCED_HD', Preset: 'HIGHER_BANDWIDTH_DELIVERY', Authorized: 'true', InsecureIngest: 'true',
      PlaybackRestrictionPolicyArn: POLICY, AdConfigurationArn: AD, ContainerFormat: 'FRAGMENTED_MP4',
      MultitrackInputConfiguration: { Enabled: 'true', Policy: 'REQUIRE', MaximumResolution: 'FULL_HD' },
    });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN the response answers with the channel as UpdateChannel returned it
    expect(ivs.commandCalls(UpdateChannelCommand).map((call) => call.args[0].input)).toEqual([{
      arn: CHANNEL_ARN, name: 'renamed', latencyMode: 'LOW', type: 'ADVANCED_HD', preset: 'HIGHER_BANDWIDTH_DELIVERY', authorized: true, insecureIngest: true,
      recordingConfigurationArn: '', playbackRestrictionPolicyArn: POLICY, adConfigurationArn: AD, containerFormat: 'FRAGMENTED_MP4',
      multitrackInputConfiguration: { enabled: true, policy: 'REQUIRE', maximumResolution: 'FULL_HD' },
    }]);
    expect(response.Data?.Name).toBe('renamed');
  });

  test('a channel without a stream key gets one, tagged with the request, and its value is exposed with NoEcho', async () => {
    // GIVEN
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });

    // WHEN
    const response = await handler(adopt({ ExposeStreamKeyValue: 'true' }), makeContext());

    // THEN
    expect(ivs.commandCalls(CreateStreamKeyCommand).map((call) => call.args[0].input)).toEqual([
      { channelArn: CHANNEL_ARN, tags: { [REQUEST_TAG]: CREATE_TAG } },
    ]);
    expect(ivs).not.toHaveReceivedCommand(GetStreamKeyCommand);
    expect(response).toMatchObject({ NoEcho: true, Data: { DefaultStreamKeyArn: NEW_STREAM_KEY_ARN, StreamKeyValue: NEW_STREAM_KEY_VALUE } });
  });

  test('writes the kept key and the channel\'s SRT details to the secret, before the tags', async () => {
    // GIVEN
    const event = adopt({ SecretArn: SECRET_ARN, Tags: { team: 'video' } });

    // WHEN
    const response = await handler(event, makeContext());

    // THEN
    expect(ivs).toHaveReceivedCommandWith(GetStreamKeyCommand, { arn: STREAM_KEY_ARN });
    const written = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
    expect(written.map((input) => input.SecretId)).toEqual([SECRET_ARN]);
    expect(JSON.parse(written[0].SecretString!)).toEqual({
      channelArn: CHANNEL_ARN,
      streamKeyArn: STREAM_KEY_ARN,
      streamKey: STREAM_KEY_VALUE,
      rtmpsUrl: `rtmps://${INGEST_ENDPOINT}:443/app/`,
      srtEndpoint: SRT_ENDPOINT,
      srtPassphrase: SRT_PASSPHRASE,
    });
    expect(secrets.commandCalls(PutSecretValueCommand)[0].calledBefore(ivs.commandCalls(TagResourceCommand)[0])).toBe(true);
    expect(response).not.toHaveProperty('NoEcho');
    expect(JSON.stringify(response)).not.toContain(STREAM_KEY_VALUE);
  });

  test.each([
    ['a cdk-ivs Channel created', OTHER_REQUEST, 'was created by a cdk-ivs Channel'],
    ['another cdk-ivs Channel adopted', 'adopted by Other/Live', 'was adopted by Other/Live'],
  ])('refuses a channel that %s, before any change', async (_, tag, manager) => {
    // GIVEN
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ tags: { [REQUEST_TAG]: tag } }) });

    // WHEN
    const error = await failureOf(handler(adopt({ Name: 'live' }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannel Resource (live): channel ${CHANNEL_ARN} ${manager} (its tag ${REQUEST_TAG} says so), and a `
      + 'channel has one manager. Remove it from that stack first (removalPolicy RETAIN, then delete the construct), then untag it: '
      + `aws ivs untag-resource --resource-arn ${CHANNEL_ARN} --tag-keys ${REQUEST_TAG}`);
    expect(sent().map(([name]) => name)).toEqual(['GetChannel']);
  });

  test('a channel this resource adopted before (the event sent again, or a deploy after a rolled-back one) is adopted again', async () => {
    // GIVEN
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ tags: { [REQUEST_TAG]: ADOPTED } }) });

    // WHEN
    const response = await handler(adopt(), makeContext());

    // THEN the request tag is neither removed nor a reason to refuse
    expect(ivs).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(ivs).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: CHANNEL_ARN, tags: { [REQUEST_TAG]: ADOPTED } });
    expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  });

  test('a channel that does not exist fails with IVS\'s error', async () => {
    // GIVEN
    ivs.on(GetChannelCommand).rejects(notFound('Channel not found'));

    // WHEN
    const error = await failureOf(handler(adopt(), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannel Resource (${CHANNEL_ARN}): GetChannel failed: ResourceNotFoundException: Channel not found`);
    expect(sent().map(([name]) => name)).toEqual(['GetChannel']);
  });

  test('a live channel is retried, then fails with what to do, leaving the channel as it was', async () => {
    // GIVEN a channel live past the deadline, 300 ms away
    ivs.on(UpdateChannelCommand).rejects(conflict('Unable to perform: UpdateChannel while stream is live'));

    // WHEN
    const error = await failureOf(handler(adopt({ Name: 'legacy' }), makeContext(300)));

    // THEN every UpdateChannel was the adoption's (none to put settings back), and no tag was written
    expect(error.message).toBe('Custom::IvsChannel Resource (legacy): UpdateChannel failed: ConflictException: Unable to perform: '
      + 'UpdateChannel while stream is live. The channel is live: stop the stream, or declare the settings the channel has, then deploy again');
    const updates = ivs.commandCalls(UpdateChannelCommand).map((call) => call.args[0].input);
    expect(updates.length).toBeGreaterThan(1);
    for (const input of updates) expect(input).toEqual({ arn: CHANNEL_ARN, ...DEFAULTS, name: 'legacy' });
    expect(ivs).not.toHaveReceivedCommand(ListStreamKeysCommand);
    expect(ivs).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('an UpdateChannel IVS refuses is not undone (nothing changed)', async () => {
    // GIVEN
    ivs.on(UpdateChannelCommand).rejects(new ValidationException({ $metadata: {}, message: 'UnknownError', exceptionMessage: 'invalid preset' }));

    // WHEN
    const error = await failureOf(handler(adopt({ Type: 'ADVANCED_SD', Preset: 'NOPE' }), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannel Resource (${CHANNEL_ARN}): UpdateChannel failed: ValidationException: invalid preset`);
    expect(ivs).toHaveReceivedCommandTimes(UpdateChannelCommand, 1);
    expect(ivs).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a failure after the changes puts every setting back and deletes the key it created; no tag is written', async () => {
    // GIVEN a channel with every setting, no stream key, and a secret that cannot be written
    const original = ivsChannel({
      name: 'legacy', type: 'ADVANCED_SD', preset: 'CONSTRAINED_BANDWIDTH_DELIVERY', latencyMode: 'NORMAL', authorized: true, insecureIngest: true,
      recordingConfigurationArn: RECORDING, playbackRestrictionPolicyArn: POLICY, adConfigurationArn: AD, containerFormat: 'FRAGMENTED_MP4',
      multitrackInputConfiguration: { enabled: true, policy: 'ALLOW', maximumResolution: 'SD' }, tags: { owner: 'console' },
    });
    ivs.on(GetChannelCommand).resolves({ channel: original });
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    secrets.on(PutSecretValueCommand).rejects(Object.assign(new Error('User is not authorized to perform PutSecretValue'), { name: 'AccessDeniedException' }));

    // WHEN
    const error = await failureOf(handler(adopt({ SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(sent()).toEqual([
      ['GetChannel', { arn: CHANNEL_ARN }],
      ['UpdateChannel', { arn: CHANNEL_ARN, ...DEFAULTS, name: 'legacy' }],
      ['ListStreamKeys', { channelArn: CHANNEL_ARN }],
      ['CreateStreamKey', { channelArn: CHANNEL_ARN, tags: { [REQUEST_TAG]: CREATE_TAG } }],
      ['DeleteStreamKey', { arn: NEW_STREAM_KEY_ARN }],
      ['UpdateChannel', {
        arn: CHANNEL_ARN, name: 'legacy', latencyMode: 'NORMAL', type: 'ADVANCED_SD', authorized: true, insecureIngest: true,
        preset: 'CONSTRAINED_BANDWIDTH_DELIVERY', recordingConfigurationArn: RECORDING, playbackRestrictionPolicyArn: POLICY, adConfigurationArn: AD,
        containerFormat: 'FRAGMENTED_MP4', multitrackInputConfiguration: { enabled: true, policy: 'ALLOW', maximumResolution: 'SD' },
      }],
    ]);
    expect(error.message).toBe(`Custom::IvsChannel Resource (${CHANNEL_ARN}): PutSecretValue failed: AccessDeniedException: User is not authorized to perform `
      + `PutSecretValue (deleted stream key ${NEW_STREAM_KEY_ARN}, which this request had created, and put the channel's settings back)`);
    expect(error.stack).toBe(error.message);
  });

  test('putting back a channel IVS described without optional settings sends their empty values', async () => {
    // GIVEN a channel without recording, policy, ad configuration or multitrack, whose key cannot be read
    ivs.on(GetChannelCommand).resolves({ channel: { arn: CHANNEL_ARN, name: 'legacy', latencyMode: 'NORMAL', type: 'STANDARD', authorized: true,
      insecureIngest: false, containerFormat: 'TS' } });
    ivs.on(GetStreamKeyCommand).rejects(notFound('Stream key not found'));

    // WHEN
    const error = await failureOf(handler(adopt({ ExposeStreamKeyValue: 'true' }), makeContext()));

    // THEN the key the channel had is not deleted, the settings go back
    expect(ivs).not.toHaveReceivedCommand(DeleteStreamKeyCommand);
    expect(ivs.commandCalls(UpdateChannelCommand).map((call) => call.args[0].input)).toEqual([
      { arn: CHANNEL_ARN, ...DEFAULTS, name: 'legacy' },
      { arn: CHANNEL_ARN, name: 'legacy', latencyMode: 'NORMAL', type: 'STANDARD', authorized: true, insecureIngest: false, recordingConfigurationArn: '',
        playbackRestrictionPolicyArn: '', adConfigurationArn: '', containerFormat: 'TS', multitrackInputConfiguration: { enabled: false } },
    ]);
    expect(error.message).toBe(`Custom::IvsChannel Resource (${CHANNEL_ARN}): GetStreamKey failed: ResourceNotFoundException: Stream key not found (put the channel's settings back)`);
  });

  test('a created key already gone is fine; a failure to put the settings back is reported', async () => {
    // GIVEN a secret write that fails, a created key that is gone, and an UpdateChannel that fails the second time
    ivs.on(ListStreamKeysCommand).resolves({ streamKeys: [] });
    ivs.on(DeleteStreamKeyCommand).rejects(notFound());
    ivs.on(UpdateChannelCommand).callsFakeOnce(({ arn: _arn, ...settings }) => ({ channel: { ...LEGACY, ...settings } }))
      .rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:UpdateChannel' }));
    secrets.on(PutSecretValueCommand).rejects(new Error('denied'));

    // WHEN
    const error = await failureOf(handler(adopt({ SecretArn: SECRET_ARN }), makeContext()));

    // THEN
    expect(ivs).toHaveReceivedCommandTimes(DeleteStreamKeyCommand, 1);
    expect(ivs).toHaveReceivedCommandTimes(UpdateChannelCommand, 2);
    expect(error.message).toBe(`Custom::IvsChannel Resource (${CHANNEL_ARN}): PutSecretValue failed: denied (could not undo the changes to channel ${CHANNEL_ARN}: `
      + 'UpdateChannel failed: AccessDeniedException: no ivs:UpdateChannel)');
  });

  test('a failure of the tags, which come last, fails the create with IVS\'s error', async () => {
    // GIVEN
    ivs.on(TagResourceCommand).rejects(Object.assign(new Error('UnknownError'), { name: 'AccessDeniedException', exceptionMessage: 'no ivs:TagResource' }));

    // WHEN
    const error = await failureOf(handler(adopt({ Name: 'legacy' }), makeContext()));

    // THEN
    expect(error.message).toBe('Custom::IvsChannel Resource (legacy): TagResource failed: AccessDeniedException: no ivs:TagResource');
    expect(sent().map(([name]) => name)).toEqual(['GetChannel', 'UpdateChannel', 'ListStreamKeys', 'TagResource']);
  });
});

describe('Update of an adopted channel', () => {
  const OTHER = 'arn:aws:ivs:us-east-1:123456789012:channel/anotherABCDe';
  const adopted = { AdoptChannelArn: CHANNEL_ARN, Name: 'legacy', LatencyMode: 'NORMAL' };

  function update(props: { [name: string]: unknown }, oldProps: { [name: string]: unknown } = adopted) {
    return makeEvent(TYPE, 'Update', props, { PhysicalResourceId: CHANNEL_ARN, OldResourceProperties: oldProps });
  }

  test.each([
    ['changed', { ...adopted, AdoptChannelArn: OTHER }, adopted],
    ['added, naming another channel', { Name: 'legacy', AdoptChannelArn: OTHER }, { Name: 'legacy' }],
  ])('an AdoptChannelArn %s is refused, before any call', async (_, props, oldProps) => {
    // WHEN
    const error = await failureOf(handler(update(props, oldProps), makeContext()));

    // THEN
    expect(error.message).toBe(`Custom::IvsChannel Resource (legacy): adoptChannelArn ${OTHER} can only be adopted when the resource is created, and this `
      + `one manages ${CHANNEL_ARN}: to adopt another channel, give the Channel a new construct ID (or remove adoptChannelArn once adopted)`);
    expect(ivs).not.toHaveReceivedAnyCommand();
  });

  test.each([
    ['unchanged', adopted, adopted],
    ['removed', { Name: 'legacy', LatencyMode: 'NORMAL' }, adopted],
    ['added, naming the channel it manages', adopted, { Name: 'legacy', LatencyMode: 'NORMAL' }],
  ])('an AdoptChannelArn %s is an update like any other', async (_, props, oldProps) => {
    // GIVEN the channel as the properties describe it
    ivs.on(GetChannelCommand).resolves({ channel: ivsChannel({ name: 'legacy', latencyMode: 'NORMAL' }) });

    // WHEN
    const response = await handler(update(props, oldProps), makeContext());

    // THEN no adoption step runs again: no UpdateChannel and no tag write
    expect(sent()).toEqual([['GetChannel', { arn: CHANNEL_ARN }], ['ListStreamKeys', { channelArn: CHANNEL_ARN }]]);
    expect(response.PhysicalResourceId).toBe(CHANNEL_ARN);
  });
});
