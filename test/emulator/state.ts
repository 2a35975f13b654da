// Everything the emulator holds, across accounts and regions (every record carries both; ARNs
// include them). Tests reach it as `emulator.state`: helpers to set up what the SDK cannot
// (a live channel, a secret made by CloudFormation), accessors for sensitive values, and a
// snapshot of every resource so a test can assert that nothing is orphaned.
import { secretArn, versionId } from './ids';
import { advance, Encoder, LiveOptions, LiveStream, newStream, StreamEvent } from './streams';

export type { LiveStream } from './streams';

export interface MultitrackInputConfiguration {
  enabled: boolean;
  policy?: string;
  maximumResolution?: string;
}

export interface ChannelRecord {
  readonly arn: string;
  readonly id: string;
  readonly account: string;
  readonly region: string;
  name: string;
  latencyMode: string;
  type: string;
  authorized: boolean;
  insecureIngest: boolean;
  preset: string;
  recordingConfigurationArn: string;
  playbackRestrictionPolicyArn: string;
  adConfigurationArn: string;
  multitrackInputConfiguration: MultitrackInputConfiguration;
  containerFormat: string;
  readonly ingestEndpoint: string;
  readonly playbackUrl: string;
  readonly srt: { readonly endpoint: string; readonly passphrase: string };
  tags: { [key: string]: string };
  live?: LiveStream;
  /** What streams to the channel, when setLive was given options (streams.ts). */
  encoder?: Encoder;
}

export interface StreamKeyRecord {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly channelArn: string;
  readonly value: string;
  tags: { [key: string]: string };
}

export interface PlaybackKeyPairRecord {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly fingerprint: string;
  readonly publicKeyPem: string;
  tags: { [key: string]: string };
}

export interface RecordingConfigurationRecord {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly destinationConfiguration: unknown;
  readonly state: string;
  readonly thumbnailConfiguration?: unknown;
  readonly recordingReconnectWindowSeconds: number;
  readonly renditionConfiguration?: unknown;
  tags: { [key: string]: string };
}

export interface PlaybackRestrictionPolicyRecord {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  name: string;
  allowedCountries: string[];
  allowedOrigins: string[];
  enableStrictOriginEnforcement: boolean;
  tags: { [key: string]: string };
}

export interface SecretVersion {
  readonly versionId: string;
  readonly secretString?: string;
  readonly secretBinary?: string;
  stages: string[];
  readonly createdDate: Date;
}

export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  versions: SecretVersion[];
  readonly createdDate: Date;
  lastChangedDate: Date;
  /** Set when DeleteSecret scheduled the deletion (recovery window); the secret still exists. */
  deletedDate?: Date;
  /** Deleted without recovery, its name still taken until the background deletion ends (secrets-manager.ts). */
  purging?: boolean;
}

/** An IAM role (global: no region), as CreateRole made it. */
export interface RoleRecord {
  readonly arn: string;
  readonly account: string;
  readonly name: string;
  readonly path: string;
  /** `AROA` + 17 characters. */
  readonly roleId: string;
  readonly createDate: Date;
  /** The trust policy, as given (JSON text). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: { Key: string; Value: string }[];
  /** Inline policies by name (JSON text). */
  policies: Map<string, string>;
  /** Seeded by the emulator at start (and after reset); not counted by isEmpty(). */
  readonly fixture?: boolean;
}

/**
 * A StartViewerSessionRevocation: "Starts the process of revoking the viewer session associated with a
 * specified channel ARN and viewer ID. Optionally, you can provide a version to revoke viewer sessions
 * less than and including that version." (IVS API reference; `viewerSessionVersionsLessThanOrEqualTo`
 * defaults to 0). The playback edge (playback.ts) applies it.
 */
export interface ViewerSessionRevocation {
  readonly channelArn: string;
  readonly viewerId: string;
  readonly versionsUpTo: number;
  /** When it was requested (real time, ms). */
  readonly at: number;
}

export type IvsRecord = ChannelRecord | StreamKeyRecord | PlaybackKeyPairRecord | RecordingConfigurationRecord | PlaybackRestrictionPolicyRecord;

/** Every resource, without secret values (stream key values, SRT passphrases, secret strings). */
export interface Snapshot {
  readonly channels: readonly { arn: string; account: string; region: string; name: string; live: boolean; tags: { [k: string]: string } }[];
  readonly streamKeys: readonly { arn: string; account: string; region: string; channelArn: string; tags: { [k: string]: string } }[];
  readonly playbackKeyPairs: readonly { arn: string; account: string; region: string; name: string; fingerprint: string; tags: { [k: string]: string } }[];
  readonly recordingConfigurations: readonly { arn: string; account: string; region: string; name: string }[];
  readonly playbackRestrictionPolicies: readonly { arn: string; account: string; region: string; name: string }[];
  readonly secrets: readonly {
    arn: string; account: string; region: string; name: string; tags: { [k: string]: string };
    hasValue: boolean; versions: number; scheduledForDeletion: boolean;
  }[];
  readonly roles: readonly { arn: string; account: string; name: string; policies: string[]; fixture: boolean }[];
}

export interface CreateSecretOptions {
  readonly name: string;
  /** @default the emulator's test account */
  readonly account?: string;
  /** @default the emulator's region */
  readonly region?: string;
  readonly tags?: { readonly [key: string]: string };
  readonly description?: string;
  /** An initial value (CloudFormation's SecretString); none by default, as cdk-ivs creates them. */
  readonly secretString?: string;
}

function copy<T>(v: T): T {
  return structuredClone(v);
}

export function roleKey(account: string, name: string): string {
  return `${account}:${name.toLowerCase()}`;
}

export class EmulatorState {
  readonly channels = new Map<string, ChannelRecord>();
  readonly streamKeys = new Map<string, StreamKeyRecord>();
  readonly playbackKeyPairs = new Map<string, PlaybackKeyPairRecord>();
  readonly recordingConfigurations = new Map<string, RecordingConfigurationRecord>();
  readonly playbackRestrictionPolicies = new Map<string, PlaybackRestrictionPolicyRecord>();
  readonly secrets = new Map<string, SecretRecord>();
  /** IAM roles, keyed `<account>:<lower-case name>` (role names are unique per account regardless of case). */
  readonly roles = new Map<string, RoleRecord>();
  /** Viewer session revocations, oldest first. */
  readonly viewerSessionRevocations: ViewerSessionRevocation[] = [];
  /** IVS resources created in a visibility lag: when reads start to see them (real ms, by ARN; visibility.ts). */
  readonly visibleFrom = new Map<string, number>();
  /** Stream Start / Stream End, as EventBridge would deliver them, oldest first. */
  readonly streamEvents: StreamEvent[] = [];

  /**
   * @param fixtures roles seeded at start and again by reset() (e.g. the second account's role
   *   that the first account may assume)
   */
  constructor(readonly defaultAccount: string, readonly region: string, private readonly fixtures: readonly RoleRecord[] = []) {
    this.seedFixtures();
  }

  private seedFixtures(): void {
    for (const r of this.fixtures) this.roles.set(roleKey(r.account, r.name), { ...copy(r), fixture: true });
  }

  /** A copy of a role (trust policy and inline policies included), looked up regardless of case. */
  role(account: string, name: string): RoleRecord | undefined {
    const r = this.roles.get(roleKey(account, name));
    return r && copy(r);
  }

  /**
   * Makes a channel live (as if an encoder were streaming to it) or offline. While live,
   * UpdateChannel and DeleteChannel answer 409 ConflictException until the stream has ended.
   * `true` is a stream that ends at StopStream and never comes back; options give it an encoder
   * that reconnects (`reconnectAfterMs`, with the channel's stream key of now) and a stream that
   * ends a while after StopStream (`endsAfterMs`). `false` ends the stream and forgets the encoder.
   */
  setLive(channelArn: string, live: boolean | LiveOptions = true): void {
    const channel = this.channels.get(channelArn);
    if (!channel) throw new Error(`emulator: no channel ${channelArn}`);
    this.advanceStreams();
    const now = Date.now();
    if (channel.live) this.streamEvents.push({ channelArn, streamId: channel.live.streamId, eventName: 'Stream End', at: now });
    channel.live = undefined;
    channel.encoder = undefined;
    if (live === false) return;
    const options: LiveOptions = live === true ? {} : live;
    if (options.reconnectAfterMs !== undefined) {
      const key = [...this.streamKeys.values()].find((k) => k.channelArn === channelArn);
      if (!key) throw new Error(`emulator: channel ${channelArn} has no stream key for an encoder to reconnect with`);
      channel.encoder = { streamKeyArn: key.arn, reconnectAfterMs: options.reconnectAfterMs, endsAfterMs: options.endsAfterMs ?? 0, health: options.health ?? 'HEALTHY' };
    } else if (live !== true) {
      channel.encoder = { endsAfterMs: options.endsAfterMs ?? 0, health: options.health ?? 'HEALTHY' };
    }
    channel.live = newStream(now, options.health);
    this.streamEvents.push({ channelArn, streamId: channel.live.streamId, eventName: 'Stream Start', at: now });
  }

  /** Ends the streams whose end has come and reconnects the encoders whose time has come (streams.ts). */
  advanceStreams(now: number = Date.now()): void {
    for (const channel of this.channels.values()) {
      if (channel.live?.endsAt === undefined && channel.encoder?.reconnectAt === undefined) continue;
      this.streamEvents.push(...advance(channel, now, (arn) => this.streamKeys.get(arn)?.channelArn === channel.arn));
    }
  }

  isLive(channelArn: string): boolean {
    this.advanceStreams();
    return !!this.channels.get(channelArn)?.live;
  }

  /** A copy of a channel, SRT passphrase included (keep it out of logs). */
  channel(arn: string): ChannelRecord | undefined {
    this.advanceStreams();
    const c = this.channels.get(arn);
    return c && copy(c);
  }

  /** Copies of the stream keys of a channel, values included (keep them out of logs). */
  streamKeysOf(channelArn: string): StreamKeyRecord[] {
    return [...this.streamKeys.values()].filter((k) => k.channelArn === channelArn).map(copy);
  }

  getStreamKeyValue(arn: string): string | undefined {
    return this.streamKeys.get(arn)?.value;
  }

  /** Creates a secret directly, as CloudFormation would (AWS::SecretsManager::Secret). */
  createSecret(options: CreateSecretOptions): { arn: string; name: string } {
    const account = options.account ?? this.defaultAccount;
    const region = options.region ?? this.region;
    if (this.findSecret(account, region, options.name)) throw new Error(`emulator: secret ${options.name} already exists`);
    return this.addSecret({
      name: options.name,
      account,
      region,
      description: options.description,
      tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      secretString: options.secretString,
    });
  }

  /** @internal used by CreateSecret and createSecret() */
  addSecret(p: {
    name: string; account: string; region: string; description?: string; kmsKeyId?: string; tags: { Key: string; Value: string }[];
    secretString?: string; secretBinary?: string; versionId?: string; arn?: string;
  }): SecretRecord {
    const now = new Date();
    const record: SecretRecord = {
      arn: p.arn ?? secretArn(p.region, p.account, p.name),
      name: p.name,
      account: p.account,
      region: p.region,
      description: p.description,
      kmsKeyId: p.kmsKeyId,
      tags: p.tags,
      versions: [],
      createdDate: now,
      lastChangedDate: now,
    };
    if (p.secretString !== undefined || p.secretBinary !== undefined) {
      record.versions.push({ versionId: p.versionId ?? versionId(), secretString: p.secretString, secretBinary: p.secretBinary, stages: ['AWSCURRENT'], createdDate: now });
    }
    this.secrets.set(record.arn, record);
    return record;
  }

  /**
   * A secret by full ARN, partial ARN (without the random suffix) or name, in one account and
   * region, as Secrets Manager resolves SecretId.
   */
  findSecret(account: string, region: string, secretId: string): SecretRecord | undefined {
    const direct = this.secrets.get(secretId);
    if (direct) return direct.account === account && direct.region === region ? direct : undefined;
    for (const s of this.secrets.values()) {
      if (s.account !== account || s.region !== region) continue;
      if (s.name === secretId || s.arn.slice(0, -7) === secretId) return s;
    }
    return undefined;
  }

  /** Removes a secret immediately (CloudFormation's delete, or test cleanup). */
  deleteSecret(secretId: string, account: string = this.defaultAccount, region: string = this.region): void {
    const s = this.findSecret(account, region, secretId);
    if (s) this.secrets.delete(s.arn);
  }

  /** The AWSCURRENT SecretString of a secret (undefined when it has no value). */
  getSecretString(secretId: string, account: string = this.defaultAccount, region: string = this.region): string | undefined {
    const s = this.findSecret(account, region, secretId);
    return s?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.secretString;
  }

  /** The tags of a secret as a map. */
  secretTags(secretId: string, account: string = this.defaultAccount, region: string = this.region): { [k: string]: string } | undefined {
    const s = this.findSecret(account, region, secretId);
    return s && Object.fromEntries(s.tags.map((t) => [t.Key, t.Value]));
  }

  /** Records a viewer session revocation (StartViewerSessionRevocation and its batch form). */
  revokeViewerSession(channelArn: string, viewerId: string, versionsUpTo = 0): void {
    this.viewerSessionRevocations.push({ channelArn, viewerId, versionsUpTo, at: Date.now() });
  }

  /** Any IVS resource by ARN. */
  ivsResource(arn: string): IvsRecord | undefined {
    return this.channels.get(arn) ?? this.streamKeys.get(arn) ?? this.playbackKeyPairs.get(arn)
      ?? this.recordingConfigurations.get(arn) ?? this.playbackRestrictionPolicies.get(arn);
  }

  /** Every resource (all accounts and regions), without secret values; IAM roles without the seeded fixtures unless asked. */
  snapshot(options: { includeFixtureRoles?: boolean } = {}): Snapshot {
    this.advanceStreams();
    return copy({
      channels: [...this.channels.values()].map((c) => ({ arn: c.arn, account: c.account, region: c.region, name: c.name, live: !!c.live, tags: c.tags })),
      streamKeys: [...this.streamKeys.values()].map((k) => ({ arn: k.arn, account: k.account, region: k.region, channelArn: k.channelArn, tags: k.tags })),
      playbackKeyPairs: [...this.playbackKeyPairs.values()]
        .map((p) => ({ arn: p.arn, account: p.account, region: p.region, name: p.name, fingerprint: p.fingerprint, tags: p.tags })),
      recordingConfigurations: [...this.recordingConfigurations.values()]
        .map((r) => ({ arn: r.arn, account: r.account, region: r.region, name: r.name })),
      playbackRestrictionPolicies: [...this.playbackRestrictionPolicies.values()]
        .map((r) => ({ arn: r.arn, account: r.account, region: r.region, name: r.name })),
      // (a secret deleted without recovery is gone; only its name is still taken for a moment)
      secrets: [...this.secrets.values()].filter((s) => !s.purging).map((s) => ({
        arn: s.arn,
        account: s.account,
        region: s.region,
        name: s.name,
        tags: Object.fromEntries(s.tags.map((t) => [t.Key, t.Value])),
        hasValue: s.versions.length > 0,
        versions: s.versions.length,
        scheduledForDeletion: !!s.deletedDate,
      })),
      roles: [...this.roles.values()]
        .filter((r) => options.includeFixtureRoles || !r.fixture)
        .map((r) => ({ arn: r.arn, account: r.account, name: r.name, policies: [...r.policies.keys()], fixture: !!r.fixture })),
    });
  }

  /**
   * True when no IVS resource, no secret and no IAM role exists (secrets scheduled for deletion
   * count as gone unless `countScheduledSecrets`; the seeded fixture roles never count).
   */
  isEmpty(options: { countScheduledSecrets?: boolean } = {}): boolean {
    const secrets = [...this.secrets.values()].filter((s) => !s.purging && (options.countScheduledSecrets || !s.deletedDate));
    const roles = [...this.roles.values()].filter((r) => !r.fixture);
    return this.channels.size + this.streamKeys.size + this.playbackKeyPairs.size + this.recordingConfigurations.size
      + this.playbackRestrictionPolicies.size + secrets.length + roles.length === 0;
  }

  /** Forgets every resource and role, then seeds the fixture roles again. */
  reset(): void {
    this.roles.clear();
    this.seedFixtures();
    this.channels.clear();
    this.streamKeys.clear();
    this.playbackKeyPairs.clear();
    this.recordingConfigurations.clear();
    this.playbackRestrictionPolicies.clear();
    this.secrets.clear();
    this.viewerSessionRevocations.length = 0;
    this.streamEvents.length = 0;
    this.visibleFrom.clear();
  }
}
