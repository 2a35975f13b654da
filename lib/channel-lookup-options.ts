// The options and result of Channel.fromLookup (synth time); lib/channel-from-lookup.ts does the lookup.

import type { IChannel, MultitrackInputConfiguration } from './channel';

/**
 * What Channel.fromLookup looks for, and where.
 */
export interface ChannelLookupOptions {
  /**
   * ARN of the channel.
   *
   * @default - `channelName` is required
   */
  readonly channelArn?: string;

  /**
   * Name of the channel (exactly one channel of the account and region must have it).
   *
   * Found with Cloud Control's ListResources, which matches on the properties it lists: where it lists
   * AWS::IVS::Channel by ARN only, the lookup fails and says so; look up by `channelArn` then.
   *
   * @default - `channelArn` is required
   */
  readonly channelName?: string;

  /**
   * Account of the channel.
   *
   * @default - the account of `channelArn`, otherwise the stack's
   */
  readonly account?: string;

  /**
   * Region of the channel.
   *
   * @default - the region of `channelArn`, otherwise the stack's
   */
  readonly region?: string;

  /**
   * Role the CLI assumes for the lookup (it needs cloudformation:GetResource / ListResources and
   * ivs:GetChannel / ListChannels / ListTagsForResource).
   *
   * @default - the stack's lookup role in the stack's own account; in another account, that account's
   * bootstrap lookup role (cdk-<qualifier>-lookup-role-<account>-<region>)
   */
  readonly lookupRoleArn?: string;

  /**
   * External ID for assuming `lookupRoleArn`.
   *
   * @default - none
   */
  readonly lookupRoleExternalId?: string;
}

/**
 * A channel found at synth time: its values are concrete, from cdk.context.json.
 */
export interface ILookedUpChannel extends IChannel {
  /** The channel name. */
  readonly channelName: string;
  /** The channel type (STANDARD, BASIC, ADVANCED_SD, ADVANCED_HD). */
  readonly channelType: string;
  /** The latency mode (LOW, NORMAL). */
  readonly channelLatencyMode: string;
  /** Whether the channel is private. */
  readonly channelAuthorized: boolean;
  /** Whether insecure ingest is allowed. */
  readonly channelInsecureIngest: boolean;
  /** The transcode preset ('' for STANDARD and BASIC channels). */
  readonly channelPreset: string;
  /** ARN of the recording configuration ('' when recording is off). */
  readonly channelRecordingConfigurationArn: string;
  /** The container format (TS, FRAGMENTED_MP4). */
  readonly channelContainerFormat: string;
  /** Multitrack input, when enabled. */
  readonly channelMultitrackInputConfiguration?: MultitrackInputConfiguration;
  /** The ingest endpoint. */
  readonly channelIngestEndpoint: string;
  /** The RTMPS ingest URL: `rtmps://<ingestEndpoint>:443/app/`. */
  readonly channelRtmpsIngestUrl: string;
  /** The playback URL. */
  readonly channelPlaybackUrl: string;
}
