// One delivery of an event at a time makes a resource. Lambda delivers an asynchronous event at least
// once and retries an invocation that crashed or timed out (Lambda developer guide, asynchronous
// invocation), so two deliveries of one Create can run at once; IVS has no idempotency token for
// CreateChannel or ImportPlaybackKeyPair. A claim is a Secrets Manager secret named after the resource
// (CLAIM_PREFIX/<stack name>/<hash of stack ID and logical ID>.<generation>), which CreateSecret makes
// once: a second CreateSecret of the name fails with ResourceExistsException (CreateSecret API
// reference). The delivery that made it creates; another one waits until it is deleted, then takes what
// the first made (createOnce's sweep). The claim holds no value (no version, so nothing is encrypted or
// billed beyond the seconds it exists) and is deleted before the create answers.

import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CLEANUP_GRACE_MS, DEADLINE_MARGIN_MS, type Session } from './clients';
import type { Abandoned } from './common';
import { NOT_FOUND, ignoring, isCode, messageOf } from './errors';

/**
 * Generations of a resource's claim. A claim whose holder can no longer be running (its Lambda timed
 * out), or which another request left behind, is not waited for: the next generation is claimed. A
 * deleted claim's name may stay taken for a moment (DeleteSecret: "Secrets Manager performs the actual
 * deletion with an asynchronous background process ... If you delete a secret and then immediately create
 * a secret with the same name, use appropriate back off and retry logic"): the next generation, too.
 */
export const CLAIM_GENERATIONS = 4;

/** Time a Delete keeps, after waiting for a create's invocation, to delete what it made. */
const ABANDON_RESERVE_MS = 5_000;

/** What a claim's Description says of its holder. */
interface Holder {
  readonly request: string;
  readonly started: string;
  /** The holder's deadline (epoch ms): its Lambda ends DEADLINE_MARGIN_MS later. */
  readonly deadline: number;
}

/**
 * Runs `work` as the one delivery of this event that creates (`owner` true), or, when another delivery
 * of it holds the claim, once that one let go (`owner` false: take what it made, make nothing). The
 * owner's claims are deleted when its work is over; a failure to delete them fails the work, after
 * `undo` of the work's result (what it made).
 */
export async function oneAtATime<R>(
  session: Session, work: (owner: boolean) => Promise<{ readonly result: R; readonly undo?: () => Promise<void> }>,
): Promise<R> {
  const claimed = await claim(session);
  if (claimed === 'follower') return (await work(false)).result;
  let done: { result: R; undo?: () => Promise<void> };
  try {
    done = await work(true);
  } catch (error) {
    await release(session.forCleanup(), claimed).catch(() => undefined); // the first failure is the reason
    throw error;
  }
  try {
    await release(session, claimed);
  } catch (error) {
    const undone = done.undo ? await done.undo().then(() => ' (what it made is deleted again)', () => '') : '';
    throw new Error(`${messageOf(error)}: a claim of this create (${claimed.join(', ')}) could not be deleted${undone}; delete it, then deploy again`, { cause: error });
  }
  return done.result;
}

/**
 * How long a Delete after a create that never answered waits for that create's claim when it finds neither a claim
 * nor anything the create made: CloudFormation does not wait for a cancelled create's invocation, which may start
 * after the rollback's Delete did (each an asynchronous Lambda invocation).
 */
export const LATE_CREATE_WAIT_MS = 10_000;

/**
 * A Delete after a create that never answered (CloudFormation cancelled it, or its invocation crashed or timed out
 * before it could answer or clean up) deletes what that create made: what the request each claim left behind names
 * made, once that invocation is over (it may still be creating); what any create of this event made (`createId`: a
 * create that answered, unheard, before this Delete came has let go of its claim); and, when it finds neither, what a
 * create that claims within LATE_CREATE_WAIT_MS makes (then both again). `abandon` answers how many it deleted
 * (undefined: such a create makes none, as an adopting Channel's).
 */
export async function abandonCreate(
  session: Session, createId: string, abandon: (which: Abandoned) => Promise<number | undefined>,
): Promise<void> {
  const deleteMade = async () => ({
    held: await releaseAll(session, (requestId) => abandon({ requestId, createId })),
    deleted: await abandon({ createId }),
  });
  const { held, deleted } = await deleteMade();
  if (held || deleted === undefined || deleted > 0) return;
  // Until a claim appears (a create that claims, creates and lets go between two looks leaves what it made: tagged)
  await claimAppears(session, Math.min(Date.now() + LATE_CREATE_WAIT_MS, session.deadline - ABANDON_RESERVE_MS));
  await deleteMade();
}

/** Deletes every claim generation of the resource, after `abandon` of what its holder made: whether one was held. */
async function releaseAll(session: Session, abandon: (requestId: string) => Promise<unknown>): Promise<boolean> {
  let held = false;
  for (let generation = 0; generation < CLAIM_GENERATIONS; generation++) {
    const name = session.claimName(generation);
    const holder = await holderOf(session, name);
    if (holder === 'gone') continue;
    if (holder !== undefined) {
      // Its invocation is over by its deadline and cleanup (CLEANUP_GRACE_MS); this one keeps time for what follows.
      await letGo(session, name, Math.min(holder.deadline + CLEANUP_GRACE_MS + 1_000, session.deadline - ABANDON_RESERVE_MS));
      await abandon(holder.request);
      held = true;
    }
    await release(session, [name]);
  }
  return held;
}

/** Waits until a claim of the resource is made, or until `until` (epoch ms), looking once a second. */
async function claimAppears(session: Session, until: number): Promise<void> {
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Math.max(0, until - Date.now()))));
    for (let generation = 0; generation < CLAIM_GENERATIONS; generation++) {
      if (await holderOf(session, session.claimName(generation)) !== 'gone') return;
    }
  }
}

/**
 * The claim names this delivery holds (it creates), or 'follower' once another delivery of this event
 * has let go of the claim it held.
 */
async function claim(session: Session): Promise<string[] | 'follower'> {
  const mine: Holder = { request: session.requestId, started: session.started, deadline: session.deadline };
  const passed: string[] = []; // claims of holders that are over: this delivery deletes them too
  for (let generation = 0; generation < CLAIM_GENERATIONS; generation++) {
    const name = session.claimName(generation);
    try {
      await session.secrets(new CreateSecretCommand({ Name: name, Description: JSON.stringify(mine) }), name);
      return [...passed, name];
    } catch (error) {
      // InvalidRequestException: "a secret with this name is already scheduled for deletion" (let go).
      if (isCode(error, 'InvalidRequestException')) continue;
      if (!isCode(error, 'ResourceExistsException')) throw error;
    }
    const holder = await holderOf(session, name);
    if (holder === 'gone') continue;
    if (holder === undefined || holder.request !== session.requestId) {
      passed.push(name); // another request's, left by an invocation that never finished
      continue;
    }
    // An SDK retry of this delivery's CreateSecret whose first answer was lost: its own claim.
    if (holder.started === session.started) return [...passed, name];
    const over = holder.deadline + DEADLINE_MARGIN_MS; // its Lambda has ended by then
    if (await letGo(session, name, Math.min(over, session.deadline))) return 'follower';
    if (Date.now() < over) {
      throw new Error(`another delivery of this event (started ${startOf(holder)}) is making it and had not finished by this one's deadline; its answer stands`);
    }
    passed.push(name); // its holder's Lambda is over: taken over
  }
  throw new Error(`no claim of ${CLAIM_GENERATIONS} (${session.claimName(0)} and on) could be made for this create; deploy again`);
}

/** The claim's holder, 'gone' when it is deleted or being deleted; undefined when its Description is not a holder. */
async function holderOf(session: Session, name: string): Promise<Holder | 'gone' | undefined> {
  try {
    const { Description, DeletedDate } = await session.secrets(new DescribeSecretCommand({ SecretId: name }), name);
    if (DeletedDate !== undefined) return 'gone';
    const holder = JSON.parse(Description ?? '') as Partial<Holder>;
    return typeof holder.request === 'string' && typeof holder.started === 'string' && typeof holder.deadline === 'number'
      ? holder as Holder : undefined;
  } catch (error) {
    if (isCode(error, NOT_FOUND)) return 'gone';
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Waits until the claim is gone (true), or until `until` (epoch ms: false). */
async function letGo(session: Session, name: string, until: number): Promise<boolean> {
  for (let attempt = 0; Date.now() < until; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 1_000, Math.max(0, until - Date.now()))));
    if (await holderOf(session, name) === 'gone') return true;
  }
  return false;
}

function startOf(holder: Holder): string {
  return new Date(parseInt(holder.started, 36)).toISOString();
}

/**
 * Deletes claims, without recovery ("If you forcibly delete an already deleted or nonexistent secret, the operation
 * does not return ResourceNotFoundException": DeleteSecret API reference).
 */
async function release(session: Session, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await ignoring([NOT_FOUND, 'InvalidRequestException'],
      session.secrets(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }), name));
  }
}
