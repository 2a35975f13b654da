import { App, CfnOutput, Fn, Lazy, PropertyInjectors, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHANNEL_FIELDS, RESOURCE_TYPES, SECRET_OWNER_TAG } from '../../lib/contract';
import { IVS_SHAPES } from '../../lib/generated/ivs-model';
import {
  Channel,
  ChannelProps,
  ChannelType,
  ContainerFormat,
  LatencyMode,
  MaximumResolution,
  PlaybackRestrictionPolicy,
  Policy,
  Preset,
  RecordingConfiguration,
  StreamKey,
} from '../../lib';
import { newStack, onlyResource, resourcesOf, template } from './helpers';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';
const AD_ARN = 'arn:aws:ivs:us-west-2:123456789012:ad-configuration/adABC123';

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('Channel', () => {
  test('defaults: a generated name, nothing else set, no secret, destroyed with the stack', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new Channel(stack, 'Channel');
    // THEN
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.channel, {
      Properties: {
        Name: Match.stringLikeRegexp('^TestStackChannel[A-Z0-9]{8}$'),
        Type: Match.absent(),
        LatencyMode: Match.absent(),
        Authorized: Match.absent(),
        InsecureIngest: Match.absent(),
        Preset: Match.absent(),
        ContainerFormat: Match.absent(),
        MultitrackInputConfiguration: Match.absent(),
        RecordingConfigurationArn: Match.absent(),
        PlaybackRestrictionPolicyArn: Match.absent(),
        AdConfigurationArn: Match.absent(),
        Tags: Match.absent(),
        StopStreamOnDelete: Match.absent(),
        SecretArn: Match.absent(),
        ExposeStreamKeyValue: Match.absent(),
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('every prop reaches the template under the contract names', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const recording = new RecordingConfiguration(stack, 'Recording', { bucket });
    const restriction = new PlaybackRestrictionPolicy(stack, 'Restriction', { allowedCountries: ['US'] });
    // WHEN
    new Channel(stack, 'Channel', {
      channelName: 'my-channel_1',
      type: ChannelType.ADVANCED_HD,
      latencyMode: LatencyMode.NORMAL,
      authorized: true,
      insecureIngest: true,
      preset: Preset.CONSTRAINED_BANDWIDTH_DELIVERY,
      recordingConfiguration: recording,
      playbackRestrictionPolicy: restriction,
      adConfigurationArn: AD_ARN,
      containerFormat: ContainerFormat.TS,
      tags: { team: 'video' },
      stopStreamOnDelete: true,
      storeStreamKeyInSecret: true,
    });
    // THEN
    const props = onlyResource(stack, RESOURCE_TYPES.channel).Properties;
    expect(props).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '600',
      CodeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      Name: 'my-channel_1',
      Type: 'ADVANCED_HD',
      LatencyMode: 'NORMAL',
      Authorized: true,
      InsecureIngest: true,
      Preset: 'CONSTRAINED_BANDWIDTH_DELIVERY',
      RecordingConfigurationArn: { 'Fn::GetAtt': [expect.stringMatching(/^Recording/), 'Arn'] },
      PlaybackRestrictionPolicyArn: { 'Fn::GetAtt': [expect.stringMatching(/^Restriction/), 'Arn'] },
      AdConfigurationArn: AD_ARN,
      ContainerFormat: 'TS',
      Tags: { team: 'video' },
      StopStreamOnDelete: true,
      SecretArn: { Ref: expect.stringMatching(/^ChannelSecret/) },
    });
    // Every name the construct writes is in the wire contract.
    for (const name of Object.keys(props)) {
      if (!['ServiceToken', 'ServiceTimeout'].includes(name)) {
        expect(Object.keys(CHANNEL_FIELDS)).toContain(name);
      }
    }
  });

  test('multitrack input enables it and sets FRAGMENTED_MP4', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', {
      type: ChannelType.STANDARD,
      multitrackInputConfiguration: { maximumResolution: MaximumResolution.HD, policy: Policy.ALLOW },
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, {
      Type: 'STANDARD',
      ContainerFormat: 'FRAGMENTED_MP4',
      MultitrackInputConfiguration: { Enabled: true, Policy: 'ALLOW', MaximumResolution: 'HD' },
    });
  });

  test('attributes read the custom resource: Ref is the ARN, the rest are GetAtt', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Channel');
    const ids = Object.keys(resourcesOf(stack, RESOURCE_TYPES.channel));
    expect(ids).toHaveLength(1);
    const id = ids[0];
    expect(stack.resolve(channel.channelArn)).toEqual({ Ref: id });
    const attrs: [string, string][] = [
      [channel.channelName, 'Name'],
      [channel.channelIngestEndpoint, 'IngestEndpoint'],
      [channel.channelPlaybackUrl, 'PlaybackUrl'],
      [channel.channelSrtEndpoint, 'SrtEndpoint'],
      [channel.channelRtmpsIngestUrl, 'RtmpsIngestUrl'],
      [channel.defaultStreamKeyArn, 'DefaultStreamKeyArn'],
    ];
    for (const [token, attribute] of attrs) {
      expect(stack.resolve(token)).toEqual({ 'Fn::GetAtt': [id, attribute] });
    }
  });

  test('Tags.of(scope).add() reaches the channel, merged with the tags prop', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { tags: { team: 'video' } });
    Tags.of(stack).add('cost-center', '42');
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, {
      Tags: { 'team': 'video', 'cost-center': '42' },
    });
  });

  test('removalPolicy RETAIN leaves the channel and its secret', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { removalPolicy: RemovalPolicy.RETAIN, storeStreamKeyInSecret: true });
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.channel, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('applyRemovalPolicy reaches the channel and a secret created later', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Channel');
    channel.applyRemovalPolicy(RemovalPolicy.RETAIN);
    void channel.secret;
    const t = template(stack);
    t.hasResource(RESOURCE_TYPES.channel, { DeletionPolicy: 'Retain' });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  describe('secret', () => {
    test('storeStreamKeyInSecret creates a tagged secret with no value and passes its ARN', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
      const t = template(stack);
      t.resourceCountIs('AWS::SecretsManager::Secret', 1);
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        SecretString: Match.absent(),
        GenerateSecretString: Match.absent(),
        Tags: [{ Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } }],
      });
      t.hasResourceProperties(RESOURCE_TYPES.channel, { SecretArn: { Ref: Match.stringLikeRegexp('^ChannelSecret') } });
    });

    test('reading channel.secret creates the secret, once', () => {
      const stack = newStack();
      const channel = new Channel(stack, 'Channel');
      expect(channel.secret).toBe(channel.secret);
      expect(stack.resolve(channel.secret.secretArn)).toEqual({ Ref: expect.stringMatching(/^ChannelSecret/) });
      template(stack).resourceCountIs('AWS::SecretsManager::Secret', 1);
    });

    test('the secret takes the tags of Tags.of() besides its owner tag', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
      Tags.of(stack).add('team', 'video');
      template(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        Tags: Match.arrayWith([
          { Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } },
          { Key: 'team', Value: 'video' },
        ]),
      });
    });

    test('Tags.of() can neither change nor remove the owner tag', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
      Tags.of(stack).add(SECRET_OWNER_TAG, 'someone-else');
      Tags.of(stack).remove(SECRET_OWNER_TAG, { priority: 200 });
      template(stack).hasResourceProperties('AWS::SecretsManager::Secret', {
        Tags: [{ Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } }],
      });
    });

    test('grantReadStreamKey grants read on that secret only', () => {
      const stack = newStack();
      const channel = new Channel(stack, 'Channel');
      channel.grantReadStreamKey(role(stack));
      template(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('^ChannelSecret') },
          }],
        },
      });
    });
  });

  describe('streamKeyValue', () => {
    test('ExposeStreamKeyValue is set only once the value is referenced', () => {
      const stack = newStack();
      const quiet = new Channel(stack, 'Quiet');
      const loud = new Channel(stack, 'Loud');
      new CfnOutput(stack, 'Key', { value: loud.streamKeyValue });
      const channels = resourcesOf(stack, RESOURCE_TYPES.channel);
      const byId = (prefix: string) => Object.entries(channels).find(([id]) => id.startsWith(prefix))![1];
      expect(byId('Quiet').Properties.ExposeStreamKeyValue).toBeUndefined();
      expect(byId('Loud').Properties.ExposeStreamKeyValue).toBe(true);
      expect(quiet.channelArn).toBeDefined();
      template(stack).hasOutput('Key', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Loud'), 'StreamKeyValue'] } });
    });
  });

  test('no secret value anywhere in the template', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
    channel.addStreamKey('Key');
    const text = JSON.stringify(template(stack).toJSON());
    expect(text).not.toMatch(/sk_[a-z]{2}-/);
    expect(text).not.toContain('SecretString');
    expect(text).not.toContain('GenerateSecretString');
    expect(text).not.toContain('StreamKeyValue');
    expect(text).not.toContain('Passphrase');
  });

  describe('grants', () => {
    test('grant and grantPutMetadata grant IVS actions on the channel ARN', () => {
      const stack = newStack();
      const channel = new Channel(stack, 'Channel');
      const reader = role(stack);
      channel.grantPutMetadata(reader);
      channel.grant(reader, 'ivs:GetStream');
      const ref = stack.resolve(channel.channelArn);
      template(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            { Action: 'ivs:PutMetadata', Effect: 'Allow', Resource: ref },
            { Action: 'ivs:GetStream', Effect: 'Allow', Resource: ref },
          ],
        },
      });
    });
  });

  describe('adoptChannelArn', () => {
    test('adopts the channel: AdoptChannelArn, its name kept, RETAIN by default for the channel (its secret, the stack\'s own, DESTROY)', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      const channel = new Channel(stack, 'Channel', { adoptChannelArn: CHANNEL_ARN, storeStreamKeyInSecret: true });
      // THEN
      const resource = onlyResource(stack, RESOURCE_TYPES.channel);
      expect(resource.Properties.AdoptChannelArn).toBe(CHANNEL_ARN);
      // No Name: the adopted channel keeps its own.
      expect(resource.Properties.Name).toBeUndefined();
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      template(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
      // The channel is where its ARN is; its ARN attribute is still the custom resource's.
      expect(channel.env.account).toBe('123456789012');
      expect(channel.env.region).toBe('us-west-2');
      expect(stack.resolve(channel.channelArn)).toEqual({ Ref: expect.stringMatching(/^Channel/) });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('a channelName renames the adopted channel; the other props bring it to them', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { adoptChannelArn: CHANNEL_ARN, channelName: 'renamed', type: ChannelType.BASIC, authorized: true });
      template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { AdoptChannelArn: CHANNEL_ARN, Name: 'renamed', Type: 'BASIC', Authorized: true });
    });

    test('removalPolicy DESTROY is taken, with a warning that a rolled-back adoption deletes the channel', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { adoptChannelArn: CHANNEL_ARN, removalPolicy: RemovalPolicy.DESTROY });
      template(stack).hasResource(RESOURCE_TYPES.channel, { DeletionPolicy: 'Delete' });
      Annotations.fromStack(stack).hasWarning('/TestStack/Channel', `adoptChannelArn with removalPolicy DESTROY: if the deployment that adopts ${CHANNEL_ARN} `
        + 'rolls back, CloudFormation deletes that channel. Adopt with RETAIN (the default), and switch to DESTROY in a later deployment. '
        + '[ack: cdk-ivs:adoptWithDestroy]');
    });

    test('removalPolicy RETAIN given explicitly: no warning; a new channel never warns', () => {
      const stack = newStack();
      new Channel(stack, 'Adopted', { adoptChannelArn: CHANNEL_ARN, removalPolicy: RemovalPolicy.RETAIN });
      new Channel(stack, 'New', { removalPolicy: RemovalPolicy.DESTROY });
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-ivs:adoptWithDestroy'));
      expect(Object.values(resourcesOf(stack, RESOURCE_TYPES.channel)).map((r) => r.DeletionPolicy).sort()).toEqual(['Delete', 'Retain']);
    });

    test('a channel of another region: Region from the ARN', () => {
      const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Home', { env: { account: '123456789012', region: 'eu-west-1' } });
      new Channel(stack, 'Channel', { adoptChannelArn: CHANNEL_ARN });
      template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { AdoptChannelArn: CHANNEL_ARN, Region: 'us-west-2' });
    });

    test.each(['not-an-arn', 'arn:aws:ivs:us-west-2:123456789012:stream-key/abcdABCDefgh'])('refuses adoptChannelArn %j', (adoptChannelArn) => {
      const stack = newStack();
      expect(() => new Channel(stack, 'Channel', { adoptChannelArn }))
        .toThrow(`adoptChannelArn must be an IVS channel ARN (arn:<partition>:ivs:<region>:<account>:channel/<id>), got '${adoptChannelArn}'`);
    });

    test('a token ARN is adopted as it is', () => {
      const stack = newStack();
      new Channel(stack, 'Channel', { adoptChannelArn: Fn.importValue('Legacy') });
      const resource = onlyResource(stack, RESOURCE_TYPES.channel);
      expect(resource.Properties.AdoptChannelArn).toEqual({ 'Fn::ImportValue': 'Legacy' });
      expect(resource.Properties.Region).toBeUndefined();
      expect(resource.DeletionPolicy).toBe('Retain');
    });
  });

  describe('fromChannelAttributes', () => {
    test('imports a channel with the role that reaches it: no resource, its StreamKeys go through the role', () => {
      const stack = newStack();
      const role = 'arn:aws:iam::123456789012:role/ivs-access';
      const channel = Channel.fromChannelAttributes(stack, 'Imported', { channelArn: CHANNEL_ARN, assumedRoleArn: role, externalId: 'cdk-ivs' });
      expect(channel.channelArn).toBe(CHANNEL_ARN);
      expect(channel.env.account).toBe('123456789012');
      channel.addStreamKey('Key');
      const t = template(stack);
      t.resourceCountIs(RESOURCE_TYPES.channel, 0);
      t.hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: CHANNEL_ARN, RoleArn: role, ExternalId: 'cdk-ivs', Region: 'us-west-2' });
    });

    test('checks the ARN', () => {
      const stack = newStack();
      expect(() => Channel.fromChannelAttributes(stack, 'Imported', { channelArn: 'arn:aws:ivs:us-west-2:123456789012:channel/a_b' }))
        .toThrow(/channelArn must be an IVS channel ARN/);
    });
  });

  describe('fromChannelArn', () => {
    test('imports a channel without any resource; addStreamKey and grants work', () => {
      const stack = newStack();
      const channel = Channel.fromChannelArn(stack, 'Imported', CHANNEL_ARN);
      expect(channel.channelArn).toBe(CHANNEL_ARN);
      expect(channel.env.region).toBe('us-west-2');
      expect(channel.env.account).toBe('123456789012');
      const key = channel.addStreamKey('Key');
      expect(key).toBeInstanceOf(StreamKey);
      channel.grantPutMetadata(role(stack));
      const t = template(stack);
      t.resourceCountIs(RESOURCE_TYPES.channel, 0);
      t.hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: CHANNEL_ARN });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Action: 'ivs:PutMetadata', Resource: CHANNEL_ARN }] },
      });
    });

    test.each([
      ['not-an-arn'],
      ['arn:aws:s3:us-west-2:123456789012:channel/abc'],
      ['arn:aws:ivs:us-west-2:123456789012:stream-key/abc'],
      ['arn:aws:ivs:us-west-2:123456789012:channel/'],
      ['arn:aws:ivs:us-west-2:123456789012:channel/abc_def'],
      [`arn:aws:ivs:us-west-2:123456789012:channel/${'a'.repeat(128)}`],
    ])('rejects %s', (arn) => {
      const stack = newStack();
      expect(() => Channel.fromChannelArn(stack, 'Imported', arn)).toThrow(/channelArn must be/);
    });

    test('rejects a partly tokenized ARN of the wrong service or resource type', () => {
      const stack = newStack();
      expect(() => Channel.fromChannelArn(stack, 'A', `arn:aws:s3:${stack.region}:123456789012:channel/abc`))
        .toThrow(/channelArn must be an IVS channel ARN, got service 's3'/);
      expect(() => Channel.fromChannelArn(stack, 'B', `arn:aws:ivs:${stack.region}:123456789012:stream-key/abc`))
        .toThrow(/channelArn must be an IVS channel ARN, got resource type 'stream-key'/);
    });

    test('accepts a token ARN', () => {
      const stack = newStack();
      const channel = Channel.fromChannelArn(stack, 'Imported', Fn.importValue('ChannelArn'));
      expect(stack.resolve(channel.channelArn)).toEqual({ 'Fn::ImportValue': 'ChannelArn' });
    });
  });

  test('a token channel name is not checked at synth', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { channelName: Lazy.string({ produce: () => 'bad name!' }) });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Name: 'bad name!' });
  });

  test('the enums hold exactly the model values', () => {
    const values = (e: object) => Object.values(e).sort();
    expect(values(ChannelType)).toEqual([...IVS_SHAPES.ChannelType.enum!].sort());
    expect(values(LatencyMode)).toEqual([...IVS_SHAPES.ChannelLatencyMode.enum!].sort());
    expect(values(Preset)).toEqual([...IVS_SHAPES.TranscodePreset.enum!].sort());
    expect(values(ContainerFormat)).toEqual([...IVS_SHAPES.ContainerFormat.enum!].sort());
    expect(values(Policy)).toEqual([...IVS_SHAPES.MultitrackPolicy.enum!].sort());
    expect(values(MaximumResolution)).toEqual([...IVS_SHAPES.MultitrackMaximumResolution.enum!].sort());
  });

  test('property injectors reach the props (PROPERTY_INJECTION_ID)', () => {
    const stack = newStack();
    PropertyInjectors.of(stack).add({
      constructUniqueId: Channel.PROPERTY_INJECTION_ID,
      inject: (props: ChannelProps) => ({ authorized: true, ...props }),
    });
    new Channel(stack, 'Channel');
    expect(Channel.PROPERTY_INJECTION_ID).toBe('cdk-ivs.Channel');
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Authorized: true });
  });
});
