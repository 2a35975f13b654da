// Cloud Control API (awsJson1_0, `X-Amz-Target: CloudApiService.<Op>`, SigV4 service
// `cloudcontrolapi`): GetResource and ListResources of AWS::IVS::Channel, as the aws-cdk CLI's
// cc-api-provider reads them for `Channel.fromLookup`. Written by hand from the Cloud Control API
// Reference and the CloudFormation resource schema of AWS::IVS::Channel (aws-cdk's service spec
// database, node_modules/aws-cdk/db.json.gz; user guide page aws-resource-ivs-channel).
// A read is served by the type's read handler, which calls IVS as the caller (the schema's read
// permissions: ivs:GetChannel, ivs:ListTagsForResource), so it is rate-limited, account-isolated
// and refused exactly as those IVS calls are.
import { ServiceError } from './errors';
import { requestId } from './ids';
import { checkJson, JsonRule } from './json-params';
import { ChannelRecord } from './state';

export const CHANNEL_TYPE = 'AWS::IVS::Channel';

/** How the emulator answers where the Cloud Control documentation is silent; tests run under each. */
export interface CloudControlOptions {
  /**
   * What ListResources returns per channel: `identifiers` (only `{"Arn": …}`, as third-party docs
   * of the AWS Cloud Control provider describe this type's list: "list (identifiers only)") or
   * `full` (the read model, each channel read by the read handler). @default 'identifiers'
   */
  readonly list?: 'identifiers' | 'full';
  /**
   * Whether the read model leaves out properties whose value is empty or off (Name "", Preset "",
   * RecordingConfigurationArn "", Tags [], a disabled MultitrackInputConfiguration). @default false
   */
  readonly omitEmpty?: boolean;
  /**
   * The error a handler's AccessDenied from IVS (e.g. another account's channel) surfaces as. The
   * API reference lists GeneralServiceException, InvalidCredentialsException and
   * HandlerFailureException; an AccessDeniedException wrapping `HandlerErrorCode: AccessDenied` has
   * been observed (aws-cloudformation-resource-providers-cloudformation issue #113).
   * @default 'AccessDeniedException'
   */
  readonly accessDenied?: 'AccessDeniedException' | 'GeneralServiceException' | 'InvalidCredentialsException' | 'HandlerFailureException';
  /**
   * What an Identifier that is not a channel ARN gets (IVS answers GetChannel ValidationException;
   * a handler may map it to InvalidRequest or NotFound). @default 'InvalidRequestException'
   */
  readonly invalidIdentifier?: 'InvalidRequestException' | 'ResourceNotFoundException';
}

/** The options in force (every one set; mutable at run time through `emulator.cloudControl`). */
export type CloudControlSettings = { -readonly [K in keyof Required<CloudControlOptions>]: Required<CloudControlOptions>[K] };

export const DEFAULT_CLOUD_CONTROL: Readonly<CloudControlSettings> = {
  list: 'identifiers',
  omitEmpty: false,
  accessDenied: 'AccessDeniedException',
  invalidIdentifier: 'InvalidRequestException',
};

export interface CloudControlContext {
  readonly options: CloudControlSettings;
  /**
   * Calls an IVS operation as the caller, in the caller's region, with IVS's rate limits,
   * validation and authorization; throws the IVS ServiceError.
   */
  readonly callIvs: (operation: string, input: { [k: string]: unknown }) => any;
}

type Input = { readonly [k: string]: any };
type Handler = (ctx: CloudControlContext, input: Input) => unknown;

// HTTP statuses of the Cloud Control model's errors (AccessDeniedException is the service front door's, 400).
const STATUS: { readonly [code: string]: number } = {
  AccessDeniedException: 400, GeneralServiceException: 400, InvalidCredentialsException: 401, HandlerFailureException: 502,
  InvalidRequestException: 400, ResourceNotFoundException: 404, ThrottlingException: 429, UnsupportedActionException: 405,
  HandlerInternalFailureException: 502,
};

/** The HandlerErrorCode each Cloud Control error carries (CloudFormation CLI, handler error codes). */
const HANDLER_ERROR_CODE: { readonly [code: string]: string } = {
  AccessDeniedException: 'AccessDenied', GeneralServiceException: 'GeneralServiceException', InvalidCredentialsException: 'InvalidCredentials',
  HandlerFailureException: 'InternalFailure', InvalidRequestException: 'InvalidRequest', ResourceNotFoundException: 'NotFound',
  ThrottlingException: 'Throttling', HandlerInternalFailureException: 'InternalFailure',
};

/**
 * A handler failure as Cloud Control words it: `<type> Handler returned status FAILED: <message>
 * (HandlerErrorCode: <code>, RequestToken: <uuid>)` (e.g. cloudformation-coverage-roadmap issue
 * #2090, aws-cloudformation-resource-providers-cloudformation issue #113).
 */
function handlerFailed(code: string, message: string): ServiceError {
  return new ServiceError(code, `${CHANNEL_TYPE} Handler returned status FAILED: ${message} (HandlerErrorCode: ${HANDLER_ERROR_CODE[code]}, RequestToken: ${requestId()})`, STATUS[code]);
}

/** An IVS error as the Java SDK inside a handler prints it. */
function ivsText(e: ServiceError): string {
  return `${e.message} (Service: Ivs, Status Code: ${e.status ?? 400}, Request ID: ${requestId()})`;
}

/** Maps the IVS error a handler got to the Cloud Control error the caller sees. */
function fromIvs(ctx: CloudControlContext, e: unknown, identifier: string): never {
  if (!(e instanceof ServiceError)) throw e;
  switch (e.code) {
    // "Resource of type '<type>' with identifier '<id>' was not found." is the CloudFormation
    // handlers' NotFound text (seen in stack events, e.g. aws-cdk issue #13835).
    case 'ResourceNotFoundException':
      throw handlerFailed('ResourceNotFoundException', `Resource of type '${CHANNEL_TYPE}' with identifier '${identifier}' was not found.`);
    case 'AccessDeniedException':
      throw handlerFailed(ctx.options.accessDenied, ivsText(e));
    case 'ThrottlingException':
      throw handlerFailed('ThrottlingException', ivsText(e));
    case 'ValidationException':
      if (ctx.options.invalidIdentifier === 'ResourceNotFoundException') {
        throw handlerFailed('ResourceNotFoundException', `Resource of type '${CHANNEL_TYPE}' with identifier '${identifier}' was not found.`);
      }
      throw handlerFailed('InvalidRequestException', ivsText(e));
    default:
      throw handlerFailed('GeneralServiceException', ivsText(e));
  }
}

function isEmpty(v: unknown): boolean {
  return v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * The read model: the schema's properties and attributes, nothing it lacks (no SRT endpoint, no
 * playback restriction policy, no ad configuration).
 */
function readModel(ctx: CloudControlContext, channel: ChannelRecord, tags: { [k: string]: string }): { [k: string]: unknown } {
  const mt = channel.multitrackInputConfiguration;
  const model: { [k: string]: unknown } = {
    Arn: channel.arn,
    Name: channel.name,
    Authorized: channel.authorized,
    InsecureIngest: channel.insecureIngest,
    LatencyMode: channel.latencyMode,
    Type: channel.type,
    Preset: channel.preset,
    RecordingConfigurationArn: channel.recordingConfigurationArn,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    IngestEndpoint: channel.ingestEndpoint,
    PlaybackUrl: channel.playbackUrl,
    MultitrackInputConfiguration: { Enabled: mt.enabled, Policy: mt.policy, MaximumResolution: mt.maximumResolution },
    ContainerFormat: channel.containerFormat,
  };
  if (ctx.options.omitEmpty) {
    for (const [k, v] of Object.entries(model)) if (isEmpty(v)) delete model[k];
    if (!mt.enabled) delete model.MultitrackInputConfiguration;
  }
  return model;
}

/** The read handler: GetChannel, then ListTagsForResource, as the caller. */
function read(ctx: CloudControlContext, arn: string): { Identifier: string; Properties: string } {
  let channel: ChannelRecord;
  let tags: { [k: string]: string };
  try {
    channel = ctx.callIvs('GetChannel', { arn }).channel;
    tags = ctx.callIvs('ListTagsForResource', { resourceArn: arn }).tags;
  } catch (e) {
    fromIvs(ctx, e, arn);
  }
  // ResourceDescription.Properties: "The properties of the resource", a JSON string.
  return { Identifier: channel.arn, Properties: JSON.stringify(readModel(ctx, channel, tags)) };
}

// Constraints of the Cloud Control API Reference (GetResource, ListResources request parameters).
const TYPE_NAME: JsonRule = { required: true, min: 10, max: 196, pattern: /^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/ };
const COMMON: { readonly [name: string]: JsonRule } = {
  TypeName: TYPE_NAME,
  TypeVersionId: { min: 1, max: 128, pattern: /^[A-Za-z0-9-]+$/ },
  RoleArn: { min: 20, max: 2048, pattern: /^arn:.+:iam::[0-9]{12}:role\/.+$/ },
};

function checkType(input: Input): void {
  // Only AWS::IVS::Channel is modeled. UnsupportedActionException ("The specified resource doesn't
  // support this resource operation") rather than TypeNotFoundException ("The specified extension
  // doesn't exist in the CloudFormation registry"), which would be false for real types.
  if (input.TypeName !== CHANNEL_TYPE) {
    throw new ServiceError('UnsupportedActionException', `The cdk-ivs emulator's Cloud Control API serves ${CHANNEL_TYPE} only, not ${input.TypeName}.`, STATUS.UnsupportedActionException);
  }
  // RoleArn: Cloud Control would run the handler as that role; the emulator does not model it.
  if (input.RoleArn !== undefined) throw new ServiceError('EmulatorNotImplementedException', 'The cdk-ivs emulator does not model the Cloud Control RoleArn parameter.', 501);
}

const GetResource: Handler = (ctx, input) => {
  checkJson(input, { ...COMMON, Identifier: { required: true, min: 1, max: 1024 } });
  checkType(input);
  return { TypeName: CHANNEL_TYPE, ResourceDescription: read(ctx, input.Identifier) };
};

/**
 * The list handler: one ListChannels page per ListResources page (MaxResults 1-100, passed on);
 * `full` reads every channel of the page too. ResourceModel is accepted and unused (the type's
 * list handler needs no properties).
 */
const ListResources: Handler = (ctx, input) => {
  checkJson(input, {
    ...COMMON, MaxResults: { range: [1, 100] }, NextToken: { min: 1, max: 2048, pattern: /^[-A-Za-z0-9+/=]+$/ }, ResourceModel: { min: 1, max: 16384 },
  });
  checkType(input);
  let page: { channels: { arn: string }[]; nextToken?: string };
  try {
    page = ctx.callIvs('ListChannels', {
      maxResults: input.MaxResults ?? 100,
      ...(input.NextToken ? { nextToken: Buffer.from(input.NextToken, 'base64').toString() } : {}),
    });
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'ValidationException' && input.NextToken) {
      throw new ServiceError('InvalidRequestException', `The NextToken is invalid: ${input.NextToken}`, STATUS.InvalidRequestException);
    }
    fromIvs(ctx, e, '*');
  }
  const descriptions = page.channels.map((c) => (ctx.options.list === 'full'
    ? read(ctx, c.arn)
    : { Identifier: c.arn, Properties: JSON.stringify({ Arn: c.arn }) }));
  return {
    TypeName: CHANNEL_TYPE,
    ResourceDescriptions: descriptions,
    NextToken: page.nextToken ? Buffer.from(page.nextToken).toString('base64') : undefined,
  };
};

export const CLOUD_CONTROL_HANDLERS: { readonly [operation: string]: Handler } = { GetResource, ListResources };

/** Operations of the Cloud Control API the emulator knows but does not serve (501). */
export const CLOUD_CONTROL_UNSERVED = ['CreateResource', 'UpdateResource', 'DeleteResource', 'GetResourceRequestStatus', 'ListResourceRequests', 'CancelResourceRequest'];
