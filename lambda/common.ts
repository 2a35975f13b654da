// Steps shared by the resource modules: tags, secrets, the channel's stream key, the response.

import {
  Channel,
  GetStreamKeyCommand,
  ListStreamKeysCommand,
  StreamKey,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ivs';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CHANNEL_ATTRIBUTES, StreamSecretValue, rtmpsIngestUrl } from '../lib/contract';
import type { Session } from './clients';
import type { HandlerResponse } from './types';

export type Tags = { readonly [key: string]: string };

/** Handlers of one resource type; properties arrive parsed by the contract's schema. */
export interface ResourceHandler<P> {
  onCreate(session: Session, props: P): Promise<HandlerResponse>;
  onUpdate(session: Session, physicalId: string, props: P, oldProps: P): Promise<HandlerResponse>;
  onDelete(session: Session, physicalId: string, props: P): Promise<void>;
}

/**
 * Brings the resource's tags from `oldTags` to `tags` (both as the template declared them), so a
 * rollback, which swaps the two, undoes an update. Tags the template never declared stay untouched.
 */
export async function reconcileTags(session: Session, arn: string, oldTags: Tags = {}, tags: Tags = {}): Promise<void> {
  const removed = Object.keys(oldTags).filter((key) => !(key in tags));
  const changed = Object.entries(tags).filter(([key, value]) => oldTags[key] !== value);
  if (removed.length > 0) await session.ivs(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }), arn);
  if (changed.length > 0) await session.ivs(new TagResourceCommand({ resourceArn: arn, tags: Object.fromEntries(changed) }), arn);
}

/** Writes a JSON secret value (as a new version of the secret the construct created). */
export async function writeSecret(session: Session, secretArn: string, value: object): Promise<void> {
  await session.secrets(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(value) }), secretArn);
}

/** Writes what a broadcaster needs to stream to `channel` with `key`. */
export async function writeStreamSecret(session: Session, secretArn: string, channel: Channel, key: StreamKey): Promise<void> {
  const value: StreamSecretValue = {
    channelArn: channel.arn ?? '',
    streamKeyArn: key.arn ?? '',
    streamKey: key.value ?? '',
    rtmpsUrl: rtmpsIngestUrl(channel.ingestEndpoint ?? ''),
    srtEndpoint: channel.srt?.endpoint ?? '',
    srtPassphrase: channel.srt?.passphrase ?? '',
  };
  await writeSecret(session, secretArn, value);
}

/**
 * The channel's stream key (IVS allows one), with its value when `withValue`; undefined when the
 * channel has none.
 */
export async function channelStreamKey(session: Session, channelArn: string, withValue: boolean): Promise<StreamKey | undefined> {
  const { streamKeys } = await session.ivs(new ListStreamKeysCommand({ channelArn }), channelArn);
  const arn = streamKeys?.[0]?.arn;
  if (!arn || !withValue) return arn ? { arn, channelArn } : undefined;
  return (await session.ivs(new GetStreamKeyCommand({ arn }), arn)).streamKey;
}

/**
 * The response. A stream key value travels in Data only when asked for, and then with NoEcho, which
 * also makes the wrapper redact Data in its log line. (Channel and StreamKey name it alike.)
 */
export function respond(physicalId: string, data: { [attribute: string]: string }, streamKeyValue?: string): HandlerResponse {
  if (streamKeyValue === undefined) return { PhysicalResourceId: physicalId, Data: data };
  return { PhysicalResourceId: physicalId, Data: { ...data, [CHANNEL_ATTRIBUTES.StreamKeyValue]: streamKeyValue }, NoEcho: true };
}
