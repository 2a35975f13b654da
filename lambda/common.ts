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
import { oneAtATime } from './claim';
import { CallError, NOT_FOUND, isCode, undoOnFailure } from './errors';
import type { HandlerResponse } from './types';

export type Tags = { readonly [key: string]: string };

/** Handlers of one resource type; properties arrive parsed by the contract's schema. */
export interface ResourceHandler<P> {
  onCreate(session: Session, props: P): Promise<HandlerResponse>;
  onUpdate(session: Session, physicalId: string, props: P, oldProps: P): Promise<HandlerResponse>;
  onDelete(session: Session, physicalId: string, props: P): Promise<void>;
  /**
   * Deletes what a create that never answered made under props (a resource that creates under a claim: createOnce,
   * not `unclaimed`): a Delete with a physical ID CloudFormation made up (claim.ts abandonCreate). Answers how many
   * it deleted; undefined when such a create makes none.
   */
  abandon?(session: Session, props: P, which: Abandoned): Promise<number | undefined>;
}

/** What an abandoned create made: what a request made (its claim names it), or what any create of this event made. */
export interface Abandoned {
  readonly requestId?: string;
  readonly createId: string;
}

/**
 * The tags of a create, made as it is sent: the template's, and REQUEST_TAG = `<RequestId> <start of this
 * invocation> <now> <createId>` (times in base 36 milliseconds): the resources one CloudFormation request made,
 * which delivery of its event made each, in which order it sent them (createOnce), and which event it was
 * (Session.createId). An SDK retry sends the same tags.
 */
export function createTags(session: Session, tags: Tags = {}): Tags {
  return { ...tags, [REQUEST_TAG]: `${session.requestId} ${session.started} ${Date.now().toString(36)} ${session.createId}` };
}

/**
 * A REQUEST_TAG value read back (createTags; `adopted by ...` for an adopted channel). A tag of an earlier version
 * has no send time (`order` is then its invocation's start) and no createId.
 */
function readRequestTag(tag: string | undefined): { requestId?: string; started: string; order: number; createId?: string } {
  const [requestId, started = '', sent = started, createId] = tag?.split(' ') ?? [];
  return { requestId, started, order: parseInt(sent, 36) || 0, createId };
}

/** How createOnce finds, reads and deletes what one create request made (T: the create's answer). */
export interface RequestResources<T> {
  /** Every resource that may carry REQUEST_TAG. */
  list(): Promise<ReadonlyArray<{ readonly arn?: string; readonly tags?: Tags }>>;
  /** The resource as the create would have answered it, for one another delivery or attempt made. */
  get(arn: string): Promise<Omit<T, '$metadata'>>;
  delete(arn: string): Promise<void>;
  /** The errors with which IVS refuses a second one (a key it holds, the one-key quota): then it exists. */
  readonly refusals?: readonly string[];
  /** IVS refuses a second resource of a request by itself (a refusal above): no sweep after a create it answered. */
  readonly unique?: boolean;
  /**
   * Created without a claim (with `unique`): no Delete after a create that never answered looks for it (a stream key,
   * which goes with its channel).
   */
  readonly unclaimed?: boolean;
}

/**
 * Makes a resource once (a create tagged with createTags) so that every delivery of the event answers the
 * same one, then runs `finish` on it. Lambda delivers an asynchronous event at least once, and retries an
 * invocation that failed (Lambda developer guide, asynchronous invocation), so two deliveries of one
 * Create can run one after the other or at once; and the SDK may retry a create whose answer was lost.
 * Deliveries at once take turns (oneAtATime: one creates, another waits for it and takes what it made).
 * After every create the resources tagged with this request are listed (again, until the list shows the
 * one the create answered: reads lag), one is kept (another invocation's if any: sweep), the others are
 * deleted, and the kept one answers: a delivery after another one finished keeps what that one made. One
 * list call per create; it has a rate quota of its own, as large as the create's (IVS service quotas), so
 * it does not slow a deploy down. Where IVS itself refuses a second one (`unique`), only its refusal
 * sweeps; the claim then serves a Delete after a create that never answered (`unclaimed`: none). `made` (to
 * `finish`): whether this delivery made the one answered (only then may it undo it, or write its secret).
 */
export async function createOnce<T extends MetadataBearer, R>(
  session: Session, create: () => Promise<T>, arnOf: (created: T) => string | undefined, resources: RequestResources<T>,
  finish: (resource: Omit<T, '$metadata'>, made: boolean) => Promise<R>,
): Promise<R> {
  if (resources.unclaimed) {
    const { resource, made } = await createAndSweep(session, create, arnOf, resources);
    return finish(resource, made);
  }
  return oneAtATime(session, async (owner) => {
    const { resource, made, arn } = owner ? await createAndSweep(session, create, arnOf, resources) : await takeMade(session, resources);
    return { result: await finish(resource, made), undo: made && arn ? () => resources.delete(arn) : undefined };
  });
}

type Made<T> = { readonly resource: Omit<T, '$metadata'>; readonly made: boolean; readonly arn?: string };

async function createAndSweep<T extends MetadataBearer>(
  session: Session, create: () => Promise<T>, arnOf: (created: T) => string | undefined, resources: RequestResources<T>,
): Promise<Made<T>> {
  let created: T | undefined;
  let refused: CallError | undefined;
  try {
    created = await create();
    if (resources.unique) return { resource: created, made: true, arn: arnOf(created) };
  } catch (error) {
    if (!(error instanceof CallError && resources.refusals?.includes(error.code))) throw error;
    refused = error;
  }
  const answered = created && arnOf(created);
  if (created && answered === undefined) return { resource: created, made: true }; // the caller names what is missing
  // The resource the create answered with is this request's too: if the sweep fails, it goes as well.
  const keep = answered
    ? await undoOnFailure(answered, () => sweep(session, resources, answered), () => resources.delete(answered))
    : await sweep(session, resources);
  if (keep === undefined) throw refused;
  // Made here: answered, or found with this invocation's tag (an attempt whose answer was lost).
  const made = keep.started === session.started;
  if (created && keep.arn === answered) return { resource: created, made, arn: keep.arn };
  return { resource: await resources.get(keep.arn), made, arn: keep.arn };
}

/** What another delivery of this event made, once it let go of its claim: this one makes nothing. */
async function takeMade<T>(session: Session, resources: RequestResources<T>): Promise<Made<T>> {
  const keep = await sweep(session, resources);
  if (keep === undefined) {
    throw new Error('another delivery of this event was making it and made none (its reason says why); deploy again');
  }
  return { resource: await resources.get(keep.arn), made: keep.started === session.started, arn: keep.arn };
}

/**
 * The listed resources whose REQUEST_TAG `mine` accepts, with the start of the invocation that made each and the
 * order in which the creates were sent.
 */
async function listMade<T>(
  resources: RequestResources<T>, mine: (tag: ReturnType<typeof readRequestTag>) => boolean,
): Promise<Array<{ arn: string; started: string; order: number }>> {
  return (await resources.list()).flatMap((r) => {
    const tag = readRequestTag(r.tags?.[REQUEST_TAG]);
    return r.arn && mine(tag) ? [{ arn: r.arn, started: tag.started, order: tag.order }] : [];
  });
}

/** Deletes every resource an abandoned create made (its REQUEST_TAG names its request or this event's create): how many. */
export async function deleteMadeBy<T>(resources: RequestResources<T>, which: Abandoned): Promise<number> {
  const made = await listMade(resources, (tag) => (which.requestId !== undefined && tag.requestId === which.requestId) || tag.createId === which.createId);
  for (const { arn } of made) await resources.delete(arn);
  return made.length;
}

/**
 * Lists the resources tagged with this request (until the list shows `answered`, or any), deletes all
 * but one, and returns that one: one another invocation made if any, else this one's; of several, the one
 * sent first (then the lowest ARN). Creates of one request take turns (claim.ts), so what another
 * invocation made came before this one's create, whichever invocation started first (a delivery can start
 * first and claim only after another one answered), and its answer may be the one CloudFormation took.
 */
async function sweep<T>(session: Session, resources: RequestResources<T>, answered?: string): Promise<{ arn: string; started: string } | undefined> {
  const mine = await eventually(session, () => listMade(resources, (tag) => tag.requestId === session.requestId),
    (found) => (answered ? found.some((r) => r.arn === answered) : found.length > 0));
  const own = (r: { started: string }) => (r.started === session.started ? 1 : 0);
  const keep = [...mine].sort((x, y) => own(x) - own(y) || x.order - y.order || (x.arn < y.arn ? -1 : 1))[0]
    ?? (answered && { arn: answered, started: session.started });
  for (const { arn } of mine) if (arn !== keep?.arn) await resources.delete(arn);
  return keep || undefined;
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
