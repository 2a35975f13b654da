import { Annotations, IResource, ITaggableV2, Lazy, Names, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import type { ChannelLookupOptions, ILookedUpChannel } from './channel-lookup-options';
import { CHANNEL_ATTRIBUTES, rtmpsIngestUrl } from './contract';
import type { CrossAccountProps } from './cross-account';
import { concreteArnPart, reachFrom, setReach, targetProperties, warnIfUnreachable } from './reach';
import type { IPlaybackRestrictionPolicy } from './playback-restriction-policy';
import { createIvsResource, createTagManager, IvsCfnResource, renderTags, StreamKeyAccess } from './provider';
import type { IRecordingConfiguration } from './recording-configuration';
import { StreamKey } from './stream-key';
import { checkChannel, checkImportedArn, checkRemovalPolicy, presetToSend } from './validation';

/**
 * An IVS channel, created here or imported.
 */
export interface IChannel extends IResource {
  /**
   * The channel ARN, e.g. arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh.
   *
   * @attribute
   */
  readonly channelArn: string;

  /**
   * Adds a stream key for this channel (adopts the channel's key: IVS allows one per channel).
   *
   * @param id construct ID
   */
  addStreamKey(id: string): StreamKey;

  /**
   * Grants IVS actions on this channel to a principal.
   *
   * @param grantee the principal
   * @param actions IVS actions, e.g. `ivs:GetStream`
   */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /**
   * Grants `ivs:PutMetadata` (timed metadata into the live stream) on this channel.
   *
   * @param grantee the principal
   */
  grantPutMetadata(grantee: iam.IGrantable): iam.Grant;
}

/** What new, imported and looked-up channels share. */
export abstract class ChannelBase extends Resource implements IChannel {
  public abstract readonly channelArn: string;

  /**
   * Adds a stream key for this channel (adopts the channel's key: IVS allows one per channel).
   *
   * @param id construct ID
   */
  public addStreamKey(id: string): StreamKey {
    return new StreamKey(this, id, { channel: this });
  }

  /**
   * Grants IVS actions on this channel to a principal.
   *
   * @param grantee the principal
   * @param actions IVS actions, e.g. `ivs:GetStream`
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.channelArn] });
  }

  /**
   * Grants `ivs:PutMetadata` (timed metadata into the live stream) on this channel.
   *
   * @param grantee the principal
   */
  public grantPutMetadata(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'ivs:PutMetadata');
  }
}

/**
 * A channel to import, and how the provider reaches it.
 */
export interface ChannelAttributes {
  /**
   * The channel ARN.
   */
  readonly channelArn: string;

  /**
   * A role in the channel's account that the provider assumes to reach it (for StreamKey and
   * ChannelLookup on this channel).
   *
   * @default - the provider's own role: the channel must be in the stack's account
   */
  readonly assumedRoleArn?: string;

  /**
   * The external ID the role requires.
   *
   * @default - none
   */
  readonly externalId?: string;
}

/**
 * The content-packaging format of the channel.
 */
export enum ContainerFormat {
  /** MPEG-TS. */
  TS = 'TS',
  /** Fragmented MP4 (required for multitrack input). */
  FRAGMENTED_MP4 = 'FRAGMENTED_MP4',
}

/**
 * Channel latency mode.
 */
export enum LatencyMode {
  /** Minimizes broadcaster-to-viewer latency, for interactive broadcasts. */
  LOW = 'LOW',
  /** For broadcasts that do not need viewer interaction (video up to Full HD). */
  NORMAL = 'NORMAL',
}

/**
 * The channel type, which sets the allowed input resolution and bitrate and whether IVS transcodes.
 *
 * @see https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/channel-types.html
 */
export enum ChannelType {
  /** IVS transcodes the input into several qualities (input up to 1080p, 8.5 Mbps). */
  STANDARD = 'STANDARD',
  /** IVS delivers the original input to viewers, without transcoding. */
  BASIC = 'BASIC',
  /** Transcoded, output capped at SD (480p); audio of every rendition transcoded. */
  ADVANCED_SD = 'ADVANCED_SD',
  /** Transcoded, output capped at HD (720p); audio of every rendition transcoded. */
  ADVANCED_HD = 'ADVANCED_HD',
}

/**
 * Transcode preset of an ADVANCED_SD or ADVANCED_HD channel.
 */
export enum Preset {
  /** Lower bitrate per quality level, for low viewer bandwidth or simple content. */
  CONSTRAINED_BANDWIDTH_DELIVERY = 'CONSTRAINED_BANDWIDTH_DELIVERY',
  /** Higher bitrate per quality level, for high viewer bandwidth or complex content. */
  HIGHER_BANDWIDTH_DELIVERY = 'HIGHER_BANDWIDTH_DELIVERY',
}

/**
 * Maximum resolution of multitrack input.
 */
export enum MaximumResolution {
  /** Full HD (1080p). */
  FULL_HD = 'FULL_HD',
  /** HD (720p). */
  HD = 'HD',
  /** SD (480p). */
  SD = 'SD',
}

/**
 * Whether multitrack input is allowed or required.
 */
export enum Policy {
  /** Multitrack input is allowed. */
  ALLOW = 'ALLOW',
  /** Multitrack input is required. */
  REQUIRE = 'REQUIRE',
}

/**
 * Multitrack input of a channel (enabled when this is set).
 *
 * @see https://docs.aws.amazon.com/ivs/latest/LowLatencyUserGuide/multitrack-video.html
 */
export interface MultitrackInputConfiguration {
  /** Maximum resolution of multitrack input. */
  readonly maximumResolution: MaximumResolution;

  /** Whether multitrack input is allowed or required. */
  readonly policy: Policy;
}

/**
 * Properties of a Channel.
 */
export interface ChannelProps extends CrossAccountProps {
  /**
   * ARN of an existing channel to take over instead of creating one (migration from
   * `@aws-cdk/aws-ivs-alpha`, the L1 or the console without a new ARN, playback URL or stream key).
   *
   * The create brings the channel's settings and tags to these props (settings not declared go to the
   * API's defaults, as on a new channel; the name is kept when `channelName` is not given) and keeps its
   * stream key; from then on it is a cdk-ivs channel like any other. A channel that another cdk-ivs
   * resource manages is refused. Only the create reads it: changing it later is refused, removing it is
   * a no-op.
   *
   * @default - a new channel is created
   */
  readonly adoptChannelArn?: string;

  /**
   * Whether the channel is private (playback needs a token signed with a PlaybackKeyPair's private key).
   *
   * @default false
   */
  readonly authorized?: boolean;

  /**
   * Content-packaging format. Must be FRAGMENTED_MP4 with multitrack input.
   *
   * @default - FRAGMENTED_MP4 when `multitrackInputConfiguration` is set, otherwise IVS's default (TS)
   */
  readonly containerFormat?: ContainerFormat;

  /**
   * Whether the channel allows insecure (RTMP, unencrypted SRT) ingest.
   *
   * @default false
   */
  readonly insecureIngest?: boolean;

  /**
   * Channel latency mode.
   *
   * @default LatencyMode.LOW
   */
  readonly latencyMode?: LatencyMode;

  /**
   * Channel name: letters, digits, `-` and `_`, at most 128 characters.
   *
   * @default - a name generated from the construct path
   */
  readonly channelName?: string;

  /**
   * Multitrack input; only with `ChannelType.STANDARD`.
   *
   * @default - no multitrack input
   */
  readonly multitrackInputConfiguration?: MultitrackInputConfiguration;

  /**
   * Channel type.
   *
   * @default ChannelType.STANDARD
   */
  readonly type?: ChannelType;

  /**
   * Transcode preset; only with ADVANCED_SD and ADVANCED_HD. With another type it is not sent and synthesis warns
   * (IVS gives those channels no preset; @aws-cdk/aws-ivs-alpha accepts it the same way).
   *
   * @default - Preset.HIGHER_BANDWIDTH_DELIVERY for ADVANCED types, none otherwise
   */
  readonly preset?: Preset;

  /**
   * Recording configuration (recording to S3).
   *
   * @default - recording is disabled
   */
  readonly recordingConfiguration?: IRecordingConfiguration;

  /**
   * Playback restriction policy (allowed countries and origins).
   *
   * @default - no playback restriction
   */
  readonly playbackRestrictionPolicy?: IPlaybackRestrictionPolicy;

  /**
   * ARN of an IVS ad configuration (server-side ad insertion with MediaTailor).
   *
   * @default - no ad configuration
   */
  readonly adConfigurationArn?: string;

  /**
   * Tags of the channel (at most 49 with those of `Tags.of()`: the provider adds one).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the channel (and its secret) when it leaves the stack.
   *
   * @default - RemovalPolicy.DESTROY; RemovalPolicy.RETAIN for an adopted channel (`adoptChannelArn`), so
   * that a rolled-back first deployment does not delete the channel it adopted (its secret, which the
   * stack made, is still destroyed)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Stop a live stream before deleting the channel (IVS refuses to delete a live channel).
   *
   * @default false
   */
  readonly stopStreamOnDelete?: boolean;

  /**
   * Create the Secrets Manager secret that receives the stream key, RTMPS URL and SRT details.
   * Reading `secret` creates it too.
   *
   * @default false
   */
  readonly storeStreamKeyInSecret?: boolean;
}

/**
 * An IVS channel, created by the cdk-ivs provider (Custom::IvsChannel).
 *
 * Unlike AWS::IVS::Channel it keeps the stream key CreateChannel makes, and can hand it over in a
 * Secrets Manager secret; every CreateChannel input is a prop and updates never replace the channel.
 *
 * @example
 * const channel = new Channel(this, 'Channel', {
 *   latencyMode: LatencyMode.LOW,
 *   storeStreamKeyInSecret: true,
 * });
 * channel.grantReadStreamKey(encoder);
 * new CfnOutput(this, 'PlaybackUrl', { value: channel.channelPlaybackUrl });
 */
@propertyInjectable
export class Channel extends ChannelBase implements ITaggableV2 {
  /** Uniquely identifies this class (property injection). */
  public static readonly PROPERTY_INJECTION_ID: string = 'cdk-ivs.Channel';

  /**
   * Imports a channel by ARN. Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param channelArn ARN of the channel
   */
  public static fromChannelArn(scope: Construct, id: string, channelArn: string): IChannel {
    return Channel.fromChannelAttributes(scope, id, { channelArn });
  }

  /**
   * Looks up an existing channel at synth time, by ARN or name, in this account and region or another,
   * through the aws-cdk CLI's Cloud Control context provider: the values are cached in
   * cdk.context.json (no secret is), the first synthesis gets dummy values, and a channel that does not
   * exist fails the synthesis with a message naming it. For the SRT endpoint, the playback restriction
   * policy and the stream key, use ChannelLookup (deploy time).
   *
   * @param scope scope
   * @param id construct ID
   * @param options what to look for, and where
   */
  public static fromLookup(scope: Construct, id: string, options: ChannelLookupOptions): ILookedUpChannel {
    class LookedUp extends ChannelBase implements ILookedUpChannel {
      public readonly channelArn: string;
      public readonly channelName: string;
      public readonly channelType: string;
      public readonly channelLatencyMode: string;
      public readonly channelAuthorized: boolean;
      public readonly channelInsecureIngest: boolean;
      public readonly channelPreset: string;
      public readonly channelRecordingConfigurationArn: string;
      public readonly channelContainerFormat: string;
      public readonly channelMultitrackInputConfiguration?: MultitrackInputConfiguration;
      public readonly channelIngestEndpoint: string;
      public readonly channelRtmpsIngestUrl: string;
      public readonly channelPlaybackUrl: string;

      constructor() {
        super(scope, id, { account: options.account ?? concreteArnPart(options.channelArn, 'account'),
          region: options.region ?? concreteArnPart(options.channelArn, 'region') });
        // The lookup's queries belong to this construct (it reports them with its lookup role).
        // Loaded here: it brings aws-cdk-lib's context and cloud-assembly modules, which an app without lookups never needs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { lookUpChannelContext } = require('./channel-from-lookup') as typeof import('./channel-from-lookup');
        const found = lookUpChannelContext(this, options);
        this.channelArn = found.arn;
        this.channelName = found.name;
        this.channelType = found.type;
        this.channelLatencyMode = found.latencyMode;
        this.channelAuthorized = found.authorized;
        this.channelInsecureIngest = found.insecureIngest;
        this.channelPreset = found.preset;
        this.channelRecordingConfigurationArn = found.recordingConfigurationArn;
        this.channelContainerFormat = found.containerFormat;
        this.channelMultitrackInputConfiguration = found.multitrack;
        this.channelIngestEndpoint = found.ingestEndpoint;
        this.channelRtmpsIngestUrl = rtmpsIngestUrl(found.ingestEndpoint);
        this.channelPlaybackUrl = found.playbackUrl;
      }
    }
    const looked = new LookedUp();
    setReach(looked, { region: concreteArnPart(looked.channelArn, 'region') });
    return looked;
  }

  /**
   * Imports a channel by ARN, with the role that reaches it in another account (for the StreamKeys and
   * lookups that use it). Checks the ARN's shape; makes no API call.
   *
   * @param scope scope
   * @param id construct ID
   * @param attrs the channel's ARN and how to reach it
   */
  public static fromChannelAttributes(scope: Construct, id: string, attrs: ChannelAttributes): IChannel {
    checkImportedArn(scope, 'channelArn', attrs.channelArn, 'ChannelArn', 'channel', 'channel');

    class Import extends ChannelBase {
      public readonly channelArn = attrs.channelArn;
    }
    const imported = new Import(scope, id, { environmentFromArn: attrs.channelArn });
    const reach = reachFrom(attrs, attrs.channelArn);
    warnIfUnreachable(imported, attrs.channelArn, reach);
    setReach(imported, reach);
    return imported;
  }

  /**
   * The channel ARN (the custom resource's physical ID).
   *
   * @attribute
   */
  public readonly channelArn: string;

  /**
   * The channel name.
   *
   * @attribute
   */
  public readonly channelName: string;

  /**
   * Ingest endpoint, e.g. a1b2c3d4e5f6.global-contribute.live-video.net.
   *
   * @attribute
   */
  public readonly channelIngestEndpoint: string;

  /**
   * Playback URL (HLS), e.g. https://a1b2c3d4e5f6.us-west-2.playback.live-video.net/api/video/v1/....m3u8.
   *
   * @attribute
   */
  public readonly channelPlaybackUrl: string;

  /**
   * SRT ingest endpoint (the SRT passphrase goes to `secret`).
   *
   * @attribute
   */
  public readonly channelSrtEndpoint: string;

  /**
   * RTMPS ingest URL: `rtmps://<ingestEndpoint>:443/app/`.
   *
   * @attribute
   */
  public readonly channelRtmpsIngestUrl: string;

  /**
   * ARN of the stream key CreateChannel made.
   *
   * @attribute
   */
  public readonly defaultStreamKeyArn: string;

  /** Tags of the channel; `Tags.of(scope).add()` reaches them. */
  public readonly cdkTagManager: TagManager;

  private readonly resource: IvsCfnResource;
  private readonly keyAccess: StreamKeyAccess;

  /**
   * Creates a channel.
   *
   * @param scope scope
   * @param id construct ID
   * @param props channel properties
   */
  constructor(scope: Construct, id: string, props: ChannelProps = {}) {
    const adopt = props.adoptChannelArn;
    super(scope, id, {
      // An adopted channel keeps its name unless one is given.
      physicalName: props.channelName ?? (adopt !== undefined ? undefined : Lazy.string({
        produce: () => Names.uniqueResourceName(this, { maxLength: 128, allowedSpecialCharacters: '-_' }),
      })),
      region: props.region ?? concreteArnPart(adopt, 'region'),
      account: concreteArnPart(props.assumedRoleArn, 'account') ?? concreteArnPart(adopt, 'account'),
    });

    checkChannel(this, {
      ...props,
      recordingConfigurationArn: props.recordingConfiguration?.recordingConfigurationArn,
      playbackRestrictionPolicyArn: props.playbackRestrictionPolicy?.playbackRestrictionPolicyArn,
    });
    if (adopt !== undefined) checkImportedArn(this, 'adoptChannelArn', adopt, 'ChannelArn', 'channel', 'channel');

    const reach = reachFrom(props, adopt);
    if (adopt !== undefined) warnIfUnreachable(this, adopt, reach);
    setReach(this, reach);
    if (adopt !== undefined && props.removalPolicy === RemovalPolicy.DESTROY) {
      Annotations.of(this).addWarningV2('cdk-ivs:adoptWithDestroy', 'adoptChannelArn with removalPolicy DESTROY: if the deployment that '
        + `adopts ${adopt} rolls back, CloudFormation deletes that channel. Adopt with RETAIN (the default), and switch to DESTROY in a later deployment.`);
    }
    const removalPolicy = props.removalPolicy ?? (adopt !== undefined ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    // The secret is the stack's own, also for an adopted channel: it goes with the stack unless told otherwise.
    this.keyAccess = new StreamKeyAccess(this, `Amazon IVS stream key of channel ${this.node.path}`, props.removalPolicy ?? RemovalPolicy.DESTROY);
    this.cdkTagManager = createTagManager(this, 'channel', props.tags);

    const multitrack = props.multitrackInputConfiguration;
    this.resource = createIvsResource(this, 'Resource', {
      kind: 'channel',
      removalPolicy,
      properties: {
        ...targetProperties(this, reach, adopt),
        AdoptChannelArn: adopt,
        Name: this.physicalName,
        Type: props.type,
        LatencyMode: props.latencyMode,
        Authorized: props.authorized,
        InsecureIngest: props.insecureIngest,
        Preset: presetToSend(this, props.preset, props.type),
        RecordingConfigurationArn: props.recordingConfiguration?.recordingConfigurationArn,
        PlaybackRestrictionPolicyArn: props.playbackRestrictionPolicy?.playbackRestrictionPolicyArn,
        AdConfigurationArn: props.adConfigurationArn,
        ContainerFormat: props.containerFormat ?? (multitrack ? ContainerFormat.FRAGMENTED_MP4 : undefined),
        MultitrackInputConfiguration: multitrack
          ? { Enabled: true, Policy: multitrack.policy, MaximumResolution: multitrack.maximumResolution }
          : undefined,
        Tags: renderTags(this.cdkTagManager),
        StopStreamOnDelete: props.stopStreamOnDelete,
        ...this.keyAccess.properties(),
      },
    });

    this.channelArn = this.resource.ref;
    this.channelName = this.resource.getAttString(CHANNEL_ATTRIBUTES.Name);
    this.channelIngestEndpoint = this.resource.getAttString(CHANNEL_ATTRIBUTES.IngestEndpoint);
    this.channelPlaybackUrl = this.resource.getAttString(CHANNEL_ATTRIBUTES.PlaybackUrl);
    this.channelSrtEndpoint = this.resource.getAttString(CHANNEL_ATTRIBUTES.SrtEndpoint);
    this.channelRtmpsIngestUrl = this.resource.getAttString(CHANNEL_ATTRIBUTES.RtmpsIngestUrl);
    this.defaultStreamKeyArn = this.resource.getAttString(CHANNEL_ATTRIBUTES.DefaultStreamKeyArn);

    if (props.storeStreamKeyInSecret) {
      this.keyAccess.secret();
    }
  }

  /**
   * Secret holding the channel's stream key as JSON (`channelArn`, `streamKeyArn`, `streamKey`,
   * `rtmpsUrl`, `srtEndpoint`, `srtPassphrase`). Created on first use, written by the provider; the
   * value never appears in the template.
   */
  public get secret(): ISecret {
    return this.keyAccess.secret();
  }

  /**
   * The stream key value, as a token (for code ported from the alpha, e.g. a MediaLive output).
   *
   * Referencing it makes the provider return the value in the custom resource's response, with
   * NoEcho, which CloudFormation documents as masking the value with asterisks where it is retrieved
   * with Fn::GetAtt, and no more: whatever consumes the token (another resource's properties, an
   * output) holds it in plain text. Prefer `secret` where you can.
   *
   * @attribute
   */
  public get streamKeyValue(): string {
    return this.keyAccess.value(this.resource, CHANNEL_ATTRIBUTES.StreamKeyValue);
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
   * Applies a removal policy to the channel and its secret.
   *
   * @param policy DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    checkRemovalPolicy(this, 'applyRemovalPolicy(policy)', policy);
    this.resource.applyRemovalPolicy(policy);
    this.keyAccess.applyRemovalPolicy(policy);
  }
}
