// Error text for CloudFormation's FAILED reason: short, IVS's own words, the resource named.

import type { CustomResourceEvent } from './types';

/** CloudFormation's whole response must stay under 4 KB; the reason gets a share of it. */
const MAX_REASON_LENGTH = 1000;

/** A failed AWS call: its operation, the error's name (e.g. ConflictException) and its text. */
export class CallError extends Error {
  constructor(readonly operation: string, readonly code: string, readonly text: string) {
    super(`${operation} failed: ${text}`);
    this.name = 'CallError';
  }
}

/** Whether `error` is a failed call answered with the error named `code`. */
export function isCode(error: unknown, code: string): boolean {
  return error instanceof CallError && error.code === code;
}

/**
 * The text of an SDK error. IVS puts its message in `exceptionMessage` (the SDK's `message` can be a
 * bare "UnknownError"), so that comes first; the error's name prefixes it when it adds something.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { exceptionMessage } = error as { exceptionMessage?: unknown };
  const text = typeof exceptionMessage === 'string' && exceptionMessage ? exceptionMessage
    : error.message && error.message !== 'UnknownError' ? error.message : '';
  if (!text) return error.name;
  return error.name && error.name !== 'Error' && !text.startsWith(error.name) ? `${error.name}: ${text}` : text;
}

/** Awaits `call`, treating the named error codes as success (e.g. NotFound on a delete). */
export async function ignoring(codes: readonly string[], call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!codes.some((code) => isCode(error, code))) throw error;
  }
}

export const NOT_FOUND = 'ResourceNotFoundException';

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An Error whose stack is its message: the wrapper puts `stack` in the reason, so no trace leaks in. */
export function cleanError(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

/** `<ResourceType> <logical id> (<name or ARN>): <what failed>`, cut to a safe length. */
export function failureReason(event: CustomResourceEvent, error: unknown): string {
  const props = event.ResourceProperties ?? {};
  const subject = [props.Name, props.AdoptChannelArn, event.PhysicalResourceId, props.ChannelArn].find((s) => typeof s === 'string' && s !== '');
  const reason = `${event.ResourceType} ${event.LogicalResourceId}${subject ? ` (${subject})` : ''}: ${messageOf(error)}`;
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 3)}...` : reason;
}

/** Returns `value`, or fails saying that `what` was missing from an answer. */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`the answer had no ${what}`);
  return value;
}

/**
 * Runs a step that follows a create; if it fails, runs `undo` to remove what the create made, so
 * nothing is orphaned, and reports both outcomes in one message.
 */
export async function undoOnFailure<T>(what: string, step: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const note = await undo().then(
      () => `deleted ${what}, which this request had created`,
      (undoError) => `could not delete ${what}, which this request had created: ${messageOf(undoError)}`,
    );
    throw new Error(`${messageOf(error)} (${note})`, { cause: error });
  }
}
