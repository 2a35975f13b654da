// Custom::IvsChannelLookup: reads existing channels (BatchGetChannel), their stream keys
// (ListStreamKeys, and BatchGetStreamKey when a value is needed) and answers the attributes the app
// references. Optionally writes each channel's stream key into a secret of the stack's own account.
// A lookup never changes what it reads, and its Delete makes no call.

import { createHash } from 'node:crypto';
import { BatchGetChannelCommand, BatchGetStreamKeyCommand, BatchError, Channel, ListStreamKeysCommand, StreamKey } from '@aws-sdk/client-ivs';
import { CHANNEL_LOOKUP_FIELDS, LOOKUP_ATTRIBUTES, LookupAttribute, rtmpsIngestUrl } from '../lib/contract';
import type { Session } from './clients';
import { ResourceHandler } from './common';
import { writeStreamSecret } from './secrets';
import type { Props } from './properties';
import type { HandlerResponse } from './types';

type LookupProps = Props<typeof CHANNEL_LOOKUP_FIELDS>;

/** BatchGetChannel and BatchGetStreamKey take 1 to 50 ARNs (ChannelArnList, StreamKeyArnList in the model). */
export const BATCH_SIZE = 50;

export const channelLookup: ResourceHandler<LookupProps> = {
  onCreate: read,
  onUpdate: (session, _physicalId, props) => read(session, props),
  async onDelete() {
    // Nothing to undo: a lookup only reads.
  },
};

async function read(session: Session, props: LookupProps): Promise<HandlerResponse> {
  const arns = props.ChannelArns ?? [];
  if (arns.length === 0) throw new Error('property ChannelArns must name at least one channel');
  const wanted = wantedAttributes(props.Attributes ?? [], arns.length);
  const secrets = props.SecretArns ?? {};
  const badSecret = Object.keys(secrets).find((index) => !isIndex(index, arns.length));
  if (badSecret !== undefined) throw new Error(`property SecretArns: '${badSecret}' is not a channel index below ${arns.length}`);

  const channels = await getChannels(session, arns);
  // A channel's stream key is read only when an attribute or a secret needs it.
  const needsKey = (i: number) => secrets[i] !== undefined || wanted.has(`${i}.StreamKeyArn`) || wanted.has(`${i}.StreamKeyValue`);
  const needsValue = (i: number) => secrets[i] !== undefined || wanted.has(`${i}.StreamKeyValue`);
  const keyArns = new Map<number, string | undefined>();
  for (let i = 0; i < arns.length; i++) {
    if (!needsKey(i)) continue;
    const { streamKeys } = await session.ivs(new ListStreamKeysCommand({ channelArn: arns[i] }), arns[i]);
    keyArns.set(i, streamKeys?.[0]?.arn);
  }
  const valueArns = [...keyArns].flatMap(([i, arn]) => (arn && needsValue(i) ? [arn] : []));
  const keys = await getStreamKeys(session, valueArns);

  for (const [index, secretArn] of Object.entries(secrets)) {
    const i = Number(index);
    const keyArn = keyArns.get(i);
    if (!keyArn) throw new Error(`channel ${arns[i]} has no stream key to write to secret ${secretArn}`);
    await writeStreamSecret(session, secretArn, channels[i], keys.get(keyArn) ?? { arn: keyArn });
  }

  const data: { [attribute: string]: string } = {};
  for (const name of wanted) {
    const [index, attribute] = name.split('.') as [string, LookupAttribute];
    const i = Number(index);
    const keyArn = keyArns.get(i);
    data[name] = attribute === 'StreamKeyArn' ? keyArn ?? ''
      : attribute === 'StreamKeyValue' ? (keyArn && keys.get(keyArn)?.value) ?? ''
        : channelAttribute(channels[i], attribute);
  }
  const physicalId = `cdk-ivs-lookup-${createHash('sha256').update(arns.join(',')).digest('hex').slice(0, 16)}`;
  const noEcho = [...wanted].some((name) => name.endsWith('.StreamKeyValue'));
  return { PhysicalResourceId: physicalId, Data: data, ...(noEcho && { NoEcho: true }) };
}

/** `<index>.<attribute>` names, checked against the contract. */
function wantedAttributes(names: readonly string[], count: number): Set<string> {
  for (const name of names) {
    const [index, attribute, extra] = name.split('.');
    if (extra !== undefined || !isIndex(index, count) || !Object.hasOwn(LOOKUP_ATTRIBUTES, attribute)) {
      throw new Error(`property Attributes: '${name}' is not <channel index below ${count}>.<one of ${Object.keys(LOOKUP_ATTRIBUTES).join(', ')}>`);
    }
  }
  return new Set(names);
}

/** A channel index as the constructs write it (no leading zero: '01' would name no channel's entry). */
function isIndex(text: string, count: number): boolean {
  return /^(0|[1-9][0-9]*)$/.test(text) && Number(text) < count;
}

function channelAttribute(channel: Channel, attribute: Exclude<LookupAttribute, 'StreamKeyArn' | 'StreamKeyValue'>): string {
  const multitrack = channel.multitrackInputConfiguration;
  const values: { [A in Exclude<LookupAttribute, 'StreamKeyArn' | 'StreamKeyValue'>]: unknown } = {
    Arn: channel.arn,
    Name: channel.name,
    Type: channel.type,
    LatencyMode: channel.latencyMode,
    Authorized: channel.authorized ?? false,
    InsecureIngest: channel.insecureIngest ?? false,
    Preset: channel.preset,
    RecordingConfigurationArn: channel.recordingConfigurationArn,
    PlaybackRestrictionPolicyArn: channel.playbackRestrictionPolicyArn,
    AdConfigurationArn: channel.adConfigurationArn,
    ContainerFormat: channel.containerFormat,
    MultitrackEnabled: multitrack?.enabled ?? false,
    MultitrackPolicy: multitrack?.enabled ? multitrack.policy : '',
    MultitrackMaximumResolution: multitrack?.enabled ? multitrack.maximumResolution : '',
    IngestEndpoint: channel.ingestEndpoint,
    RtmpsIngestUrl: channel.ingestEndpoint ? rtmpsIngestUrl(channel.ingestEndpoint) : '',
    SrtEndpoint: channel.srt?.endpoint,
    PlaybackUrl: channel.playbackUrl,
  };
  return String(values[attribute] ?? '');
}

/**
 * The channels, in the order of `arns`, with BatchGetChannel (BATCH_SIZE a call). The API reference
 * does not say whether a channel that does not exist is reported in `errors` or left out: both fail,
 * with a reason naming every such ARN.
 */
async function getChannels(session: Session, arns: readonly string[]): Promise<Channel[]> {
  const found = new Map<string, Channel>();
  const errors = new Map<string, BatchError>();
  for (const batch of chunks([...new Set(arns)], BATCH_SIZE)) {
    const answer = await session.ivs(new BatchGetChannelCommand({ arns: batch }), batch.length === 1 ? batch[0] : `${batch.length} channels`);
    for (const channel of answer.channels ?? []) if (channel.arn) found.set(channel.arn, channel);
    for (const error of answer.errors ?? []) if (error.arn) errors.set(error.arn, error);
  }
  const missing = arns.filter((arn) => !found.has(arn));
  if (missing.length > 0) throw new Error(missing.map((arn) => `channel ${arn}: ${problem(session, arn, errors.get(arn))}`).join('; '));
  return arns.map((arn) => found.get(arn)!);
}

/** The stream keys (values included) by ARN, with BatchGetStreamKey; every key must be found. */
async function getStreamKeys(session: Session, arns: readonly string[]): Promise<Map<string, StreamKey>> {
  const found = new Map<string, StreamKey>();
  const errors = new Map<string, BatchError>();
  for (const batch of chunks([...new Set(arns)], BATCH_SIZE)) {
    const answer = await session.ivs(new BatchGetStreamKeyCommand({ arns: batch }), batch.length === 1 ? batch[0] : `${batch.length} stream keys`);
    for (const key of answer.streamKeys ?? []) if (key.arn) found.set(key.arn, key);
    for (const error of answer.errors ?? []) if (error.arn) errors.set(error.arn, error);
  }
  const missing = arns.filter((arn) => !found.has(arn));
  if (missing.length > 0) throw new Error(missing.map((arn) => `stream key ${arn}: ${problem(session, arn, errors.get(arn))}`).join('; '));
  return found;
}

/** Why an ARN was not found: IVS's own error, and a hint when it belongs to an account the session cannot read. */
function problem(session: Session, arn: string, error: BatchError | undefined): string {
  const said = error ? `${error.code ?? 'error'}: ${error.message ?? 'no message'}` : 'not found (it does not exist, or not in this account and region)';
  const account = arn.split(':')[4];
  return account && account !== session.account
    ? `${said}; it is in account ${account}, and this lookup reads account ${session.account}: give the lookup a role in account ${account} (assumedRoleArn)`
    : said;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
