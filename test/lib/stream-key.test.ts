import { App, CfnOutput, Fn, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RESOURCE_TYPES, SECRET_OWNER_TAG, STREAM_KEY_FIELDS } from '../../lib/contract';
import { Channel, IChannel, StreamKey } from '../../lib';
import { newStack, onlyResource, template } from './helpers';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';
const KEY_ARN = 'arn:aws:ivs:us-west-2:123456789012:stream-key/g1H2I3j4k5L6';

describe('StreamKey', () => {
  test('refers to its channel; no secret, no exposure, destroyed with the stack', () => {
    // GIVEN
    const stack = newStack();
    const channel = new Channel(stack, 'Channel');
    // WHEN
    const key = new StreamKey(stack, 'Key', { channel });
    // THEN
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.streamKey, {
      Properties: {
        ChannelArn: stack.resolve(channel.channelArn),
        Rotation: Match.absent(),
        Tags: Match.absent(),
        SecretArn: Match.absent(),
        ExposeStreamKeyValue: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(stack.resolve(key.streamKeyArn)).toEqual({ Ref: expect.stringMatching(/^Key/) });
  });

  test('every prop reaches the template under the contract names', () => {
    const stack = newStack();
    const channel = Channel.fromChannelArn(stack, 'Channel', CHANNEL_ARN);
    new StreamKey(stack, 'Key', {
      channel,
      rotation: '2024-06',
      tags: { team: 'video' },
      storeStreamKeyInSecret: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const resource = onlyResource(stack, RESOURCE_TYPES.streamKey);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '600',
      CodeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      ChannelArn: CHANNEL_ARN,
      // The imported channel's region (the env-agnostic stack's region is unknown at synth).
      Region: 'us-west-2',
      Rotation: '2024-06',
      Tags: { team: 'video' },
      SecretArn: { Ref: expect.stringMatching(/^KeySecret/) },
    });
    for (const name of Object.keys(resource.Properties)) {
      if (!['ServiceToken', 'ServiceTimeout'].includes(name)) {
        expect(Object.keys(STREAM_KEY_FIELDS)).toContain(name);
      }
    }
    template(stack).hasResource('AWS::SecretsManager::Secret', {
      Properties: { Tags: [{ Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } }], SecretString: Match.absent() },
      DeletionPolicy: 'Retain',
    });
  });

  test('addStreamKey creates a StreamKey under the channel', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Channel');
    const key = channel.addStreamKey('StreamKey');
    expect(key.node.scope).toBe(channel);
    template(stack).resourceCountIs(RESOURCE_TYPES.streamKey, 1);
  });

  test('secret is created on first use; grantReadStreamKey grants read on it', () => {
    const stack = newStack();
    const key = new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'C', CHANNEL_ARN) });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    key.grantReadStreamKey(reader);
    const t = template(stack);
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
    t.hasResourceProperties(RESOURCE_TYPES.streamKey, { SecretArn: { Ref: Match.stringLikeRegexp('^KeySecret') } });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] }] },
    });
  });

  test('streamKeyValue sets ExposeStreamKeyValue and reads the StreamKeyValue attribute', () => {
    const stack = newStack();
    const key = new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'C', CHANNEL_ARN) });
    new CfnOutput(stack, 'Value', { value: key.streamKeyValue });
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { ExposeStreamKeyValue: true });
    expect(stack.resolve(key.streamKeyValue)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'StreamKeyValue'] });
  });

  test('Tags.of() reaches the key', () => {
    const stack = newStack();
    new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'C', CHANNEL_ARN), tags: { a: '1' } });
    Tags.of(stack).add('b', '2');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { Tags: { a: '1', b: '2' } });
  });

  test('applyRemovalPolicy reaches the key and its secret', () => {
    const stack = newStack();
    const key = new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'C', CHANNEL_ARN), storeStreamKeyInSecret: true });
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.streamKey, { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('rejects a missing channel and a bad channel ARN', () => {
    const stack = newStack();
    expect(() => new StreamKey(stack, 'NoChannel', {} as any)).toThrow(/channel is required, got undefined/);
    const fake: IChannel = { channelArn: 'arn:aws:ivs:us-west-2:123456789012:stream-key/abc' } as any;
    expect(() => new StreamKey(stack, 'BadChannel', { channel: fake })).toThrow(/channel must be an IVS channel ARN .* got 'arn:aws:ivs:us-west-2:123456789012:stream-key\/abc'/);
  });

  test('rejects RemovalPolicy.SNAPSHOT', () => {
    const stack = newStack();
    expect(() => new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'C', CHANNEL_ARN), removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got 'snapshot'/);
  });

  describe('one StreamKey per channel (IVS allows one stream key per channel)', () => {
    const refused = (channel: string, first: string) => `channel ${channel} already has a StreamKey (${first}): IVS allows one stream key per `
      + 'channel, so both would adopt the same key and a rotation of one would delete the other\'s. Keep one StreamKey per channel and share its secret';

    test('addStreamKey twice on a Channel', () => {
      const stack = newStack();
      const channel = new Channel(stack, 'Channel');
      channel.addStreamKey('Key');
      expect(() => channel.addStreamKey('Again')).toThrow(refused('TestStack/Channel', 'TestStack/Channel/Key'));
    });

    test('new StreamKey twice on two imports of the same ARN', () => {
      const stack = newStack();
      new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'A', CHANNEL_ARN) });
      expect(() => new StreamKey(stack, 'Again', { channel: Channel.fromChannelArn(stack, 'B', CHANNEL_ARN) }))
        .toThrow(refused(`'${CHANNEL_ARN}'`, 'TestStack/Key'));
    });

    test('addStreamKey on two imports of the same ARN', () => {
      const stack = newStack();
      Channel.fromChannelArn(stack, 'A', CHANNEL_ARN).addStreamKey('Key');
      expect(() => Channel.fromChannelAttributes(stack, 'B', { channelArn: CHANNEL_ARN }).addStreamKey('Key'))
        .toThrow(refused(`'${CHANNEL_ARN}'`, 'TestStack/A/Key'));
    });

    test('two imports of tokens that resolve alike fail the synth', () => {
      const stack = newStack();
      Channel.fromChannelArn(stack, 'A', Fn.importValue('LiveChannelArn')).addStreamKey('Key');
      Channel.fromChannelArn(stack, 'B', Fn.importValue('LiveChannelArn')).addStreamKey('Key');
      expect(() => template(stack)).toThrow(refused('TestStack/B', 'TestStack/A/Key'));
    });

    test('keys of different channels, or of one channel in two stacks, synthesize', () => {
      const stack = newStack();
      const other = new Stack(stack.node.root, 'Other');
      Channel.fromChannelArn(stack, 'A', CHANNEL_ARN).addStreamKey('Key');
      Channel.fromChannelArn(stack, 'B', CHANNEL_ARN.replace('abcdABCDefgh', 'otherChannel')).addStreamKey('Key');
      Channel.fromChannelArn(stack, 'C', Fn.importValue('One')).addStreamKey('Key');
      Channel.fromChannelArn(stack, 'D', Fn.importValue('Two')).addStreamKey('Key');
      Channel.fromChannelArn(other, 'A', CHANNEL_ARN).addStreamKey('Key');
      template(stack).resourceCountIs(RESOURCE_TYPES.streamKey, 4);
      template(other).resourceCountIs(RESOURCE_TYPES.streamKey, 1);
    });
  });

  describe('fromStreamKeyArn', () => {
    test('imports a key', () => {
      const stack = new Stack(new App(), 'S');
      const key = StreamKey.fromStreamKeyArn(stack, 'Key', KEY_ARN);
      expect(key.streamKeyArn).toBe(KEY_ARN);
      expect(key.env.region).toBe('us-west-2');
    });

    test('accepts a token', () => {
      const stack = newStack();
      const key = StreamKey.fromStreamKeyArn(stack, 'Key', Fn.importValue('Key'));
      expect(stack.resolve(key.streamKeyArn)).toEqual({ 'Fn::ImportValue': 'Key' });
    });

    test.each([
      [CHANNEL_ARN],
      ['stream-key/abc'],
      ['arn:aws:ivs:us-west-2:123456789012:stream-key/a.b'],
    ])('rejects %s', (arn) => {
      const stack = newStack();
      expect(() => StreamKey.fromStreamKeyArn(stack, 'Key', arn)).toThrow(/streamKeyArn must be an IVS stream key ARN/);
    });

    test('rejects a partly tokenized ARN of another resource type', () => {
      const stack = newStack();
      expect(() => StreamKey.fromStreamKeyArn(stack, 'Key', `arn:aws:ivs:${stack.region}:123456789012:channel/abc`))
        .toThrow(/streamKeyArn must be an IVS stream key ARN, got resource type 'channel'/);
    });
  });
});
