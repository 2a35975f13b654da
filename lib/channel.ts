import { CustomResource, IResource, ITaggableV2, Lazy, Names, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { propertyInjectable } from 'aws-cdk-lib/core/lib/prop-injectable';
import { Construct } from 'constructs';
import { CHANNEL_ATTRIBUTES } from './contract';
import type { IPlaybackRestrictionPolicy } from './playback-restriction-policy';
import { createIvsResource, createTagManager, renderTags, StreamKeyAccess } from './provider';
import type { IRecordingConfiguration } from './recording-configuration';
import { StreamKey } from './stream-key';
import { checkChannel, checkImportedArn } from './validation';

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

/** What new and imported channels share. */
abstract class ChannelBase extends Resource implements IChannel {
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
export interface ChannelProps {
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
   * Transcode preset; only with ADVANCED_SD and ADVANCED_HD (an error otherwise).
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
   * @default RemovalPolicy.DESTROY
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
    checkImportedArn(scope, 'channelArn', channelArn, 'ChannelArn', 'channel', 'channel');

    class Import extends ChannelBase {
      public readonly channelArn = channelArn;
    }
    return new Import(scope, id, { environmentFromArn: channelArn });
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

  private readonly resource: CustomResource;
  private readonly keyAccess: StreamKeyAccess;

  /**
   * Creates a channel.
   *
   * @param scope scope
   * @param id construct ID
   * @param props channel properties
   */
  constructor(scope: Construct, id: string, props: ChannelProps = {}) {
    super(scope, id, {
      physicalName: props.channelName ?? Lazy.string({
        produce: () => Names.uniqueResourceName(this, { maxLength: 128, allowedSpecialCharacters: '-_' }),
      }),
    });

    checkChannel(this, {
      ...props,
      recordingConfigurationArn: props.recordingConfiguration?.recordingConfigurationArn,
      playbackRestrictionPolicyArn: props.playbackRestrictionPolicy?.playbackRestrictionPolicyArn,
    });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.keyAccess = new StreamKeyAccess(this, `Amazon IVS stream key of channel ${this.node.path}`, removalPolicy);
    this.cdkTagManager = createTagManager(this, 'channel', props.tags);

    const multitrack = props.multitrackInputConfiguration;
    this.resource = createIvsResource(this, 'Resource', {
      kind: 'channel',
      removalPolicy,
      properties: {
        Name: this.physicalName,
        Type: props.type,
        LatencyMode: props.latencyMode,
        Authorized: props.authorized,
        InsecureIngest: props.insecureIngest,
        Preset: props.preset,
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
   * NoEcho. NoEcho only masks it in CloudFormation's own output: the value is still stored by
   * CloudFormation and lands in plain text in whatever consumes the token (another resource's
   * properties, an output). Prefer `secret` where you can.
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
   * @param policy DESTROY or RETAIN
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
    this.keyAccess.applyRemovalPolicy(policy);
  }
}
