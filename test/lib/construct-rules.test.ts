// Rules every construct keeps: tag keys IVS and CloudFormation refuse, and removal policies
// CloudFormation cannot apply, whether they come from props, Tags.of() or applyRemovalPolicy().
import { Errors, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Channel, PlaybackKeyPair, PlaybackRestrictionPolicy, RecordingConfiguration, StreamKey } from '../../lib';
import { newStack, template } from './helpers';

const CHANNEL_ARN = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh';

type Create = (stack: Stack, id: string, props: { tags?: { [key: string]: string }; removalPolicy?: RemovalPolicy }) =>
  { applyRemovalPolicy(policy: RemovalPolicy): void };

const CONSTRUCTS: [string, Create][] = [
  ['Channel', (stack, id, props) => new Channel(stack, id, props)],
  ['StreamKey', (stack, id, props) => new StreamKey(stack, id, { channel: Channel.fromChannelArn(stack, `${id}Channel`, `${CHANNEL_ARN}${id}`), ...props })],
  ['PlaybackKeyPair', (stack, id, props) => new PlaybackKeyPair(stack, id, props)],
  ['RecordingConfiguration', (stack, id, props) => new RecordingConfiguration(stack, id, { bucket: new s3.Bucket(stack, `${id}Bucket`), ...props })],
  ['PlaybackRestrictionPolicy', (stack, id, props) => new PlaybackRestrictionPolicy(stack, id, props)],
];

describe.each(CONSTRUCTS)('%s', (_name, create) => {
  test.each(['aws:team', 'AWS:team', 'Aws:cloudformation:stack-name'])('refuses the tag key %j in props', (key) => {
    const stack = newStack();
    let caught: unknown;
    try {
      create(stack, 'Tagged', { tags: { [key]: 'video' } });
    } catch (e) {
      caught = e;
    }
    expect(Errors.isValidationError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`tags: tag key '${key}' starts with 'aws:', a prefix AWS reserves for its own tags`);
  });

  test('refuses an aws: key added by Tags.of(), at synth', () => {
    const stack = newStack();
    create(stack, 'Tagged', { tags: { team: 'video' } });
    Tags.of(stack).add('aws:owner', 'me');
    expect(() => template(stack)).toThrow(/tags \(after Tags.of\): tag key 'aws:owner' starts with 'aws:', a prefix AWS reserves for its own tags/);
  });

  test('accepts keys that only contain aws:', () => {
    const stack = newStack();
    create(stack, 'Tagged', { tags: { 'team:aws:video': 'aws:x', 'awsome': 'yes' } });
    Tags.of(stack).add('my:aws:tag', 'v');
    expect(() => template(stack)).not.toThrow();
  });

  test('refuses RemovalPolicy.SNAPSHOT in props and in applyRemovalPolicy()', () => {
    const stack = newStack();
    expect(() => create(stack, 'InProps', { removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow('removalPolicy must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got \'snapshot\'');
    const construct = create(stack, 'Applied', {});
    expect(() => construct.applyRemovalPolicy(RemovalPolicy.SNAPSHOT))
      .toThrow('applyRemovalPolicy(policy) must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got \'snapshot\'');
    construct.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const applied = Object.entries(template(stack).toJSON().Resources as { [id: string]: any })
      .filter(([id, r]) => id.startsWith('Applied') && r.Type !== 'AWS::S3::Bucket');
    expect(applied.length).toBeGreaterThan(0);
    for (const [, resource] of applied) expect(resource.DeletionPolicy).toBe('Retain');
  });
});

describe('the secrets the constructs make', () => {
  test('an aws: key from Tags.of() is refused on the secrets the constructs make too', () => {
    const stack = newStack();
    new Channel(stack, 'Channel', { storeStreamKeyInSecret: true });
    Tags.of(stack.node.findChild('Channel')).add('AWS:owner', 'me', { includeResourceTypes: ['AWS::SecretsManager::Secret'] });
    expect(() => template(stack)).toThrow(/TestStack\/Channel\/Secret\] tags \(after Tags.of\): tag key 'AWS:owner' starts with 'aws:'/);
  });
});
