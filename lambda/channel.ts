// Custom::IvsChannel: CreateChannel / UpdateChannel / DeleteChannel. The channel's default stream
// key, which CloudFormation's own resource drops, is kept: its ARN in Data, its value in the secret.

import {
  Channel,
  CreateChannelCommand,
  CreateChannelCommandOutput,
  CreateChannelRequest,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamCommand,
  ListChannelsCommand,
  ListStreamKeysCommand,
  StopStreamCommand,
  StreamKey,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateChannelCommand,
  UpdateChannelRequest,
} from '@aws-sdk/client-ivs';
import { CHANNEL_ATTRIBUTES, CHANNEL_FIELDS, REQUEST_TAG, rtmpsIngestUrl } from '../lib/contract';
import type { Session } from './clients';
import { RequestResources, ResourceHandler, channelStreamKey, createOnce, createTags, deleteMadeBy, listAll, reconcileTags, respond } from './common';
import { writeStreamSecret } from './secrets';
import { CallError, NOT_FOUND, errorText, ignoring, isCode, messageOf, must, undoOnFailure } from './errors';
import { logNote } from './log';
import type { Props } from './properties';
import type { HandlerResponse } from './types';

type ChannelProps = Props<typeof CHANNEL_FIELDS>;
type ChannelSettings = Omit<UpdateChannelRequest, 'arn'>;

/** How long a live channel's 409 ConflictException is retried (never past the deadline). */
export const LIVE_RETRY_MS = 60_000;
const LIVE_BACKOFF_BASE_MS = 1_000;
const LIVE_BACKOFF_CAP_MS = 10_000;

/** What UpdateChannel sets for a property the template no longer declares: the API's defaults. */
const RESETS: ChannelSettings = {
  name: '',
  latencyMode: 'LOW',
  type: 'STANDARD',
  authorized: false,
  insecureIngest: false,
  recordingConfigurationArn: '',
  playbackRestrictionPolicyArn: '',
  adConfigurationArn: '',
  containerFormat: 'TS',
  multitrackInputConfiguration: { enabled: false },
};

export const channel: ResourceHandler<ChannelProps> = {
  async onCreate(session, props) {
    if (props.AdoptChannelArn) return adopt(session, props.AdoptChannelArn, props);
    const target = targetOf(props);
    const command = () => new CreateChannelCommand({ ...settings(props), tags: createTags(session, props.Tags) } as CreateChannelRequest);
    return createOnce(session, () => session.ivs(command(), target), (answer) => answer.channel?.arn, channelsOf(session, props), async (created, made) => {
      const ivsChannel = must(created.channel, 'channel');
      const arn = must(ivsChannel.arn, 'channel ARN');
      const key = created.streamKey ?? {};
      const secretArn = props.SecretArn;
      if (secretArn) {
        const write = () => writeStreamSecret(session, secretArn, ivsChannel, key);
        // A channel another delivery of this event made is that delivery's to undo.
        await (made ? undoOnFailure(`channel ${arn}`, write, () => deleteChannel(session.forCleanup(), arn, false)) : write());
      }
      return channelResponse(ivsChannel, key, props);
    });
  },

  async abandon(session, props, which) {
    return props.AdoptChannelArn ? undefined : deleteMadeBy(channelsOf(session, props), which);
  },

  async onUpdate(session, arn, props, oldProps) {
    if (props.AdoptChannelArn && props.AdoptChannelArn !== oldProps.AdoptChannelArn && props.AdoptChannelArn !== arn) {
      throw new Error(`adoptChannelArn ${props.AdoptChannelArn} can only be adopted when the resource is created, and this one manages `
        + `${arn}: to adopt another channel, give the Channel a new construct ID (or remove adoptChannelArn once adopted)`);
    }
    let current = must((await session.ivs(new GetChannelCommand({ arn }), arn)).channel, 'channel');
    // Only what differs from the channel as it is: a rollback after an update that never reached
    // IVS, or a change of tags only, then makes no UpdateChannel call (which fails while live).
    const wanted: ChannelSettings = { ...settings(props), ...resetsOfRemoved(oldProps, props) };
    // An ADVANCED channel without a declared preset has the default of its type, also when IVS kept the
    // preset it had before a type change away from ADVANCED and back (not documented: the emulator's
    // channelRules.presetOnTypeChange 'kept').
    if (wanted.preset === undefined && ADVANCED_TYPES.includes(wanted.type ?? '')) wanted.preset = ADVANCED_DEFAULT_PRESET;
    if (!matches(wanted, current)) {
      const update = new UpdateChannelCommand({ arn, ...wanted });
      current = must((await whileLive(session, arn, 'stop the stream, then deploy again', () => session.ivs(update, arn))).channel, 'channel');
    }
    await reconcileTags(session, arn, oldProps.Tags, props.Tags);
    // The secret is rewritten on every update: the channel's key may have changed since (a
    // StreamKey rotation), and the handler may not read the secret to compare.
    const secretArn = props.SecretArn;
    const key = await channelStreamKey(session, arn, secretArn !== undefined || props.ExposeStreamKeyValue === true) ?? {};
    if (secretArn) await writeStreamSecret(session, secretArn, current, key);
    return channelResponse(current, key, props);
  },

  async onDelete(session, arn, props) {
    if (props.StopStreamOnDelete && !(await stopForGood(session, arn))) return;
    await deleteChannel(session, arn, props.StopStreamOnDelete === true);
  },
};

/** What the log line of a call about the channel to be made names. */
function targetOf(props: ChannelProps): string {
  return props.Name || '(unnamed channel)';
}

/** The channels a create of `props` may have made, as createOnce finds, reads and deletes them. */
function channelsOf(session: Session, props: ChannelProps): RequestResources<CreateChannelCommandOutput> {
  const target = targetOf(props);
  return {
    list: () => listAll((nextToken) => session.ivs(new ListChannelsCommand({ filterByName: props.Name, nextToken }), target), (page) => page.channels),
    get: async (arn) => ({
      channel: must((await session.ivs(new GetChannelCommand({ arn }), arn)).channel, 'channel'),
      streamKey: await channelStreamKey(session, arn, true),
    }),
    delete: (arn) => deleteChannel(session, arn, false),
  };
}

/**
 * Takes over an existing channel instead of creating one: its ARN becomes the physical ID, every
 * setting is brought to the properties (those not declared to the API's defaults, as a create would
 * make them; the name is kept when none is declared), its stream key is kept (one is created if it has
 * none), and its tags become the declared ones. REQUEST_TAG then says `adopted by <stack>/<logical id>`:
 * a channel whose REQUEST_TAG names another resource (or a create) has another manager and is refused;
 * the same resource may adopt it again (a retried event, or a deployment after a rolled-back one). The
 * tags are written last; a failure before that puts back the settings and deletes a key this request
 * created, so the channel is left as it was.
 */
async function adopt(session: Session, arn: string, props: ChannelProps): Promise<HandlerResponse> {
  const original = must((await session.ivs(new GetChannelCommand({ arn }), arn)).channel, 'channel');
  const owner = original.tags?.[REQUEST_TAG];
  const adoptedBy = `adopted by ${session.resourceName}`;
  if (owner !== undefined && owner !== adoptedBy) {
    const manager = owner.startsWith('adopted by ') ? `was ${owner}` : 'was created by a cdk-ivs Channel';
    throw new Error(`channel ${arn} ${manager} (its tag ${REQUEST_TAG} says so), and a channel has one manager. Remove it from that stack `
      + `first (removalPolicy RETAIN, then delete the construct), then untag it: aws ivs untag-resource --resource-arn ${arn} --tag-keys ${REQUEST_TAG}`);
  }
  const declared = Object.fromEntries(Object.entries(settings(props)).filter(([, value]) => value !== undefined));
  const wanted: ChannelSettings = { ...RESETS, name: original.name ?? '', ...declared };
  let current = original;
  let updated = false;
  let createdKey: string | undefined;
  let key: StreamKey;
  try {
    if (!matches(wanted, original)) {
      const answer = await whileLive(session, arn, 'stop the stream, or declare the settings the channel has, then deploy again',
        () => session.ivs(new UpdateChannelCommand({ arn, ...wanted }), arn));
      updated = true;
      current = must(answer.channel, 'channel');
    }
    const found = await channelStreamKey(session, arn, props.SecretArn !== undefined || props.ExposeStreamKeyValue === true);
    if (found) {
      key = found;
    } else {
      const created = await session.ivs(new CreateStreamKeyCommand({ channelArn: arn, tags: createTags(session) }), arn);
      createdKey = created.streamKey?.arn;
      key = must(created.streamKey, 'stream key');
    }
    if (props.SecretArn) await writeStreamSecret(session, props.SecretArn, current, key);
  } catch (error) {
    if (!updated && createdKey === undefined) throw error;
    const undone = [createdKey && `deleted stream key ${createdKey}, which this request had created`, updated && 'put the channel\'s settings back']
      .filter(Boolean).join(', and ');
    const note = await (async () => {
      if (createdKey) await ignoring([NOT_FOUND], session.ivs(new DeleteStreamKeyCommand({ arn: createdKey }), createdKey));
      if (updated) await session.ivs(new UpdateChannelCommand({ arn, ...settingsOf(original) }), arn);
    })().then(() => undone, (undoError) => `could not undo the changes to channel ${arn}: ${messageOf(undoError)}`);
    throw new Error(`${messageOf(error)} (${note})`, { cause: error });
  }
  // The declared tags and REQUEST_TAG first: if that fails, the channel keeps every tag it had.
  await session.ivs(new TagResourceCommand({ resourceArn: arn, tags: { ...props.Tags, [REQUEST_TAG]: adoptedBy } }), arn);
  const foreign = Object.keys(original.tags ?? {}).filter((k) => !(k in (props.Tags ?? {})) && k !== REQUEST_TAG && !k.startsWith('aws:'));
  if (foreign.length > 0) await session.ivs(new UntagResourceCommand({ resourceArn: arn, tagKeys: foreign }), arn);
  return channelResponse(current, key, props);
}

/** The settings of a channel as UpdateChannel takes them back. */
function settingsOf(c: Channel): ChannelSettings {
  const multitrack = c.multitrackInputConfiguration;
  return {
    name: c.name,
    latencyMode: c.latencyMode,
    type: c.type,
    authorized: c.authorized,
    insecureIngest: c.insecureIngest,
    ...(c.preset ? { preset: c.preset } : {}),
    recordingConfigurationArn: c.recordingConfigurationArn ?? '',
    playbackRestrictionPolicyArn: c.playbackRestrictionPolicyArn ?? '',
    adConfigurationArn: c.adConfigurationArn ?? '',
    containerFormat: c.containerFormat,
    multitrackInputConfiguration: multitrack?.enabled ? multitrack : { enabled: false },
  };
}

/** CreateChannel / UpdateChannel settings declared by the properties (undefined: not declared). */
function settings(props: ChannelProps): ChannelSettings {
  const multitrack = props.MultitrackInputConfiguration;
  return {
    name: props.Name,
    latencyMode: props.LatencyMode,
    type: props.Type,
    authorized: props.Authorized,
    insecureIngest: props.InsecureIngest,
    preset: props.Preset,
    recordingConfigurationArn: props.RecordingConfigurationArn,
    playbackRestrictionPolicyArn: props.PlaybackRestrictionPolicyArn,
    adConfigurationArn: props.AdConfigurationArn,
    containerFormat: props.ContainerFormat,
    multitrackInputConfiguration: multitrack && {
      enabled: multitrack.Enabled,
      policy: multitrack.Policy,
      maximumResolution: multitrack.MaximumResolution,
    },
  } as ChannelSettings;
}

/** Resets for the settings the old properties declared and the new ones do not. */
function resetsOfRemoved(oldProps: ChannelProps, props: ChannelProps): ChannelSettings {
  const before = settings(oldProps);
  const after = settings(props);
  // A removed preset is not reset here: an ADVANCED channel gets its default (onUpdate), and for STANDARD
  // and BASIC none is sent: the model's TranscodePreset has no "" to send, and CreateChannel says "For
  // other channel types (BASIC and STANDARD), preset is the empty string".
  return Object.fromEntries(Object.entries(RESETS)
    .filter(([name]) => before[name as keyof ChannelSettings] !== undefined && after[name as keyof ChannelSettings] === undefined));
}

const ADVANCED_TYPES: readonly string[] = ['ADVANCED_SD', 'ADVANCED_HD'];
/** CreateChannel: "For those channel types, the default preset is HIGHER_BANDWIDTH_DELIVERY". */
const ADVANCED_DEFAULT_PRESET = 'HIGHER_BANDWIDTH_DELIVERY';

/** Whether every declared setting already holds (an absent string or boolean reads as "" or false). */
function matches(wanted: unknown, actual: unknown): boolean {
  if (wanted === undefined) return true;
  if (typeof wanted === 'object' && wanted !== null) {
    return Object.entries(wanted).every(([name, value]) => matches(value, (actual as Record<string, unknown> | undefined)?.[name]));
  }
  return wanted === actual || (actual === undefined && (wanted === '' || wanted === false));
}

function channelResponse(ivsChannel: Channel, key: StreamKey, props: ChannelProps): HandlerResponse {
  const A = CHANNEL_ATTRIBUTES;
  const arn = must(ivsChannel.arn, 'channel ARN');
  return respond(arn, {
    [A.Arn]: arn,
    [A.Name]: ivsChannel.name ?? '',
    [A.IngestEndpoint]: ivsChannel.ingestEndpoint ?? '',
    [A.PlaybackUrl]: ivsChannel.playbackUrl ?? '',
    [A.RtmpsIngestUrl]: rtmpsIngestUrl(ivsChannel.ingestEndpoint ?? ''),
    [A.SrtEndpoint]: ivsChannel.srt?.endpoint ?? '',
    [A.DefaultStreamKeyArn]: key.arn ?? '',
  }, props.ExposeStreamKeyValue ? key.value ?? '' : undefined);
}

/**
 * Ends a live stream for good before DeleteChannel. StopStream's reference: "Many streaming
 * client-software libraries automatically reconnect a dropped RTMPS session, so to stop the stream
 * permanently, you may want to first revoke the streamKey attached to the channel"; DeleteChannel's:
 * "call StopStream, wait for the Amazon EventBridge 'Stream End' event (to verify that the stream's
 * state is no longer Live), then call DeleteChannel". So: the channel's keys are deleted (the channel
 * is going anyway), then StopStream, then GetStream until the stream is over (ChannelNotBroadcasting),
 * for up to LIVE_RETRY_MS. False when the channel is gone already.
 */
async function stopForGood(session: Session, arn: string): Promise<boolean> {
  try {
    const { streamKeys } = await session.ivs(new ListStreamKeysCommand({ channelArn: arn }), arn);
    for (const key of streamKeys ?? []) {
      if (key.arn) await ignoring([NOT_FOUND], session.ivs(new DeleteStreamKeyCommand({ arn: key.arn }), key.arn));
    }
  } catch (error) {
    if (isCode(error, NOT_FOUND)) return false;
    throw error;
  }
  await ignoring(['ChannelNotBroadcasting', NOT_FOUND], session.ivs(new StopStreamCommand({ channelArn: arn }), arn));
  const until = Math.min(Date.now() + LIVE_RETRY_MS, session.deadline);
  for (let attempt = 0; (await isLive(session, arn)) && Date.now() < until; attempt++) {
    await sleep(backoff(attempt));
  }
  return true;
}

/** Whether the channel is live (GetStream answers ChannelNotBroadcasting when not; a channel gone is not). */
async function isLive(session: Session, arn: string): Promise<boolean> {
  try {
    await session.ivs(new GetStreamCommand({ channelArn: arn }), arn);
    return true;
  } catch (error) {
    if (isCode(error, 'ChannelNotBroadcasting') || isCode(error, NOT_FOUND)) return false;
    throw error;
  }
}

/** DeleteChannel; a channel already gone counts as deleted. */
function deleteChannel(session: Session, arn: string, stoppedStream: boolean): Promise<void> {
  const advice = stoppedStream ? 'the stream did not stop in time; deploy again' : 'stop the stream, or set stopStreamOnDelete: true, then deploy again';
  return ignoring([NOT_FOUND], whileLive(session, arn, advice, () => session.ivs(new DeleteChannelCommand({ arn }), arn)));
}

/**
 * Runs `call` on channel `arn`, retrying while IVS answers 409 ConflictException, for up to
 * LIVE_RETRY_MS with jittered backoff and never past the deadline. IVS answers 409 to UpdateChannel and
 * DeleteChannel while the channel is live, but ConflictException also means other conflicts ("Updating
 * or deleting a resource can cause an inconsistent state", the model's text): GetStream tells them apart,
 * and the reason says which it was (`advice` is for a live channel).
 */
async function whileLive<T>(session: Session, arn: string, advice: string, call: () => Promise<T>): Promise<T> {
  const until = Math.min(Date.now() + LIVE_RETRY_MS, session.deadline);
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    try {
      return await call();
    } catch (error) {
      if (!isCode(error, 'ConflictException')) throw error;
      const { operation, code, text } = error as CallError;
      const refused = (meaning: string) => new CallError(operation, code, `${text.replace(/\.?$/, '.')} ${meaning}`);
      // GetStream's own failure (the deadline most of all) must not hide IVS's 409 and its words.
      const live = await isLive(session, arn).catch((failure: unknown) => failure instanceof Error ? failure : new Error(String(failure)));
      if (live instanceof Error) throw refused(`Whether the channel is live is unknown (GetStream failed: ${(live instanceof CallError ? live.text : errorText(live)).replace(/;? ?deploy again$/, '')}); deploy again`);
      const wait = backoff(attempt);
      // A next try must leave time for its answer and the GetStream after it: twice what this pair took.
      if (Date.now() + wait + 2 * (Date.now() - started) >= until) {
        throw refused(live ? `The channel is live: ${advice}` : 'The channel is not live: IVS refused the change for another conflict; deploy again');
      }
      logNote(`channel ${live ? 'is live' : 'in conflict, not live'} (409), retrying in ${wait} ms`);
      await sleep(wait);
    }
  }
}

function backoff(attempt: number): number {
  return Math.floor(Math.random() * Math.min(LIVE_BACKOFF_BASE_MS * 2 ** attempt, LIVE_BACKOFF_CAP_MS));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
