/**
 * What the harness's stand-ins for CloudFormation's resource handlers share: the provider
 * interface (create / update in place / delete; replacement is decided by the deployment from the
 * schema's createOnly properties), the context they run in, and the failure text CloudFormation
 * shows for a registry resource's handler error.
 */
import type { JsonObject } from './intrinsics';
import type { Credentials } from './types';

/** A resource as its provider made it: Ref value and Fn::GetAtt attributes. */
export interface Provisioned {
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The stack a provider works for. */
export interface ProviderContext {
  readonly logicalId: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}

export interface ResourceProvider {
  /** Fn::GetAtt attributes whose values are secret (masked in snapshots). */
  readonly sensitiveAttributes?: readonly string[];
  create(ctx: ProviderContext, properties: JsonObject): Promise<Provisioned>;
  /** An update in place (no createOnly property changed). */
  update(ctx: ProviderContext, current: Provisioned, oldProperties: JsonObject, properties: JsonObject): Promise<Provisioned>;
  /** Deletes; a resource that is gone already throws a NotFoundError. */
  delete(ctx: ProviderContext, current: Provisioned, properties: JsonObject): Promise<void>;
}

export interface ProviderSettings {
  readonly region: string;
  /** CloudFormation's own credentials (the deployer's). */
  readonly credentials: Credentials;
  /** The endpoint of a service by SDK service id (IVS, IAM, SECRETS_MANAGER), or undefined. */
  endpointFor(serviceId: string): string | undefined;
  /** What a property removed from the template does on an update (see HarnessOptions). */
  readonly removedProperties: 'reset' | 'keep';
}

/** A create that failed after it made something: the rollback deletes `physicalId`. */
export class ProvisionError extends Error {
  constructor(message: string, readonly physicalId?: string, readonly attributes: Readonly<Record<string, string>> = {}, readonly cause?: unknown) {
    super(message);
    this.name = 'ProvisionError';
  }
}

/** The resource a delete was asked for does not exist (handler error code NotFound). */
export class NotFoundError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * Handler error codes (CloudFormation CLI user guide, "Resource type handler error codes") by the
 * service's error name, for the failure text.
 */
const HANDLER_ERROR_CODES: Record<string, string> = {
  ResourceNotFoundException: 'NotFound',
  NoSuchEntity: 'NotFound',
  ConflictException: 'ResourceConflict',
  DeleteConflict: 'ResourceConflict',
  ServiceQuotaExceededException: 'ServiceLimitExceeded',
  LimitExceeded: 'ServiceLimitExceeded',
  ValidationException: 'InvalidRequest',
  ValidationError: 'InvalidRequest',
  MalformedPolicyDocument: 'InvalidRequest',
  EntityAlreadyExists: 'AlreadyExists',
  AccessDeniedException: 'AccessDenied',
  AccessDenied: 'AccessDenied',
  ThrottlingException: 'Throttling',
  Throttling: 'Throttling',
  UnrecognizedClientException: 'InvalidCredentials',
  InvalidClientTokenId: 'InvalidCredentials',
};

/** The handler error code of an SDK error. */
export function handlerErrorCode(err: unknown): string {
  const name = (err as { name?: string }).name ?? '';
  // The SDK names IAM's wire codes `…Exception` (MalformedPolicyDocument → MalformedPolicyDocumentException).
  return HANDLER_ERROR_CODES[name] ?? HANDLER_ERROR_CODES[name.replace(/Exception$/, '')] ?? 'GeneralServiceException';
}

/**
 * A resource handler's failure as a stack event shows it: `Resource handler returned message:
 * "<service message> (Service: Ivs, Status Code: 404, Request ID: ...)" (RequestToken: ...,
 * HandlerErrorCode: NotFound)` (the Cloud Control form of the same text is quoted in
 * aws-cloudformation/aws-cloudformation-resource-providers-cloudformation issue #113).
 */
export function handlerFailureText(service: string, err: unknown, requestToken: string): string {
  // IVS errors carry their text in `exceptionMessage` (the SDK's `message` is then "UnknownError").
  const e = err as { message?: string; exceptionMessage?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const status = e.$metadata?.httpStatusCode;
  const detail = status !== undefined ? ` (Service: ${service}, Status Code: ${status}, Request ID: ${e.$metadata?.requestId ?? 'unknown'})` : '';
  return `Resource handler returned message: "${e.exceptionMessage ?? e.message ?? String(err)}${detail}" (RequestToken: ${requestToken}, HandlerErrorCode: ${handlerErrorCode(err)})`;
}

export type Tag = { Key: string; Value: string };

/** The schema's `Tags` list ({Key, Value}). */
export const tagList = (props: JsonObject): Tag[] =>
  Array.isArray(props.Tags) ? (props.Tags as JsonObject[]).map((t) => ({ Key: String(t.Key), Value: String(t.Value) })) : [];

/** What changed between two tag lists: keys to remove, tags to set. */
export function tagChanges(oldProps: JsonObject, props: JsonObject): { removed: string[]; set: Tag[] } {
  const oldTags = tagList(oldProps);
  const newTags = tagList(props);
  return {
    removed: oldTags.filter((t) => !newTags.some((n) => n.Key === t.Key)).map((t) => t.Key),
    set: newTags.filter((t) => !oldTags.some((o) => o.Key === t.Key && o.Value === t.Value)),
  };
}
