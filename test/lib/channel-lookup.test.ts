import { CfnOutput, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CHANNEL_LOOKUP_FIELDS, LOOKUP_ATTRIBUTES, RESOURCE_TYPES, SECRET_OWNER_TAG } from '../../lib/contract';
import { ChannelLookup, DeployTimeChannel, StreamKey } from '../../lib';
import { onlyResource, resourcesOf, template } from './helpers';
import { envStack, HOME, HOME_CHANNEL, OTHER_ACCOUNT, OTHER_CHANNEL, OTHER_ROLE, providerStatements } from './target-helpers';

/** `count` distinct channel ARNs of the stack's account and region. */
function channelArns(count: number, region: string = HOME.region, account: string = HOME.account): string[] {
  return Array.from({ length: count }, (_, i) => `arn:aws:ivs:${region}:${account}:channel/chan${String(i).padStart(8, '0')}`);
}

/** The lookup's custom resource: its logical ID and properties. */
function lookupResource(stack: Stack): { id: string; props: any } {
  const resources = resourcesOf(stack, RESOURCE_TYPES.channelLookup);
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return { id: ids[0], props: resources[ids[0]].Properties };
}

/** Every attribute getter of a DeployTimeChannel, with the attribute it reads. */
const GETTERS: Array<[keyof DeployTimeChannel, string]> = [
  ['channelName', 'Name'],
  ['channelType', 'Type'],
  ['channelLatencyMode', 'LatencyMode'],
  ['channelAuthorized', 'Authorized'],
  ['channelInsecureIngest', 'InsecureIngest'],
  ['channelPreset', 'Preset'],
  ['channelRecordingConfigurationArn', 'RecordingConfigurationArn'],
  ['channelPlaybackRestrictionPolicyArn', 'PlaybackRestrictionPolicyArn'],
  ['channelAdConfigurationArn', 'AdConfigurationArn'],
  ['channelContainerFormat', 'ContainerFormat'],
  ['channelMultitrackEnabled', 'MultitrackEnabled'],
  ['channelMultitrackPolicy', 'MultitrackPolicy'],
  ['channelMultitrackMaximumResolution', 'MultitrackMaximumResolution'],
  ['channelIngestEndpoint', 'IngestEndpoint'],
  ['channelRtmpsIngestUrl', 'RtmpsIngestUrl'],
  ['channelSrtEndpoint', 'SrtEndpoint'],
  ['channelPlaybackUrl', 'PlaybackUrl'],
  ['streamKeyArn', 'StreamKeyArn'],
  ['streamKeyValue', 'StreamKeyValue'],
];

/** Reads every attribute getter of a channel. */
function readAll(channel: DeployTimeChannel): void {
  for (const [getter] of GETTERS) void channel[getter];
}

describe('ChannelLookup', () => {
  test('defaults: the ARNs only, no attribute, no secret, no refresh, nothing to reach elsewhere', () => {
    // GIVEN
    const stack = envStack();
    // WHEN
    new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL] });
    // THEN
    expect(lookupResource(stack).props).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '600',
      CodeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      ChannelArns: [HOME_CHANNEL],
    });
    template(stack).resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('one DeployTimeChannel per ARN, in order, in the environment of its ARN', () => {
    const stack = envStack();
    const arns = channelArns(3);
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: arns });
    expect(lookup.channels.map((c) => c.channelArn)).toEqual(arns);
    expect(lookup.channels.every((c) => c instanceof DeployTimeChannel)).toBe(true);
    expect(lookup.channel(arns[1])).toBe(lookup.channels[1]);
    const other = new ChannelLookup(stack, 'Other', { channelArns: [OTHER_CHANNEL], assumedRoleArn: OTHER_ROLE });
    expect(other.channels[0].env).toEqual(expect.objectContaining({ account: OTHER_ACCOUNT, region: HOME.region }));
  });

  test('channel() refuses an ARN the lookup does not read', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL] });
    expect(() => lookup.channel(OTHER_CHANNEL)).toThrow(`channelArn ${OTHER_CHANNEL} is not one of this lookup's channelArns`);
  });

  test('every getter reads its attribute of its channel with Fn::GetAtt <index>.<attribute>', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(2) });
    const { id } = lookupResource(stack);
    for (const [getter, attribute] of GETTERS) {
      expect(stack.resolve(lookup.channels[1][getter])).toEqual({ 'Fn::GetAtt': [id, `1.${attribute}`] });
      expect(Object.keys(LOOKUP_ATTRIBUTES)).toContain(attribute);
    }
    // Every attribute of the contract but the ARN (the lookup's own input) has a getter.
    expect(GETTERS.map(([, attribute]) => attribute).sort()).toEqual(Object.keys(LOOKUP_ATTRIBUTES).filter((a) => a !== 'Arn').sort());
  });

  test('only the attributes the app references travel, once each, sorted', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(3) });
    const [first, , third] = lookup.channels;
    new CfnOutput(stack, 'Url', { value: third.channelPlaybackUrl });
    new CfnOutput(stack, 'Name', { value: first.channelName });
    new CfnOutput(stack, 'NameAgain', { value: first.channelName });
    new CfnOutput(stack, 'Type', { value: third.channelType });
    expect(lookupResource(stack).props.Attributes).toEqual(['0.Name', '2.PlaybackUrl', '2.Type']);
  });

  test('attributes referenced after other constructs still reach the property (resolved at synth)', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(1) });
    new StreamKey(stack, 'Key', { channel: lookup.channels[0] });
    new CfnOutput(stack, 'Endpoint', { value: lookup.channels[0].channelSrtEndpoint });
    expect(lookupResource(stack).props.Attributes).toEqual(['0.SrtEndpoint']);
  });

  test('the names the handler checks: every property in the contract, every attribute <index below the count>.<attribute>', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(2), storeStreamKeysInSecrets: true, refreshOnEveryDeploy: true });
    lookup.channels.forEach(readAll);
    const { props } = lookupResource(stack);
    for (const name of Object.keys(props)) {
      if (!['ServiceToken', 'ServiceTimeout'].includes(name)) expect(Object.keys(CHANNEL_LOOKUP_FIELDS)).toContain(name);
    }
    const pattern = new RegExp(`^[01]\\.(${Object.keys(LOOKUP_ATTRIBUTES).join('|')})$`);
    expect(props.Attributes).toHaveLength(2 * GETTERS.length);
    for (const name of props.Attributes) expect(name).toMatch(pattern);
  });

  test('streamKeyValue asks for the value (the handler then answers with NoEcho), and never puts one in the template', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL] });
    new CfnOutput(stack, 'Key', { value: lookup.channels[0].streamKeyValue });
    const { id, props } = lookupResource(stack);
    expect(props.Attributes).toEqual(['0.StreamKeyValue']);
    template(stack).hasOutput('Key', { Value: { 'Fn::GetAtt': [id, '0.StreamKeyValue'] } });
    const text = JSON.stringify(template(stack).toJSON());
    expect(text).not.toMatch(/sk_[a-z]{2}-/);
    expect(text).not.toContain('SecretString');
  });

  describe('secrets', () => {
    test('storeStreamKeysInSecrets: one empty, owner-tagged secret per channel, by index', () => {
      const stack = envStack();
      const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(2), storeStreamKeysInSecrets: true });
      const t = template(stack);
      t.resourceCountIs('AWS::SecretsManager::Secret', 2);
      const secrets = resourcesOf(stack, 'AWS::SecretsManager::Secret');
      for (const secret of Object.values(secrets)) {
        expect(secret.Properties.SecretString).toBeUndefined();
        expect(secret.Properties.GenerateSecretString).toBeUndefined();
        expect(secret.Properties.Tags).toEqual([{ Key: SECRET_OWNER_TAG, Value: { Ref: 'AWS::StackId' } }]);
        expect(secret.DeletionPolicy).toBe('Delete');
      }
      expect(lookupResource(stack).props.SecretArns).toEqual({
        0: stack.resolve(lookup.channels[0].secret.secretArn),
        1: stack.resolve(lookup.channels[1].secret.secretArn),
      });
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: 'Amazon IVS stream key of looked-up channel Home/Lookup/Channel1',
      });
    });

    test('reading one channel\'s secret creates that secret only, once', () => {
      const stack = envStack();
      const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(3) });
      expect(lookup.channels[2].secret).toBe(lookup.channels[2].secret);
      template(stack).resourceCountIs('AWS::SecretsManager::Secret', 1);
      expect(lookupResource(stack).props.SecretArns).toEqual({ 2: { Ref: expect.stringMatching(/^LookupChannel2Secret/) } });
    });

    test('grantReadStreamKey grants read on that channel\'s secret', () => {
      const stack = envStack();
      const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(2) });
      const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      lookup.channels[1].grantReadStreamKey(reader);
      template(stack).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('^LookupChannel1Secret') },
          }],
        },
      });
    });

    test('removalPolicy reaches the secrets', () => {
      const stack = envStack();
      new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(1), storeStreamKeysInSecrets: true, removalPolicy: RemovalPolicy.RETAIN });
      template(stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    test('refuses RemovalPolicy.SNAPSHOT', () => {
      const stack = envStack();
      expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(1), removalPolicy: RemovalPolicy.SNAPSHOT }))
        .toThrow(/removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got 'snapshot'/);
    });

    test('a lookup in another account keeps its secrets in this stack, written with the provider\'s own permission', () => {
      const stack = envStack();
      new ChannelLookup(stack, 'Lookup', { channelArns: [OTHER_CHANNEL], assumedRoleArn: OTHER_ROLE, storeStreamKeysInSecrets: true });
      template(stack).resourceCountIs('AWS::SecretsManager::Secret', 1);
      expect(providerStatements(stack).find((s) => s.Sid === 'OwnSecrets').Condition)
        .toEqual({ StringEquals: { [`secretsmanager:ResourceTag/${SECRET_OWNER_TAG}`]: { Ref: 'AWS::StackId' } } });
    });
  });

  describe('refreshOnEveryDeploy', () => {
    afterEach(() => jest.useRealTimers());

    test('Refresh holds the synth time, so every synth changes the property', () => {
      jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.089Z') });
      const first = envStack();
      new ChannelLookup(first, 'Lookup', { channelArns: [HOME_CHANNEL], refreshOnEveryDeploy: true });
      expect(lookupResource(first).props.Refresh).toBe('2026-03-04T05:06:07.089Z');
      jest.setSystemTime(new Date('2026-03-04T05:06:08.000Z'));
      const second = envStack();
      new ChannelLookup(second, 'Lookup', { channelArns: [HOME_CHANNEL], refreshOnEveryDeploy: true });
      expect(lookupResource(second).props.Refresh).toBe('2026-03-04T05:06:08.000Z');
    });

    test('without it, the property is the same at every synth', () => {
      jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.089Z') });
      const first = envStack();
      new ChannelLookup(first, 'Lookup', { channelArns: [HOME_CHANNEL], refreshOnEveryDeploy: false });
      jest.setSystemTime(new Date('2027-01-01T00:00:00.000Z'));
      const second = envStack();
      new ChannelLookup(second, 'Lookup', { channelArns: [HOME_CHANNEL] });
      expect(lookupResource(first).props.Refresh).toBeUndefined();
      expect(lookupResource(first).props).toEqual(lookupResource(second).props);
    });
  });

  describe('targets', () => {
    test('channels of another region: Region from their ARNs, and that region\'s IVS permissions', () => {
      const stack = envStack();
      new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(2, 'eu-west-1') });
      expect(lookupResource(stack).props.Region).toBe('eu-west-1');
      const batchGet = providerStatements(stack).filter((s) => s.Sid === undefined && s.Action.includes('ivs:BatchGetChannel'));
      expect(JSON.stringify(batchGet)).toContain(':ivs:eu-west-1:');
    });

    test('the region of the first concrete ARN, when others are tokens', () => {
      const stack = envStack();
      new ChannelLookup(stack, 'Lookup', { channelArns: [Fn.importValue('Channel'), channelArns(1, 'eu-west-1')[0]] });
      expect(lookupResource(stack).props.Region).toBe('eu-west-1');
    });

    test('another account through a role: RoleArn, ExternalId and sts:AssumeRole on that role, no warning', () => {
      const stack = envStack();
      new ChannelLookup(stack, 'Lookup', { channelArns: [OTHER_CHANNEL], assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs-lookup' });
      const { props } = lookupResource(stack);
      expect(props.RoleArn).toBe(OTHER_ROLE);
      expect(props.ExternalId).toBe('cdk-ivs-lookup');
      expect(props.Region).toBeUndefined();
      expect(providerStatements(stack)).toContainEqual({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE });
    });
  });

  describe('validation', () => {
    test.each([
      [[], '0'],
      [channelArns(51), '51'],
      [undefined, 'undefined'],
    ])('refuses channelArns of %#', (arns, got) => {
      const stack = envStack();
      expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: arns as any }))
        .toThrow(`channelArns must hold 1 to 50 channel ARNs (one BatchGetChannel), got ${got}`);
    });

    test('takes 50 channels', () => {
      const stack = envStack();
      const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(50) });
      expect(lookup.channels).toHaveLength(50);
      expect(lookupResource(stack).props.ChannelArns).toHaveLength(50);
    });

    test('names a bad ARN by its index', () => {
      const stack = envStack();
      const bad = 'arn:aws:ivs:us-west-2:111111111111:stream-key/abcdABCDefgh';
      expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL, bad] }))
        .toThrow(`channelArns[1] must be an IVS channel ARN (arn:<partition>:ivs:<region>:<account>:channel/<id>), got '${bad}'`);
      expect(() => new ChannelLookup(stack, 'Tokens', { channelArns: [`arn:aws:s3:${stack.region}:${Fn.importValue('A')}:channel/x`] }))
        .toThrow("channelArns[0] must be an IVS channel ARN, got service 's3'");
    });

    test('refuses an ARN named twice', () => {
      const stack = envStack();
      expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL, channelArns(1)[0], HOME_CHANNEL] }))
        .toThrow(`channelArns names ${HOME_CHANNEL} twice`);
    });

    test('refuses ARNs of two accounts or two regions (one BatchGetChannel reaches one of each)', () => {
      const stack = envStack();
      expect(() => new ChannelLookup(stack, 'Accounts', { channelArns: [HOME_CHANNEL, OTHER_CHANNEL] }))
        .toThrow(`channelArns must all be in one account (one ChannelLookup per account), got ${HOME.account}, ${OTHER_ACCOUNT}`);
      expect(() => new ChannelLookup(stack, 'Regions', { channelArns: [HOME_CHANNEL, channelArns(1, 'eu-west-1')[0]] }))
        .toThrow(`channelArns must all be in one region (one ChannelLookup per region), got ${HOME.region}, eu-west-1`);
    });

    test('token ARNs are taken unchecked (the handler checks them at deploy)', () => {
      const stack = envStack();
      const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: [Fn.importValue('A'), Fn.importValue('A'), HOME_CHANNEL] });
      expect(lookup.channels).toHaveLength(3);
      expect(lookupResource(stack).props.ChannelArns).toEqual([{ 'Fn::ImportValue': 'A' }, { 'Fn::ImportValue': 'A' }, HOME_CHANNEL]);
    });
  });

  describe('response size', () => {
    test('18 channels\' playback URLs fit; a 19th would not, and synth says how many bytes it may need', () => {
      const fits = envStack();
      const lookup = new ChannelLookup(fits, 'Lookup', { channelArns: channelArns(18) });
      lookup.channels.forEach((c) => new CfnOutput(fits, `Url${c.node.id}`, { value: c.channelPlaybackUrl }));
      expect(lookupResource(fits).props.Attributes).toHaveLength(18);

      const over = envStack();
      const big = new ChannelLookup(over, 'Lookup', { channelArns: channelArns(19) });
      big.channels.forEach((c) => new CfnOutput(over, `Url${c.node.id}`, { value: c.channelPlaybackUrl }));
      // Per attribute: `"<name>":"<value>",` with the longest value; 10 names of 13 characters, 9 of 14.
      expect(() => template(over)).toThrow('the 19 attributes this app references may need up to 3410 bytes in the lookup\'s response, over the 3400 '
        + 'that CloudFormation\'s 4 KB response limit leaves: split the channels over several ChannelLookups');
    });

    test('an RTMPS URL counts at least as much as the ingest endpoint it is built from (rtmps://<endpoint>:443/app/)', () => {
      /** The bytes the check counts for one attribute of 50 channels. */
      const bytesOf = (attribute: 'channelIngestEndpoint' | 'channelRtmpsIngestUrl'): number => {
        const stack = envStack();
        new ChannelLookup(stack, 'Lookup', { channelArns: channelArns(50) }).channels.forEach((c) => void c[attribute]);
        const message = (() => {
          try {
            template(stack);
          } catch (error) {
            return (error as Error).message;
          }
          throw new Error('expected the size check to fail');
        })();
        return Number(/may need up to ([0-9]+) bytes/.exec(message)![1]);
      };
      // Both attribute names have 14 characters: the difference is the values'.
      expect(bytesOf('channelRtmpsIngestUrl') - bytesOf('channelIngestEndpoint')).toBeGreaterThanOrEqual(50 * 'rtmps://:443/app/'.length);
    });

    test('every attribute of two channels fits, of three does not; secrets cost nothing', () => {
      const two = envStack();
      new ChannelLookup(two, 'Lookup', { channelArns: channelArns(2), storeStreamKeysInSecrets: true }).channels.forEach(readAll);
      expect(onlyResource(two, RESOURCE_TYPES.channelLookup).Properties.Attributes).toHaveLength(38);

      const three = envStack();
      new ChannelLookup(three, 'Lookup', { channelArns: channelArns(3) }).channels.forEach(readAll);
      expect(() => template(three)).toThrow(/the 57 attributes this app references may need up to 4758 bytes/);
    });
  });

  test('grant and grantPutMetadata act on the looked-up ARN', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL] });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    lookup.channels[0].grantPutMetadata(reader);
    template(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ivs:PutMetadata', Effect: 'Allow', Resource: HOME_CHANNEL }] },
    });
  });
});
