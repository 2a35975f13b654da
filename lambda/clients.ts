// The one seam that creates the AWS SDK clients (tests replace them with aws-sdk-client-mock) and
// bounds every call by the invocation's deadline, so the handler answers before the Lambda times out.
// Endpoints come from the SDK's own configuration, AWS_ENDPOINT_URL_IVS and
// AWS_ENDPOINT_URL_SECRETS_MANAGER included. Nothing here outlives an invocation.

import { IvsClient, ServiceInputTypes as IvsInput, ServiceOutputTypes as IvsOutput } from '@aws-sdk/client-ivs';
import {
  SecretsManagerClient,
  ServiceInputTypes as SecretsInput,
  ServiceOutputTypes as SecretsOutput,
} from '@aws-sdk/client-secrets-manager';
import type { Command } from '@smithy/types';
import { CallError, errorText } from './errors';
import { logCall } from './log';
import type { LambdaContext } from './types';

/** Time kept back from the Lambda's remaining time, to send FAILED before the Lambda times out. */
export const DEADLINE_MARGIN_MS = 10_000;

/** Extra time the cleanup of a failed create may take past the deadline (inside the margin). */
export const CLEANUP_GRACE_MS = 5_000;

/**
 * IVS allows 5 requests per second for channel and stream key calls per region, and the quota cannot
 * be raised: many attempts, where the SDK's default is 3. Its standard retry mode backs off
 * exponentially with full jitter (1 s base for throttling, 20 s cap); the deadline bounds the total.
 */
export const MAX_ATTEMPTS = 12;

/**
 * A connection not made by then is retried (nothing was sent). Requests get no timeout of their own:
 * a create retried after a slow answer could make a second resource; the deadline bounds them.
 */
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The AWS clients of one invocation, its deadline (epoch milliseconds) and the CloudFormation
 * RequestId of its event (the value of the tag creates carry: REQUEST_TAG).
 */
export class Session {
  static fromContext(context: LambdaContext, requestId: string): Session {
    const config = {
      maxAttempts: MAX_ATTEMPTS,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
    };
    const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
    const attempts: AttemptLog = {};
    return new Session(recordAttempts(new IvsClient(config), attempts), recordAttempts(new SecretsManagerClient(config), attempts),
      deadline, requestId, attempts);
  }

  private constructor(
    private readonly ivsClient: IvsClient,
    private readonly secretsClient: SecretsManagerClient,
    readonly deadline: number,
    readonly requestId: string,
    private readonly attempts: AttemptLog,
  ) {}

  /** The same clients with the cleanup grace added to the deadline. */
  forCleanup(): Session {
    return new Session(this.ivsClient, this.secretsClient, this.deadline + CLEANUP_GRACE_MS, this.requestId, this.attempts);
  }

  /** Sends an IVS command; `target` (the ARN or name it acts on) goes to the log line. */
  ivs<I extends IvsInput, O extends IvsOutput>(command: Command<IvsInput, I, IvsOutput, O, any>, target: string): Promise<O> {
    return this.call('ivs', command, target, (abortSignal) => this.ivsClient.send(command, { abortSignal }));
  }

  /** Sends a Secrets Manager command; `target` is the secret's ARN. */
  secrets<I extends SecretsInput, O extends SecretsOutput>(command: Command<SecretsInput, I, SecretsOutput, O, any>, target: string): Promise<O> {
    return this.call('secretsmanager', command, target, (abortSignal) => this.secretsClient.send(command, { abortSignal }));
  }

  /**
   * Logs the call and runs it, racing the deadline: the SDK gets the abort signal, and the race also
   * ends a wait the signal cannot reach (a retry's backoff). Errors become CallErrors (with the SDK's
   * count of attempts).
   */
  private async call<O>(service: string, command: object, target: string, send: (signal: AbortSignal) => Promise<O>): Promise<O> {
    const operation = operationOf(command);
    logCall(service, operation, target);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    this.attempts.lastError = undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        const last = this.attempts.lastError === undefined ? '' : `; the last attempt got ${errorText(this.attempts.lastError).replace(/\.$/, '')}`;
        reject(new CallError(operation, 'HandlerDeadline',
          `no answer before the handler's deadline (${DEADLINE_MARGIN_MS / 1000} s before the Lambda times out)${last}; deploy again`));
      }, Math.max(0, this.deadline - Date.now()));
    });
    try {
      return await Promise.race([send(controller.signal), expired]);
    } catch (error) {
      if (error instanceof CallError) throw error;
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
      throw new CallError(operation, (error as Error).name ?? 'Error', errorText(error), attempts);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The error of the latest attempt the SDK made (its retries included), for the deadline's reason. */
interface AttemptLog {
  lastError?: unknown;
}

/** Records every failed attempt of `client`'s calls (a middleware inside the SDK's retry loop). */
function recordAttempts<C extends { middlewareStack: { add(middleware: unknown, options: object): void } }>(client: C, log: AttemptLog): C {
  client.middlewareStack.add((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      log.lastError = error;
      throw error;
    }
  }, { step: 'deserialize', priority: 'high', name: 'cdkIvsRecordAttempts' });
  return client;
}

/** The operation's name, from the command's static schema `[kind, namespace, name, ...]`. */
function operationOf(command: object): string {
  const schema = (command as { schema?: unknown }).schema;
  return Array.isArray(schema) && typeof schema[2] === 'string' ? schema[2] : 'request';
}
