// Steps shared by the resource modules: creates, tags, the channel's stream key, the response.

import {
  GetStreamKeyCommand,
  ListStreamKeysCommand,
  StreamKey,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ivs';
import type { MetadataBearer } from '@smithy/types';
import { CHANNEL_ATTRIBUTES, REQUEST_TAG } from '../lib/contract';
import type { Session } from './clients';
import { CallError, NOT_FOUND, isCode, undoOnFailure } from './errors';
import type { HandlerResponse } from './types';

export type Tags = { readonly [key: string]: string };

/** Handlers of one resource type; properties arrive parsed by the contract's schema. */
export interface ResourceHandler<P> {
  onCreate(session: Session, props: P): Promise<HandlerResponse>;
  onUpdate(session: Session, physicalId: string, props: P, oldProps: P): Promise<HandlerResponse>;
  onDelete(session: Session, physicalId: string, props: P): Promise<void>;
}

/** The tags of a create: the template's and REQUEST_TAG with this request's ID. */
export function createTags(session: Session, tags: Tags = {}): Tags {
  return { ...tags, [REQUEST_TAG]: session.requestId };
}

/** How createOnce finds and deletes what one create request made (T: the create's answer). */
export interface RequestResources<T> {
  /** Every resource that may carry REQUEST_TAG. */
  list(): Promise<ReadonlyArray<{ readonly arn?: string; readonly tags?: Tags }>>;
  delete(arn: string): Promise<void>;
  /**
   * The errors a retry meets when an earlier attempt took effect (the duplicate is refused), and
   * how to read the resource that attempt made, for the answer that was lost.
   */
  readonly duplicate?: { readonly errors: readonly string[]; get(arn: string): Promise<Omit<T, '$metadata'>> };
}

/**
 * Awaits a create (tagged with createTags) so that it leaves one resource. When the SDK retried it,
 * an attempt whose answer was lost may have taken effect: the resources carrying this request's tag
 * are listed, one is kept (the one returned; after a refused duplicate, the one found) and the
 * others deleted. A create answered at the first attempt costs no extra call.
 */
export async function createOnce<T extends MetadataBearer>(
  session: Session, create: Promise<T>, arnOf: (created: T) => string | undefined, resources: RequestResources<T>,
): Promise<Omit<T, '$metadata'>> {
  let created: T | undefined;
  let refused: CallError | undefined;
  try {
    const answer = await create;
    if ((answer.$metadata?.attempts ?? 1) < 2) return answer;
    created = answer;
  } catch (error) {
    if (!(error instanceof CallError && error.attempts > 1 && resources.duplicate?.errors.includes(error.code))) throw error;
    refused = error;
  }
  const answered = created && arnOf(created);
  const sweep = async () => {
    // A list may miss what was just made: it is read again until it shows what the create answered
    // (or, refused, what the earlier attempt made).
    const tagged = await eventually(session,
      async () => (await resources.list()).flatMap((r) => (r.arn && r.tags?.[REQUEST_TAG] === session.requestId ? [r.arn] : [])),
      (arns) => (answered ? arns.includes(answered) : arns.length > 0));
    const keep = answered ?? tagged[0];
    for (const arn of tagged) if (arn !== keep) await resources.delete(arn);
    return keep;
  };
  // The resource the create answered with is this request's too: if the sweep fails, it goes as well.
  const keep = answered ? await undoOnFailure(answered, sweep, () => resources.delete(answered)) : await sweep();
  if (created) return created;
  if (keep === undefined) throw refused;
  return resources.duplicate!.get(keep);
}

/**
 * How long a read may miss a resource just made. The IVS documentation says nothing of read-after-write
 * consistency; AWS APIs are eventually consistent in general (the EC2 API reference's "Eventual
 * consistency" page is the one that says so plainly), so reads that must see a new resource wait this long.
 */
export const READ_LAG_MS = 15_000;

/**
 * Reads until `done(value)`, for up to READ_LAG_MS and never past the deadline, backing off from 250 ms
 * to 2 s; a ResourceNotFoundException meanwhile is a miss too. The last read's value (or error) stands.
 */
export async function eventually<T>(session: Session, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Math.min(Date.now() + READ_LAG_MS, session.deadline);
  for (let attempt = 0; ; attempt++) {
    const last = Date.now() >= until;
    try {
      const value = await read();
      if (done(value) || last) return value;
    } catch (error) {
      if (!isCode(error, NOT_FOUND) || last) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000, Math.max(0, until - Date.now()))));
  }
}

/** Every item of a paginated list call: `page` asks for one page, `items` reads it. */
export async function listAll<P extends { nextToken?: string }, I>(
  page: (nextToken?: string) => Promise<P>,
  items: (answer: P) => I[] | undefined,
): Promise<I[]> {
  const all: I[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    all.push(...items(answer) ?? []);
    nextToken = answer.nextToken;
  } while (nextToken);
  return all;
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
