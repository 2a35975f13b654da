// The emulator's HTTP server: one endpoint on 127.0.0.1 speaking IVS (restJson1), Secrets Manager
// (awsJson1_1), Cloud Control (awsJson1_0), STS and IAM (awsQuery), told apart by the request's
// shape (and, for STS / IAM, the signature's service name). Every request goes through the same
// pipeline:
//   route → SigV4 → rate limit → injected fault → authorizer → model validation → operation →
//   response shaped by the model (→ fault after the effect) → request log
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { CLOUD_CONTROL_HANDLERS, CLOUD_CONTROL_UNSERVED, CloudControlOptions, CloudControlSettings, DEFAULT_CLOUD_CONTROL } from './cloud-control';
import {
  Credentials, KeyStore, Principal, SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID, TEST_ACCOUNT_IDS, TEST_CREDENTIALS,
} from './credentials';
import {
  DEFAULT_ENFORCE_IAM, EnforceIamOptions, EnforceIamSettings, everyResourceOf, IamEnforcer, IVS_ACTION_RESOURCES, type AuthResource,
} from './enforce-iam';
import { NOT_IMPLEMENTED, ServiceError } from './errors';
import { Faults, FaultSpec } from './faults';
import { requestId } from './ids';
import { FIXTURE_ROLES, IAM_HANDLERS, IAM_NAMESPACE } from './iam';
import {
  BatchGetOptions, BatchGetSettings, ChannelRuleOptions, ChannelRuleSettings, DEFAULT_BATCH_GET, DEFAULT_CHANNEL_RULES, DEFAULT_IVS_QUOTAS,
  IVS_ERROR_MESSAGES, IVS_HANDLERS, IvsAuthorizer, IvsContext, IvsQuotas, requestArn,
} from './ivs';
import { OPERATIONS, redact, routeIvs, SERVICE_LEVEL_ERRORS, shape, shapeOutput, validate, validationMessage } from './model';
import { isPlaybackRequest, PlaybackEdge, PlaybackEdgeOptions, toEmulatorPlaybackUrl } from './playback';
import { queryError, queryResponse } from './query';
import { IAM_SIGNING_REGION, IVS_REGIONS, STS_GLOBAL_REGION } from './regions';
import {
  DEFAULT_SECRETS_MANAGER, redactSecretsManagerInput, SECRETS_MANAGER_HANDLERS, SecretsManagerOptions, SecretsManagerSettings,
} from './secrets-manager';
import { AuthFailureKind, verifySignature } from './sigv4';
import { EmulatorState } from './state';
import { STS_HANDLERS, STS_NAMESPACE } from './sts';
import { Throttle, ThrottleOptions } from './throttle';
import { DEFAULT_VISIBILITY, VisibilityOptions, VisibilitySettings } from './visibility';

export type ServiceName = 'ivs' | 'secretsmanager' | 'sts' | 'iam' | 'cloudcontrolapi';

/** The IAM action prefix of each service (Cloud Control's actions are `cloudformation:GetResource`, …). */
const ACTION_PREFIX: { readonly [s in ServiceName]: string } = {
  ivs: 'ivs', secretsmanager: 'secretsmanager', sts: 'sts', iam: 'iam', cloudcontrolapi: 'cloudformation',
};

/** One request, as the emulator saw it. Inputs are logged with sensitive values redacted. */
export interface LogEntry {
  readonly seq: number;
  readonly time: Date;
  /** 'playback': a viewer's unsigned GET of a playback URL (playback.ts). */
  readonly service: ServiceName | 'playback' | 'unknown';
  /** Operation name (`CreateChannel`, `PutSecretValue`, `AssumeRole`); '' when not recognized. */
  readonly operation: string;
  /** Account of the verified signer (absent when the signature was refused). */
  readonly account?: string;
  /** Region of the verified credential scope: the region the request was served in. */
  readonly region?: string;
  readonly principal?: string;
  /** HTTP status answered; 0 when the connection was reset or never answered. */
  readonly status: number;
  /** Error code answered, if any. */
  readonly errorType?: string;
  /** The ARN the request is about (IVS arn / channelArn / resourceArn, Secrets Manager SecretId). */
  readonly arn?: string;
  readonly input?: unknown;
  /** Members the model does not know (ignored, as AWS ignores them). */
  readonly unknownMembers?: readonly string[];
  readonly throttled?: boolean;
  /** What an injected fault did. */
  readonly fault?: 'error' | 'reset' | 'hang' | 'latency';
  /** What the emulator's policy evaluation decided, and what it did not model (and failed closed on). */
  readonly notes?: readonly string[];
  /** Text of an unexpected emulator failure (a 500 that no fault injected). */
  readonly internalError?: string;
  readonly durationMs: number;
}

export interface AuthorizationRequest {
  readonly service: ServiceName;
  readonly operation: string;
  /** `ivs:CreateChannel`, `secretsmanager:PutSecretValue`, … */
  readonly action: string;
  readonly principal: Principal;
  readonly resourceArn?: string;
  /** Tags of the resource (Secrets Manager), for `…:ResourceTag/…` conditions. */
  readonly resourceTags?: { readonly [k: string]: string };
}

/** Return a reason to deny (answered as AccessDeniedException), or undefined to allow. */
export type Authorizer = (request: AuthorizationRequest) => string | undefined;

export interface EmulatorOptions {
  /**
   * The default region: of `clientConfig()`, `env()` and the state helpers. Each request is served
   * in the region of its credential scope. @default 'us-east-1'
   */
  readonly region?: string;
  /** Regions served; a credential scope naming another is refused. @default IVS_REGIONS */
  readonly regions?: readonly string[];
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Rate limits; `false` turns them off. @default IVS's quotas at real speed */
  readonly throttle?: ThrottleOptions | false;
  /** Resource quotas. @default DEFAULT_IVS_QUOTAS */
  readonly quotas?: Partial<IvsQuotas>;
  /** Latency added to every answer (real milliseconds). @default 0 */
  readonly latencyMs?: number;
  /** IAM-like decisions beyond signatures (e.g. the cdk-ivs ResourceTag condition). @default allow all */
  readonly authorize?: Authorizer;
  /** Called with every log entry as it is written. */
  readonly onRequest?: (entry: LogEntry) => void;
  /** Cloud Control behaviours the documentation leaves open. @default DEFAULT_CLOUD_CONTROL */
  readonly cloudControl?: CloudControlOptions;
  /** Whether BatchGetChannel / BatchGetStreamKey report missing and other-account ARNs in `errors`. @default DEFAULT_BATCH_GET */
  readonly batchGet?: BatchGetOptions;
  /** The clock of signatures and credential expiry (and of playback token expiry). @default () => new Date() */
  readonly clock?: () => Date;
  /** Behaviours of the playback edge that IVS does not document (playback.ts). */
  readonly playback?: PlaybackEdgeOptions;
  /** Reads that do not see a resource created a moment ago (visibility.ts). @default DEFAULT_VISIBILITY (no lag) */
  readonly visibility?: VisibilityOptions;
  /** Undocumented preset behaviours of CreateChannel / UpdateChannel (ivs.ts). @default DEFAULT_CHANNEL_RULES */
  readonly channelRules?: ChannelRuleOptions;
  /** Secrets Manager's version quota and its undocumented choices (secrets-manager.ts). @default DEFAULT_SECRETS_MANAGER */
  readonly secretsManager?: SecretsManagerOptions;
  /**
   * Authorize requests of role sessions against the role's inline policies in emulator IAM
   * (enforce-iam.ts); `true` takes DEFAULT_ENFORCE_IAM. Principals IAM does not know are not evaluated.
   * @default false
   */
  readonly enforceIam?: boolean | EnforceIamOptions;
}

/** Per protocol: the error code and HTTP status of each kind of signature refusal. */
const AUTH_ERRORS: { readonly [s in ServiceName]: { readonly [k in AuthFailureKind]: readonly [string, number] } } = {
  ivs: {
    missing: ['MissingAuthenticationTokenException', 403],
    incomplete: ['IncompleteSignatureException', 403],
    unrecognized: ['UnrecognizedClientException', 403],
    expiredToken: ['ExpiredTokenException', 403],
    invalidSignature: ['InvalidSignatureException', 403],
  },
  secretsmanager: {
    missing: ['MissingAuthenticationTokenException', 400],
    incomplete: ['IncompleteSignatureException', 400],
    unrecognized: ['UnrecognizedClientException', 400],
    expiredToken: ['ExpiredTokenException', 400],
    invalidSignature: ['InvalidSignatureException', 400],
  },
  cloudcontrolapi: {
    missing: ['MissingAuthenticationTokenException', 400],
    incomplete: ['IncompleteSignatureException', 400],
    unrecognized: ['UnrecognizedClientException', 400],
    expiredToken: ['ExpiredTokenException', 400],
    invalidSignature: ['InvalidSignatureException', 400],
  },
  iam: {
    missing: ['MissingAuthenticationToken', 403],
    incomplete: ['IncompleteSignature', 400],
    unrecognized: ['InvalidClientTokenId', 403],
    expiredToken: ['ExpiredToken', 403],
    invalidSignature: ['SignatureDoesNotMatch', 403],
  },
  sts: {
    missing: ['MissingAuthenticationToken', 403],
    incomplete: ['IncompleteSignature', 400],
    unrecognized: ['InvalidClientTokenId', 403],
    expiredToken: ['ExpiredToken', 400],
    invalidSignature: ['SignatureDoesNotMatch', 403],
  },
};

const THROTTLING: { readonly [s in ServiceName]: readonly [string, number, string] } = {
  ivs: ['ThrottlingException', 429, 'Request was denied due to request throttling.'],
  secretsmanager: ['ThrottlingException', 400, 'Rate exceeded'],
  sts: ['Throttling', 400, 'Rate exceeded'],
  iam: ['Throttling', 400, 'Rate exceeded'],
  cloudcontrolapi: ['ThrottlingException', 429, 'Rate exceeded'],
};

const MAX_BODY = 10 * 1024 * 1024;

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly started: number;
  readonly requestId: string;
  service: ServiceName | 'playback' | 'unknown';
  operation: string;
  principal?: Principal;
  /** Region of the verified credential scope. */
  region?: string;
  arn?: string;
  input?: unknown;
  unknownMembers?: readonly string[];
  throttled?: boolean;
  fault?: LogEntry['fault'];
  notes?: string[];
  /** A fault to apply once the operation has taken effect. */
  pendingFault?: FaultSpec;
  internalError?: string;
}

/** Raised inside the pipeline to answer an error in the exchange's protocol. */
class Answer extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

/** Ends the pipeline without answering (reset or hang already handled). */
class Silent extends Error {}

export class IvsEmulator {
  readonly state: EmulatorState;
  readonly faults = new Faults();
  readonly throttle: Throttle;
  /** Every request so far, oldest first. */
  readonly log: LogEntry[] = [];
  /** IAM-like authorizer; replace at run time. */
  authorize: Authorizer | undefined;
  /** Latency added to every answer (real ms); change at run time. */
  latencyMs: number;
  /** Cloud Control behaviours where the documentation is silent; change at run time. */
  cloudControl: CloudControlSettings;
  /** BatchGet behaviours where the API reference is silent; change at run time. */
  batchGet: BatchGetSettings;
  /** The visibility lag of created resources and what operations naming them do meanwhile; change at run time. */
  visibility: VisibilitySettings;
  /** What CreateChannel / UpdateChannel do with presets where the API reference is silent; change at run time. */
  channelRules: ChannelRuleSettings;
  /** Secrets Manager's version quota and undocumented choices; change at run time. */
  secretsManager: SecretsManagerSettings;
  /** Identity policies enforced (with these choices), or not (undefined); change at run time. */
  enforceIam: EnforceIamSettings | undefined;
  /** The default region (clientConfig, env, state helpers). */
  readonly region: string;
  /** Every region served. */
  readonly regions: readonly string[];
  readonly keys = new KeyStore();
  /** The playback edge: playback URLs served at `url` (see `playbackUrl()`). */
  readonly playback: PlaybackEdge;
  private readonly quotas: IvsQuotas;
  private readonly enforcer: IamEnforcer;
  private readonly clock: () => Date;
  private readonly onRequest?: (entry: LogEntry) => void;
  private readonly sockets = new Set<Socket>();
  private readonly sleepers = new Set<() => void>();
  private seq = 0;
  private closed = false;
  private _port = 0;

  private constructor(private readonly server: Server, options: EmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.regions = [...(options.regions ?? IVS_REGIONS)];
    if (!this.regions.includes(this.region)) throw new Error(`emulator: region ${this.region} is not one of the regions served (${this.regions.join(', ')})`);
    this.state = new EmulatorState(TEST_ACCOUNT_ID, this.region, FIXTURE_ROLES);
    this.throttle = new Throttle(options.throttle === false ? { enabled: false } : options.throttle);
    this.quotas = { ...DEFAULT_IVS_QUOTAS, ...options.quotas };
    this.latencyMs = options.latencyMs ?? 0;
    this.cloudControl = { ...DEFAULT_CLOUD_CONTROL, ...options.cloudControl };
    this.batchGet = { ...DEFAULT_BATCH_GET, ...options.batchGet };
    this.visibility = { ...DEFAULT_VISIBILITY, ...options.visibility };
    this.channelRules = { ...DEFAULT_CHANNEL_RULES, ...options.channelRules };
    this.secretsManager = { ...DEFAULT_SECRETS_MANAGER, ...options.secretsManager };
    this.enforceIam = options.enforceIam ? { ...DEFAULT_ENFORCE_IAM, ...(options.enforceIam === true ? {} : options.enforceIam) } : undefined;
    this.enforcer = new IamEnforcer(this.state);
    this.authorize = options.authorize;
    this.clock = options.clock ?? (() => new Date());
    this.onRequest = options.onRequest;
    this.playback = new PlaybackEdge(this.state, options.playback, this.clock);
  }

  /** @internal use startEmulator() */
  static async start(options: EmulatorOptions = {}): Promise<IvsEmulator> {
    const server = createServer({ keepAlive: true });
    const emulator = new IvsEmulator(server, options);
    server.on('request', (req, res) => {
      void emulator.handle(req, res);
    });
    server.on('connection', (socket: Socket) => {
      emulator.sockets.add(socket);
      socket.on('close', () => emulator.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    emulator._port = (server.address() as AddressInfo).port;
    return emulator;
  }

  get port(): number {
    return this._port;
  }

  /** `http://127.0.0.1:<port>`: the endpoint of every service. */
  get url(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  /** The emulator's address of a channel's playback URL (`https://….playback.live-video.net/api/video/v1/…`). */
  playbackUrl(ivsPlaybackUrl: string): string {
    return toEmulatorPlaybackUrl(ivsPlaybackUrl, this.url);
  }

  /** Log entries, optionally only those of one operation (`CreateChannel`, `secretsmanager:PutSecretValue`) or matching fields. */
  calls(filter?: string | Partial<Pick<LogEntry, 'service' | 'operation' | 'account' | 'status' | 'errorType'>>): LogEntry[] {
    if (filter === undefined) return [...this.log];
    if (typeof filter === 'string') {
      const i = filter.indexOf(':');
      return this.log.filter((e) => (i < 0 ? e.operation === filter : e.service === filter.slice(0, i) && e.operation === filter.slice(i + 1)));
    }
    return this.log.filter((e) => Object.entries(filter).every(([k, v]) => (e as unknown as { [k: string]: unknown })[k] === v));
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /**
   * Temporary credentials for a role in a known account, as AssumeRole would hand out, without a
   * request (e.g. for a Lambda's environment: a service handing out its execution role's
   * credentials). A role created through IAM keeps its path and role ID; any other name works too.
   */
  issueCredentials(account: string = SECOND_ACCOUNT_ID, roleName = 'CdkIvsEmulatorRole', durationSeconds = 3600): Required<Credentials> {
    if (!TEST_ACCOUNT_IDS.includes(account)) throw new Error(`emulator: unknown account ${account}`);
    const role = this.state.role(account, roleName);
    const c = this.keys.issue(role?.arn ?? `arn:aws:iam::${account}:role/${roleName}`, 'emulator-session', durationSeconds, this.clock(), role?.roleId);
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken!, expiration: c.expiration! };
  }

  /** `{ endpoint, region, credentials }` for an SDK client (TEST_CREDENTIALS, the default region unless given). */
  clientConfig(credentials: Credentials = TEST_CREDENTIALS, region: string = this.region): { endpoint: string; region: string; credentials: Credentials } {
    return { endpoint: this.url, region, credentials };
  }

  /** Environment variables that point the SDK (e.g. a handler run in-process) at the emulator. */
  env(credentials: Credentials = TEST_CREDENTIALS, region: string = this.region): { [name: string]: string } {
    return {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ENDPOINT_URL: this.url,
      AWS_ENDPOINT_URL_IVS: this.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_ENDPOINT_URL_IAM: this.url,
      AWS_ENDPOINT_URL_CLOUDCONTROL: this.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    };
  }

  /** Stops the server, dropping open (including hung) connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.sleepers) wake();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await done;
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex: Exchange = { req, res, started: Date.now(), requestId: requestId(), service: 'unknown', operation: '' };
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    try {
      const target = header(req, 'x-amz-target');
      const [rawPath, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
      const contentType = header(req, 'content-type') ?? '';
      if (target === undefined && isPlaybackRequest(req.method, rawPath)) {
        ex.service = 'playback';
        return await this.handlePlayback(ex, rawPath, rawQuery);
      }
      if (target !== undefined && target.startsWith('CloudApiService.')) {
        ex.service = 'cloudcontrolapi';
        await this.handleCloudControl(ex, target, rawPath, rawQuery, body);
      } else if (target !== undefined) {
        ex.service = target.startsWith('secretsmanager.') ? 'secretsmanager' : 'unknown';
        await this.handleSecretsManager(ex, target, rawPath, rawQuery, body);
      } else if (rawPath === '/' && (contentType.startsWith('application/x-www-form-urlencoded') || /(^|&)Action=/.test(rawQuery))) {
        // STS and IAM share the awsQuery shape; the signature's scope names the service.
        ex.service = scopeService(header(req, 'authorization')) === 'iam' ? 'iam' : 'sts';
        await this.handleQuery(ex, ex.service, rawPath, rawQuery, body);
      } else {
        ex.service = 'ivs';
        await this.handleIvs(ex, rawPath, rawQuery, body);
      }
    } catch (e) {
      if (e instanceof Silent) return;
      const service = ex.service === 'unknown' || ex.service === 'playback' ? 'ivs' : ex.service;
      if (e instanceof Answer) return this.answerError(ex, service, e.code, e.message, e.status);
      // Unexpected: an emulator bug. Answer 500 in the exchange's protocol and keep the text.
      ex.internalError = (e as Error).stack ?? String(e);
      this.answerError(ex, service, 'InternalFailure', `emulator failure: ${(e as Error).message}`, 500);
    }
  }

  private async handleIvs(ex: Exchange, rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const routed = routeIvs(ex.req.method ?? 'GET', rawPath, new URLSearchParams(rawQuery), body.toString('utf8'));
    if ('error' in routed && routed.error === 'notFound') {
      return this.answerError(ex, 'ivs', 'UnknownOperationException', `No IVS operation answers ${ex.req.method} ${rawPath}`, 404);
    }
    if ('error' in routed) {
      ex.operation = routed.operation;
      await this.authenticate(ex, 'ivs', rawPath, rawQuery, body);
      return this.answerError(ex, 'ivs', 'SerializationException', 'The request body is not a JSON object.', 400);
    }
    const { operation, input } = routed;
    const op = OPERATIONS[operation];
    ex.operation = operation;
    ex.arn = requestArn(input);
    ex.input = redact(op.input, input);
    const principal = await this.authenticate(ex, 'ivs', rawPath, rawQuery, body);
    await this.gate(ex, 'ivs', principal);
    const { violations, unknownMembers } = validate(op.input, input);
    if (unknownMembers.length) ex.unknownMembers = unknownMembers;
    if (violations.length) throw new Answer('ValidationException', validationMessage(violations), 400);
    this.checkAuthorizer(ex, 'ivs', principal, ex.arn);
    const handler = IVS_HANDLERS[operation];
    if (!handler) throw new Answer(NOT_IMPLEMENTED, `The cdk-ivs IVS emulator does not implement ${operation} (test/emulator/ivs.ts).`, 501);
    let output: unknown;
    try {
      this.state.advanceStreams();
      output = handler(this.ivsContext(ex, principal, operation), input);
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      if (!op.errors.includes(e.code) && !SERVICE_LEVEL_ERRORS.includes(e.code)) {
        throw new Error(`emulator answered ${e.code} to ${operation}, which the model does not list (${e.message})`, { cause: e });
      }
      throw new Answer(e.code, e.message, e.status ?? shape(e.code).httpStatus ?? 400);
    }
    const payload = op.output === 'Unit' ? undefined : JSON.stringify(shapeOutput(op.output, output));
    await this.afterEffect(ex, 'ivs');
    await this.delay(this.latencyMs);
    this.send(ex, op.code, payload === undefined ? undefined : 'application/json', payload);
  }

  /** A viewer's GET of a playback URL: no SigV4, no rate limit; the token (not logged) is the credential. */
  private async handlePlayback(ex: Exchange, rawPath: string, rawQuery: string): Promise<void> {
    const answer = this.playback.serve({ method: ex.req.method ?? 'GET', rawPath, rawQuery, headers: ex.req.headers, baseUrl: this.url });
    ex.operation = answer.resource;
    ex.arn = answer.channelArn;
    ex.input = { path: rawPath, token: new URLSearchParams(rawQuery).has('token'), origin: header(ex.req, 'origin') };
    await this.delay(this.latencyMs);
    if (!ex.res.destroyed && !ex.res.headersSent) {
      ex.res.writeHead(answer.status, { 'x-amzn-RequestId': ex.requestId, ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
      ex.res.end(answer.body);
    }
    this.record(ex, answer.status, answer.refusal);
  }

  private async handleSecretsManager(ex: Exchange, target: string, rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const operation = target.slice('secretsmanager.'.length);
    if (ex.service !== 'secretsmanager' || !SECRETS_MANAGER_HANDLERS[operation]) {
      ex.operation = operation;
      return this.answerError(ex, 'secretsmanager', 'UnknownOperationException', `Unknown operation ${target}`, 400);
    }
    ex.operation = operation;
    let input: { [k: string]: unknown };
    try {
      const parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed;
    } catch {
      await this.authenticate(ex, 'secretsmanager', rawPath, rawQuery, body);
      return this.answerError(ex, 'secretsmanager', 'SerializationException', 'The request body is not a JSON object.', 400);
    }
    ex.arn = (input.SecretId ?? input.Name) as string | undefined;
    ex.input = redactSecretsManagerInput(input);
    const principal = await this.authenticate(ex, 'secretsmanager', rawPath, rawQuery, body);
    await this.gate(ex, 'secretsmanager', principal);
    let output: unknown;
    try {
      output = SECRETS_MANAGER_HANDLERS[operation]({
        state: this.state,
        settings: this.secretsManager,
        account: principal.account,
        region: ex.region!,
        principalArn: principal.arn,
        operation,
        authorize: (resourceArn, resourceTags, options = {}) => {
          this.checkAuthorizer(ex, 'secretsmanager', principal, resourceArn, resourceTags);
          this.enforceOn(ex, 'secretsmanager', principal, { arn: resourceArn, tags: options.creating ? undefined : resourceTags }, options.requestTags);
        },
      }, input);
    } catch (e) {
      if (e instanceof ServiceError) throw new Answer(e.code, e.message, e.status ?? 400);
      throw e;
    }
    await this.afterEffect(ex, 'secretsmanager');
    await this.delay(this.latencyMs);
    this.send(ex, 200, 'application/x-amz-json-1.1', JSON.stringify(output));
  }

  private async handleCloudControl(ex: Exchange, target: string, rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const operation = target.slice('CloudApiService.'.length);
    ex.operation = operation;
    if (!CLOUD_CONTROL_HANDLERS[operation] && !CLOUD_CONTROL_UNSERVED.includes(operation)) {
      return this.answerError(ex, 'cloudcontrolapi', 'UnknownOperationException', `Unknown operation ${target}`, 400);
    }
    let input: { [k: string]: unknown };
    try {
      const parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed;
    } catch {
      await this.authenticate(ex, 'cloudcontrolapi', rawPath, rawQuery, body);
      return this.answerError(ex, 'cloudcontrolapi', 'SerializationException', 'The request body is not a JSON object.', 400);
    }
    ex.arn = typeof input.Identifier === 'string' ? input.Identifier : undefined;
    ex.input = input;
    const principal = await this.authenticate(ex, 'cloudcontrolapi', rawPath, rawQuery, body);
    await this.gate(ex, 'cloudcontrolapi', principal);
    if (!CLOUD_CONTROL_HANDLERS[operation]) throw new Answer(NOT_IMPLEMENTED, `The cdk-ivs emulator does not implement Cloud Control ${operation} (test/emulator/cloud-control.ts).`, 501);
    this.checkAuthorizer(ex, 'cloudcontrolapi', principal);
    // Cloud Control's actions have no resource types: "*".
    this.enforceOn(ex, 'cloudcontrolapi', principal, { arn: '*' });
    let output: unknown;
    try {
      output = CLOUD_CONTROL_HANDLERS[operation]({
        options: this.cloudControl,
        callIvs: (op, ivsInput) => this.ivsOnBehalf(ex, principal, op, ivsInput),
      }, input);
    } catch (e) {
      if (e instanceof ServiceError) throw new Answer(e.code, e.message, e.status ?? 400);
      throw e;
    }
    await this.afterEffect(ex, 'cloudcontrolapi');
    await this.delay(this.latencyMs);
    this.send(ex, 200, 'application/x-amz-json-1.0', JSON.stringify(output));
  }

  /**
   * An IVS call a service makes as the caller (a Cloud Control handler): IVS's rate limit of the
   * caller's account and region, validation, the authorizer, then the operation. Noted in the
   * request's log entry; throws the IVS error (with its HTTP status).
   */
  private ivsOnBehalf(ex: Exchange, principal: Principal, operation: string, input: { [k: string]: unknown }): any {
    const note = (result: string) => (ex.notes ??= []).push(`handler called ivs:${operation}: ${result}`);
    const fail = (code: string, message: string, status: number) => {
      note(code);
      return new ServiceError(code, message, status);
    };
    if (!this.throttle.take('ivs', operation, principal.account, ex.region!, Date.now())) {
      throw fail('ThrottlingException', THROTTLING.ivs[2], THROTTLING.ivs[1]);
    }
    const op = OPERATIONS[operation];
    const { violations } = validate(op.input, input);
    if (violations.length) throw fail('ValidationException', validationMessage(violations), 400);
    const resourceArn = requestArn(input);
    const reason = this.authorize?.({ service: 'ivs', operation, action: `ivs:${operation}`, principal, resourceArn });
    if (reason !== undefined) throw fail('AccessDeniedException', `User: ${principal.arn} is not authorized to perform: ivs:${operation} on resource: ${resourceArn} ${reason}`.trim(), 403);
    try {
      this.state.advanceStreams();
      const out = IVS_HANDLERS[operation](this.ivsContext(ex, principal, operation), input);
      note('200');
      return out;
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      throw fail(e.code, e.message, e.status ?? shape(e.code).httpStatus ?? 400);
    }
  }

  private ivsContext(ex: Exchange, principal: Principal, operation: string): IvsContext {
    return {
      state: this.state, account: principal.account, region: ex.region!, principalArn: principal.arn, operation,
      quotas: this.quotas, batchGet: this.batchGet, visibility: this.visibility, channelRules: this.channelRules,
      iam: this.ivsAuthorizer(ex, principal),
    };
  }

  /** The caller's identity policies for an IVS request (enforceIam), when the caller is a role IAM knows. */
  private ivsAuthorizer(ex: Exchange, principal: Principal): IvsAuthorizer | undefined {
    const settings = this.enforceIam;
    if (!settings || !this.enforcer.policiesOf(principal)) return undefined;
    const req = (action: string, requestTags?: { readonly [k: string]: string }) => ({
      principal, region: ex.region!, action, requestTags, note: (n: string) => (ex.notes ??= []).push(n),
    });
    // The handlers authorize what the reference lists for the action, nothing else (a self-check).
    const checked = (action: string, resources: readonly AuthResource[]) => {
      const types = IVS_ACTION_RESOURCES[action.slice('ivs:'.length)];
      if (!types) throw new Error(`emulator: no IVS_ACTION_RESOURCES entry for ${action}`);
      for (const r of resources) {
        const type = r.arn.split(':')[5]?.split('/')[0];
        if (!types.some(([t]) => t === type)) throw new Error(`emulator: ${action} authorized against ${r.arn}, a type the reference does not list`);
      }
      if (resources.length === 0 && types.length > 0) throw new Error(`emulator: ${action} authorized against "*", but the reference lists resource types`);
      return resources;
    };
    return {
      settings,
      authorize: (action, resources, requestTags) => this.enforcer.authorize(req(action, requestTags), checked(action, resources), 'ivs'),
      itemDenial: (action, resource) => this.enforcer.denial(req(action), checked(action, [resource])[0], 'ivs'),
      list: (action, type, records) => {
        const every = { arn: everyResourceOf(type as never, ex.region!, principal.account) };
        if (settings.listResources === 'wildcard') {
          this.enforcer.authorize(req(action), checked(action, [every]), 'ivs');
          return records;
        }
        const allowed = records.filter((r) => !this.enforcer.denial(req(action), checked(action, [{ arn: r.arn, tags: r.tags }])[0], 'ivs'));
        if (allowed.length === 0) this.enforcer.authorize(req(action), checked(action, [every]), 'ivs');
        return allowed;
      },
    };
  }

  /** The caller's identity policies on a request to another service than IVS (enforceIam). */
  private enforceOn(ex: Exchange, service: ServiceName, principal: Principal, resource: AuthResource, requestTags?: { readonly [k: string]: string }): void {
    if (!this.enforceIam) return;
    const action = `${ACTION_PREFIX[service]}:${ex.operation}`;
    const err = this.enforcer.denial({ principal, region: ex.region!, action, requestTags, note: (n) => (ex.notes ??= []).push(n) }, resource, service);
    if (err) throw new Answer(err.code, err.message, err.status!);
  }

  /** STS and IAM: awsQuery, the same wire shape; `service` comes from the credential scope. */
  private async handleQuery(ex: Exchange, service: 'sts' | 'iam', rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const params = new URLSearchParams(rawQuery);
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
    const action = params.get('Action') ?? '';
    ex.operation = action;
    ex.input = Object.fromEntries([...params].filter(([k]) => k !== 'Action' && k !== 'Version'));
    const known = service === 'sts' ? STS_HANDLERS[action] : IAM_HANDLERS[action];
    if (!known) return this.answerError(ex, service, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? ''}`, 400);
    const principal = await this.authenticate(ex, service, rawPath, rawQuery, body);
    await this.gate(ex, service, principal);
    let result: string | undefined;
    try {
      if (service === 'sts') {
        ex.arn = params.get('RoleArn') ?? undefined;
        this.checkAuthorizer(ex, 'sts', principal, params.get('RoleArn') ?? undefined);
        result = STS_HANDLERS[action]({
          keys: this.keys, state: this.state, principal, now: this.clock(), note: (n) => (ex.notes ??= []).push(n),
          // The caller's own policy must allow sts:AssumeRole on the role (GetCallerIdentity needs no permission).
          authorizeCaller: (_action, resource) => this.enforceOn(ex, 'sts', principal, { arn: resource }),
        }, params);
      } else {
        this.checkAuthorizer(ex, 'iam', principal, iamResourceArn(principal.account, params));
        this.enforceOn(ex, 'iam', principal, { arn: iamResourceArn(principal.account, params) ?? '*' });
        result = IAM_HANDLERS[action]({ state: this.state, account: principal.account, now: this.clock() }, params);
      }
    } catch (e) {
      if (e instanceof ServiceError) throw new Answer(e.code, e.message, e.status ?? 400);
      throw e;
    }
    await this.afterEffect(ex, service);
    await this.delay(this.latencyMs);
    this.send(ex, 200, 'text/xml', queryResponse(service === 'sts' ? STS_NAMESPACE : IAM_NAMESPACE, action, result, ex.requestId));
  }

  /** Verifies the signature; answers the protocol's auth error and stops the pipeline if refused. */
  private async authenticate(ex: Exchange, service: ServiceName, rawPath: string, rawQuery: string, body: Buffer): Promise<Principal> {
    // STS: its global endpoint is signed for us-east-1, each regional one for its region; IAM: us-east-1 only.
    const regions = service === 'sts' ? [...new Set([...this.regions, STS_GLOBAL_REGION])] : service === 'iam' ? [IAM_SIGNING_REGION] : this.regions;
    const result = verifySignature(
      { method: ex.req.method ?? 'GET', rawPath, rawQuery, headers: ex.req.headers, body },
      { service, regions, keys: this.keys, now: this.clock() },
    );
    if (!result.ok) {
      const [code, status] = AUTH_ERRORS[service][result.kind];
      this.answerError(ex, service, code, result.message, status);
      throw new Silent();
    }
    ex.principal = result.principal;
    ex.region = result.region;
    return result.principal;
  }

  /** Rate limit, then injected faults that act before the operation. */
  private async gate(ex: Exchange, service: ServiceName, principal: Principal): Promise<void> {
    if (!this.throttle.take(service, ex.operation, principal.account, ex.region!, Date.now())) {
      ex.throttled = true;
      const [code, status, message] = THROTTLING[service];
      await this.delay(this.latencyMs);
      throw new Answer(code, message, status);
    }
    const fault = this.faults.pick(service, ex.operation, principal.account, ex.arn);
    if (!fault) return;
    if (fault.afterEffect) {
      ex.pendingFault = fault;
      return;
    }
    await this.applyFault(ex, service, fault);
  }

  private async afterEffect(ex: Exchange, service: ServiceName): Promise<void> {
    if (ex.pendingFault) await this.applyFault(ex, service, ex.pendingFault);
  }

  private async applyFault(ex: Exchange, service: ServiceName, fault: FaultSpec): Promise<void> {
    ex.fault = 'latency';
    if (fault.latencyMs) await this.delay(fault.latencyMs);
    if (fault.reset) {
      ex.fault = 'reset';
      const socket = ex.req.socket as Socket & { resetAndDestroy?: () => void };
      if (socket.resetAndDestroy) socket.resetAndDestroy();
      else socket.destroy();
      this.record(ex, 0);
      throw new Silent();
    }
    if (fault.hang) {
      ex.fault = 'hang';
      this.record(ex, 0);
      await new Promise<void>((resolve) => {
        if (this.closed || ex.res.destroyed) return resolve();
        const wake = () => {
          this.sleepers.delete(wake);
          resolve();
        };
        ex.res.once('close', wake);
        this.sleepers.add(wake);
      });
      throw new Silent();
    }
    if (fault.error) {
      ex.fault = 'error';
      const status = fault.status ?? (service === 'ivs' ? shapeStatus(fault.error) : undefined) ?? 500;
      const modelText = service === 'ivs' ? IVS_ERROR_MESSAGES[fault.error] : undefined;
      throw new Answer(fault.error, fault.message ?? modelText ?? `Injected fault: ${fault.error} for ${ex.operation}`, status);
    }
  }

  private checkAuthorizer(ex: Exchange, service: ServiceName, principal: Principal, resourceArn?: string, resourceTags?: { [k: string]: string }): void {
    if (!this.authorize) return;
    const action = `${ACTION_PREFIX[service]}:${ex.operation}`;
    const reason = this.authorize({ service, operation: ex.operation, action, principal, resourceArn, resourceTags });
    if (reason !== undefined) {
      const message = `User: ${principal.arn} is not authorized to perform: ${action}${resourceArn ? ` on resource: ${resourceArn}` : ''} ${reason}`.trim();
      // awsQuery services (STS, IAM) answer AccessDenied 403; IVS AccessDeniedException 403; Secrets Manager 400.
      if (service === 'sts' || service === 'iam') throw new Answer('AccessDenied', message, 403);
      throw new Answer('AccessDeniedException', message, service === 'ivs' ? 403 : 400);
    }
  }

  private delay(ms: number): Promise<void> {
    if (!ms || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private answerError(ex: Exchange, service: ServiceName, code: string, message: string, status: number): void {
    const headers: { [k: string]: string } = {};
    let contentType: string;
    let payload: string;
    if (service === 'ivs') {
      headers['x-amzn-ErrorType'] = code;
      contentType = 'application/json';
      // Modeled IVS errors carry `exceptionMessage`; the front door's own errors carry `message`.
      payload = JSON.stringify(isIvsError(code) ? { exceptionMessage: message } : { message });
    } else if (service === 'secretsmanager' || service === 'cloudcontrolapi') {
      contentType = service === 'secretsmanager' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
      payload = JSON.stringify({ __type: code, Message: message });
    } else {
      contentType = 'text/xml';
      payload = queryError(service === 'iam' ? IAM_NAMESPACE : STS_NAMESPACE, code, message, status, ex.requestId);
    }
    this.send(ex, status, contentType, payload, headers, code);
  }

  private send(
    ex: Exchange, status: number, contentType: string | undefined, payload: string | undefined,
    extra: { [k: string]: string } = {}, errorType?: string,
  ): void {
    if (!ex.res.destroyed && !ex.res.headersSent) {
      const headers: { [k: string]: string | number } = { 'x-amzn-RequestId': ex.requestId, ...extra };
      if (contentType) headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload === undefined ? 0 : Buffer.byteLength(payload);
      ex.res.writeHead(status, headers);
      ex.res.end(payload);
    }
    this.record(ex, status, errorType);
  }

  private record(ex: Exchange, status: number, errorType?: string): void {
    const entry: LogEntry = {
      seq: ++this.seq,
      time: new Date(ex.started),
      service: ex.service,
      operation: ex.operation,
      account: ex.principal?.account,
      region: ex.region,
      principal: ex.principal?.arn,
      status,
      errorType,
      arn: ex.arn,
      input: ex.input,
      unknownMembers: ex.unknownMembers,
      throttled: ex.throttled,
      fault: ex.fault,
      notes: ex.notes,
      internalError: ex.internalError,
      durationMs: Date.now() - ex.started,
    };
    for (const k of Object.keys(entry) as (keyof LogEntry)[]) if (entry[k] === undefined) delete (entry as unknown as { [k: string]: unknown })[k];
    this.log.push(entry);
    this.onRequest?.(entry);
  }
}

function isIvsError(code: string): boolean {
  try {
    return !!shape(code).error;
  } catch {
    return false;
  }
}

function shapeStatus(code: string): number | undefined {
  return isIvsError(code) ? shape(code).httpStatus : undefined;
}

/** The service name of a SigV4 Authorization header's credential scope (not yet verified). */
function scopeService(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/[0-9]{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

/** The ARN of the role an IAM request names, for the authorizer. */
function iamResourceArn(account: string, params: URLSearchParams): string | undefined {
  const name = params.get('RoleName');
  return name ? `arn:aws:iam::${account}:role/${name}` : undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts an emulator on 127.0.0.1 (a free port unless `port` is given). */
export function startEmulator(options: EmulatorOptions = {}): Promise<IvsEmulator> {
  return IvsEmulator.start(options);
}
