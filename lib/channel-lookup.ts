import { Lazy, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ChannelBase } from './channel';
import { LOOKUP_ATTRIBUTES, LookupAttribute } from './contract';
import type { CrossAccountProps } from './cross-account';
import { concreteArnPart, reachFrom, Reach, setReach, targetProperties, warnIfUnreachable } from './reach';
import { createIvsResource, createOwnedSecret, IvsCfnResource, OwnedSecret } from './provider';
import { checkImportedArn, checkRemovalPolicy, fail } from './validation';

/**
 * Properties of a ChannelLookup.
 */
export interface ChannelLookupProps extends CrossAccountProps {
  /**
   * ARNs of the channels to read, 1 to 50, all in one account and region (read with one BatchGetChannel).
   */
  readonly channelArns: string[];

  /**
   * Create, for every channel, a Secrets Manager secret in this stack's account that receives its
   * stream key, RTMPS URL, SRT endpoint and passphrase (the JSON of `Channel.secret`). Reading a
   * channel's `secret` creates its secret too.
   *
   * @default false
   */
  readonly storeStreamKeysInSecrets?: boolean;

  /**
   * Read the channels again on every deployment. A custom resource runs only when its properties
   * change, so by default the values stay those of the deployment that first read them (or changed
   * `channelArns`); with this, every synth gives the lookup a new property value, so every deploy
   * re-reads (and `cdk diff` always shows it).
   *
   * @default false
   */
  readonly refreshOnEveryDeploy?: boolean;

  /**
   * What happens to the secrets when they leave the stack (the channels are never touched).
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Most bytes of Data a lookup may return: CloudFormation refuses a custom resource response over
 * 4096 bytes, and the response's own fields (IDs, status) take a share.
 */
const MAX_DATA_BYTES = 3400;

/** Longest value of each attribute (ARNs up to 128 characters; URLs and endpoints as IVS makes them). */
const ATTRIBUTE_BYTES: { readonly [A in LookupAttribute]: number } = {
  Arn: 128, Name: 128, Type: 11, LatencyMode: 6, Authorized: 5, InsecureIngest: 5, Preset: 30, RecordingConfigurationArn: 128,
  PlaybackRestrictionPolicyArn: 128, AdConfigurationArn: 128, ContainerFormat: 14, MultitrackEnabled: 5, MultitrackPolicy: 7,
  MultitrackMaximumResolution: 7, IngestEndpoint: 64, RtmpsIngestUrl: 81, SrtEndpoint: 64, PlaybackUrl: 160, StreamKeyArn: 128,
  StreamKeyValue: 64,
};

/**
 * Reads existing channels at deploy time, in this account or another (`assumedRoleArn`) and region,
 * with the IVS API: everything GetChannel returns (the SRT endpoint and playback restriction policy
 * included, which CloudFormation and Cloud Control do not give) and the channel's stream key, whose
 * value can go to a secret of this stack. Each channel is an IChannel other constructs take.
 *
 * Only the attributes the app references travel in the custom resource's response. The lookup never
 * changes what it reads, and deleting it makes no call.
 */
export class ChannelLookup extends Construct {
  /** The channels, in the order of `channelArns`. */
  public readonly channels: DeployTimeChannel[];

  private readonly resource: IvsCfnResource;
  private readonly attributes = new Set<string>();
  private readonly secrets = new Map<number, OwnedSecret>();
  private readonly removalPolicy: RemovalPolicy;

  /**
   * Reads existing channels.
   *
   * @param scope scope
   * @param id construct ID
   * @param props lookup properties
   */
  constructor(scope: Construct, id: string, props: ChannelLookupProps) {
    super(scope, id);
    const arns = props.channelArns;
    if (Token.isUnresolved(arns)) {
      fail(this, 'channelArns must be a list written out at synth (each ARN may be a token), got a token for the whole list');
    }
    if (!Array.isArray(arns) || arns.length < 1 || arns.length > 50) {
      fail(this, `channelArns must hold 1 to 50 channel ARNs (one BatchGetChannel), got ${Array.isArray(arns) ? arns.length : String(arns)}`);
    }
    arns.forEach((arn, i) => checkImportedArn(this, `channelArns[${i}]`, arn, 'ChannelArn', 'channel', 'channel'));
    const duplicate = arns.find((arn, i) => !Token.isUnresolved(arn) && arns.indexOf(arn) !== i);
    if (duplicate !== undefined) fail(this, `channelArns names ${duplicate} twice`);
    for (const part of ['account', 'region'] as const) {
      const values = new Set(arns.map((arn) => concreteArnPart(arn, part)).filter((v) => v !== undefined));
      if (values.size > 1) fail(this, `channelArns must all be in one ${part} (one ChannelLookup per ${part}), got ${[...values].join(', ')}`);
    }
    checkRemovalPolicy(this, 'removalPolicy', props.removalPolicy);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    const reach: Reach = reachFrom(props, arns.find((arn) => concreteArnPart(arn, 'region') !== undefined));
    if (arns.length > 0) warnIfUnreachable(this, arns[0], reach);
    this.resource = createIvsResource(this, 'Resource', {
      kind: 'channelLookup',
      properties: {
        ...targetProperties(this, reach, arns[0]),
        ChannelArns: arns,
        Attributes: Lazy.list({ produce: () => [...this.attributes].sort() }, { omitEmpty: true }),
        SecretArns: Lazy.any({
          produce: () => (this.secrets.size === 0 ? undefined : Object.fromEntries([...this.secrets].map(([i, s]) => [String(i), s.resource.ref]))),
        }),
        Refresh: props.refreshOnEveryDeploy ? new Date().toISOString() : undefined,
      },
    });
    this.node.addValidation({ validate: () => this.validateDataSize() });

    this.channels = arns.map((arn, index) => {
      const channel = DeployTimeChannel._create(this, `Channel${index}`, { lookup: this, index, channelArn: arn });
      setReach(channel, reach);
      return channel;
    });
    if (props.storeStreamKeysInSecrets) this.channels.forEach((channel) => channel.secret);
  }

  /**
   * The looked-up channel of an ARN given in `channelArns`.
   *
   * @param channelArn one of `channelArns`
   */
  public channel(channelArn: string): DeployTimeChannel {
    const found = this.channels.find((c) => c.channelArn === channelArn);
    if (!found) fail(this, `channelArn ${channelArn} is not one of this lookup's channelArns`);
    return found;
  }

  /** @internal The attribute token of one channel; referencing it puts the attribute in the response. */
  public _attribute(index: number, attribute: LookupAttribute): string {
    const name = `${index}.${LOOKUP_ATTRIBUTES[attribute]}`;
    this.attributes.add(name);
    return this.resource.getAttString(name);
  }

  /** @internal The secret of one channel, created on first use. */
  public _secret(index: number, scope: Construct): ISecret {
    let owned = this.secrets.get(index);
    if (!owned) {
      owned = createOwnedSecret(scope, 'Secret', `Amazon IVS stream key of looked-up channel ${scope.node.path}`, this.removalPolicy);
      this.secrets.set(index, owned);
    }
    return owned.secret;
  }

  private validateDataSize(): string[] {
    const bytes = [...this.attributes].reduce((sum, name) => sum + name.length + 6 + ATTRIBUTE_BYTES[name.split('.')[1] as LookupAttribute], 0);
    return bytes <= MAX_DATA_BYTES ? [] : [`the ${this.attributes.size} attributes this app references may need up to ${bytes} bytes in the `
      + `lookup's response, over the ${MAX_DATA_BYTES} that CloudFormation's 4 KB response limit leaves: split the channels over several ChannelLookups`];
  }
}

/** @internal */
interface DeployTimeChannelProps {
  readonly lookup: ChannelLookup;
  readonly index: number;
  readonly channelArn: string;
}

/**
 * A channel read by a ChannelLookup at deploy time; its attributes are tokens resolved then (booleans
 * as "true" / "false", absent values as ""). Usable as an IChannel by every other construct.
 */
export class DeployTimeChannel extends ChannelBase {
  /** @internal Made by ChannelLookup only. */
  public static _create(scope: Construct, id: string, props: DeployTimeChannelProps): DeployTimeChannel {
    return new DeployTimeChannel(scope, id, props);
  }

  /**
   * The channel ARN (as given to the lookup).
   *
   * @attribute
   */
  public readonly channelArn: string;

  private readonly lookup: ChannelLookup;
  private readonly index: number;

  private constructor(scope: Construct, id: string, props: DeployTimeChannelProps) {
    super(scope, id, { environmentFromArn: props.channelArn });
    this.channelArn = props.channelArn;
    this.lookup = props.lookup;
    this.index = props.index;
  }

  /** The channel name. */
  public get channelName(): string {
    return this.attribute('Name');
  }

  /** The channel type: STANDARD, BASIC, ADVANCED_SD or ADVANCED_HD. */
  public get channelType(): string {
    return this.attribute('Type');
  }

  /** The latency mode: LOW or NORMAL. */
  public get channelLatencyMode(): string {
    return this.attribute('LatencyMode');
  }

  /** "true" for a private channel (playback needs a token). */
  public get channelAuthorized(): string {
    return this.attribute('Authorized');
  }

  /** "true" when insecure (RTMP, unencrypted SRT) ingest is allowed. */
  public get channelInsecureIngest(): string {
    return this.attribute('InsecureIngest');
  }

  /** The transcode preset ("" for STANDARD and BASIC channels). */
  public get channelPreset(): string {
    return this.attribute('Preset');
  }

  /** ARN of the recording configuration ("" when recording is off). */
  public get channelRecordingConfigurationArn(): string {
    return this.attribute('RecordingConfigurationArn');
  }

  /** ARN of the playback restriction policy ("" when none). */
  public get channelPlaybackRestrictionPolicyArn(): string {
    return this.attribute('PlaybackRestrictionPolicyArn');
  }

  /** ARN of the ad configuration ("" when none). */
  public get channelAdConfigurationArn(): string {
    return this.attribute('AdConfigurationArn');
  }

  /** The container format: TS or FRAGMENTED_MP4. */
  public get channelContainerFormat(): string {
    return this.attribute('ContainerFormat');
  }

  /** "true" when multitrack input is enabled. */
  public get channelMultitrackEnabled(): string {
    return this.attribute('MultitrackEnabled');
  }

  /** The multitrack policy, ALLOW or REQUIRE ("" when multitrack is off). */
  public get channelMultitrackPolicy(): string {
    return this.attribute('MultitrackPolicy');
  }

  /** The multitrack maximum resolution, SD, HD or FULL_HD ("" when multitrack is off). */
  public get channelMultitrackMaximumResolution(): string {
    return this.attribute('MultitrackMaximumResolution');
  }

  /** Ingest endpoint, e.g. a1b2c3d4e5f6.global-contribute.live-video.net. */
  public get channelIngestEndpoint(): string {
    return this.attribute('IngestEndpoint');
  }

  /** RTMPS ingest URL: `rtmps://<ingestEndpoint>:443/app/`. */
  public get channelRtmpsIngestUrl(): string {
    return this.attribute('RtmpsIngestUrl');
  }

  /** SRT ingest endpoint (the passphrase goes to `secret` only). */
  public get channelSrtEndpoint(): string {
    return this.attribute('SrtEndpoint');
  }

  /** Playback URL (HLS). */
  public get channelPlaybackUrl(): string {
    return this.attribute('PlaybackUrl');
  }

  /** ARN of the channel's stream key ("" when it has none). */
  public get streamKeyArn(): string {
    return this.attribute('StreamKeyArn');
  }

  /**
   * The stream key value, as a token. Referencing it makes the provider return the value in the
   * lookup's response, with NoEcho (documented as masking it with asterisks where it is retrieved
   * with Fn::GetAtt, and no more: whatever consumes the token holds it in plain text). Prefer `secret`.
   */
  public get streamKeyValue(): string {
    return this.attribute('StreamKeyValue');
  }

  /**
   * Secret in this stack's account holding the channel's stream key as JSON (`channelArn`,
   * `streamKeyArn`, `streamKey`, `rtmpsUrl`, `srtEndpoint`, `srtPassphrase`), written by the provider
   * at every read. Created on first use.
   */
  public get secret(): ISecret {
    return this.lookup._secret(this.index, this);
  }

  /**
   * Grants read access to the stream key secret (creating the secret if needed).
   *
   * @param grantee the principal
   */
  public grantReadStreamKey(grantee: iam.IGrantable): iam.Grant {
    return this.secret.grantRead(grantee);
  }

  private attribute(name: LookupAttribute): string {
    return this.lookup._attribute(this.index, name);
  }
}
