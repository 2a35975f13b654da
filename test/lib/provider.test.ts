import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, CustomResource, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Match } from 'aws-cdk-lib/assertions';
import { CLAIM_PREFIX, REQUEST_TAG, RESOURCE_TYPES, SECRET_OWNER_TAG } from '../../lib/contract';
import { Channel, ChannelLookup, PlaybackKeyPair, StreamKey } from '../../lib';
import {
  HANDLER_CODE_DIRECTORY,
  PROVIDER_ID,
  SERVICE_TIMEOUT,
  createIvsResource,
  getOrCreateProvider,
  providerPolicyStatements,
  toCfnTags,
} from '../../lib/provider';
import { grantedResourceTypes, HANDLER_ACTIONS, REFERENCE, RESOURCE_ARN_FORMATS } from '../../lib/iam-reference';
import { newStack, resourcesOf, tags, template } from './helpers';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';

/** Every IAM statement in the template (role inline policies and policy resources). */
function allStatements(stack: Stack): any[] {
  const statements: any[] = [];
  for (const role of Object.values(resourcesOf(stack, 'AWS::IAM::Role'))) {
    for (const policy of role.Properties.Policies ?? []) {
      statements.push(...policy.PolicyDocument.Statement);
    }
  }
  for (const policy of Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))) {
    statements.push(...policy.Properties.PolicyDocument.Statement);
  }
  return statements;
}

/** The inline statements of the provider's role. */
function providerStatements(stack: Stack): any[] {
  const roles = resourcesOf(stack, 'AWS::IAM::Role');
  const ids = Object.keys(roles).filter((id) => id.startsWith(PROVIDER_ID));
  expect(ids).toHaveLength(1);
  return roles[ids[0]].Properties.Policies[0].PolicyDocument.Statement;
}

/** A stack using every custom resource type, with a secret and a grant. */
function fullStack(): Stack {
  const stack = newStack();
  const channel = new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
  channel.addStreamKey('Key');
  new PlaybackKeyPair(stack, 'Pair');
  new ChannelLookup(stack, 'Lookup', { channelArns: [stack.formatArn({ service: 'ivs', resource: 'channel', resourceName: 'abcdABCDefgh' })] });
  return stack;
}

describe('provider', () => {
  test('one Lambda function serves 50 channels', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    for (let i = 0; i < 50; i++) {
      new Channel(stack, `Channel${i}`);
    }
    // THEN
    const t = template(stack);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs(RESOURCE_TYPES.channel, 50);
  });

  test('the function runs on Node.js 24 with a 5-minute timeout, behind the CDK response wrapper', () => {
    const stack = fullStack();
    template(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 300,
      Handler: '__entrypoint__.handler',
    });
  });

  test('the code comes from assets/provider beside lib/', () => {
    expect(HANDLER_CODE_DIRECTORY).toBe(path.join(__dirname, '..', '..', 'assets', 'provider'));
  });

  test('every custom resource carries CodeHash and a 10-minute ServiceTimeout', () => {
    const stack = fullStack();
    const t = template(stack);
    for (const type of Object.values(RESOURCE_TYPES)) {
      t.hasResourceProperties(type, {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${PROVIDER_ID}`), 'Arn'] },
        CodeHash: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
        ServiceTimeout: '600',
      });
    }
  });

  test('no IAM statement has a * action or an IVS resource outside the account and region', () => {
    const stack = fullStack();
    const channel = stack.node.findChild('Channel') as Channel;
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    channel.grantReadStreamKey(role);
    channel.grantPutMetadata(role);

    const statements = allStatements(stack);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = [statement.Action].flat();
      for (const action of actions) {
        expect(action).not.toContain('*');
      }
    }
    for (const statement of providerStatements(stack)) {
      // no * resource: every action IAM authorizes against resources of the stack's account and region
      for (const resource of [statement.Resource].flat()) {
        const joined = JSON.stringify(resource);
        expect(joined).toContain('{"Ref":"AWS::Region"}');
        expect(joined).toContain('{"Ref":"AWS::AccountId"}');
      }
    }
  });

  test('the provider role has exactly the IVS statements, the tag-conditioned secret statement and the claims statement', () => {
    const stack = fullStack();
    const statements = providerStatements(stack);
    expect(statements.map((s) => s.Sid)).toEqual(['IvsChannels', 'IvsStreamKeys', 'IvsPlaybackKeyPairs', 'OwnSecrets', 'OwnClaims']);
    expect(statements[0].Action).toEqual([
      'ivs:CreateChannel', 'ivs:GetChannel', 'ivs:BatchGetChannel', 'ivs:ListChannels', 'ivs:UpdateChannel', 'ivs:DeleteChannel',
      'ivs:GetStream', 'ivs:StopStream', 'ivs:ListStreamKeys', 'ivs:TagResource', 'ivs:UntagResource',
    ]);
    expect(statements[1].Action).toEqual([
      'ivs:CreateChannel', 'ivs:DeleteChannel', 'ivs:ListStreamKeys', 'ivs:CreateStreamKey', 'ivs:GetStreamKey',
      'ivs:BatchGetStreamKey', 'ivs:DeleteStreamKey', 'ivs:TagResource', 'ivs:UntagResource',
    ]);
    expect(statements[2].Action).toEqual([
      'ivs:ImportPlaybackKeyPair', 'ivs:GetPlaybackKeyPair', 'ivs:ListPlaybackKeyPairs', 'ivs:DeletePlaybackKeyPair',
      'ivs:TagResource', 'ivs:UntagResource',
    ]);

    const resourceTail = (resource: any) => resource['Fn::Join'][1].slice(-1)[0];
    expect(statements[0].Resource.map(resourceTail)).toEqual([':channel/*']);
    expect(statements[1].Resource.map(resourceTail)).toEqual([':stream-key/*']);
    expect(statements[2].Resource.map(resourceTail)).toEqual([':playback-key/*']);

    expect(statements[3]).toEqual({
      Sid: 'OwnSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':',
          { Ref: 'AWS::AccountId' }, ':secret:*',
        ]],
      },
      Condition: { StringEquals: { [`secretsmanager:ResourceTag/${SECRET_OWNER_TAG}`]: { Ref: 'AWS::StackId' } } },
    });
    // the claims (lambda/claim.ts): by name, this stack's only
    expect(statements[4]).toEqual({
      Sid: 'OwnClaims',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret'],
      Resource: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':',
          { Ref: 'AWS::AccountId' }, `:secret:${CLAIM_PREFIX}/`, { Ref: 'AWS::StackName' }, '/*',
        ]],
      },
    });
  });

  test('each action is granted on exactly the resource types the Service Authorization Reference lists for it', () => {
    // Derived from the reference's table (lib/iam-reference.ts): an action with required resource types on those
    // (and nothing else); an action whose types are all optional on the ones the handler uses, each listed for it.
    const stack = fullStack();
    const typeOfArn = (resource: unknown): string => {
      const parts = (resource as any)['Fn::Join'][1] as unknown[];
      // a claim's ARN (a secret of a name under CLAIM_PREFIX) is a secret's
      const tail = parts.includes(`:secret:${CLAIM_PREFIX}/`) ? ':secret:*' : parts.slice(-1)[0] as string;
      const types = Object.entries(RESOURCE_ARN_FORMATS).filter(([, format]) => format.split('${Account}')[1].replace(/\$\{\w+\}/, '*') === tail);
      expect(types).toHaveLength(1);
      return types[0][0];
    };
    const granted = new Map<string, string[]>();
    for (const statement of providerStatements(stack)) {
      for (const action of [statement.Action].flat()) {
        granted.set(action, [...(granted.get(action) ?? []), ...[statement.Resource].flat().map(typeOfArn)]);
      }
    }
    expect([...granted.keys()].sort()).toEqual(Object.keys(HANDLER_ACTIONS).sort());
    for (const [action, types] of granted) {
      const entries = REFERENCE[action];
      expect({ action, listed: entries !== undefined }).toEqual({ action, listed: true });
      const requiredTypes = entries.filter((e) => e.required).map((e) => e.type);
      const expected = requiredTypes.length > 0 ? requiredTypes : HANDLER_ACTIONS[action];
      // (DescribeSecret is granted twice on secrets: on the stack's own, and on its claims)
      expect({ action, types: [...new Set(types)].sort() }).toEqual({ action, types: [...expected].sort() });
      for (const type of types) expect(entries.map((e) => e.type)).toContain(type);
    }
  });

  test('statements are added once, however many resources use the provider', () => {
    const stack = newStack();
    for (let i = 0; i < 5; i++) {
      const channel = new Channel(stack, `Channel${i}`, { storeStreamKeyInSecret: true });
      channel.addStreamKey('Key');
      new PlaybackKeyPair(stack, `Pair${i}`);
    }
    expect(providerStatements(stack)).toHaveLength(5);
  });

  test('getOrCreateProvider returns the stack singleton; each stack has its own', () => {
    const stack = newStack();
    const other = new Stack(stack.node.root, 'Other');
    const first = getOrCreateProvider(stack);
    expect(getOrCreateProvider(new Channel(stack, 'C'))).toBe(first);
    const second = getOrCreateProvider(other);
    expect(second).not.toBe(first);
    expect(first.node.scope).toBe(stack);
    expect(first.node.id).toMatch(new RegExp(`^${PROVIDER_ID}`));
  });

  test.each([undefined, RemovalPolicy.RETAIN])('createIvsResource renders what aws-cdk-lib\'s CustomResource does (removal policy %s)', (removalPolicy) => {
    // GIVEN a stream key resource, and the CustomResource of the same props in a stack of its own
    const stack = newStack();
    const resource = createIvsResource(stack, 'Key', {
      kind: 'streamKey',
      properties: { ChannelArn: 'arn:aws:ivs:us-west-2:123456789012:channel/abc' },
      removalPolicy,
    });
    const reference = newStack();
    const provider = getOrCreateProvider(reference);
    new CustomResource(reference, 'Key', {
      serviceToken: provider.serviceToken,
      serviceTimeout: SERVICE_TIMEOUT,
      resourceType: RESOURCE_TYPES.streamKey,
      properties: { CodeHash: provider.codeHash, ChannelArn: 'arn:aws:ivs:us-west-2:123456789012:channel/abc' },
      removalPolicy,
    });
    // THEN the same resource, type, properties and policies alike
    const rendered = (s: Stack) => template(s).findResources(RESOURCE_TYPES.streamKey);
    expect(Object.keys(rendered(stack))).toEqual(['Key']);
    expect(rendered(stack)).toEqual(rendered(reference));
    expect(stack.resolve(resource.ref)).toEqual({ Ref: 'Key' });
    expect(stack.resolve(resource.getAttString('Arn'))).toEqual({ 'Fn::GetAtt': ['Key', 'Arn'] });
  });

  test('a construct\'s node.defaultChild is its CfnResource: property overrides reach the template', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Live');
    (channel.node.defaultChild as CfnResource).addPropertyOverride('LatencyMode', 'NORMAL');
    template(stack).hasResourceProperties(RESOURCE_TYPES.channel, { LatencyMode: 'NORMAL' });
  });

  test('providerPolicyStatements has no * action', () => {
    for (const statement of providerPolicyStatements()) {
      for (const action of [statement.Action].flat()) {
        expect(action).toMatch(/^(ivs|secretsmanager):[A-Za-z]+$/);
      }
    }
  });

  describe.each<[string, (stack: Stack, id: string, tags?: { [key: string]: string }) => void]>([
    ['Channel', (stack, id, tags) => new Channel(stack, id, { tags })],
    ['StreamKey', (stack, id, tags) => new StreamKey(stack, id, { channel: Channel.fromChannelArn(stack, `${id}Channel`, `${CHANNEL_ARN}${id}`), tags })],
    ['PlaybackKeyPair', (stack, id, tags) => new PlaybackKeyPair(stack, id, { tags })],
  ])('%s tags leave room for the request tag the provider adds', (_name, create) => {
    test('at most 49 tags', () => {
      const stack = newStack();
      expect(() => create(stack, 'Ok', tags(49))).not.toThrow();
      expect(() => create(stack, 'TooMany', tags(50))).toThrow(/tags holds 50 tags; IVS allows at most 49 on this resource/);
      Tags.of(stack).add('one-more', 'x');
      expect(() => template(stack)).toThrow(/tags \(after Tags.of\) holds 50 tags; IVS allows at most 49 on this resource/);
    });

    test(`the ${REQUEST_TAG} tag is refused, in props and through Tags.of()`, () => {
      const stack = newStack();
      expect(() => create(stack, 'Mine', { [REQUEST_TAG]: 'me' }))
        .toThrow(/tags: tag key 'cdk-ivs:request' is reserved: the cdk-ivs provider sets it on the resources it creates/);
      create(stack, 'Ok');
      Tags.of(stack).add(REQUEST_TAG, 'me');
      expect(() => template(stack)).toThrow(/tags \(after Tags.of\): tag key 'cdk-ivs:request' is reserved/);
    });
  });

  test('toCfnTags turns a map into a tag list', () => {
    expect(toCfnTags(undefined)).toBeUndefined();
    expect(toCfnTags({ a: '1', b: '2' })).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
  });

  test('StreamKey and PlaybackKeyPair reuse the provider a Channel created', () => {
    const stack = newStack();
    const channel = new Channel(stack, 'Channel');
    new StreamKey(stack, 'Key', { channel });
    new PlaybackKeyPair(stack, 'Pair');
    template(stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('grantedResourceTypes refuses what the reference does not support', () => {
    expect(grantedResourceTypes('ivs:ListStreamKeys')).toEqual(['Channel', 'Stream-Key']);
    expect(grantedResourceTypes('ivs:TagResource')).toEqual(['Channel', 'Stream-Key', 'Playback-Key-Pair']);
    expect(() => grantedResourceTypes('ivs:PutMetadata')).toThrow('cdk-ivs: ivs:PutMetadata is not in the IAM reference table or the handler\'s actions');
    const reference = { 'ivs:TagResource': [{ type: 'Channel', required: false }, { type: 'Stage', required: false }] };
    expect(() => grantedResourceTypes('ivs:TagResource', reference, { 'ivs:TagResource': ['Stream-Key'] }))
      .toThrow('cdk-ivs: the reference lists no Stream-Key resource type for ivs:TagResource');
    expect(() => grantedResourceTypes('ivs:TagResource', reference, { 'ivs:TagResource': ['Stage' as any] })).toThrow('cdk-ivs: no ARN format for Stage');
    expect(() => grantedResourceTypes('ivs:TagResource', reference, { 'ivs:TagResource': 'required' }))
      .toThrow('cdk-ivs: ivs:TagResource would be granted on no resource type');
  });

  test('the IVS actions are exactly the IVS commands the handler sends', () => {
    // Scans lambda/ for the commands it imports from the SDK clients.
    const dir = path.join(__dirname, '..', '..', 'lambda');
    const sent = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const block of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-(ivs|secrets-manager)'/g)) {
        const service = block[2] === 'ivs' ? 'ivs' : 'secretsmanager';
        for (const name of block[1].matchAll(/\b([A-Za-z]+)Command\b/g)) {
          sent.add(`${service}:${name[1]}`);
        }
      }
    }
    const allowed = new Set(providerPolicyStatements().flatMap((statement) => [statement.Action].flat()));
    expect([...sent].sort()).toEqual([...allowed].sort());
  });
});
