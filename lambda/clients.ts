// The one seam that creates the AWS SDK clients (tests replace them with aws-sdk-client-mock) and
// bounds every call by the invocation's deadline, so the handler answers before the Lambda times out.
// Endpoints come from the SDK's own configuration, AWS_ENDPOINT_URL_IVS, AWS_ENDPOINT_URL_SECRETS_MANAGER
// and AWS_ENDPOINT_URL_STS included. Nothing here outlives an invocation.

import { createHash } from 'node:crypto';
import { IvsClient, ServiceInputTypes as IvsInput, ServiceOutputTypes as IvsOutput } from '@aws-sdk/client-ivs';
import {
  SecretsManagerClient,
  ServiceInputTypes as SecretsInput,
  ServiceOutputTypes as SecretsOutput,
} from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, Command, RetryStrategyV2, RetryToken } from '@smithy/types';
import { CLAIM_PREFIX } from '../lib/contract';
import { CallError, errorText, must } from './errors';
import { logCall } from './log';
import type { CustomResourceEvent, LambdaContext } from './types';

/** Time kept back from the Lambda's remaining time, to send FAILED before the Lambda times out. */
export const DEADLINE_MARGIN_MS = 10_000;

/** Extra time the cleanup of a failed create may take past the deadline (inside the margin). */
export const CLEANUP_GRACE_MS = 5_000;

/**
 * Attempts of one request the SDK makes for failures IVS cannot have acted on knowingly (a lost
 * connection, a 5xx): a few. Throttled requests are not among them: Session.call retries those for as
 * long as the deadline allows. IVS allows 5 requests per second for channel and stream key calls per
 * region, and the quota cannot be raised (IVS service quotas), so a stack of many channels, or several
 * stacks at once, meets ThrottlingException all the time; a throttled request is not executed.
 */
export const TRANSIENT_ATTEMPTS = 4;

/**
 * Backoff between throttled tries: full jitter, exponential from the base up to the cap. Measured with
 * bench/ (100 channels at once under the 5 TPS quota): with a cap of 8 s the last resources each waited
 * up to 8 s between tries while the quota went unused, and the creates took 1.6x the quota floor; with
 * 2 s the calls keep to 5 per second to the last one, for about twice the throttled tries.
 */
export const THROTTLE_BACKOFF_BASE_MS = 250;
export const THROTTLE_BACKOFF_CAP_MS = 2_000;

/**
 * A connection not made by then is retried (nothing was sent). Requests get no timeout of their own:
 * a create retried after a slow answer could make a second resource; the deadline bounds them.
 */
const CONNECTION_TIMEOUT_MS = 5_000;

/** STS allows 2 to 64 characters of `[\w+=,.@-]` in a role session name (AssumeRole API reference). */
const MAX_SESSION_NAME = 64;

/** Where a resource's IVS calls go: another region, and another account through a role (TARGET_FIELDS). */
export interface Target {
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly region?: string;
}

/** A retry token of the SDK's retry strategy interface: the retries so far, and the wait before the next. */
function retryToken(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}

/**
 * The SDK's retries: TRANSIENT_ATTEMPTS for connection errors and 5xx answers, with jittered
 * backoff; none for throttling (Session.call) or client errors. Stateless, so no retry quota runs out.
 */
const TRANSIENT_RETRIES: RetryStrategyV2 = {
  acquireInitialRetryToken: async () => retryToken(0, 0),
  refreshRetryTokenForRetry: async (token, info) => {
    const next = token.getRetryCount() + 1;
    if (info.errorType === 'THROTTLING' || info.errorType === 'CLIENT_ERROR' || next >= TRANSIENT_ATTEMPTS) throw info.error;
    return retryToken(next, jitter(100 * 2 ** next, 2_000));
  },
  recordSuccess: () => undefined,
};

const CLIENT_CONFIG = {
  retryStrategy: TRANSIENT_RETRIES,
  requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
};

/**
 * The AWS clients of one invocation, its deadline (epoch milliseconds) and the CloudFormation
 * RequestId of its event (the value of the tag creates carry: REQUEST_TAG). IVS calls go to the
 * resource's target (forTarget); Secrets Manager calls always stay in the stack's account and region,
 * where the constructs create their secrets.
 */
/** What a Session is made of. */
interface SessionParts {
  readonly ivsClient: IvsClient;
  readonly secretsClient: SecretsManagerClient;
  readonly deadline: number;
  readonly requestId: string;
  readonly attempts: AttemptLog;
  readonly roleSessionName: string;
  readonly account: string;
  readonly resourceName: string;
  readonly started: string;
  readonly claimBase: string;
  readonly createId: string;
}

export class Session {
  static fromContext(
    context: LambdaContext, event: Pick<CustomResourceEvent, 'RequestId' | 'StackId' | 'LogicalResourceId' | 'ResourceProperties'>,
  ): Session {
    const attempts: AttemptLog = {};
    return new Session({
      ivsClient: recordAttempts(new IvsClient(CLIENT_CONFIG), attempts),
      secretsClient: recordAttempts(new SecretsManagerClient(CLIENT_CONFIG), attempts),
      deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
      requestId: event.RequestId,
      attempts,
      roleSessionName: sessionName(event),
      account: event.StackId.split(':')[4] ?? '',
      resourceName: `${event.StackId.split('/')[1] ?? ''}/${event.LogicalResourceId}`,
      started: Date.now().toString(36),
      claimBase: claimBase(event),
      createId: createIdOf(event),
    });
  }

  /** The invocation's deadline (epoch milliseconds). */
  readonly deadline: number;
  /** The CloudFormation RequestId of the event. */
  readonly requestId: string;
  /** The role session name of every AssumeRole: CloudTrail in the other account shows it. */
  readonly roleSessionName: string;
  /** The account the IVS calls go to: the role's, or the stack's. */
  readonly account: string;
  /** `<stack name>/<logical id>` of the resource the event is about. */
  readonly resourceName: string;
  /** When this invocation started (base 36 milliseconds): each delivery of an event has its own. */
  readonly started: string;
  /**
   * What a create of this event is (a hash of the stack ID, logical ID and properties): the Delete of a create
   * that never answered has the same ("ResourceProperties: ... the contents of the Properties object sent by the
   * template developer": custom resource request objects), and so finds what that create made (common.ts createTags).
   */
  readonly createId: string;
  private readonly ivsClient: IvsClient;
  private readonly secretsClient: SecretsManagerClient;
  private readonly attempts: AttemptLog;

  /** The Secrets Manager name of this resource's claim of one generation (claim.ts). */
  claimName(generation: number): string {
    return `${this.parts.claimBase}.${generation}`;
  }

  private constructor(private readonly parts: SessionParts) {
    ({ deadline: this.deadline, requestId: this.requestId, roleSessionName: this.roleSessionName, account: this.account,
      resourceName: this.resourceName, started: this.started, createId: this.createId, ivsClient: this.ivsClient,
      secretsClient: this.secretsClient, attempts: this.attempts } = parts);
  }

  /** The same clients with the cleanup grace added to the deadline. */
  forCleanup(): Session {
    return new Session({ ...this.parts, deadline: this.deadline + CLEANUP_GRACE_MS });
  }

  /**
   * A session whose IVS calls go to `target`: an IVS client of its region, with the credentials of
   * its role (AssumeRole through the regional STS endpoint of that region, on first use) when it names
   * one. The stack's own account and region: this session.
   */
  forTarget(target: Target): Session {
    if (!target.roleArn && (!target.region || target.region === process.env.AWS_REGION)) return this;
    const region = target.region ?? process.env.AWS_REGION;
    const credentials = target.roleArn ? this.assumedCredentials(target.roleArn, target.externalId, region) : undefined;
    const ivsClient = recordAttempts(new IvsClient({ ...CLIENT_CONFIG, region, ...(credentials && { credentials }) }), this.attempts);
    return new Session({ ...this.parts, ivsClient, account: target.roleArn?.split(':')[4] ?? this.account });
  }

  /** A credential provider that assumes `roleArn` once (the SDK asks before every request). */
  private assumedCredentials(roleArn: string, externalId: string | undefined, region: string | undefined): () => Promise<AwsCredentialIdentity> {
    let pending: Promise<AwsCredentialIdentity> | undefined;
    return () => {
      pending ??= this.assumeRole(roleArn, externalId, region).catch((error) => {
        pending = undefined;
        throw error;
      });
      return pending;
    };
  }

  private async assumeRole(roleArn: string, externalId: string | undefined, region: string | undefined): Promise<AwsCredentialIdentity> {
    const sts = recordAttempts(new STSClient({ ...CLIENT_CONFIG, region }), this.attempts);
    const command = new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.roleSessionName, ExternalId: externalId });
    try {
      const { Credentials: c } = await this.call('sts', command, roleArn, (abortSignal) => sts.send(command, { abortSignal }));
      return {
        accessKeyId: must(c?.AccessKeyId, 'AccessKeyId'),
        secretAccessKey: must(c?.SecretAccessKey, 'SecretAccessKey'),
        sessionToken: c?.SessionToken,
        expiration: c?.Expiration,
      };
    } catch (error) {
      if (!(error instanceof CallError)) throw error;
      const check = externalId === undefined ? 'that it requires no external ID (none is given)' : 'that it requires the external ID given';
      throw new CallError(error.operation, error.code, `${error.text.replace(/\.?$/, '.')} Role ${roleArn}: check that its trust policy `
        + `trusts this stack's provider role (or its account), ${check}, and that the role exists`);
    } finally {
      sts.destroy();
    }
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
      // A throttled request is not executed: it is sent again after a jittered backoff, until the deadline.
      for (let throttled = 0; ; throttled++) {
        try {
          return await Promise.race([send(controller.signal), expired]);
        } catch (error) {
          if (error instanceof CallError) throw error;
          if (!isThrottling(error)) throw new CallError(operation, (error as Error).name ?? 'Error', errorText(error));
          await Promise.race([sleep(jitter(THROTTLE_BACKOFF_BASE_MS * 2 ** Math.min(throttled, 10), THROTTLE_BACKOFF_CAP_MS)), expired]);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Whether the service refused the request for its rate (IVS 429 ThrottlingException, STS Throttling). */
function isThrottling(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'ThrottlingException' || name === 'Throttling' || name === 'TooManyRequestsException' || $metadata?.httpStatusCode === 429;
}

/** A wait of up to `min(base, cap)` milliseconds, uniformly drawn (full jitter). */
function jitter(base: number, cap: number): number {
  return Math.floor(Math.random() * Math.min(base, cap));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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

/**
 * `cdk-ivs.<stack name>.<logical id>`, so CloudTrail in the other account tells which stack and resource
 * called; cut to STS's 64 characters with a hash of the whole name to keep it unique.
 */
function sessionName(event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId'>): string {
  const clean = (text: string) => text.replace(/[^\w+=,.@-]/g, '-');
  const stackName = clean(event.StackId.split('/')[1] ?? 'stack');
  const logicalId = clean(event.LogicalResourceId);
  const full = `cdk-ivs.${stackName}.${logicalId}`;
  if (full.length <= MAX_SESSION_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  // What the prefix, the hash and the two separators leave, shared: the stack name gets at least 16.
  const room = MAX_SESSION_NAME - 'cdk-ivs.'.length - hash.length - 2;
  const logical = logicalId.slice(0, Math.max(room - stackName.length, room - 16));
  return `cdk-ivs.${stackName.slice(0, room - logical.length)}-${hash}.${logical}`;
}

/**
 * `CLAIM_PREFIX/<stack name>/<hash of the stack ID and logical ID>`: the provider role may touch the
 * claims of its own stack only (lib/provider.ts), and a stack made again under the same name has others.
 */
function claimBase(event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId'>): string {
  const hash = createHash('sha256').update(`${event.StackId}\n${event.LogicalResourceId}`).digest('hex').slice(0, 32);
  return `${CLAIM_PREFIX}/${event.StackId.split('/')[1] ?? 'stack'}/${hash}`;
}

function createIdOf(event: Pick<CustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'ResourceProperties'>): string {
  return createHash('sha256').update(`${event.StackId}\n${event.LogicalResourceId}\n${canonical(event.ResourceProperties)}`).digest('base64url').slice(0, 22);
}

/** JSON with the keys of every object sorted: the same properties give the same text in any key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The operation's name, from the command's static schema `[kind, namespace, name, ...]`. */
function operationOf(command: object): string {
  const schema = (command as { schema?: unknown }).schema;
  return Array.isArray(schema) && typeof schema[2] === 'string' ? schema[2] : 'request';
}
