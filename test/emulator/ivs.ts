// IVS semantics, one function per operation. Inputs arrive already validated against the model
// (model.ts), outputs are shaped by the model afterwards, so this file holds only behaviour:
// what exists, quotas, live channels, references between resources. Rules stated in the IVS API
// reference that the model cannot express (cross-field rules) are written here, each with its
// source sentence.
import { createPublicKey, KeyObject } from 'node:crypto';
import { ServiceError } from './errors';
import type { AuthResource, EnforceIamSettings } from './enforce-iam';
import { stop } from './streams';
import { visibleFrom, VisibilitySettings } from './visibility';
import {
  hexPrefix, ingestEndpoint, ivsArn, ivsResourceId, keyFingerprint, playbackUrl, srtEndpoint, srtPassphrase, streamKeyValue,
} from './ids';
import {
  ChannelRecord, EmulatorState, IvsRecord, PlaybackKeyPairRecord, PlaybackRestrictionPolicyRecord,
  RecordingConfigurationRecord, StreamKeyRecord,
} from './state';

/** Resource quotas (IVS "Other Quotas"), per account and region. */
export interface IvsQuotas {
  /** @default 5000 (adjustable in IVS) */
  readonly channels: number;
  /** A channel has at most one stream key. @default 1 */
  readonly streamKeysPerChannel: number;
  /** @default 3 */
  readonly playbackKeyPairs: number;
  /** @default 20 */
  readonly recordingConfigurations: number;
  /** @default 100 */
  readonly playbackRestrictionPolicies: number;
}

export const DEFAULT_IVS_QUOTAS: IvsQuotas = {
  channels: 5000,
  streamKeysPerChannel: 1,
  playbackKeyPairs: 3,
  recordingConfigurations: 20,
  playbackRestrictionPolicies: 100,
};

/**
 * BatchGetChannel / BatchGetStreamKey: the API reference defines `errors: BatchError[]` ({arn,
 * code, message}) but does not say whether an ARN that does not exist, or one of another account,
 * is reported there or simply left out of `channels` / `streamKeys`. One option each.
 */
export interface BatchGetOptions {
  /** An ARN of the caller's account and region that names nothing. @default 'error' */
  readonly missing?: 'error' | 'omit';
  /** An ARN of another account (GetChannel would answer AccessDeniedException). @default 'error' */
  readonly otherAccount?: 'error' | 'omit';
}

export type BatchGetSettings = { -readonly [K in keyof Required<BatchGetOptions>]: Required<BatchGetOptions>[K] };

export const DEFAULT_BATCH_GET: Readonly<BatchGetSettings> = { missing: 'error', otherAccount: 'error' };

/**
 * What UpdateChannel and CreateChannel do with a preset outside ADVANCED channels. The API reference
 * (CreateChannel, UpdateChannel: preset) says only: "Object specifying the default preset. ...
 * selectable only for ADVANCED_HD and ADVANCED_SD channel types. For those channel types, the
 * default preset is HIGHER_BANDWIDTH_DELIVERY. For other channel types (BASIC and STANDARD),
 * preset is the empty string ("")." The model's TranscodePreset enum has no "", so a request cannot
 * send an empty preset.
 */
export interface ChannelRuleOptions {
  /**
   * A channel whose type changes from ADVANCED_* to STANDARD or BASIC, with no preset in the
   * request: its preset becomes "" ('cleared'), or GetChannel goes on reporting it ('kept').
   * @default 'cleared'
   */
  readonly presetOnTypeChange?: 'cleared' | 'kept';
  /**
   * A request that gives a preset for a STANDARD or BASIC channel: ValidationException ('refused'),
   * or the preset is not applied ('ignored'). @default 'refused'
   */
  readonly presetWithNonAdvancedType?: 'refused' | 'ignored';
}

export type ChannelRuleSettings = { -readonly [K in keyof Required<ChannelRuleOptions>]: Required<ChannelRuleOptions>[K] };

export const DEFAULT_CHANNEL_RULES: Readonly<ChannelRuleSettings> = { presetOnTypeChange: 'cleared', presetWithNonAdvancedType: 'refused' };

/** Every combination of the channel rules (the tests run under each). */
export const CHANNEL_RULE_VARIANTS: readonly ChannelRuleSettings[] = (['cleared', 'kept'] as const)
  .flatMap((presetOnTypeChange) => (['refused', 'ignored'] as const).map((presetWithNonAdvancedType) => ({ presetOnTypeChange, presetWithNonAdvancedType })));

export interface IvsContext {
  readonly state: EmulatorState;
  readonly account: string;
  readonly region: string;
  readonly principalArn: string;
  readonly operation: string;
  readonly quotas: IvsQuotas;
  readonly batchGet: BatchGetSettings;
  /** Reads that do not see a resource yet (visibility.ts). */
  readonly visibility: VisibilitySettings;
  /** Undocumented preset behaviours (ChannelRuleOptions). */
  readonly channelRules: ChannelRuleSettings;
  /** IAM identity policies of the caller (enforceIam); absent when the caller is not evaluated. */
  readonly iam?: IvsAuthorizer;
}

/** The caller's identity policies, as IAM applies them to an IVS request (enforce-iam.ts). */
export interface IvsAuthorizer {
  readonly settings: EnforceIamSettings;
  /** Every resource must be allowed (throws AccessDeniedException). */
  authorize(action: string, resources: readonly AuthResource[], requestTags?: { readonly [k: string]: string }): void;
  /** A List action over records of one type: what the caller may see (or throws). */
  list<T extends { readonly arn: string; readonly tags: { [k: string]: string } }>(action: string, type: string, records: T[]): T[];
  /** One ARN of a batch: its denial, or undefined. */
  itemDenial(action: string, resource: AuthResource): ServiceError | undefined;
}

type Input = { readonly [k: string]: any };
type Handler = (ctx: IvsContext, input: Input) => unknown;

/** The model's documentation of each IVS error's exceptionMessage (ivs-2020-07-14.json). */
export const IVS_ERROR_MESSAGES: { readonly [code: string]: string } = {
  AccessDeniedException: 'User does not have sufficient access to perform this action.',
  ChannelNotBroadcasting: 'The stream is offline for the given channel ARN.',
  ConflictException: 'Updating or deleting a resource can cause an inconsistent state.',
  InternalServerException: 'Unexpected error during processing of request.',
  PendingVerification: 'Your account is pending verification.',
  ResourceNotFoundException: 'Request references a resource which does not exist.',
  ServiceQuotaExceededException: 'Request would cause a service quota to be exceeded.',
  StreamUnavailable: 'The stream is temporarily unavailable.',
  ThrottlingException: 'Request was denied due to request throttling.',
  ValidationException: 'The input fails to satisfy the constraints specified by an Amazon Web Services service.',
};

// Default texts of the errors answered here.
const MSG = {
  notFound: IVS_ERROR_MESSAGES.ResourceNotFoundException,
  quota: IVS_ERROR_MESSAGES.ServiceQuotaExceededException,
  conflict: IVS_ERROR_MESSAGES.ConflictException,
  notBroadcasting: IVS_ERROR_MESSAGES.ChannelNotBroadcasting,
  validation: IVS_ERROR_MESSAGES.ValidationException,
};

function validation(detail: string): ServiceError {
  return new ServiceError('ValidationException', detail);
}

function notFound(arn: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `${MSG.notFound} ARN: ${arn}`);
}

function parseArn(arn: string): { region: string; account: string; type: string } {
  const [, , , region, account, resource] = arn.split(':');
  return { region, account, type: (resource ?? '').split('/')[0] };
}

/** The record behind an ARN of the caller's account and region; another account's ARN is denied. */
function owned<T extends { account: string; region: string }>(ctx: IvsContext, map: Map<string, T>, arn: string): T {
  const { account } = parseArn(arn);
  if (account !== ctx.account) {
    throw new ServiceError('AccessDeniedException', `User: ${ctx.principalArn} is not authorized to perform: ivs:${ctx.operation} on resource: ${arn}`);
  }
  const record = map.get(arn);
  if (!record || record.region !== ctx.region) throw notFound(arn);
  return record;
}

function inScope<T extends { account: string; region: string }>(ctx: IvsContext, map: Map<string, T>): T[] {
  return [...map.values()].filter((r) => r.account === ctx.account && r.region === ctx.region);
}

/** Still out of reads: created less than the visibility lag ago (visibility.ts). */
function hidden(ctx: IvsContext, arn: string): boolean {
  return Date.now() < (ctx.state.visibleFrom.get(arn) ?? 0);
}

/** A read of the resource (Get*): one still out of reads does not exist yet. */
function read<T extends { account: string; region: string }>(ctx: IvsContext, map: Map<string, T>, arn: string): T {
  const record = owned(ctx, map, arn);
  if (hidden(ctx, arn)) throw notFound(arn);
  return record;
}

/** An operation that names the resource without reading it: `visibility.named` decides during the lag. */
function named<T extends { account: string; region: string }>(ctx: IvsContext, map: Map<string, T>, arn: string): T {
  const record = owned(ctx, map, arn);
  if (ctx.visibility.named === 'notFound' && hidden(ctx, arn)) throw notFound(arn);
  return record;
}

/** What a List* sees: the caller's account and region, without what is still out of reads. */
function listed<T extends { arn: string; account: string; region: string }>(ctx: IvsContext, map: Map<string, T>): T[] {
  return inScope(ctx, map).filter((r) => !hidden(ctx, r.arn));
}

/** An ARN as IAM sees it: with the resource's tags (aws:ResourceTag) when it is the caller's. */
function subject(ctx: IvsContext, arn: string): AuthResource {
  const r = ctx.state.ivsResource(arn);
  return { arn, tags: r && r.account === ctx.account && r.region === ctx.region ? r.tags : undefined };
}

/**
 * IAM (enforceIam): the request's action must be allowed on each resource, the reference's
 * resource types of the action (enforce-iam.ts IVS_ACTION_RESOURCES). A create brings its tags
 * (aws:RequestTag) and, under `tagOnCreate: 'withTags'`, needs ivs:TagResource on what it makes.
 */
function authorize(ctx: IvsContext, resources: readonly AuthResource[], requestTags?: { [k: string]: string }, tagged?: AuthResource): void {
  if (!ctx.iam) return;
  ctx.iam.authorize(`ivs:${ctx.operation}`, resources, requestTags);
  if (tagged && requestTags && Object.keys(requestTags).length > 0 && ctx.iam.settings.tagOnCreate === 'withTags') {
    ctx.iam.authorize('ivs:TagResource', [tagged], requestTags);
  }
}

/** A List action: every record of the type as IAM lets the caller see them. */
function authorizedList<T extends { readonly arn: string; readonly tags: { [k: string]: string } }>(ctx: IvsContext, type: string, records: T[]): T[] {
  return ctx.iam ? ctx.iam.list(`ivs:${ctx.operation}`, type, records) : records;
}

/** Records a create; reads see it once the visibility lag (as set now) has passed. */
function created<T extends { arn: string }>(ctx: IvsContext, map: Map<string, T>, record: T): T {
  map.set(record.arn, record);
  const from = visibleFrom(ctx.visibility, parseArn(record.arn).type, Date.now());
  if (from > Date.now()) ctx.state.visibleFrom.set(record.arn, from);
  return record;
}

function checkTags(tags: { [k: string]: string } | undefined): void {
  for (const key of Object.keys(tags ?? {})) {
    if (key.toLowerCase().startsWith('aws:')) throw validation(`Tag keys starting with "aws:" are reserved for AWS use: ${key}`);
  }
}

/** Opaque pagination over a list; Default page sizes are the API reference's. */
function paginate<T>(items: T[], input: Input, defaultMax: number): { page: T[]; nextToken?: string } {
  let start = 0;
  if (input.nextToken) {
    const m = /^emu([0-9]+)$/.exec(Buffer.from(input.nextToken, 'base64url').toString());
    if (!m) throw validation(`The pagination token is invalid: ${input.nextToken}`);
    start = Number(m[1]);
  }
  const max = input.maxResults ?? defaultMax;
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`emu${start + max}`).toString('base64url') : undefined;
  return { page, nextToken: next };
}

// ---------------------------------------------------------------------------------------------
// Channels

function channelView(c: ChannelRecord): unknown {
  return { ...c, live: undefined };
}

function checkReference(ctx: IvsContext, arn: string | undefined, map: Map<string, { account: string; region: string }>): void {
  if (!arn) return;
  named(ctx, map, arn);
}

/**
 * Cross-field rules of the IVS API reference (CreateChannel / UpdateChannel):
 * - preset: "selectable only for ADVANCED_HD and ADVANCED_SD channel types. For those channel
 *   types, the default preset is HIGHER_BANDWIDTH_DELIVERY. For other channel types (BASIC and
 *   STANDARD), preset is the empty string". What a given preset does on another type, and what a
 *   type change away from ADVANCED does to a set preset, are options (ChannelRuleOptions).
 * - multitrackInputConfiguration.enabled: "Can be set to true only if channel type is STANDARD.
 *   … If true, then policy, maximumResolution, and containerFormat are required, and
 *   containerFormat must be set to FRAGMENTED_MP4."
 * `before` is the channel before an update (undefined for a create).
 */
function applyChannelRules(ctx: IvsContext, c: ChannelRecord, presetGiven: boolean, before?: ChannelRecord): void {
  const isAdvanced = (type: string) => type === 'ADVANCED_SD' || type === 'ADVANCED_HD';
  const advanced = isAdvanced(c.type);
  if (!advanced) {
    if (presetGiven) {
      if (ctx.channelRules.presetWithNonAdvancedType === 'refused') {
        throw validation(`preset is selectable only for ADVANCED_HD and ADVANCED_SD channel types, not ${c.type}`);
      }
      c.preset = before?.preset ?? '';
    }
    const leftAdvanced = before !== undefined && isAdvanced(before.type);
    const keep = before !== undefined && ctx.channelRules.presetOnTypeChange === 'kept' && (leftAdvanced || before.preset !== '');
    if (!keep) c.preset = '';
  }
  if (advanced && c.preset === '') c.preset = 'HIGHER_BANDWIDTH_DELIVERY';
  const mt = c.multitrackInputConfiguration;
  if (mt.enabled) {
    if (c.type !== 'STANDARD') throw validation(`multitrackInputConfiguration.enabled can be true only for STANDARD channels, not ${c.type}`);
    if (!mt.policy || !mt.maximumResolution) throw validation('multitrackInputConfiguration: policy and maximumResolution are required when enabled is true');
    if (c.containerFormat !== 'FRAGMENTED_MP4') throw validation('containerFormat must be FRAGMENTED_MP4 when multitrack input is enabled');
  }
}

const MULTITRACK_DEFAULT = { enabled: false, policy: 'ALLOW', maximumResolution: 'FULL_HD' };

const CreateChannel: Handler = (ctx, input) => {
  const id = ivsResourceId();
  const arn = ivsArn(ctx.region, ctx.account, 'channel', id);
  const key = newStreamKey(ctx, arn, {});
  authorize(ctx, [{ arn }, { arn: key.arn }], input.tags, { arn });
  checkTags(input.tags);
  if (inScope(ctx, ctx.state.channels).length >= ctx.quotas.channels) {
    throw new ServiceError('ServiceQuotaExceededException', `${MSG.quota} Channels per account and region: ${ctx.quotas.channels}`);
  }
  checkReference(ctx, input.recordingConfigurationArn, ctx.state.recordingConfigurations);
  checkReference(ctx, input.playbackRestrictionPolicyArn, ctx.state.playbackRestrictionPolicies);
  const prefix = hexPrefix();
  const channel: ChannelRecord = {
    arn,
    id,
    account: ctx.account,
    region: ctx.region,
    name: input.name ?? '',
    latencyMode: input.latencyMode ?? 'LOW',
    type: input.type ?? 'STANDARD',
    authorized: input.authorized ?? false,
    insecureIngest: input.insecureIngest ?? false,
    preset: input.preset ?? '',
    recordingConfigurationArn: input.recordingConfigurationArn ?? '',
    playbackRestrictionPolicyArn: input.playbackRestrictionPolicyArn ?? '',
    adConfigurationArn: input.adConfigurationArn ?? '',
    multitrackInputConfiguration: { ...MULTITRACK_DEFAULT, ...(input.multitrackInputConfiguration ?? {}) },
    containerFormat: input.containerFormat ?? 'TS',
    ingestEndpoint: ingestEndpoint(prefix),
    playbackUrl: playbackUrl(prefix, ctx.region, ctx.account, id),
    srt: { endpoint: srtEndpoint(prefix), passphrase: srtPassphrase() },
    tags: { ...(input.tags ?? {}) },
  };
  applyChannelRules(ctx, channel, !!input.preset);
  created(ctx, ctx.state.channels, channel);
  created(ctx, ctx.state.streamKeys, key);
  return { channel: channelView(channel), streamKey: key };
};

const GetChannel: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  return { channel: channelView(read(ctx, ctx.state.channels, input.arn)) };
};

const UPDATABLE = [
  'name', 'latencyMode', 'type', 'authorized', 'insecureIngest', 'preset', 'recordingConfigurationArn',
  'playbackRestrictionPolicyArn', 'adConfigurationArn', 'containerFormat',
] as const;

const UpdateChannel: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const channel = named(ctx, ctx.state.channels, input.arn);
  if (channel.live) throw new ServiceError('ConflictException', `${MSG.conflict} Channel ${channel.arn} is live; a live channel cannot be updated.`);
  checkReference(ctx, input.recordingConfigurationArn, ctx.state.recordingConfigurations);
  checkReference(ctx, input.playbackRestrictionPolicyArn, ctx.state.playbackRestrictionPolicies);
  // Fields absent from the request keep their values.
  const next: ChannelRecord = structuredClone(channel);
  const target = next as unknown as { [k: string]: unknown };
  for (const field of UPDATABLE) if (input[field] !== undefined) target[field] = input[field];
  if (input.multitrackInputConfiguration) next.multitrackInputConfiguration = { ...MULTITRACK_DEFAULT, ...input.multitrackInputConfiguration };
  applyChannelRules(ctx, next, !!input.preset, channel);
  ctx.state.channels.set(next.arn, next);
  return { channel: channelView(next) };
};

const DeleteChannel: Handler = (ctx, input) => {
  // The channel and its stream keys ("Grants permission to delete a channel and channel's stream keys").
  const keys = [...ctx.state.streamKeys.values()].filter((k) => k.channelArn === input.arn && k.account === ctx.account).map((k) => subject(ctx, k.arn));
  authorize(ctx, [subject(ctx, input.arn), ...keys]);
  const channel = named(ctx, ctx.state.channels, input.arn);
  if (channel.live) throw new ServiceError('ConflictException', `${MSG.conflict} Channel ${channel.arn} is live; a live channel cannot be deleted.`);
  ctx.state.channels.delete(channel.arn);
  for (const key of [...ctx.state.streamKeys.values()]) if (key.channelArn === channel.arn) ctx.state.streamKeys.delete(key.arn);
  return {};
};

function batchGet<T extends { arn: string; account: string; region: string }>(ctx: IvsContext, map: Map<string, T>, arns: string[], view: (r: T) => unknown) {
  const found: unknown[] = [];
  const errors: unknown[] = [];
  const action = `ivs:${ctx.operation}`;
  // enforceIam `batch`: a denied ARN fails the whole request, or only its own entry.
  if (ctx.iam?.settings.batch === 'request') ctx.iam.authorize(action, arns.map((arn) => subject(ctx, arn)));
  for (const arn of arns) {
    try {
      const denied = ctx.iam?.settings.batch === 'item' ? ctx.iam.itemDenial(action, subject(ctx, arn)) : undefined;
      if (denied) {
        errors.push({ arn, code: denied.code, message: denied.message });
        continue;
      }
      found.push(view(read(ctx, map, arn)));
    } catch (e) {
      const err = e as ServiceError;
      if (err.code === 'ResourceNotFoundException' && ctx.batchGet.missing === 'omit') continue;
      if (err.code === 'AccessDeniedException' && ctx.batchGet.otherAccount === 'omit') continue;
      errors.push({ arn, code: err.code, message: err.message });
    }
  }
  return { found, errors };
}

const BatchGetChannel: Handler = (ctx, input) => {
  const { found, errors } = batchGet(ctx, ctx.state.channels, input.arns, channelView);
  return { channels: found, errors };
};

const ListChannels: Handler = (ctx, input) => {
  // "The filters are mutually exclusive and cannot be used together. If you try to use both
  // filters, you will get an error (409 ConflictException)." (ListChannels)
  const filters = ['filterByName', 'filterByRecordingConfigurationArn', 'filterByPlaybackRestrictionPolicyArn'].filter((f) => input[f] !== undefined);
  if (filters.length > 1) throw new ServiceError('ConflictException', `${MSG.conflict} The filters ${filters.join(', ')} cannot be used together.`);
  let channels = authorizedList(ctx, 'channel', listed(ctx, ctx.state.channels));
  if (input.filterByName !== undefined) channels = channels.filter((c) => c.name === input.filterByName);
  const byRecording = input.filterByRecordingConfigurationArn;
  if (byRecording !== undefined) channels = channels.filter((c) => c.recordingConfigurationArn === byRecording);
  const byPolicy = input.filterByPlaybackRestrictionPolicyArn;
  if (byPolicy !== undefined) channels = channels.filter((c) => c.playbackRestrictionPolicyArn === byPolicy);
  const { page, nextToken } = paginate(channels, input, 100);
  return { channels: page.map(channelView), nextToken };
};

// ---------------------------------------------------------------------------------------------
// Stream keys

function newStreamKey(ctx: IvsContext, channelArn: string, tags: { [k: string]: string }): StreamKeyRecord {
  return {
    arn: ivsArn(ctx.region, ctx.account, 'stream-key', ivsResourceId()),
    account: ctx.account,
    region: ctx.region,
    channelArn,
    value: streamKeyValue(ctx.region),
    tags: { ...tags },
  };
}

const CreateStreamKey: Handler = (ctx, input) => {
  // IAM: the stream key it makes, not the channel (the reference lists Stream-Key* only).
  const key = newStreamKey(ctx, input.channelArn, input.tags ?? {});
  authorize(ctx, [{ arn: key.arn }], input.tags, { arn: key.arn });
  checkTags(input.tags);
  const channel = named(ctx, ctx.state.channels, input.channelArn);
  const existing = [...ctx.state.streamKeys.values()].filter((k) => k.channelArn === channel.arn).length;
  if (existing >= ctx.quotas.streamKeysPerChannel) {
    throw new ServiceError('ServiceQuotaExceededException', `${MSG.quota} Stream keys per channel: ${ctx.quotas.streamKeysPerChannel} (channel ${channel.arn} already has ${existing}).`);
  }
  created(ctx, ctx.state.streamKeys, key);
  return { streamKey: key };
};

const GetStreamKey: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  return { streamKey: read(ctx, ctx.state.streamKeys, input.arn) };
};

const DeleteStreamKey: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const key = named(ctx, ctx.state.streamKeys, input.arn);
  ctx.state.streamKeys.delete(key.arn);
  return {};
};

const BatchGetStreamKey: Handler = (ctx, input) => {
  const { found, errors } = batchGet(ctx, ctx.state.streamKeys, input.arns, (k) => k);
  return { streamKeys: found, errors };
};

const ListStreamKeys: Handler = (ctx, input) => {
  // IAM: the channel it names (Channel*) and the stream keys it lists (Stream-Key*).
  authorize(ctx, [subject(ctx, input.channelArn)]);
  const channel = named(ctx, ctx.state.channels, input.channelArn);
  const keys = authorizedList(ctx, 'stream-key', listed(ctx, ctx.state.streamKeys).filter((k) => k.channelArn === channel.arn));
  const { page, nextToken } = paginate(keys, input, 1); // "Default: 1."
  return { streamKeys: page, nextToken };
};

// ---------------------------------------------------------------------------------------------
// Playback key pairs

function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw validation('publicKeyMaterial is not a valid PEM-encoded public key.');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw validation('publicKeyMaterial must be an ECDSA public key on the P-384 curve (secp384r1).');
  }
  return key;
}

const ImportPlaybackKeyPair: Handler = (ctx, input) => {
  const arn = ivsArn(ctx.region, ctx.account, 'playback-key', ivsResourceId());
  authorize(ctx, [{ arn }], input.tags, { arn });
  checkTags(input.tags);
  const key = parsePublicKey(input.publicKeyMaterial);
  const fingerprint = keyFingerprint(key);
  const pairs = inScope(ctx, ctx.state.playbackKeyPairs);
  if (pairs.some((p) => p.fingerprint === fingerprint)) {
    throw new ServiceError('ConflictException', `${MSG.conflict} A playback key pair with this public key already exists (fingerprint ${fingerprint}).`);
  }
  if (pairs.length >= ctx.quotas.playbackKeyPairs) {
    throw new ServiceError('ServiceQuotaExceededException', `${MSG.quota} Playback key pairs per account and region: ${ctx.quotas.playbackKeyPairs}.`);
  }
  const pair: PlaybackKeyPairRecord = {
    arn,
    account: ctx.account,
    region: ctx.region,
    name: input.name ?? '',
    fingerprint,
    publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    tags: { ...(input.tags ?? {}) },
  };
  created(ctx, ctx.state.playbackKeyPairs, pair);
  return { keyPair: pair };
};

const GetPlaybackKeyPair: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  return { keyPair: read(ctx, ctx.state.playbackKeyPairs, input.arn) };
};

const DeletePlaybackKeyPair: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const pair = named(ctx, ctx.state.playbackKeyPairs, input.arn);
  ctx.state.playbackKeyPairs.delete(pair.arn);
  return {};
};

const ListPlaybackKeyPairs: Handler = (ctx, input) => {
  const { page, nextToken } = paginate(authorizedList(ctx, 'playback-key', listed(ctx, ctx.state.playbackKeyPairs)), input, Math.min(ctx.quotas.playbackKeyPairs, 100));
  return { keyPairs: page, nextToken };
};

// ---------------------------------------------------------------------------------------------
// Recording configurations and playback restriction policies (channels reference them)

const CreateRecordingConfiguration: Handler = (ctx, input) => {
  const arn = ivsArn(ctx.region, ctx.account, 'recording-configuration', ivsResourceId());
  authorize(ctx, [{ arn }], input.tags, { arn });
  checkTags(input.tags);
  if (inScope(ctx, ctx.state.recordingConfigurations).length >= ctx.quotas.recordingConfigurations) {
    throw new ServiceError('ServiceQuotaExceededException', `${MSG.quota} Recording configurations per account and region: ${ctx.quotas.recordingConfigurations}.`);
  }
  const rc: RecordingConfigurationRecord = {
    arn,
    account: ctx.account,
    region: ctx.region,
    name: input.name ?? '',
    destinationConfiguration: input.destinationConfiguration,
    state: 'ACTIVE',
    thumbnailConfiguration: input.thumbnailConfiguration ?? { recordingMode: 'INTERVAL', targetIntervalSeconds: 60, resolution: 'LOWEST_RESOLUTION', storage: ['SEQUENTIAL'] },
    recordingReconnectWindowSeconds: input.recordingReconnectWindowSeconds ?? 0,
    renditionConfiguration: input.renditionConfiguration ?? { renditionSelection: 'ALL', renditions: [] },
    tags: { ...(input.tags ?? {}) },
  };
  created(ctx, ctx.state.recordingConfigurations, rc);
  return { recordingConfiguration: rc };
};

const GetRecordingConfiguration: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  return { recordingConfiguration: read(ctx, ctx.state.recordingConfigurations, input.arn) };
};

const DeleteRecordingConfiguration: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const rc = named(ctx, ctx.state.recordingConfigurations, input.arn);
  const user = [...ctx.state.channels.values()].find((c) => c.recordingConfigurationArn === rc.arn);
  if (user) throw new ServiceError('ConflictException', `${MSG.conflict} Recording configuration ${rc.arn} is used by channel ${user.arn}.`);
  ctx.state.recordingConfigurations.delete(rc.arn);
  return {};
};

const ListRecordingConfigurations: Handler = (ctx, input) => {
  const { page, nextToken } = paginate(authorizedList(ctx, 'recording-configuration', listed(ctx, ctx.state.recordingConfigurations)), input, Math.min(ctx.quotas.recordingConfigurations, 100));
  return { recordingConfigurations: page, nextToken };
};

const CreatePlaybackRestrictionPolicy: Handler = (ctx, input) => {
  const arn = ivsArn(ctx.region, ctx.account, 'playback-restriction-policy', ivsResourceId());
  authorize(ctx, [{ arn }], input.tags, { arn });
  checkTags(input.tags);
  if (inScope(ctx, ctx.state.playbackRestrictionPolicies).length >= ctx.quotas.playbackRestrictionPolicies) {
    throw new ServiceError('ServiceQuotaExceededException', `${MSG.quota} Playback restriction policies per account and region: ${ctx.quotas.playbackRestrictionPolicies}.`);
  }
  const p: PlaybackRestrictionPolicyRecord = {
    arn,
    account: ctx.account,
    region: ctx.region,
    name: input.name ?? '',
    allowedCountries: input.allowedCountries ?? [],
    allowedOrigins: input.allowedOrigins ?? [],
    enableStrictOriginEnforcement: input.enableStrictOriginEnforcement ?? false,
    tags: { ...(input.tags ?? {}) },
  };
  created(ctx, ctx.state.playbackRestrictionPolicies, p);
  return { playbackRestrictionPolicy: p };
};

const GetPlaybackRestrictionPolicy: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  return { playbackRestrictionPolicy: read(ctx, ctx.state.playbackRestrictionPolicies, input.arn) };
};

const UpdatePlaybackRestrictionPolicy: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const p = named(ctx, ctx.state.playbackRestrictionPolicies, input.arn);
  for (const f of ['name', 'allowedCountries', 'allowedOrigins', 'enableStrictOriginEnforcement'] as const) {
    if (input[f] !== undefined) (p as unknown as { [k: string]: unknown })[f] = input[f];
  }
  return { playbackRestrictionPolicy: p };
};

const DeletePlaybackRestrictionPolicy: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.arn)]);
  const p = named(ctx, ctx.state.playbackRestrictionPolicies, input.arn);
  const user = [...ctx.state.channels.values()].find((c) => c.playbackRestrictionPolicyArn === p.arn);
  if (user) throw new ServiceError('ConflictException', `${MSG.conflict} Playback restriction policy ${p.arn} is used by channel ${user.arn}.`);
  ctx.state.playbackRestrictionPolicies.delete(p.arn);
  return {};
};

const ListPlaybackRestrictionPolicies: Handler = (ctx, input) => {
  authorize(ctx, []); // no resource type in the reference: "*"
  const { page, nextToken } = paginate(listed(ctx, ctx.state.playbackRestrictionPolicies), input, 1); // "Default: 1."
  return { playbackRestrictionPolicies: page, nextToken };
};

// ---------------------------------------------------------------------------------------------
// Streams

function liveChannel(ctx: IvsContext, channelArn: string): ChannelRecord & { live: NonNullable<ChannelRecord['live']> } {
  authorize(ctx, [subject(ctx, channelArn)]);
  const channel = named(ctx, ctx.state.channels, channelArn);
  if (!channel.live) throw new ServiceError('ChannelNotBroadcasting', `${MSG.notBroadcasting} Channel: ${channel.arn}`);
  return channel as ChannelRecord & { live: NonNullable<ChannelRecord['live']> };
}

function streamView(c: ChannelRecord & { live: NonNullable<ChannelRecord['live']> }) {
  return {
    channelArn: c.arn,
    streamId: c.live.streamId,
    playbackUrl: c.playbackUrl,
    startTime: c.live.startTime,
    state: 'LIVE',
    health: c.live.health,
    viewerCount: c.live.viewerCount,
  };
}

const GetStream: Handler = (ctx, input) => ({ stream: streamView(liveChannel(ctx, input.channelArn)) });

// The stream ends now, or a while later (the encoder's endsAfterMs); an encoder that reconnects
// comes back while its stream key exists (streams.ts).
const StopStream: Handler = (ctx, input) => {
  const channel = liveChannel(ctx, input.channelArn);
  ctx.state.streamEvents.push(...stop(channel, Date.now()));
  return {};
};

const ListStreams: Handler = (ctx, input) => {
  let live = authorizedList(ctx, 'channel', inScope(ctx, ctx.state.channels)).filter((c): c is ChannelRecord & { live: NonNullable<ChannelRecord['live']> } => !!c.live);
  if (input.filterBy?.health) live = live.filter((c) => c.live.health === input.filterBy.health);
  const { page, nextToken } = paginate(live.map(streamView), input, 100);
  return { streams: page, nextToken };
};

const PutMetadata: Handler = (ctx, input) => {
  liveChannel(ctx, input.channelArn);
  // "Metadata … maximum 1 KB" (PutMetadata).
  if (Buffer.byteLength(input.metadata) > 1024) throw validation('metadata must be at most 1 KB.');
  return {};
};

// The playback edge (playback.ts) refuses the revoked sessions.
const StartViewerSessionRevocation: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.channelArn)]);
  const channel = named(ctx, ctx.state.channels, input.channelArn);
  ctx.state.revokeViewerSession(channel.arn, input.viewerId, input.viewerSessionVersionsLessThanOrEqualTo ?? 0);
  return {};
};

const BatchStartViewerSessionRevocation: Handler = (ctx, input) => {
  const errors: unknown[] = [];
  const sessions = input.viewerSessions as { channelArn: string; viewerId: string; viewerSessionVersionsLessThanOrEqualTo?: number }[];
  if (ctx.iam?.settings.batch === 'request') authorize(ctx, sessions.map((x) => subject(ctx, x.channelArn)));
  for (const s of sessions) {
    try {
      const denied = ctx.iam?.settings.batch === 'item' ? ctx.iam.itemDenial(`ivs:${ctx.operation}`, subject(ctx, s.channelArn)) : undefined;
      if (denied) throw denied;
      const channel = named(ctx, ctx.state.channels, s.channelArn);
      ctx.state.revokeViewerSession(channel.arn, s.viewerId, s.viewerSessionVersionsLessThanOrEqualTo ?? 0);
    } catch (e) {
      errors.push({ channelArn: s.channelArn, viewerId: s.viewerId, code: (e as ServiceError).code, message: (e as ServiceError).message });
    }
  }
  return { errors };
};

// ---------------------------------------------------------------------------------------------
// Tags

const TAGGABLE = ['channel', 'stream-key', 'playback-key', 'recording-configuration', 'playback-restriction-policy'];

function taggable(ctx: IvsContext, arn: string, how: typeof read | typeof named = named): IvsRecord {
  const { type } = parseArn(arn);
  if (!TAGGABLE.includes(type)) throw notFound(arn);
  const all = new Map<string, IvsRecord>();
  const r = ctx.state.ivsResource(arn);
  if (r) all.set(arn, r);
  return how(ctx, all, arn);
}

const TagResource: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.resourceArn)], input.tags);
  checkTags(input.tags);
  const r = taggable(ctx, input.resourceArn);
  const merged = { ...r.tags, ...input.tags };
  if (Object.keys(merged).length > 50) throw validation(`A resource can have at most 50 tags; ${input.resourceArn} would have ${Object.keys(merged).length}.`);
  r.tags = merged;
  return {};
};

const UntagResource: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.resourceArn)]);
  const r = taggable(ctx, input.resourceArn);
  const tags = { ...r.tags };
  for (const k of input.tagKeys as string[]) delete tags[k];
  r.tags = tags;
  return {};
};

const ListTagsForResource: Handler = (ctx, input) => {
  authorize(ctx, [subject(ctx, input.resourceArn)]);
  return { tags: { ...taggable(ctx, input.resourceArn, read).tags } };
};

/** Operations the emulator serves; any other operation of the model answers 501. */
export const IVS_HANDLERS: { readonly [operation: string]: Handler } = {
  CreateChannel, GetChannel, UpdateChannel, DeleteChannel, BatchGetChannel, ListChannels,
  CreateStreamKey, GetStreamKey, DeleteStreamKey, BatchGetStreamKey, ListStreamKeys,
  ImportPlaybackKeyPair, GetPlaybackKeyPair, DeletePlaybackKeyPair, ListPlaybackKeyPairs,
  CreateRecordingConfiguration, GetRecordingConfiguration, DeleteRecordingConfiguration, ListRecordingConfigurations,
  CreatePlaybackRestrictionPolicy, GetPlaybackRestrictionPolicy, UpdatePlaybackRestrictionPolicy,
  DeletePlaybackRestrictionPolicy, ListPlaybackRestrictionPolicies,
  GetStream, StopStream, ListStreams, PutMetadata, StartViewerSessionRevocation, BatchStartViewerSessionRevocation,
  TagResource, UntagResource, ListTagsForResource,
};

/** The ARN an IVS request is about (for the request log), if any. */
export function requestArn(input: Input): string | undefined {
  return input.arn ?? input.channelArn ?? input.resourceArn;
}
