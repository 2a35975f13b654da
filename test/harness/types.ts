/** Public types of the local deploy harness. */
import type { Json, JsonObject } from './intrinsics';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface HarnessOptions {
  /** @default the stack's environment, else 'us-east-1' */
  readonly region?: string;
  /** @default the stack's environment, else '123456789012' */
  readonly accountId?: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  /** The Lambda execution role's credentials, handed to every invocation.
   * @default AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY */
  readonly credentials?: Credentials;
  /**
   * Runs each invocation as the function's execution role: called with the function's resolved
   * `Role` (the simulated role's ARN), returns that role's credentials (e.g.
   * `(arn) => emulator.issueCredentials(account, roleName)`, as Lambda hands them out), so that
   * where the endpoint evaluates policies the handler runs with its real policy.
   * @default every invocation gets `credentials`
   */
  readonly executionRoleCredentials?: (roleArn: string) => Credentials;
  /** Credentials of CloudFormation itself, for the resources the harness simulates (secrets, IAM, IVS).
   * @default credentials */
  readonly deployerCredentials?: Credentials;
  /** One endpoint for every AWS service (AWS_ENDPOINT_URL in the Lambda; also the harness's own
   * Secrets Manager calls). */
  readonly endpoint?: string;
  /** Per-service endpoints by SDK service id: `{ IVS: url, SECRETS_MANAGER: url, STS: url }`
   * (camelCase `secretsManager` works too). Each becomes AWS_ENDPOINT_URL_<ID> in the Lambda. */
  readonly serviceEndpoints?: Record<string, string>;
  /** Resource types to skip (made-up identity, listed in `skipped`) although the harness could
   * simulate them, e.g. `['AWS::IAM::Role', 'AWS::IAM::Policy']` without an IAM endpoint. */
  readonly skipTypes?: readonly string[];
  /** Extra environment variables for every invocation (win over the function's own). */
  readonly environment?: Record<string, string>;
  /** Template parameter values (win over Default). */
  readonly parameters?: Record<string, string>;
  /** Exports of other stacks, for Fn::ImportValue. */
  readonly imports?: Record<string, string>;
  /** Overrides every function's Timeout (seconds, fractions allowed). */
  readonly functionTimeoutSeconds?: number;
  /** Overrides every custom resource's ServiceTimeout (seconds, fractions allowed). */
  readonly serviceTimeoutSeconds?: number;
  /** Lambda invocations running at once (CloudFormation runs independent resources in parallel).
   * @default 4 */
  readonly concurrency?: number;
  /** Re-invocations after a crash or timeout without an answer (Lambda retries an asynchronous
   * invocation twice, after 1 and 2 minutes; here immediately, with the same Lambda request ID). @default 0 */
  readonly lambdaRetries?: number;
  /** The response server answers 500 to the first N PUTs. @default 0 */
  readonly failResponses?: number;
  /**
   * Events delivered twice, as Lambda's asynchronous invocation may ("it's possible for it to
   * receive the same event from Lambda multiple times", Lambda developer guide): the same event
   * (same RequestId and ResponseURL) to a second invocation. The first rule that matches a request
   * applies. @default none
   */
  readonly duplicateDeliveries?: readonly DuplicateDelivery[];
  /**
   * Two answers on one ResponseURL (a presigned S3 PUT: S3 keeps the last object written; when
   * CloudFormation reads it is not documented): `first` — the first answer decides, as soon as it
   * arrives; `last` — the last answer decides, once every delivery of the event has ended.
   * Applies to the requests `duplicateDeliveries` matches. @default 'first'
   */
  readonly duplicateAnswers?: 'first' | 'last';
  /**
   * A simulated resource's property removed from the template, on an update: `reset` sends what
   * its absence stands for (the schema default, "" where the schema allows it, [] for a list);
   * `keep` sends nothing, leaving the old value. The handlers' behaviour is not documented.
   * @default 'reset'
   */
  readonly removedProperties?: 'reset' | 'keep';
  /**
   * A simulated resource's delete finding it gone already (handler error code NotFound, e.g. deleted
   * behind the stack's back): `success` counts it deleted, `failed` is DELETE_FAILED. The handler
   * contract requires the NotFound answer; what CloudFormation makes of it is not documented.
   * @default 'success'
   */
  readonly deleteNotFound?: 'success' | 'failed';
  /**
   * A failed update's rollback of a resource the update replaced (a custom resource that answered a
   * new physical id, or a createOnly change): CloudFormation sends no reverse Update to it, keeps
   * the old physical id, and deletes the new one in the rollback's cleanup
   * (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS). Not documented: the ResourceProperties of that
   * Delete (`properties`: those the new one was made with, or the old ones), and whether the
   * DeletionPolicy keeps it (`retain`: 'deletionPolicy' honours Retain; 'never', as the
   * DeletionPolicy page says the policy "doesn't apply to resources whose physical instance is
   * replaced during stack update operations").
   * @default { properties: 'new', retain: 'deletionPolicy' }
   */
  readonly replacementRollback?: ReplacementRollback;
  /**
   * A custom resource's Create still running when another resource of the stack's create fails.
   * `cancel`, as aws-cdk-lib's custom-resources README describes it ("CloudFormation will stop waiting
   * for the Create call to complete and send you a `Delete` event. Because the original Create event
   * never finished, it doesn't know about the resource's physical ID, and will invent one ... looks
   * like `<stackname>-<logicalId>-<suffix>`", after cloudformation-coverage-roadmap issue 1814): the
   * resource is CREATE_FAILED "Resource creation cancelled" and the rollback's Delete carries the
   * invented ID, while its Lambda goes on (its answer comes too late). `wait`: the Create's own answer
   * decides, as the harness did before. @default 'wait'
   */
  readonly inFlightCreates?: 'wait' | 'cancel';
  /** One line per resource step (and per stack status change), for a demo or a test. */
  readonly onProgress?: (line: string, event: ProgressEvent) => void;
  /** Every log event of every invocation, as it is written. */
  readonly onLog?: (entry: LogEntry) => void;
  /** @default process.execPath */
  readonly nodeBinary?: string;
}

export type RequestType = 'Create' | 'Update' | 'Delete';

/** See HarnessOptions.replacementRollback. */
export interface ReplacementRollback {
  /** @default 'new' */
  readonly properties?: 'new' | 'old';
  /** @default 'deletionPolicy' */
  readonly retain?: 'deletionPolicy' | 'never';
}

/** Which requests are delivered twice, and how. */
export interface DuplicateDelivery {
  /**
   * The resource: a string is its logical id, or the construct id of a CDK-allocated one (the id
   * followed by CDK's 8-character hash: `'Live'` matches `Live848578DF`, the custom resource at
   * Live/Resource); a RegExp is tested against the logical id. @default every resource
   */
  readonly logicalId?: string | RegExp;
  /** Only resources of this type (e.g. `Custom::IvsChannel`). @default every type */
  readonly resourceType?: string;
  /** @default every request type */
  readonly requestType?: RequestType;
  /** `sequential`: the second delivery starts when the first (with its retries) has ended;
   * `concurrent`: both start at once (each takes a `concurrency` slot). */
  readonly mode: 'sequential' | 'concurrent';
  /** `concurrent` only: the second delivery starts this long (ms) after the first. @default 0 */
  readonly staggerMs?: number;
  /** The second invocation's Lambda request ID (context.awsRequestId): the first's, or a new one
   * (not documented for a duplicate of the queue). @default 'same' */
  readonly awsRequestId?: 'same' | 'new';
}

/** One answer PUT to a ResponseURL and accepted, as CloudFormation would read it. */
export interface ResponseRecord {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly physicalId?: string;
  /** Values replaced by '*****' when the answer had NoEcho. */
  readonly data: Record<string, Json>;
  readonly noEcho: boolean;
  readonly receivedAt: number;
  /** The answer CloudFormation took. */
  readonly used: boolean;
}
export type Phase = 'create' | 'update' | 'rollback' | 'cleanup' | 'delete';
export type ResourceKind = 'custom' | 'simulated' | 'skipped';

export type StackStatus =
  | 'CREATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export interface LogEntry {
  readonly logicalId: string;
  readonly requestType: RequestType;
  /** CloudFormation's RequestId of the event. */
  readonly requestId: string;
  /** One log event (multi-line messages keep their newlines, as in CloudWatch). */
  readonly message: string;
}

/** One request to one resource: what was asked and how it ended. */
export interface StepRecord {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly kind: ResourceKind;
  readonly requestType: RequestType;
  readonly phase: Phase;
  readonly status: 'SUCCESS' | 'FAILED' | 'SKIPPED';
  /** CloudFormation's resource status: CREATE_COMPLETE, UPDATE_FAILED, DELETE_SKIPPED, ... */
  readonly resourceStatus: string;
  readonly reason?: string;
  /** The physical id after the step (the answered one). */
  readonly physicalId?: string;
  /** The physical id the request carried (Update, Delete). */
  readonly requestPhysicalId?: string;
  /** Data of the answer, values replaced by '*****' when the answer had NoEcho. */
  readonly data?: Record<string, Json>;
  readonly noEcho?: boolean;
  /** When the step started (epoch ms; a custom resource's includes waiting for a free slot). */
  readonly startedAt: number;
  readonly durationMs: number;
  /** Custom resources: the event's RequestId, ResourceProperties, OldResourceProperties. */
  readonly requestId?: string;
  readonly properties?: JsonObject;
  readonly oldProperties?: JsonObject;
  /** Custom resources: Lambda invocations made (retries and duplicate deliveries included), PUTs
   * received for the ResponseURL (refused ones included). */
  readonly invocations?: number;
  readonly responseAttempts?: number;
  /** Custom resources: deliveries of the event (2 when `duplicateDeliveries` matched). */
  readonly deliveries?: number;
  /** Custom resources: every accepted answer, in arrival order; `used` marks the one taken. */
  readonly responses?: readonly ResponseRecord[];
  /** 'handler' when the answer came over the ResponseURL, 'harness' when CloudFormation's side
   * decided (no answer in time, invalid answer, template error). */
  readonly answeredBy?: 'handler' | 'harness';
  readonly logs: readonly string[];
}

export interface OperationResult {
  readonly operation: 'create' | 'update' | 'delete';
  readonly stackStatus: StackStatus;
  readonly success: boolean;
  /** The stack status reason when it failed. */
  readonly reason?: string;
  readonly records: readonly StepRecord[];
  /** Outputs after the operation (values from NoEcho answers masked as '****'). */
  readonly outputs: Readonly<Record<string, string>>;
  /** Resources in the template the harness does not simulate. */
  readonly skipped: ReadonlyArray<{ readonly logicalId: string; readonly resourceType: string }>;
  readonly durationMs: number;
  /** Every log event of every invocation in this operation. */
  readonly logs: readonly LogEntry[];
}

export interface ProgressEvent {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: string;
  readonly phase?: Phase;
  readonly physicalId?: string;
  readonly reason?: string;
  readonly durationMs?: number;
}

/** A resource as the stack holds it now. */
export interface ResourceSnapshot {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly kind: ResourceKind;
  readonly physicalId: string;
  /** Custom resources: the answer's Data (not masked: GetAtt sees it). */
  readonly data: Readonly<Record<string, Json>>;
  readonly noEcho: boolean;
  /** The properties last applied (custom resources: as handed over, all scalars strings; simulated
   * ones: as validated against the schema). */
  readonly properties: JsonObject;
  /** Simulated and skipped resources: the Fn::GetAtt attributes (secret ones, e.g. a stream key's
   * Value, as '*****'). */
  readonly attributes: Readonly<Record<string, string>>;
}
