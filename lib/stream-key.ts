import { IResource, ITaggableV2, RemovalPolicy, Resource, Stack, TagManager, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import type { IChannel } from './channel';
import { STREAM_KEY_ATTRIBUTES } from './contract';
import type { CrossAccountProps } from './cross-account';
import { reachFrom, reachOf, targetProperties, warnIfUnreachable } from './reach';
import { createIvsResource, createTagManager, IvsCfnResource, renderTags, StreamKeyAccess } from './provider';
import { checkImportedArn, checkRemovalPolicy, checkString, fail } from './validation';

/**
 * An IVS stream key, created here or imported.
 */
export interface IStreamKey extends IResource {
  /**
   * The stream key ARN, e.g. arn:aws:ivs:us-west-2:123456789012:stream-key/g1H2I3j4k5L6.
   *
   * @attribute
   */
  readonly streamKeyArn: string;
}

/**
 * Properties of a StreamKey.
 *
 * The provider reaches the key where its channel is: the role and region of the channel (a Channel's
 * props, `Channel.fromChannelAttributes`, a ChannelLookup) unless these props name others.
 */
export interface StreamKeyProps extends CrossAccountProps {
  /**
   * The channel the key streams to.
   */
  readonly channel: IChannel;

  /**
   * Any value; changing it replaces the key (DeleteStreamKey, then CreateStreamKey) and rewrites
   * the secret, without replacing the channel.
   *
   * @default - the key is never rotated
   */
  readonly rotation?: string;

  /**
   * Tags of the stream key (at most 49 with those of `Tags.of()`: the provider adds one to keys it creates).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * Create the Secrets Manager secret that receives the stream key, RTMPS URL and SRT details.
   * Reading `secret` creates it too.
   *
   * @default false
   */
  readonly storeStreamKeyInSecret?: boolean;

  /**
   * What happens to the key's secret when it leaves the stack. The key itself always stays with
   * its channel, which needs it to stream (deleting the channel removes it); to revoke a key,
   * change `rotation`.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The stream key of a channel (Custom::IvsStreamKey).
 *
 * IVS allows one stream key per channel and CreateChannel already makes one, so this adopts the
 * channel's key; it creates a key only when the channel has none.
 *
 * @example
 * // a new `rotation` value replaces the key and rewrites its secret
 * const key = new StreamKey(this, 'Key', { channel, rotation: '2026-11', storeStreamKeyInSecret: true });
 * key.grantReadStreamKey(encoder);
 */
@propertyInjectable
export class StreamKey extends Resource implements IStreamKey, ITaggableV2 {
  /** Uniquely identifies this class (property injection). */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-ivs.StreamKey';

  /**
   * Imports a stream key by ARN. Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param streamKeyArn ARN of the stream key
   */
  public static fromStreamKeyArn(scope: Construct, id: string, streamKeyArn: string): IStreamKey {
    checkImportedArn(scope, 'streamKeyArn', streamKeyArn, 'StreamKeyArn', 'stream-key', 'stream key');

    class Import extends Resource implements IStreamKey {
      public readonly streamKeyArn = streamKeyArn;
    }
    return new Import(scope, id, { environmentFromArn: streamKeyArn });
  }

  /**
   * The stream key ARN (a new ARN after each rotation).
   *
   * @attribute
   */
  public readonly streamKeyArn: string;

  /** Tags of the stream key; `Tags.of(scope).add()` reaches them. */
  public readonly cdkTagManager: TagManager;

  private readonly resource: IvsCfnResource;
  private readonly keyAccess: StreamKeyAccess;

  /**
   * Creates (or adopts) the stream key of a channel.
   *
   * @param scope scope
   * @param id construct ID
   * @param props stream key properties
   */
  constructor(scope: Construct, id: string, props: StreamKeyProps) {
    super(scope, id);

    if (props.channel === undefined) {
      fail(this, 'channel is required, got undefined');
    }
    checkString(this, 'channel', props.channel.channelArn, 'ChannelArn');
    checkRemovalPolicy(this, 'removalPolicy', props.removalPolicy);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.keyAccess = new StreamKeyAccess(this, `Amazon IVS stream key ${this.node.path}`, removalPolicy);
    this.cdkTagManager = createTagManager(this, 'streamKey', props.tags);

    // The key's own props win one by one over its channel's target; an own role comes with its own external ID.
    const own = reachFrom(props);
    const channelReach = reachOf(props.channel);
    const reach = {
      roleArn: own.roleArn ?? channelReach.roleArn,
      externalId: own.roleArn !== undefined || own.externalId !== undefined ? own.externalId : channelReach.externalId,
      region: own.region ?? channelReach.region,
    };
    warnIfUnreachable(this, props.channel.channelArn, reach);
    this.resource = createIvsResource(this, 'Resource', {
      kind: 'streamKey',
      removalPolicy,
      properties: {
        ...targetProperties(this, reach, props.channel.channelArn),
        ChannelArn: props.channel.channelArn,
        Rotation: props.rotation,
        Tags: renderTags(this.cdkTagManager),
        ...this.keyAccess.properties(),
      },
    });

    this.streamKeyArn = this.resource.ref;
    checkOneKeyPerChannel(this, props.channel);

    if (props.storeStreamKeyInSecret) {
      this.keyAccess.secret();
    }
  }

  /**
   * Secret holding the stream key as JSON (`channelArn`, `streamKeyArn`, `streamKey`, `rtmpsUrl`,
   * `srtEndpoint`, `srtPassphrase`). Created on first use, written by the provider; the value never
   * appears in the template.
   */
  public get secret(): ISecret {
    return this.keyAccess.secret();
  }

  /**
   * The stream key value, as a token, e.g. sk_us-west-2_abcdABCDefgh_567890abcdef.
   *
   * Referencing it makes the provider return the value in the custom resource's response, with
   * NoEcho, which CloudFormation documents as masking the value with asterisks where it is retrieved
   * with Fn::GetAtt, and no more: whatever consumes the token (another resource's properties, an
   * output) holds it in plain text. Prefer `secret` where you can.
   *
   * @attribute
   */
  public get streamKeyValue(): string {
    return this.keyAccess.value(this.resource, STREAM_KEY_ATTRIBUTES.StreamKeyValue);
  }

  /**
   * Grants read access to the stream key secret (creating the secret if needed).
   *
   * @param grantee the principal
   */
  public grantReadStreamKey(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }

  /**
   * Applies a removal policy to the stream key and its secret.
   *
   * @param policy DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, 'applyRemovalPolicy(policy)', policy);
    this.resource.applyRemovalPolicy(policy);
    this.keyAccess.applyRemovalPolicy(policy);
  }
}

/** The StreamKeys of each stack and the channel each streams to. */
const KEYS_OF_STACK = new WeakMap<Stack, { readonly key: StreamKey; readonly channel: IChannel }[]>();

/** The channel as an error names it: its ARN, or for a token ARN the construct's path. */
function channelShown(channel: IChannel): string {
  return Token.isUnresolved(channel.channelArn) ? channel.node.path : `'${channel.channelArn}'`;
}

/**
 * One StreamKey per channel in a stack. CreateStreamKey: "there is a limit of 1 stream key per channel", so two
 * StreamKeys would adopt the same key, and a rotation of one would delete the key the other hands out. The same ARN
 * (or the same token) is refused at once; token ARNs that are different strings are compared once resolved, at synth.
 */
function checkOneKeyPerChannel(key: StreamKey, channel: IChannel): void {
  const stack = Stack.of(key);
  const earlier = KEYS_OF_STACK.get(stack) ?? [];
  const message = (other: StreamKey) => `channel ${channelShown(channel)} already has a StreamKey (${other.node.path}): IVS allows one stream key `
    + 'per channel, so both would adopt the same key and a rotation of one would delete the other\'s. Keep one StreamKey per channel '
    + 'and share its secret';
  const same = earlier.find((e) => e.channel.channelArn === channel.channelArn);
  if (same) fail(key, message(same.key));
  KEYS_OF_STACK.set(stack, [...earlier, { key, channel }]);
  key.node.addValidation({
    validate: () => {
      const resolved = JSON.stringify(stack.resolve(channel.channelArn));
      const match = earlier.find((e) => JSON.stringify(stack.resolve(e.channel.channelArn)) === resolved);
      return match ? [message(match.key)] : [];
    },
  });
}
