// The wire contract between the constructs (lib/) and the provider handler (lambda/): resource
// types, property names and types, attribute names and secret fields. Both sides import this module,
// so a rename cannot drift. Not part of the public API.
//
// CloudFormation hands every scalar property to the handler as a string ("true", "5"); each
// property's declared type below tells the handler how to parse it back.

/** Custom resource types served by the one provider of a stack. */
export const RESOURCE_TYPES = {
  channel: 'Custom::IvsChannel',
  streamKey: 'Custom::IvsStreamKey',
  playbackKeyPair: 'Custom::IvsPlaybackKeyPair',
  channelLookup: 'Custom::IvsChannelLookup',
} as const;

export type ResourceKind = keyof typeof RESOURCE_TYPES;

/** How a property's value is typed before CloudFormation turns scalars into strings. */
export type FieldType = 'string' | 'boolean' | 'number' | 'stringMap' | 'stringList' | { readonly [field: string]: FieldType };

/** Properties every cdk-ivs custom resource carries, besides ServiceToken. */
export const COMMON_FIELDS = {
  /** The provider's code hash: a handler fix reaches existing resources. */
  CodeHash: 'string',
} as const satisfies { [name: string]: FieldType };

/**
 * Where the provider calls IVS for a resource; each is omitted for the stack's own account and region.
 * The provider assumes RoleArn (with ExternalId) through the regional STS endpoint of Region.
 */
export const TARGET_FIELDS = {
  RoleArn: 'string',
  ExternalId: 'string',
  Region: 'string',
} as const satisfies { [name: string]: FieldType };

/** Custom::IvsChannel properties. Names and types mirror CreateChannel's input. */
export const CHANNEL_FIELDS = {
  ...COMMON_FIELDS,
  ...TARGET_FIELDS,
  /** An existing channel that Create takes over (brought to these properties) instead of creating one. */
  AdoptChannelArn: 'string',
  Name: 'string',
  Type: 'string',
  LatencyMode: 'string',
  Authorized: 'boolean',
  InsecureIngest: 'boolean',
  Preset: 'string',
  RecordingConfigurationArn: 'string',
  PlaybackRestrictionPolicyArn: 'string',
  AdConfigurationArn: 'string',
  ContainerFormat: 'string',
  MultitrackInputConfiguration: {
    Enabled: 'boolean',
    Policy: 'string',
    MaximumResolution: 'string',
  },
  Tags: 'stringMap',
  /** Call StopStream before DeleteChannel when the channel is live. */
  StopStreamOnDelete: 'boolean',
  /** Secret (created by the construct) that receives the stream key, RTMPS URL and SRT details. */
  SecretArn: 'string',
  /** Return the stream key value in Data (with NoEcho); only when the app references it. */
  ExposeStreamKeyValue: 'boolean',
} as const satisfies { [name: string]: FieldType };

/** Custom::IvsStreamKey properties. */
export const STREAM_KEY_FIELDS = {
  ...COMMON_FIELDS,
  ...TARGET_FIELDS,
  ChannelArn: 'string',
  Tags: 'stringMap',
  /** Any value; changing it replaces the key (DeleteStreamKey, then CreateStreamKey). */
  Rotation: 'string',
  SecretArn: 'string',
  ExposeStreamKeyValue: 'boolean',
} as const satisfies { [name: string]: FieldType };

/** Custom::IvsPlaybackKeyPair properties. */
export const PLAYBACK_KEY_PAIR_FIELDS = {
  ...COMMON_FIELDS,
  ...TARGET_FIELDS,
  Name: 'string',
  /** PEM public key to import; when absent the handler generates a P-384 pair. */
  PublicKeyMaterial: 'string',
  Tags: 'stringMap',
  /** Receives the generated private key; required when PublicKeyMaterial is absent. */
  SecretArn: 'string',
} as const satisfies { [name: string]: FieldType };

/** Custom::IvsChannelLookup properties: a read of existing channels that changes nothing. */
export const CHANNEL_LOOKUP_FIELDS = {
  ...COMMON_FIELDS,
  ...TARGET_FIELDS,
  /** The channels to read (BatchGetChannel takes up to 50). */
  ChannelArns: 'stringList',
  /**
   * The attributes the app references, as `<index>.<attribute>` (LOOKUP_ATTRIBUTES): only these travel
   * in Data, which CloudFormation limits to 4 KB per response.
   */
  Attributes: 'stringList',
  /** Per channel index, the secret (of the stack's own account) that receives its stream key. */
  SecretArns: 'stringMap',
  /** Changes on every synth when the app asks for a fresh read on every deploy. */
  Refresh: 'string',
} as const satisfies { [name: string]: FieldType };

export const FIELDS = {
  channel: CHANNEL_FIELDS,
  streamKey: STREAM_KEY_FIELDS,
  playbackKeyPair: PLAYBACK_KEY_PAIR_FIELDS,
  channelLookup: CHANNEL_LOOKUP_FIELDS,
} as const;

/** Custom::IvsChannel attributes (response Data), read with Fn::GetAtt. */
export const CHANNEL_ATTRIBUTES = {
  Arn: 'Arn',
  Name: 'Name',
  IngestEndpoint: 'IngestEndpoint',
  PlaybackUrl: 'PlaybackUrl',
  /** `rtmps://<ingestEndpoint>:443/app/` */
  RtmpsIngestUrl: 'RtmpsIngestUrl',
  SrtEndpoint: 'SrtEndpoint',
  DefaultStreamKeyArn: 'DefaultStreamKeyArn',
  /** Only when ExposeStreamKeyValue is true; the response then sets NoEcho. */
  StreamKeyValue: 'StreamKeyValue',
} as const;

/** Custom::IvsStreamKey attributes. */
export const STREAM_KEY_ATTRIBUTES = {
  Arn: 'Arn',
  ChannelArn: 'ChannelArn',
  /** Only when ExposeStreamKeyValue is true; the response then sets NoEcho. */
  StreamKeyValue: 'StreamKeyValue',
} as const;

/** Custom::IvsPlaybackKeyPair attributes. */
export const PLAYBACK_KEY_PAIR_ATTRIBUTES = {
  Arn: 'Arn',
  Name: 'Name',
  Fingerprint: 'Fingerprint',
} as const;

/**
 * Custom::IvsChannelLookup attributes of each channel, read as `<index>.<attribute>` (index in
 * ChannelArns). Everything GetChannel returns but the SRT passphrase, plus the channel's stream key.
 */
export const LOOKUP_ATTRIBUTES = {
  Arn: 'Arn',
  Name: 'Name',
  Type: 'Type',
  LatencyMode: 'LatencyMode',
  Authorized: 'Authorized',
  InsecureIngest: 'InsecureIngest',
  Preset: 'Preset',
  RecordingConfigurationArn: 'RecordingConfigurationArn',
  PlaybackRestrictionPolicyArn: 'PlaybackRestrictionPolicyArn',
  AdConfigurationArn: 'AdConfigurationArn',
  ContainerFormat: 'ContainerFormat',
  MultitrackEnabled: 'MultitrackEnabled',
  MultitrackPolicy: 'MultitrackPolicy',
  MultitrackMaximumResolution: 'MultitrackMaximumResolution',
  IngestEndpoint: 'IngestEndpoint',
  RtmpsIngestUrl: 'RtmpsIngestUrl',
  SrtEndpoint: 'SrtEndpoint',
  PlaybackUrl: 'PlaybackUrl',
  StreamKeyArn: 'StreamKeyArn',
  /** Only when referenced; the response then sets NoEcho. */
  StreamKeyValue: 'StreamKeyValue',
} as const;

export type LookupAttribute = keyof typeof LOOKUP_ATTRIBUTES;

/** JSON fields of the secret a Channel or StreamKey writes. */
export interface StreamSecretValue {
  readonly channelArn: string;
  readonly streamKeyArn: string;
  readonly streamKey: string;
  readonly rtmpsUrl: string;
  readonly srtEndpoint: string;
  readonly srtPassphrase: string;
}

/** JSON fields of the secret a generated PlaybackKeyPair writes. */
export interface PlaybackKeyPairSecretValue {
  readonly playbackKeyPairArn: string;
  readonly publicKey: string;
  readonly privateKey: string;
}

/**
 * Tag set on every secret the constructs create; the provider may write only secrets that carry
 * it with the stack's ID (the IAM condition), so it cannot touch any other secret.
 */
export const SECRET_OWNER_TAG = 'cdk-ivs:stack';

/**
 * Tag the handler sets on every channel, stream key and playback key pair it creates, with the
 * CloudFormation RequestId of the create: when the SDK retried a create whose first answer was lost,
 * it finds what that request made, and keeps one.
 */
export const REQUEST_TAG = 'cdk-ivs:request';

/**
 * Prefix of the names of the short-lived secrets through which one delivery of a Create event at a time
 * creates (lambda/claim.ts): `<prefix>/<stack name>/...`. They hold no value and are deleted before the
 * create answers.
 */
export const CLAIM_PREFIX = 'cdk-ivs/claims';

/** RTMPS ingest URL of an ingest endpoint, as IVS documents it. */
export function rtmpsIngestUrl(ingestEndpoint: string): string {
  return `rtmps://${ingestEndpoint}:443/app/`;
}
