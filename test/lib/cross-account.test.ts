import { Aws, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RESOURCE_TYPES } from '../../lib/contract';
import { ivsStatements, providerPolicyStatements } from '../../lib/provider';
import {
  Channel,
  ChannelLookup,
  CrossAccountAccess,
  IChannel,
  IvsCrossAccountRole,
  PlaybackKeyPair,
  StreamKey,
} from '../../lib';
import { newStack, onlyResource, template } from './helpers';
import { assumeRoleStatements, envStack, HOME, HOME_CHANNEL, OTHER_ACCOUNT, OTHER_CHANNEL, OTHER_ROLE, providerStatements } from './target-helpers';

/** The inline policy statements of the only IvsCrossAccountRole's role. */
function roleStatements(stack: Stack): any[] {
  return onlyResource(stack, 'AWS::IAM::Role').Properties.Policies[0].PolicyDocument.Statement;
}

/** IVS ARNs of one resource type in the role stack's own account, in a region (a token by default). */
function ownArns(stack: Stack, type: string, region: string = Aws.REGION): unknown {
  return stack.resolve(`arn:${Aws.PARTITION}:ivs:${region}:${Aws.ACCOUNT_ID}:${type}/*`);
}

/** Regional IVS statements as the provider receives them for another region (no Sid: one policy). */
function regionStatements(stack: Stack, region: string): any[] {
  return stack.resolve(ivsStatements({ regions: [region] }).map(({ Sid: _sid, ...statement }) => statement));
}

const UNREACHABLE = /is in account 222222222222, but this stack's cdk-ivs provider runs in account 111111111111 and cannot reach it: give assumedRoleArn/;

describe('IvsCrossAccountRole', () => {
  test('LOOKUP (default): trusted by the account only with the external ID; reads channels and stream keys of its own account', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const access = new IvsCrossAccountRole(stack, 'Access', { trustedAccount: OTHER_ACCOUNT, externalId: 'cdk-ivs-lookup' });
    // THEN
    const role = onlyResource(stack, 'AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: stack.resolve(new iam.AccountPrincipal(OTHER_ACCOUNT).arn) },
      Condition: { StringEquals: { 'sts:ExternalId': 'cdk-ivs-lookup' } },
    }]);
    expect(role.Properties.Description).toBe(`cdk-ivs provider access (LOOKUP) for ${OTHER_ACCOUNT}`);
    expect(role.Properties.RoleName).toBeUndefined();
    expect(roleStatements(stack)).toEqual([
      // (IAM's rendering: a list of one resource becomes that resource)
      { Sid: 'IvsChannels', Effect: 'Allow', Action: ['ivs:GetChannel', 'ivs:BatchGetChannel', 'ivs:ListStreamKeys'], Resource: ownArns(stack, 'channel') },
      {
        Sid: 'IvsStreamKeys',
        Effect: 'Allow',
        Action: ['ivs:ListStreamKeys', 'ivs:GetStreamKey', 'ivs:BatchGetStreamKey'],
        Resource: ownArns(stack, 'stream-key'),
      },
    ]);
    expect(stack.resolve(access.roleArn)).toEqual(stack.resolve(access.role.roleArn));
    expect(stack.resolve(access.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AccessRole/), 'Arn'] });
  });

  test('LOOKUP grants no write action', () => {
    const stack = newStack();
    new IvsCrossAccountRole(stack, 'Access', { trustedAccount: OTHER_ACCOUNT, externalId: 'cdk-ivs-lookup' });
    const actions = roleStatements(stack).flatMap((s) => s.Action);
    for (const action of actions) expect(action).toMatch(/^ivs:(Get|BatchGet|List)/);
  });

  test('MANAGE: every IVS action the provider calls, on IVS ARNs of its own account in each region', () => {
    const stack = newStack();
    new IvsCrossAccountRole(stack, 'Access', {
      trustedAccount: OTHER_ACCOUNT,
      externalId: 'cdk-ivs-manage',
      access: CrossAccountAccess.MANAGE,
      regions: ['us-west-2', 'eu-west-1'],
      roleName: 'cdk-ivs-manage',
    });
    const role = onlyResource(stack, 'AWS::IAM::Role');
    expect(role.Properties.RoleName).toBe('cdk-ivs-manage');
    expect(role.Properties.Description).toBe(`cdk-ivs provider access (MANAGE) for ${OTHER_ACCOUNT}`);
    const statements = roleStatements(stack);
    expect(statements).toEqual(stack.resolve(ivsStatements({ regions: ['us-west-2', 'eu-west-1'] })));
    expect(statements.map((s) => s.Sid)).toEqual(['IvsChannels', 'IvsStreamKeys', 'IvsPlaybackKeyPairs']);
    expect(statements.find((s) => s.Sid === 'IvsChannels').Resource).toEqual([ownArns(stack, 'channel', 'us-west-2'), ownArns(stack, 'channel', 'eu-west-1')]);
    // Every IVS action of the provider's own policy, the list actions of a retried create on the ARNs they list.
    const providerIvsActions = providerPolicyStatements().flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('ivs:'));
    expect([...new Set(statements.flatMap((st) => st.Action))].sort()).toEqual([...new Set(providerIvsActions)].sort());
    expect(statements.find((st) => st.Sid === 'IvsChannels').Action).toContain('ivs:ListChannels');
    expect(statements.find((st) => st.Sid === 'IvsPlaybackKeyPairs').Action).toContain('ivs:ListPlaybackKeyPairs');
    expect(statements.filter((st) => [st.Resource].flat().includes('*'))).toEqual([]);
    // Secrets stay in the provider's own account: the role grants nothing else.
    expect(statements.flatMap((s) => s.Action).every((a: string) => a.startsWith('ivs:'))).toBe(true);
  });

  test('regions default to the role stack\'s region', () => {
    const stack = newStack();
    new IvsCrossAccountRole(stack, 'Access', { trustedAccount: OTHER_ACCOUNT, externalId: 'cdk-ivs-manage', access: CrossAccountAccess.MANAGE });
    const statements = roleStatements(stack);
    expect(statements.find((s) => s.Sid === 'IvsPlaybackKeyPairs').Resource).toEqual(ownArns(stack, 'playback-key'));
    expect(statements.find((s) => s.Sid === 'IvsChannels').Resource).toEqual(ownArns(stack, 'channel'));
  });

  test('trustedPrincipal narrows the trust to one principal, still with the external ID', () => {
    const stack = newStack();
    const principal = new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:role/cdk-ivs-provider`);
    new IvsCrossAccountRole(stack, 'Access', { trustedPrincipal: principal, externalId: 'cdk-ivs-lookup' });
    const role = onlyResource(stack, 'AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/cdk-ivs-provider` },
      Condition: { StringEquals: { 'sts:ExternalId': 'cdk-ivs-lookup' } },
    }]);
    expect(role.Properties.Description).toBe('cdk-ivs provider access (LOOKUP) for a trusted principal');
  });

  test('a token trustedAccount and a token externalId are taken as they are', () => {
    const stack = newStack();
    new IvsCrossAccountRole(stack, 'Access', { trustedAccount: Fn.importValue('Account'), externalId: Fn.importValue('ExternalId') });
    const statement = onlyResource(stack, 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument.Statement[0];
    expect(JSON.stringify(statement.Principal)).toContain('{"Fn::ImportValue":"Account"}');
    expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': { 'Fn::ImportValue': 'ExternalId' } } });
  });

  test.each([
    [{}, 'neither'],
    [{ trustedAccount: OTHER_ACCOUNT, trustedPrincipal: new iam.AccountRootPrincipal() }, 'both'],
  ])('refuses %j: exactly one of trustedAccount and trustedPrincipal', (trust, got) => {
    const stack = newStack();
    expect(() => new IvsCrossAccountRole(stack, 'Access', { ...trust, externalId: 'cdk-ivs' }))
      .toThrow(new RegExp(`give exactly one of trustedAccount and trustedPrincipal, got ${got}`));
  });

  test.each(['12345', '2222222222222', 'abcdefghijkl', ' 222222222222'])('refuses trustedAccount %j', (account) => {
    const stack = newStack();
    expect(() => new IvsCrossAccountRole(stack, 'Access', { trustedAccount: account, externalId: 'cdk-ivs' }))
      .toThrow(`trustedAccount must be a 12-digit account ID, got '${account}'`);
  });

  test.each([
    ['x', 'x'],
    ['has space', 'has space'],
    ['semi;colon', 'semi;colon'],
    ['a'.repeat(1225), 'a'.repeat(40)],
  ])('refuses externalId %#', (externalId, shown) => {
    const stack = newStack();
    expect(() => new IvsCrossAccountRole(stack, 'Access', { trustedAccount: OTHER_ACCOUNT, externalId }))
      .toThrow(`externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-_, got '${shown}'`);
  });

  test('takes an external ID of 2 and of 1224 characters of every allowed kind', () => {
    const stack = newStack();
    new IvsCrossAccountRole(stack, 'Short', { trustedAccount: OTHER_ACCOUNT, externalId: 'ab' });
    new IvsCrossAccountRole(stack, 'Long', { trustedAccount: OTHER_ACCOUNT, externalId: 'aZ0_+=,.@:/-'.repeat(102) });
    template(stack).resourceCountIs('AWS::IAM::Role', 2);
  });
});

describe('targets: RoleArn / ExternalId / Region', () => {
  test('the stack\'s own account and region: no target property, no extra permission', () => {
    const stack = envStack();
    new Channel(stack, 'Channel', { region: HOME.region });
    new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL] });
    for (const type of [RESOURCE_TYPES.channel, RESOURCE_TYPES.channelLookup]) {
      const props = onlyResource(stack, type).Properties;
      expect(props.RoleArn).toBeUndefined();
      expect(props.ExternalId).toBeUndefined();
      expect(props.Region).toBeUndefined();
    }
    const plain = envStack();
    new Channel(plain, 'Channel');
    expect(providerStatements(stack)).toEqual(providerStatements(plain));
  });

  test('a role: RoleArn and ExternalId, sts:AssumeRole on exactly that role, the channel in the role\'s account', () => {
    const stack = envStack();
    const channel = new Channel(stack, 'Channel', { assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs-manage' });
    const props = onlyResource(stack, RESOURCE_TYPES.channel).Properties;
    expect(props.RoleArn).toBe(OTHER_ROLE);
    expect(props.ExternalId).toBe('cdk-ivs-manage');
    expect(props.Region).toBeUndefined();
    expect(assumeRoleStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE }]);
    expect(channel.env.account).toBe(OTHER_ACCOUNT);
    // The role's permissions apply there: the provider gets no IVS statement of another region.
    expect(providerStatements(stack).filter((s) => s.Sid === undefined)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE }]);
  });

  test('one sts:AssumeRole statement per role, however many constructs name it', () => {
    const stack = envStack();
    const second = 'arn:aws:iam::333333333333:role/ivs-access';
    new Channel(stack, 'A', { assumedRoleArn: OTHER_ROLE });
    new Channel(stack, 'B', { assumedRoleArn: OTHER_ROLE, externalId: 'other-id' });
    new PlaybackKeyPair(stack, 'Pair', { assumedRoleArn: OTHER_ROLE });
    new Channel(stack, 'C', { assumedRoleArn: second });
    expect(assumeRoleStatements(stack)).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: second },
    ]);
  });

  test('another stack\'s grants do not count: each stack\'s provider gets its own statement', () => {
    const stack = envStack();
    const other = new Stack(stack.node.scope!, 'Other', { env: HOME });
    new Channel(stack, 'A', { assumedRoleArn: OTHER_ROLE });
    new Channel(other, 'B', { assumedRoleArn: OTHER_ROLE });
    expect(assumeRoleStatements(stack)).toHaveLength(1);
    expect(assumeRoleStatements(other)).toHaveLength(1);
  });

  test('another region of the stack\'s account: Region, and the IVS statements of that region once', () => {
    const stack = envStack();
    const channel = new Channel(stack, 'Channel', { region: 'eu-west-1' });
    new PlaybackKeyPair(stack, 'Pair', { region: 'eu-west-1' });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Region: 'eu-west-1', RoleArn: Match.absent() });
    template(stack).hasResourceProperties(RESOURCE_TYPES.playbackKeyPair, { Region: 'eu-west-1' });
    expect(channel.env.region).toBe('eu-west-1');
    const extra = providerStatements(stack).filter((s) => s.Sid === undefined);
    // ListChannels / ListPlaybackKeyPairs (after a retried create) among them, on that region's ARNs.
    expect(extra).toEqual(regionStatements(stack, 'eu-west-1'));
    expect(extra.map((st) => [st.Resource].flat()[0]['Fn::Join'][1])).toEqual(['channel', 'stream-key', 'playback-key'].map((type) => [
      'arn:', { Ref: 'AWS::Partition' }, ':ivs:eu-west-1:', { Ref: 'AWS::AccountId' }, `:${type}/*`,
    ]));
    expect(assumeRoleStatements(stack)).toEqual([]);
  });

  test('a role and a region: Region with the role, sts:AssumeRole only', () => {
    const stack = envStack();
    new Channel(stack, 'Channel', { assumedRoleArn: OTHER_ROLE, region: 'ap-northeast-1' });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { RoleArn: OTHER_ROLE, Region: 'ap-northeast-1' });
    expect(providerStatements(stack).filter((s) => s.Sid === undefined)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE }]);
  });

  test('an env-agnostic stack keeps a given region (its own is unknown at synth)', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { region: HOME.region });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { Region: HOME.region });
  });

  test('token role, external ID and region are passed on unchecked', () => {
    const stack = envStack();
    new Channel(stack, 'Channel', {
      assumedRoleArn: Fn.importValue('Role'),
      externalId: Fn.importValue('ExternalId'),
      region: Lazy.string({ produce: () => 'eu-central-1' }),
    });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, {
      RoleArn: { 'Fn::ImportValue': 'Role' },
      ExternalId: { 'Fn::ImportValue': 'ExternalId' },
      Region: 'eu-central-1',
    });
    expect(assumeRoleStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::ImportValue': 'Role' } }]);
  });

  test.each([
    ['arn:aws-cn:iam::222222222222:role/ivs', 'cn-north-1'],
    ['arn:aws-us-gov:iam::222222222222:role/path/to/ivs+=,.@-_', 'us-gov-west-1'],
    ['arn:aws-iso:iam::222222222222:role/ivs', 'us-iso-east-1'],
    ['arn:aws-iso-b:iam::222222222222:role/ivs', 'us-isob-east-1'],
    ['arn:aws-iso-e:iam::222222222222:role/ivs', 'eu-isoe-west-1'],
    ['arn:aws-iso-f:iam::222222222222:role/ivs', 'us-isof-south-1'],
    ['arn:aws-eusc:iam::222222222222:role/ivs', 'eusc-de-east-1'],
  ])('takes role %s in region %s', (assumedRoleArn, region) => {
    const stack = envStack();
    new Channel(stack, 'Channel', { assumedRoleArn, region });
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { RoleArn: assumedRoleArn, Region: region });
  });

  test('refuses externalId without assumedRoleArn', () => {
    const stack = envStack();
    expect(() => new Channel(stack, 'Channel', { externalId: 'cdk-ivs' }))
      .toThrow('externalId is only used with assumedRoleArn, got no assumedRoleArn');
  });

  test('refuses a bad externalId', () => {
    const stack = envStack();
    expect(() => new Channel(stack, 'Channel', { assumedRoleArn: OTHER_ROLE, externalId: 'no spaces' }))
      .toThrow("externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-_, got 'no spaces'");
  });

  test.each(['uswest2', 'US-WEST-2', 'us-west', 'us-west-22', 'arn:aws:ivs:us-west-2'])('refuses region %j', (region) => {
    const stack = envStack();
    expect(() => new Channel(stack, 'Channel', { region })).toThrow(`region must be an AWS region such as us-west-2, got '${region}'`);
  });

  test.each([
    'arn:aws:iam::222222222222:user/bob',
    'arn:aws:iam::2222:role/ivs',
    'arn:aws:sts::222222222222:assumed-role/ivs/session',
    'arn:aws:iam::222222222222:role/',
    'arn:awsx:iam::222222222222:role/ivs',
    'arn:aws-mars:iam::222222222222:role/ivs',
    'ivs-access',
  ])('refuses assumedRoleArn %j', (assumedRoleArn) => {
    const stack = envStack();
    expect(() => new Channel(stack, 'Channel', { assumedRoleArn }))
      .toThrow(`assumedRoleArn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got '${assumedRoleArn}'`);
  });

  test('refuses a role of another account than the ARN it acts on', () => {
    const stack = envStack();
    expect(() => new Channel(stack, 'Adopt', { adoptChannelArn: HOME_CHANNEL, assumedRoleArn: OTHER_ROLE }))
      .toThrow(`${HOME_CHANNEL} is in account ${HOME.account}, but assumedRoleArn ${OTHER_ROLE} is a role of account ${OTHER_ACCOUNT}`);
    expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: [HOME_CHANNEL], assumedRoleArn: OTHER_ROLE }))
      .toThrow(`${HOME_CHANNEL} is in account ${HOME.account}, but assumedRoleArn ${OTHER_ROLE} is a role of account ${OTHER_ACCOUNT}`);
    const imported = Channel.fromChannelArn(stack, 'Imported', HOME_CHANNEL);
    expect(() => new StreamKey(stack, 'Key', { channel: imported, assumedRoleArn: OTHER_ROLE }))
      .toThrow(`${HOME_CHANNEL} is in account ${HOME.account}, but assumedRoleArn ${OTHER_ROLE} is a role of account ${OTHER_ACCOUNT}`);
  });

  test('refuses a region other than that of the ARN it acts on (IVS serves a resource in its own region only)', () => {
    const stack = envStack();
    const euChannel = `arn:aws:ivs:eu-west-1:${HOME.account}:channel/abcdABCDefgh`;
    expect(() => new Channel(stack, 'Adopt', { adoptChannelArn: euChannel, region: 'eu-central-1' }))
      .toThrow(`${euChannel} is in region eu-west-1, but region is eu-central-1`);
    expect(() => new ChannelLookup(stack, 'Lookup', { channelArns: [euChannel], region: HOME.region }))
      .toThrow(`${euChannel} is in region eu-west-1, but region is ${HOME.region}`);
    const imported = Channel.fromChannelArn(stack, 'Imported', euChannel);
    expect(() => new StreamKey(stack, 'Key', { channel: imported, region: HOME.region }))
      .toThrow(`${euChannel} is in region eu-west-1, but region is ${HOME.region}`);
  });
});

describe('unreachable accounts', () => {
  test('an ARN of another account with no role warns, naming both accounts', () => {
    const stack = envStack();
    Channel.fromChannelArn(stack, 'Imported', OTHER_CHANNEL);
    new ChannelLookup(stack, 'Lookup', { channelArns: [OTHER_CHANNEL] });
    new Channel(stack, 'Adopt', { adoptChannelArn: OTHER_CHANNEL });
    const annotations = Annotations.fromStack(stack);
    for (const path of ['/Home/Imported', '/Home/Lookup', '/Home/Adopt']) {
      annotations.hasWarning(path, Match.stringLikeRegexp(UNREACHABLE.source));
      annotations.hasWarning(path, Match.stringLikeRegexp('cdk-ivs:unreachableAccount'));
    }
  });

  test('no warning with a role, in the stack\'s account, or where the stack\'s account is unknown', () => {
    const stack = envStack();
    Channel.fromChannelAttributes(stack, 'WithRole', { channelArn: OTHER_CHANNEL, assumedRoleArn: OTHER_ROLE });
    Channel.fromChannelArn(stack, 'Own', HOME_CHANNEL);
    new ChannelLookup(stack, 'Lookup', { channelArns: [OTHER_CHANNEL], assumedRoleArn: OTHER_ROLE });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-ivs:unreachableAccount'));
    const agnostic = newStack('Agnostic');
    Channel.fromChannelArn(agnostic, 'Imported', OTHER_CHANNEL);
    Annotations.fromStack(agnostic).hasNoWarning('*', Match.anyValue());
  });
});

describe('StreamKey targets', () => {
  test('takes the role, external ID and region of an imported channel', () => {
    const stack = envStack();
    const euChannel = `arn:aws:ivs:eu-west-1:${OTHER_ACCOUNT}:channel/abcdABCDefgh`;
    const channel = Channel.fromChannelAttributes(stack, 'Channel', { channelArn: euChannel, assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs' });
    channel.addStreamKey('Key');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: euChannel, RoleArn: OTHER_ROLE, ExternalId: 'cdk-ivs', Region: 'eu-west-1' });
    expect(assumeRoleStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: OTHER_ROLE }]);
  });

  test('takes the target of a created channel', () => {
    const stack = envStack();
    const channel = new Channel(stack, 'Channel', { assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs', region: 'eu-west-1' });
    channel.addStreamKey('Key');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, {
      ChannelArn: stack.resolve(channel.channelArn),
      RoleArn: OTHER_ROLE,
      ExternalId: 'cdk-ivs',
      Region: 'eu-west-1',
    });
  });

  test('takes the target of a looked-up channel', () => {
    const stack = envStack();
    const lookup = new ChannelLookup(stack, 'Lookup', { channelArns: [OTHER_CHANNEL], assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs' });
    lookup.channels[0].addStreamKey('Key');
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, {
      ChannelArn: OTHER_CHANNEL, RoleArn: OTHER_ROLE, ExternalId: 'cdk-ivs', Region: Match.absent(),
    });
  });

  test('its own role replaces the channel\'s', () => {
    const stack = envStack();
    const own = `arn:aws:iam::${OTHER_ACCOUNT}:role/keys-only`;
    const channel = Channel.fromChannelAttributes(stack, 'Channel', { channelArn: OTHER_CHANNEL, assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs' });
    new StreamKey(stack, 'Key', { channel, assumedRoleArn: own, externalId: 'keys' });
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { RoleArn: own, ExternalId: 'keys' });
    expect(assumeRoleStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: own }]);
  });

  test('its own externalId goes with the channel\'s role (props win one by one), and is never dropped', () => {
    const stack = envStack();
    const channel = Channel.fromChannelAttributes(stack, 'Channel', { channelArn: OTHER_CHANNEL, assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs' });
    new StreamKey(stack, 'Key', { channel, externalId: 'other' });
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { RoleArn: OTHER_ROLE, ExternalId: 'other' });
  });

  test('its own region keeps the channel\'s role', () => {
    const stack = envStack();
    const channel = Channel.fromChannelAttributes(stack, 'Channel', { channelArn: OTHER_CHANNEL, assumedRoleArn: OTHER_ROLE, externalId: 'cdk-ivs' });
    new StreamKey(stack, 'Key', { channel, region: OTHER_CHANNEL.split(':')[3] });
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { RoleArn: OTHER_ROLE, ExternalId: 'cdk-ivs' });
  });

  test('a StreamKey on a channel of another account that no role reaches warns', () => {
    const stack = envStack();
    new StreamKey(stack, 'Key', { channel: Channel.fromChannelArn(stack, 'Channel', OTHER_CHANNEL) });
    Annotations.fromStack(stack).hasWarning('/Home/Key', Match.stringLikeRegexp('cannot reach it: give assumedRoleArn'));
  });

  test('a channel the library did not make: the region of its ARN', () => {
    const stack = envStack();
    const euChannel = `arn:aws:ivs:eu-west-1:${HOME.account}:channel/abcdABCDefgh`;
    const foreign = { channelArn: euChannel } as IChannel;
    new StreamKey(stack, 'Key', { channel: foreign });
    template(stack).hasResourceProperties(RESOURCE_TYPES.streamKey, { ChannelArn: euChannel, Region: 'eu-west-1' });
  });
});
