/**
 * The local deploy harness: plays CloudFormation for one stack of a synthesized cloud assembly.
 *
 * - Custom resources (`Custom::*`, `AWS::CloudFormation::CustomResource`) whose ServiceToken is a
 *   Lambda function of the stack run through that function's asset, in a child process per
 *   invocation (lambda-runner.ts), and answer over the ResponseURL (response-server.ts).
 * - `AWS::SecretsManager::Secret` (secrets.ts), the `AWS::IVS::*` types (ivs-resources.ts) and
 *   `AWS::IAM::Role` / `Policy` (iam-resources.ts) are created for real through the endpoint
 *   given (unless `skipTypes` lists them), with CloudFormation's credentials, their
 *   properties checked against the resource schema (cfn-schema.ts); a change of a createOnly
 *   property is a replacement (the new one first, the old one deleted in the cleanup).
 * - Every other resource type is skipped: it gets a made-up physical id (and `Arn` for GetAtt)
 *   so references to it resolve; it is listed in each result's `skipped`.
 *
 * Order and failure handling follow CloudFormation: independent resources run in parallel, a
 * failed create rolls the stack back (Delete of everything created, the failed one included), a
 * failed update rolls back (Update back to the old properties for what was updated in place and
 * for the failed one, then Delete of what the update created), and a successful update ends with a
 * cleanup (Delete of replaced physical resources and of resources gone from the template).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { assetDirectory, loadStack, type StackArtifact } from './assembly';
import { replacingChanges, resourceSchema, validateProperties } from './cfn-schema';
import { reverseDeps, runGraph, Semaphore } from './graph';
import { type Json, type JsonObject, jsonEqual, referencedIds, Resolver, stringifyScalars, TemplateError } from './intrinsics';
import { IamResources } from './iam-resources';
import { IvsResources } from './ivs-resources';
import { type FunctionSpec, type Invocation, invoke, lambdaEnvironment } from './lambda-runner';
import { ResponseServer } from './response-server';
import { SecretsResources } from './secrets';
import {
  handlerFailureText, NotFoundError, type ProviderContext, type ProviderSettings, type Provisioned, ProvisionError, type ResourceProvider,
} from './simulated';
import type { ReceivedResponse } from './response-server';
import type {
  Credentials, DuplicateDelivery, HarnessOptions, LogEntry, OperationResult, Phase, ProgressEvent, ReplacementRollback, RequestType,
  ResourceKind, ResourceSnapshot, ResponseRecord, StackStatus, StepRecord,
} from './types';

/** Resource types the harness creates for real (through the emulator). */
export const SIMULATED_TYPES: readonly string[] = [
  'AWS::SecretsManager::Secret', 'AWS::IAM::Role', 'AWS::IAM::Policy',
  'AWS::IVS::Channel', 'AWS::IVS::StreamKey', 'AWS::IVS::PlaybackKeyPair', 'AWS::IVS::RecordingConfiguration', 'AWS::IVS::PlaybackRestrictionPolicy',
];

/** The service name in a handler's failure text (the Java SDK's, as stack events show it). */
const SERVICE_NAMES: Record<string, string> = { IVS: 'Ivs', SecretsManager: 'SecretsManager', IAM: 'Iam' };

export const isCustomResourceType = (type: string): boolean =>
  type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');

export const DEFAULT_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** Every combination of the undocumented replacement-rollback choices (the tests run under each). */
export const REPLACEMENT_ROLLBACK_VARIANTS: readonly Required<ReplacementRollback>[] = (['new', 'old'] as const)
  .flatMap((properties) => (['deletionPolicy', 'never'] as const).map((retain) => ({ properties, retain })));

/** The wrapper's physical id for a failed Create (its Delete is then ignored by the wrapper). */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const suffix = (n = 12) => Array.from({ length: n }, () => ALNUM_UPPER[randomInt(ALNUM_UPPER.length)]).join('');

interface Model {
  readonly stack: StackArtifact;
  readonly template: JsonObject;
  readonly resources: ReadonlyMap<string, JsonObject>;
  readonly deps: ReadonlyMap<string, ReadonlySet<string>>;
  readonly order: readonly string[];
}

interface Live {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ResourceKind;
  readonly physicalId: string;
  readonly data: Record<string, Json>;
  readonly noEcho: boolean;
  readonly properties: JsonObject;
  /** GetAtt values of simulated and skipped resources. */
  readonly attributes: Record<string, string>;
  readonly deletionPolicy: string;
  readonly updateReplacePolicy: string;
}

/** Where a ServiceToken's function is looked up: the template and the resources it refers to. */
interface Scope {
  readonly model: Model;
  readonly live: ReadonlyMap<string, Live>;
}

interface Op {
  readonly operation: OperationResult['operation'];
  readonly started: number;
  readonly records: StepRecord[];
  readonly logs: LogEntry[];
  readonly skipped: Array<{ logicalId: string; resourceType: string }>;
}

interface CustomCall {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: RequestType;
  readonly properties: JsonObject;
  readonly oldProperties?: JsonObject;
  readonly physicalId?: string;
  readonly scopes: readonly Scope[];
  readonly op: Op;
  /** Settles when CloudFormation stops waiting for this Create (HarnessOptions.inFlightCreates 'cancel'). */
  readonly cancelled?: Promise<void>;
}

interface Tally {
  readonly invocations: number;
  readonly responseAttempts: number;
  readonly responses: readonly ResponseRecord[];
}

interface CustomOutcome extends Tally {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly physicalId?: string;
  readonly data: Record<string, Json>;
  readonly noEcho: boolean;
  readonly requestId: string;
  readonly deliveries: number;
  readonly answeredBy: 'handler' | 'harness';
  readonly logs: string[];
  /** Resolves when every delivery of the event has ended (a duplicate may outlive the answer). */
  readonly done: Promise<void>;
  /** The counts as they stand now (they grow while a duplicate delivery still runs). */
  tally(): Tally;
}

type Answer = Omit<CustomOutcome, 'requestId' | 'deliveries' | 'logs' | 'done' | 'tally' | keyof Tally>;

const policyOf = (def: JsonObject, key: string) => String(def[key] ?? 'Delete');
/** The random end of a physical ID CloudFormation invents (13 upper-case letters and digits, as in its generated names). */
const inventedSuffix = () => Array.from({ length: 13 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[randomInt(36)]).join('');
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function redact(data: Record<string, Json>, noEcho: boolean): Record<string, Json> {
  return noEcho ? Object.fromEntries(Object.keys(data).map((k) => [k, '*****'])) : data;
}

/** Deploys (creates) one stack of an assembly; the returned deployment holds the stack. */
export async function deploy(assemblyDir: string, stackName?: string, options: HarnessOptions = {}): Promise<Deployment> {
  const stack = loadStack(assemblyDir, stackName);
  if (options.accountId && stack.account && options.accountId !== stack.account) {
    // The CDK CLI refuses the same ("Need to perform AWS calls for account …, but the current credentials are for …").
    throw new Error(`harness: stack ${stack.stackName} is for account ${stack.account}; it cannot be deployed to account ${options.accountId}`);
  }
  const region = options.region ?? stack.region ?? 'us-east-1';
  const server = await ResponseServer.start(region);
  let deployment: Deployment | undefined;
  try {
    deployment = new Deployment(stack, region, server, options);
    await deployment.create();
    return deployment;
  } catch (err) {
    // e.g. a circular dependency or a broken condition: nothing was created
    await (deployment ? deployment.close() : server.close());
    throw err;
  }
}

export class Deployment {
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly accountId: string;
  /** Every operation's result, oldest first. */
  readonly results: OperationResult[] = [];

  private model: Model;
  private live = new Map<string, Live>();
  private currentStatus: StackStatus | 'CREATE_IN_PROGRESS' = 'CREATE_IN_PROGRESS';
  private currentOutputs: Record<string, string> = {};
  private busy = false;
  private closed = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly processes = new Set<Invocation>();
  private readonly semaphore: Semaphore;
  private readonly providers: ReadonlyMap<string, ResourceProvider>;
  private readonly clients: Array<{ close(): void }>;
  private readonly roleSessions = new Map<string, Credentials>();
  private readonly partition: string;

  /** Use `deploy()`. */
  constructor(stack: StackArtifact, region: string, private readonly server: ResponseServer, private readonly options: HarnessOptions) {
    this.stackName = stack.stackName;
    this.region = region;
    this.accountId = options.accountId ?? stack.account ?? '123456789012';
    this.partition = options.partition ?? 'aws';
    this.stackId = `arn:${this.partition}:cloudformation:${region}:${this.accountId}:stack/${this.stackName}/${randomUUID()}`;
    this.semaphore = new Semaphore(Math.max(1, options.concurrency ?? 4));
    const settings: ProviderSettings = {
      region,
      credentials: options.deployerCredentials ?? options.credentials ?? DEFAULT_CREDENTIALS,
      endpointFor: (serviceId) => this.endpointFor(serviceId),
      removedProperties: options.removedProperties ?? 'reset',
    };
    const secrets = new SecretsResources(settings);
    const ivs = new IvsResources(settings);
    const iam = new IamResources(settings);
    this.clients = [secrets, ivs, iam];
    const skip = new Set(options.skipTypes ?? []);
    this.providers = new Map(Object.entries({ ...secrets.providers(), ...ivs.providers(), ...iam.providers() }).filter(([type]) => !skip.has(type)));
    if (options.failResponses) server.failNext(options.failResponses);
    this.model = this.buildModel(stack);
  }

  get status(): StackStatus | 'CREATE_IN_PROGRESS' {
    return this.currentStatus;
  }

  get outputs(): Readonly<Record<string, string>> {
    return this.currentOutputs;
  }

  /** The latest operation's result. */
  get result(): OperationResult {
    return this.results[this.results.length - 1];
  }

  /** The resources the stack holds now. */
  resources(): ResourceSnapshot[] {
    return [...this.live.values()].map((r) => {
      const sensitive = this.providers.get(r.type)?.sensitiveAttributes ?? [];
      return {
        logicalId: r.logicalId,
        resourceType: r.type,
        kind: r.kind,
        physicalId: r.physicalId,
        data: r.data,
        noEcho: r.noEcho,
        properties: r.properties,
        attributes: Object.fromEntries(Object.entries(r.attributes).map(([k, v]) => [k, sensitive.includes(k) ? '*****' : v])),
      };
    });
  }

  resource(logicalId: string): ResourceSnapshot | undefined {
    return this.resources().find((r) => r.logicalId === logicalId);
  }

  /** The next `count` response PUTs answer `status` (default 500). */
  failNextResponses(count: number, status = 500): void {
    this.server.failNext(count, status);
  }

  /** Creates every resource (called once, by `deploy()`). */
  async create(): Promise<OperationResult> {
    if (this.results.length > 0) throw new Error(`harness: ${this.stackName} was already created`);
    return this.exclusive('create', async (op) => {
      this.stackProgress('CREATE_IN_PROGRESS');
      const model = this.model;
      const failedCreates = new Map<string, Live>();
      // The first failure cancels the custom resource creates still running (inFlightCreates 'cancel').
      let cancel = () => {};
      const cancelled = this.options.inFlightCreates === 'cancel' ? new Promise<void>((r) => { cancel = r; }) : undefined;
      const outcome = await runGraph(model.order, model.deps, async (id) => {
        const ok = await this.createStep(model, id, this.live, op, 'create', failedCreates, cancelled);
        if (!ok) cancel();
        return ok;
      }, { stopOnFailure: true });
      const failed = [...outcome].filter(([, o]) => o === 'failed').map(([id]) => id);
      let reason = failed.length > 0 ? `The following resource(s) failed to create: [${failed.join(', ')}]. Rollback requested by user.` : undefined;
      if (!reason) {
        try {
          this.currentOutputs = this.resolveOutputs(model, this.live);
        } catch (err) {
          reason = errorText(err);
        }
      }
      if (!reason) return this.finish(op, 'CREATE_COMPLETE');
      this.stackProgress('ROLLBACK_IN_PROGRESS', reason);
      const victims = new Map([...this.live, ...failedCreates]);
      // Retain keeps a resource even in a create's rollback; RetainExceptOnCreate does not.
      const ok = await this.deleteAll(model, victims, op, 'rollback', (_id, r) => r.deletionPolicy === 'Retain');
      this.live = victims;
      return this.finish(op, ok ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED', reason);
    });
  }

  /** Updates the stack to the same stack of another assembly. */
  async update(assemblyDir: string): Promise<OperationResult> {
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(this.currentStatus)) {
      throw new Error(`Stack:${this.stackId} is in ${this.currentStatus} state and can not be updated.`);
    }
    const newModel = this.buildModel(loadStack(assemblyDir, this.stackName));
    return this.exclusive('update', async (op) => {
      this.stackProgress('UPDATE_IN_PROGRESS');
      const oldModel = this.model;
      const oldLive = this.live;
      const newLive = new Map<string, Live>();
      const created = new Set<string>();
      const failedCreates = new Map<string, Live>();
      const inPlace = new Map<string, { old: Live; attempted: JsonObject }>();
      const replaced = new Map<string, Live>();
      // A replacement that failed after making something (deleted in the rollback's cleanup).
      const halfMade = new Map<string, Live>();
      const scopes: Scope[] = [{ model: newModel, live: newLive }, { model: oldModel, live: oldLive }];

      const step = async (id: string): Promise<boolean> => {
        const def = newModel.resources.get(id)!;
        const type = String(def.Type);
        const old = oldLive.get(id);
        if (!old) {
          created.add(id);
          return this.createStep(newModel, id, newLive, op, 'update', failedCreates);
        }
        const started = Date.now();
        const base = { logicalId: id, resourceType: type, kind: old.kind, requestType: 'Update' as const, phase: 'update' as const };
        const policies = { deletionPolicy: policyOf(def, 'DeletionPolicy'), updateReplacePolicy: policyOf(def, 'UpdateReplacePolicy') };
        if (old.type !== type) {
          this.record(op, { ...base, status: 'FAILED', resourceStatus: 'UPDATE_FAILED', answeredBy: 'harness', durationMs: 0, logs: [],
            reason: `Update of resource type is not permitted. The new template modifies resource type of resource ${id}.` });
          return false;
        }
        if (old.kind === 'skipped') {
          newLive.set(id, { ...old, ...policies });
          return true;
        }
        let props: JsonObject;
        try {
          props = this.resolveProperties(newModel, newLive, def, old.kind);
        } catch (err) {
          this.record(op, { ...base, status: 'FAILED', resourceStatus: 'UPDATE_FAILED', reason: errorText(err), answeredBy: 'harness', durationMs: Date.now() - started, logs: [] });
          return false;
        }
        if (jsonEqual(props, old.properties)) {
          newLive.set(id, { ...old, ...policies });
          return true;
        }
        if (old.kind === 'simulated') {
          const provider = this.providers.get(type)!;
          const schema = resourceSchema(type);
          // A createOnly property changed: a new resource first, the old one goes in the cleanup.
          const replacing = schema ? replacingChanges(schema, old.properties, props).length > 0 : false;
          try {
            const made = replacing
              ? this.inOwnAccount(await provider.create(this.providerContext(id), props))
              : await provider.update(this.providerContext(id), old, old.properties, props);
            newLive.set(id, { ...old, ...policies, physicalId: made.physicalId, attributes: made.attributes, properties: props });
            if (replacing) replaced.set(id, old);
            else inPlace.set(id, { old, attempted: props });
            this.record(op, { ...base, status: 'SUCCESS', resourceStatus: 'UPDATE_COMPLETE', physicalId: made.physicalId, requestPhysicalId: old.physicalId, durationMs: Date.now() - started, logs: [] });
            return true;
          } catch (err) {
            if (!replacing) inPlace.set(id, { old, attempted: props });
            else if (err instanceof ProvisionError && err.physicalId) {
              halfMade.set(id, { ...old, ...policies, physicalId: err.physicalId, attributes: err.attributes, properties: props });
            }
            this.record(op, { ...base, status: 'FAILED', resourceStatus: 'UPDATE_FAILED', reason: this.failureText(type, err), requestPhysicalId: old.physicalId, durationMs: Date.now() - started, logs: [] });
            return false;
          }
        }
        if (!jsonEqual(props.ServiceToken, old.properties.ServiceToken)) {
          this.record(op, { ...base, status: 'FAILED', resourceStatus: 'UPDATE_FAILED', reason: 'Modifying service token is not allowed.', answeredBy: 'harness', durationMs: 0, logs: [] });
          return false;
        }
        const out = await this.invokeCustom({
          logicalId: id, resourceType: type, requestType: 'Update', properties: props, oldProperties: old.properties,
          physicalId: old.physicalId, scopes, op,
        });
        this.recordCustom(op, base, out, started, props, old.properties, old.physicalId);
        if (out.status === 'SUCCESS') {
          newLive.set(id, { ...old, ...policies, physicalId: out.physicalId!, data: out.data, noEcho: out.noEcho, properties: props });
          if (out.physicalId !== old.physicalId) replaced.set(id, old);
          else inPlace.set(id, { old, attempted: props });
          return true;
        }
        if (out.invocations > 0) inPlace.set(id, { old, attempted: props });
        return false;
      };

      const outcome = await runGraph(newModel.order, newModel.deps, step, { stopOnFailure: true });
      const failed = [...outcome].filter(([, o]) => o === 'failed').map(([id]) => id);
      const failedCreate = failed.filter((id) => created.has(id));
      const failedUpdate = failed.filter((id) => !created.has(id));
      let reason = failed.length === 0 ? undefined : [
        ...(failedCreate.length > 0 ? [`The following resource(s) failed to create: [${failedCreate.join(', ')}].`] : []),
        ...(failedUpdate.length > 0 ? [`The following resource(s) failed to update: [${failedUpdate.join(', ')}].`] : []),
      ].join(' ');
      let outputs: Record<string, string> = {};
      if (!reason) {
        try {
          outputs = this.resolveOutputs(newModel, newLive);
        } catch (err) {
          reason = errorText(err);
        }
      }
      if (!reason) {
        this.stackProgress('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        const doomed = new Map<string, Live>();
        for (const [id, r] of oldLive) if (!newModel.resources.has(id)) doomed.set(id, r);
        for (const [id, r] of replaced) doomed.set(id, r);
        // A failed cleanup delete leaves the old resource behind but does not fail the update.
        await this.deleteAll(oldModel, doomed, op, 'cleanup', (id, r) =>
          replaced.has(id) ? r.updateReplacePolicy === 'Retain' : r.deletionPolicy === 'Retain' || r.deletionPolicy === 'RetainExceptOnCreate',
        [{ model: newModel, live: newLive }, { model: oldModel, live: oldLive }]);
        this.model = newModel;
        this.live = newLive;
        this.currentOutputs = outputs;
        return this.finish(op, 'UPDATE_COMPLETE');
      }

      this.stackProgress('UPDATE_ROLLBACK_IN_PROGRESS', reason);
      const restored = new Map(oldLive);
      const rollbackScopes: Scope[] = [{ model: oldModel, live: oldLive }, { model: newModel, live: newLive }];
      const rollbackStep = async (id: string): Promise<boolean> => {
        const { old, attempted } = inPlace.get(id)!;
        const started = Date.now();
        const base = { logicalId: id, resourceType: old.type, kind: old.kind, requestType: 'Update' as const, phase: 'rollback' as const };
        if (old.kind === 'simulated') {
          try {
            await this.providers.get(old.type)!.update(this.providerContext(id), old, attempted, old.properties);
            this.record(op, { ...base, status: 'SUCCESS', resourceStatus: 'UPDATE_COMPLETE', physicalId: old.physicalId, requestPhysicalId: old.physicalId, durationMs: Date.now() - started, logs: [] });
            return true;
          } catch (err) {
            this.record(op, { ...base, status: 'FAILED', resourceStatus: 'UPDATE_FAILED', reason: this.failureText(old.type, err), requestPhysicalId: old.physicalId, durationMs: Date.now() - started, logs: [] });
            return false;
          }
        }
        const out = await this.invokeCustom({
          logicalId: id, resourceType: old.type, requestType: 'Update', properties: old.properties, oldProperties: attempted,
          physicalId: old.physicalId, scopes: rollbackScopes, op,
        });
        this.recordCustom(op, base, out, started, old.properties, attempted, old.physicalId);
        if (out.status !== 'SUCCESS') return false;
        restored.set(id, { ...old, physicalId: out.physicalId!, data: out.data, noEcho: out.noEcho });
        return true;
      };
      const rolledBack = await runGraph([...inPlace.keys()], oldModel.deps, rollbackStep, { stopOnFailure: true });
      const rollbackOk = [...rolledBack.values()].every((o) => o === 'succeeded');
      // What the update made (new resources, replacements) is deleted in the rollback's cleanup.
      const doomed = new Map<string, Live>();
      for (const id of created) {
        const r = newLive.get(id) ?? failedCreates.get(id);
        if (r) doomed.set(id, r);
      }
      // A replacement's new physical id goes, the old one stays; which properties its Delete carries
      // and whether Retain keeps it are not documented (replacementRollback).
      const { properties: replacementProperties = 'new', retain: replacementRetain = 'deletionPolicy' } = this.options.replacementRollback ?? {};
      for (const [id, old] of replaced) {
        const made = newLive.get(id)!;
        doomed.set(id, replacementProperties === 'old' ? { ...made, properties: old.properties } : made);
      }
      for (const [id, r] of halfMade) doomed.set(id, r);
      if (rollbackOk) {
        this.stackProgress('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        await this.deleteAll(newModel, doomed, op, 'cleanup',
          (id, r) => r.deletionPolicy === 'Retain' && !(replaced.has(id) && replacementRetain === 'never'), rollbackScopes);
      } else {
        for (const id of created) if (doomed.has(id)) restored.set(id, doomed.get(id)!);
      }
      this.model = oldModel;
      this.live = restored;
      return this.finish(op, rollbackOk ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED', reason);
    });
  }

  /** Deletes the stack: every resource in reverse dependency order, DeletionPolicy respected. */
  async destroy(): Promise<OperationResult> {
    if (this.currentStatus === 'DELETE_COMPLETE') throw new Error(`Stack with id ${this.stackName} does not exist`);
    const result = await this.exclusive('delete', async (op) => {
      this.stackProgress('DELETE_IN_PROGRESS');
      const ok = await this.deleteAll(this.model, this.live, op, 'delete',
        (_id, r) => r.deletionPolicy === 'Retain' || r.deletionPolicy === 'RetainExceptOnCreate');
      if (ok) this.currentOutputs = {};
      return this.finish(op, ok ? 'DELETE_COMPLETE' : 'DELETE_FAILED', ok ? undefined : 'The following resource(s) failed to delete: ['
        + op.records.filter((r) => r.status === 'FAILED').map((r) => r.logicalId).join(', ') + '].');
    });
    if (result.success) await this.close();
    return result;
  }

  /**
   * Stops the response server and the harness's SDK client, killing any Lambda process still
   * running (destroy() closes when it succeeds; call it after a failed or abandoned stack).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.processes) p.kill();
    await Promise.allSettled([...this.inflight]);
    for (const c of this.clients) c.close();
    await this.server.close();
  }

  // --- steps ---------------------------------------------------------------------------------

  private async createStep(
    model: Model, id: string, live: Map<string, Live>, op: Op, phase: Phase, failedCreates: Map<string, Live>, cancelled?: Promise<void>,
  ): Promise<boolean> {
    const def = model.resources.get(id)!;
    const type = String(def.Type);
    const kind = this.kindOf(type);
    const policies = { deletionPolicy: policyOf(def, 'DeletionPolicy'), updateReplacePolicy: policyOf(def, 'UpdateReplacePolicy') };
    if (kind === 'skipped') {
      live.set(id, this.skippedResource(id, def, policies));
      op.skipped.push({ logicalId: id, resourceType: type });
      this.progress({ stackName: this.stackName, logicalId: id, resourceType: type, status: 'SKIPPED', phase, reason: 'not simulated' });
      return true;
    }
    const started = Date.now();
    const base = { logicalId: id, resourceType: type, kind, requestType: 'Create' as const, phase };
    let props: JsonObject;
    try {
      props = this.resolveProperties(model, live, def, kind);
    } catch (err) {
      this.record(op, { ...base, status: 'FAILED', resourceStatus: 'CREATE_FAILED', reason: errorText(err), answeredBy: 'harness', durationMs: Date.now() - started, logs: [] });
      return false;
    }
    if (kind === 'simulated') {
      const entry = (made: Provisioned): Live => ({
        logicalId: id, type, kind, physicalId: made.physicalId, data: {}, noEcho: false, properties: props, attributes: made.attributes, ...policies,
      });
      try {
        const made = this.inOwnAccount(await this.providers.get(type)!.create(this.providerContext(id), props));
        live.set(id, entry(made));
        this.record(op, { ...base, status: 'SUCCESS', resourceStatus: 'CREATE_COMPLETE', physicalId: made.physicalId, durationMs: Date.now() - started, logs: [] });
        return true;
      } catch (err) {
        // Something was made before the failure: the rollback deletes it.
        if (err instanceof ProvisionError && err.physicalId) failedCreates.set(id, entry({ physicalId: err.physicalId, attributes: err.attributes }));
        this.record(op, { ...base, status: 'FAILED', resourceStatus: 'CREATE_FAILED', reason: this.failureText(type, err), durationMs: Date.now() - started, logs: [] });
        return false;
      }
    }
    const out = await this.invokeCustom({
      logicalId: id, resourceType: type, requestType: 'Create', properties: props, scopes: [{ model, live }], op, cancelled,
    });
    this.recordCustom(op, base, out, started, props);
    const entry: Live = {
      logicalId: id, type, kind, physicalId: out.physicalId ?? '', data: out.data, noEcho: out.noEcho, properties: props, attributes: {}, ...policies,
    };
    if (out.status === 'SUCCESS') {
      live.set(id, entry);
      return true;
    }
    // CloudFormation deletes a failed resource in the rollback when it has a physical id.
    if (out.physicalId) failedCreates.set(id, entry);
    return false;
  }

  /**
   * Deletes the resources of `target` in reverse dependency order, removing each from `target`
   * when gone (or retained). Goes on past failures with whatever does not depend on them.
   */
  private async deleteAll(model: Model, target: Map<string, Live>, op: Op, phase: Phase,
    retain: (id: string, r: Live) => boolean, scopes?: Scope[]): Promise<boolean> {
    const nodes = [...target.keys()];
    const snapshot = new Map(target);
    const lookup = scopes ?? [{ model, live: snapshot }];
    const step = async (id: string): Promise<boolean> => {
      const r = snapshot.get(id)!;
      const started = Date.now();
      const base = { logicalId: id, resourceType: r.type, kind: r.kind, requestType: 'Delete' as const, phase, requestPhysicalId: r.physicalId };
      if (r.kind === 'skipped') {
        target.delete(id);
        if (phase === 'delete') this.progress({ stackName: this.stackName, logicalId: id, resourceType: r.type, status: 'SKIPPED', phase, reason: 'not simulated' });
        return true;
      }
      if (retain(id, r)) {
        target.delete(id);
        this.record(op, { ...base, status: 'SKIPPED', resourceStatus: 'DELETE_SKIPPED', physicalId: r.physicalId, durationMs: 0, logs: [] });
        return true;
      }
      if (r.kind === 'simulated') {
        try {
          await this.providers.get(r.type)!.delete(this.providerContext(id), r, r.properties);
        } catch (err) {
          // The handler answers NotFound for a resource deleted behind the stack's back; whether
          // CloudFormation then calls the delete done is not documented (deleteNotFound).
          const gone = err instanceof NotFoundError && (this.options.deleteNotFound ?? 'success') === 'success';
          if (!gone) {
            this.record(op, { ...base, status: 'FAILED', resourceStatus: 'DELETE_FAILED', reason: this.failureText(r.type, err), durationMs: Date.now() - started, logs: [] });
            return false;
          }
        }
        target.delete(id);
        this.record(op, { ...base, status: 'SUCCESS', resourceStatus: 'DELETE_COMPLETE', physicalId: r.physicalId, durationMs: Date.now() - started, logs: [] });
        return true;
      }
      const out = await this.invokeCustom({
        logicalId: id, resourceType: r.type, requestType: 'Delete', properties: r.properties, physicalId: r.physicalId, scopes: lookup, op,
      });
      this.recordCustom(op, base, out, started, r.properties, undefined, r.physicalId);
      if (out.status !== 'SUCCESS') return false;
      target.delete(id);
      return true;
    };
    const deps = new Map<string, Set<string>>();
    for (const n of nodes) deps.set(n, new Set([...(model.deps.get(n) ?? [])].filter((d) => target.has(d))));
    const outcome = await runGraph(nodes, reverseDeps(nodes, deps), step, { stopOnFailure: false });
    return [...outcome.values()].every((o) => o === 'succeeded');
  }

  // --- custom resource invocation ------------------------------------------------------------

  private async invokeCustom(call: CustomCall): Promise<CustomOutcome> {
    const requestId = randomUUID();
    const logs: string[] = [];
    const harnessFailure = (reason: string): CustomOutcome => {
      const tally = { invocations: 0, responseAttempts: 0, responses: [] };
      return { status: 'FAILED', reason, data: {}, noEcho: false, requestId, deliveries: 0, answeredBy: 'harness', logs, ...tally, done: Promise.resolve(), tally: () => tally };
    };
    const serviceToken = String(call.properties.ServiceToken ?? '');
    let fn: FunctionSpec;
    let credentials: Credentials;
    try {
      fn = this.functionFor(serviceToken, call.scopes);
      credentials = this.lambdaCredentials(fn);
    } catch (err) {
      return harnessFailure(errorText(err));
    }

    const pending = this.server.expect(this.stackId, call.logicalId, requestId);
    const event: JsonObject = {
      RequestType: call.requestType,
      ServiceToken: serviceToken,
      ResponseURL: pending.url,
      StackId: this.stackId,
      RequestId: requestId,
      LogicalResourceId: call.logicalId,
      ResourceType: call.resourceType,
      ...(call.physicalId !== undefined && call.requestType !== 'Create' ? { PhysicalResourceId: call.physicalId } : {}),
      ResourceProperties: call.properties,
      ...(call.oldProperties !== undefined ? { OldResourceProperties: call.oldProperties } : {}),
    };
    const serviceTimeout = this.options.serviceTimeoutSeconds ?? (Number(call.properties.ServiceTimeout) || 3600);
    const env = {
      ...fn.environment,
      ...lambdaEnvironment(fn, this.region, credentials),
      ...this.endpointEnvironment(),
      ...this.options.environment,
    };
    const onLog = (message: string) => {
      logs.push(message);
      const entry: LogEntry = { logicalId: call.logicalId, requestType: call.requestType, requestId, message };
      call.op.logs.push(entry);
      this.options.onLog?.(entry);
    };
    // "it's possible for it to receive the same event from Lambda multiple times because the queue
    // itself is eventually consistent" (Lambda developer guide, invocation-async-error-handling).
    const duplicate = this.duplicateOf(call);
    // Which of two answers on one ResponseURL CloudFormation reads is not documented (duplicateAnswers).
    const lastWins = duplicate !== undefined && (this.options.duplicateAnswers ?? 'first') === 'last';

    let invocations = 0;
    let used: ReceivedResponse | undefined;
    let ended!: () => void;
    const done = new Promise<void>((r) => { ended = r; });
    const tally = (): Tally => ({
      invocations,
      responseAttempts: pending.attempts,
      responses: pending.responses.map((r) => {
        const a = this.interpret(r.body, event);
        return {
          status: a.status, ...(a.reason !== undefined ? { reason: a.reason } : {}), ...(a.physicalId !== undefined ? { physicalId: a.physicalId } : {}),
          data: redact(a.data, a.noEcho), noEcho: a.noEcho, receivedAt: r.receivedAt, used: r === used,
        };
      }),
    });
    return new Promise<CustomOutcome>((resolve) => {
      let settled = false;
      const settle = (o: Answer, answer?: ReceivedResponse) => {
        if (settled) return;
        settled = true;
        used = answer;
        clearTimeout(serviceTimer);
        resolve({ ...o, requestId, deliveries: duplicate ? 2 : 1, logs, done, tally, ...tally() });
      };
      const serviceTimer = setTimeout(() => settle({
        status: 'FAILED', data: {}, noEcho: false, answeredBy: 'harness',
        reason: `CloudFormation did not receive a response from your Custom Resource within its ServiceTimeout of ${serviceTimeout} seconds. Please check your logs for requestId [${requestId}].`,
      }), serviceTimeout * 1000);
      if (!lastWins) pending.response.then((r) => settle(this.interpret(r.body, event), r));
      // CloudFormation stopped waiting: it knows no physical ID and invents one for the Delete (inFlightCreates).
      call.cancelled?.then(() => settle({
        status: 'FAILED', reason: 'Resource creation cancelled', physicalId: `${this.stackName}-${call.logicalId}-${inventedSuffix()}`,
        data: {}, noEcho: false, answeredBy: 'harness',
      }));

      let last = '';
      const invokeOnce = async (awsRequestId: string): Promise<void> => {
        const release = await this.semaphore.acquire();
        try {
          invocations++;
          const inv = invoke({
            fn, event, awsRequestId, env, timeoutSeconds: this.options.functionTimeoutSeconds,
            responseRoute: { host: this.server.host, port: this.server.port, ca: this.server.ca },
            onLog, nodeBinary: this.options.nodeBinary,
          });
          this.processes.add(inv);
          const res = await inv.result.finally(() => this.processes.delete(inv));
          last = res.timedOut
            ? `the Lambda timed out after ${this.options.functionTimeoutSeconds ?? fn.timeoutSeconds} seconds`
            : res.ok ? 'the Lambda returned without sending a response' : `the Lambda invocation failed (exit code ${res.exitCode}${res.signal ? `, ${res.signal}` : ''})`;
        } finally {
          release();
        }
      };
      // Retries of a crashed or timed-out invocation keep its request ID ("duplicate invocations that
      // returned an error or timed out and have the same request ID": AWS knowledge center,
      // lambda-function-duplicate-invocations).
      const lambdaRequestId = randomUUID();
      const delivery = async () => {
        const attempts = 1 + Math.max(0, this.options.lambdaRetries ?? 0);
        for (let i = 0; i < attempts && !settled && !pending.received; i++) await invokeOnce(lambdaRequestId);
      };
      const redelivery = () => invokeOnce(duplicate?.awsRequestId === 'new' ? randomUUID() : lambdaRequestId);

      const runs = (async () => {
        if (!duplicate) {
          await delivery();
        } else if (duplicate.mode === 'concurrent') {
          const stagger = duplicate.staggerMs ?? 0;
          await Promise.all([delivery(), stagger > 0 ? new Promise((resolve) => setTimeout(resolve, stagger)).then(redelivery) : redelivery()]);
        } else {
          await delivery();
          await redelivery();
        }
        // Every delivery has ended: under `last` the last answer written decides.
        const final = pending.responses[pending.responses.length - 1];
        if (lastWins && final) settle(this.interpret(final.body, event), final);
        // No answer can come any more: fail now instead of waiting out the ServiceTimeout.
        if (!pending.received) {
          settle({
            status: 'FAILED', data: {}, noEcho: false, answeredBy: 'harness',
            reason: `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. (harness: ${last})`,
          });
        }
        pending.dispose();
        ended();
      })();
      this.track(runs);
    });
  }

  /** The duplicate delivery chosen for a request, if any (the first rule that matches). */
  private duplicateOf(call: CustomCall): DuplicateDelivery | undefined {
    return (this.options.duplicateDeliveries ?? []).find((d) => logicalIdMatches(d.logicalId, call.logicalId)
      && (d.resourceType === undefined || d.resourceType === call.resourceType) && (d.requestType === undefined || d.requestType === call.requestType));
  }

  /** CloudFormation's reading of a response body. */
  private interpret(body: string, event: JsonObject): Answer {
    const fail = (reason: string) => ({ status: 'FAILED' as const, reason, data: {}, noEcho: false, answeredBy: 'handler' as const });
    if (Buffer.byteLength(body, 'utf8') > 4096) return fail('Response object is too long.');
    let r: JsonObject;
    try {
      const parsed = JSON.parse(body);
      if (!isObject(parsed)) throw new Error('not an object');
      r = parsed;
    } catch (err) {
      return fail(`Invalid response object: ${errorText(err)}`);
    }
    if (r.Status !== 'SUCCESS' && r.Status !== 'FAILED') return fail(`Invalid response object: Status must be SUCCESS or FAILED, got ${JSON.stringify(r.Status)}`);
    for (const k of ['RequestId', 'StackId', 'LogicalResourceId']) {
      if (r[k] !== event[k]) return fail(`Invalid response object: ${k} ${JSON.stringify(r[k])} does not match the request`);
    }
    const physicalId = typeof r.PhysicalResourceId === 'string' && r.PhysicalResourceId.length > 0 ? r.PhysicalResourceId : undefined;
    const noEcho = r.NoEcho === true || r.NoEcho === 'true';
    if (r.Status === 'FAILED') {
      return { status: 'FAILED', reason: typeof r.Reason === 'string' && r.Reason ? r.Reason : 'FAILED', physicalId, data: {}, noEcho, answeredBy: 'handler' };
    }
    if (!physicalId || physicalId.length > 1024) return fail('Invalid PhysicalResourceId');
    if (r.Data !== undefined && r.Data !== null && !isObject(r.Data)) return fail('Invalid response object: Data must be an object');
    return { status: 'SUCCESS', physicalId, data: (r.Data ?? {}) as Record<string, Json>, noEcho, answeredBy: 'handler' };
  }

  // --- template model --------------------------------------------------------------------------

  private buildModel(stack: StackArtifact): Model {
    const template = stack.template;
    const conditions = this.resolver({ stack, template, resources: new Map(), deps: new Map(), order: [] }, new Map());
    const all = (template.Resources ?? {}) as Record<string, JsonObject>;
    const resources = new Map<string, JsonObject>();
    for (const [id, def] of Object.entries(all)) {
      if (def.Condition === undefined || conditions.condition(String(def.Condition))) resources.set(id, def);
    }
    const deps = new Map<string, Set<string>>();
    for (const [id, def] of resources) {
      const d = referencedIds(def.Properties);
      const dependsOn = def.DependsOn === undefined ? [] : Array.isArray(def.DependsOn) ? def.DependsOn : [def.DependsOn];
      for (const x of dependsOn) d.add(String(x));
      deps.set(id, new Set([...d].filter((x) => resources.has(x) && x !== id)));
    }
    return { stack, template, resources, deps, order: [...resources.keys()] };
  }

  private kindOf(type: string): ResourceKind {
    if (isCustomResourceType(type)) return 'custom';
    return this.providers.has(type) ? 'simulated' : 'skipped';
  }

  /**
   * An invocation's credentials: `credentials`, or with `executionRoleCredentials` a session of the
   * function's execution role (its resolved `Role`), as Lambda hands out; one session per role
   * and deployment (Lambda keeps a role's credentials for the execution environment's life).
   */
  private lambdaCredentials(fn: FunctionSpec): Credentials {
    const issue = this.options.executionRoleCredentials;
    if (!issue) return this.options.credentials ?? DEFAULT_CREDENTIALS;
    if (!fn.roleArn) throw new Error(`harness: ${fn.logicalId} has no Role; executionRoleCredentials needs the function's execution role`);
    let c = this.roleSessions.get(fn.roleArn);
    if (!c) this.roleSessions.set(fn.roleArn, (c = issue(fn.roleArn)));
    return c;
  }

  private providerContext(logicalId: string): ProviderContext {
    return { logicalId, stackName: this.stackName, stackId: this.stackId, region: this.region, accountId: this.accountId, partition: this.partition };
  }

  /**
   * A resource made with deployer credentials of another account lands there, not in the stack's:
   * a misuse of the harness, failed (and rolled back) rather than left to confuse the test.
   */
  private inOwnAccount(made: Provisioned): Provisioned {
    const arn = made.attributes.Arn ?? (made.physicalId.startsWith('arn:') ? made.physicalId : undefined);
    const account = arn?.split(':')[4];
    if (account && account !== this.accountId) {
      throw new ProvisionError(`harness: ${arn} was made in account ${account}, but the stack is in ${this.accountId}; deployerCredentials belong to another account`,
        made.physicalId, made.attributes);
    }
    return made;
  }

  /** A simulated resource's failure: the handler's text for a service error, else the error's message. */
  private failureText(type: string, err: unknown): string {
    const cause = (err instanceof ProvisionError || err instanceof NotFoundError) && err.cause !== undefined ? err.cause : err;
    if ((cause as { $metadata?: unknown }).$metadata === undefined) return errorText(cause);
    const service = type.split('::')[1];
    return handlerFailureText(SERVICE_NAMES[service] ?? service, cause, randomUUID());
  }

  private resolver(model: Model, live: ReadonlyMap<string, Live>, maskNoEcho = false): Resolver {
    return new Resolver({
      template: model.template,
      pseudo: {
        accountId: this.accountId, region: this.region, partition: this.partition,
        urlSuffix: this.options.urlSuffix ?? 'amazonaws.com', stackId: this.stackId, stackName: this.stackName,
      },
      parameters: this.options.parameters,
      imports: this.options.imports,
      resources: {
        ref: (id) => {
          const r = live.get(id);
          if (r) return r.physicalId;
          throw new TemplateError(model.resources.has(id)
            ? `Template error: ${id} has no physical id yet`
            : `Template format error: Unresolved resource dependencies [${id}] in the Resources block of the template`);
        },
        getAtt: (id, attribute) => {
          const r = live.get(id);
          if (!r) throw new TemplateError(`Template error: instance of Fn::GetAtt references undefined resource ${id}`);
          if (r.kind === 'custom') {
            if (!(attribute in r.data)) {
              throw new TemplateError(`CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${r.physicalId}`);
            }
            return maskNoEcho && r.noEcho ? '****' : r.data[attribute];
          }
          if (attribute in r.attributes) return r.attributes[attribute];
          if (r.kind === 'simulated') throw new TemplateError(`Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`);
          return `${r.physicalId}.${attribute}`;
        },
      },
    });
  }

  private resolveProperties(model: Model, live: ReadonlyMap<string, Live>, def: JsonObject, kind: ResourceKind): JsonObject {
    const resolved = this.resolver(model, live).resolve(def.Properties ?? {});
    if (!isObject(resolved)) throw new TemplateError('Template error: Properties must be an object');
    // CloudFormation hands a custom resource every scalar as a string.
    if (kind === 'custom') return stringifyScalars(resolved) as JsonObject;
    // A registry type's properties are validated against its schema before any handler runs.
    const schema = kind === 'simulated' ? resourceSchema(String(def.Type)) : undefined;
    return schema ? validateProperties(schema, resolved) : resolved;
  }

  private resolveOutputs(model: Model, live: ReadonlyMap<string, Live>): Record<string, string> {
    const resolver = this.resolver(model, live, true);
    const out: Record<string, string> = {};
    for (const [name, def] of Object.entries((model.template.Outputs ?? {}) as Record<string, JsonObject>)) {
      if (def.Condition !== undefined && !resolver.condition(String(def.Condition))) continue;
      try {
        const v = resolver.resolve(def.Value);
        out[name] = typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : JSON.stringify(v);
      } catch (err) {
        throw new TemplateError(`Output ${name}: ${errorText(err)}`);
      }
    }
    return out;
  }

  /** A made-up identity for a resource the harness does not simulate, so references resolve. */
  private skippedResource(id: string, def: JsonObject, policies: { deletionPolicy: string; updateReplacePolicy: string }): Live {
    const type = String(def.Type);
    const props = isObject(def.Properties) ? def.Properties : {};
    let given: string | undefined;
    for (const key of ['FunctionName', 'RoleName', 'PolicyName', 'Name']) {
      if (typeof props[key] === 'string') given = props[key] as string;
    }
    const name = given ?? `${this.stackName.slice(0, 20)}-${id.slice(0, 30)}-${suffix()}`;
    const [, service = 'unknown', kindName = 'resource'] = type.split('::');
    const p = this.partition;
    const attributes: Record<string, string> = {};
    let physicalId = name;
    switch (type) {
      case 'AWS::Lambda::Function':
        attributes.Arn = `arn:${p}:lambda:${this.region}:${this.accountId}:function:${name}`;
        break;
      case 'AWS::IAM::Role':
        attributes.Arn = `arn:${p}:iam::${this.accountId}:role/${name}`;
        attributes.RoleId = `AROA${suffix(17)}`;
        break;
      case 'AWS::IAM::ManagedPolicy':
        physicalId = `arn:${p}:iam::${this.accountId}:policy/${name}`;
        attributes.PolicyArn = physicalId;
        break;
      default:
        attributes.Arn = `arn:${p}:${service.toLowerCase()}:${this.region}:${this.accountId}:${kindName.toLowerCase()}/${name}`;
    }
    return { logicalId: id, type, kind: 'skipped', physicalId, data: {}, noEcho: false, properties: {}, attributes, ...policies };
  }

  /** The Lambda function a ServiceToken names, with its asset directory and settings. */
  private functionFor(serviceToken: string, scopes: readonly Scope[]): FunctionSpec {
    for (const { model, live } of scopes) {
      const fnLive = [...live.values()].find((r) => r.type === 'AWS::Lambda::Function' && r.attributes.Arn === serviceToken);
      if (!fnLive) continue;
      const def = model.resources.get(fnLive.logicalId);
      if (!def) continue;
      const props = this.resolver(model, live).resolve(def.Properties ?? {}) as JsonObject;
      const code = isObject(props.Code) ? props.Code : {};
      if (code.ZipFile !== undefined) throw new Error(`harness: ${fnLive.logicalId} has inline code (ZipFile); only asset code can run locally`);
      if (typeof code.S3Key !== 'string') throw new Error(`harness: ${fnLive.logicalId} has no Code.S3Key`);
      const runtime = String(props.Runtime ?? '');
      if (!runtime.startsWith('nodejs')) throw new Error(`harness: ${fnLive.logicalId} runs ${runtime || 'a container image'}; only Node.js functions can run locally`);
      const variables = isObject(props.Environment) && isObject(props.Environment.Variables) ? props.Environment.Variables : {};
      return {
        logicalId: fnLive.logicalId,
        functionName: fnLive.physicalId,
        functionArn: fnLive.attributes.Arn,
        codeDirectory: assetDirectory(model.stack, code.S3Key),
        handler: String(props.Handler ?? 'index.handler'),
        runtime,
        timeoutSeconds: Number(props.Timeout ?? 3),
        memorySize: Number(props.MemorySize ?? 128),
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        ...(typeof props.Role === 'string' ? { roleArn: props.Role } : {}),
      };
    }
    throw new Error(`harness: the ServiceToken ${serviceToken || '(none)'} is not a Lambda function of this stack; the harness can only run the stack's own functions`);
  }

  private endpointFor(serviceId: string): string | undefined {
    for (const [k, v] of Object.entries(this.options.serviceEndpoints ?? {})) {
      if (normalizeServiceId(k) === serviceId) return v;
    }
    return this.options.endpoint;
  }

  private endpointEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    if (this.options.endpoint) env.AWS_ENDPOINT_URL = this.options.endpoint;
    for (const [k, v] of Object.entries(this.options.serviceEndpoints ?? {})) env[`AWS_ENDPOINT_URL_${normalizeServiceId(k)}`] = v;
    return env;
  }

  // --- bookkeeping -----------------------------------------------------------------------------

  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async exclusive(operation: Op['operation'], body: (op: Op) => Promise<OperationResult>): Promise<OperationResult> {
    if (this.closed) throw new Error(`harness: the deployment of ${this.stackName} is closed`);
    if (this.busy) throw new Error(`harness: an operation on ${this.stackName} is already running`);
    this.busy = true;
    try {
      const op: Op = { operation, started: Date.now(), records: [], logs: [], skipped: [] };
      return await body(op);
    } finally {
      this.busy = false;
    }
  }

  private async finish(op: Op, status: StackStatus, reason?: string): Promise<OperationResult> {
    // Invocations still running (answered, or past their ServiceTimeout) end before the result:
    // whatever they do to the emulator is part of this operation.
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.currentStatus = status;
    const success = status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'DELETE_COMPLETE';
    const result: OperationResult = {
      operation: op.operation,
      stackStatus: status,
      success,
      ...(reason !== undefined ? { reason } : {}),
      records: op.records,
      outputs: { ...this.currentOutputs },
      skipped: op.skipped,
      durationMs: Date.now() - op.started,
      logs: op.logs,
    };
    this.results.push(result);
    this.stackProgress(status, reason);
    return result;
  }

  private record(op: Op, step: Omit<StepRecord, 'startedAt'>): StepRecord {
    const rec: StepRecord = { ...step, startedAt: Date.now() - step.durationMs };
    op.records.push(rec);
    this.progress({
      stackName: this.stackName, logicalId: rec.logicalId, resourceType: rec.resourceType, status: rec.resourceStatus,
      phase: rec.phase, physicalId: rec.physicalId, reason: rec.reason, durationMs: rec.durationMs,
    });
    return rec;
  }

  private recordCustom(op: Op, base: { logicalId: string; resourceType: string; kind: ResourceKind; requestType: RequestType; phase: Phase },
    out: CustomOutcome, started: number, properties: JsonObject, oldProperties?: JsonObject, requestPhysicalId?: string): void {
    const verb = base.requestType.toUpperCase();
    const rec = this.record(op, {
      ...base,
      status: out.status,
      resourceStatus: `${verb}_${out.status === 'SUCCESS' ? 'COMPLETE' : 'FAILED'}`,
      ...(out.reason !== undefined ? { reason: out.reason } : {}),
      ...(out.physicalId !== undefined ? { physicalId: out.physicalId } : {}),
      ...(requestPhysicalId !== undefined ? { requestPhysicalId } : {}),
      data: redact(out.data, out.noEcho),
      noEcho: out.noEcho,
      durationMs: Date.now() - started,
      requestId: out.requestId,
      properties,
      ...(oldProperties !== undefined ? { oldProperties } : {}),
      invocations: out.invocations,
      responseAttempts: out.responseAttempts,
      deliveries: out.deliveries,
      responses: out.responses,
      answeredBy: out.answeredBy,
      logs: out.logs,
    });
    // A duplicate delivery may still run after the answer: its invocation and answer join the record
    // when it ends (before the operation's result, which waits for every invocation).
    this.track(out.done.then(() => Object.assign(rec, out.tally())));
  }

  private stackProgress(status: string, reason?: string): void {
    this.progress({ stackName: this.stackName, logicalId: this.stackName, resourceType: 'AWS::CloudFormation::Stack', status, reason });
  }

  private progress(event: ProgressEvent): void {
    this.options.onProgress?.(formatProgress(event), event);
  }
}

/** A logical id, a construct id whose CDK-allocated logical id is the id plus its 8-character hash, or a RegExp. */
function logicalIdMatches(rule: string | RegExp | undefined, logicalId: string): boolean {
  if (rule === undefined) return true;
  if (rule instanceof RegExp) return rule.test(logicalId);
  return logicalId === rule || (logicalId.length === rule.length + 8 && logicalId.startsWith(rule) && /^[0-9A-F]{8}$/.test(logicalId.slice(rule.length)));
}

function normalizeServiceId(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** One progress line: status, type, logical id, then the physical id or the reason, and the time. */
export function formatProgress(e: ProgressEvent): string {
  const phase = e.phase === 'rollback' || e.phase === 'cleanup' ? ` (${e.phase})` : '';
  const firstLine = (s: string) => {
    const line = s.split('\n')[0];
    return line.length > 240 ? `${line.slice(0, 237)}...` : line;
  };
  const detail = e.reason ? firstLine(e.reason) : e.physicalId ?? '';
  const time = e.durationMs !== undefined && e.durationMs > 0 ? ` (${(e.durationMs / 1000).toFixed(1)} s)` : '';
  return `${(e.status + phase).padEnd(36)} ${e.resourceType.padEnd(30)} ${e.logicalId}${detail ? `  ${detail}` : ''}${time}`;
}
