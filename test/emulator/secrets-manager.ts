// Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.<Operation>`): the operations the
// cdk-ivs handler and its tests use, with Secrets Manager's semantics for versions and staging
// labels, ClientRequestToken idempotency (the SDK fills it in, and reuses it on retries), and
// scheduled deletion. Written by hand from the Secrets Manager API reference and quotas page:
// there is no Secrets Manager model in this repository.
// Versions (PutSecretValue, UpdateSecretVersionStage, the quotas page):
// - ClientRequestToken: "This value becomes the VersionId of the new version." A version with that
//   ID and the same value: "the request is ignored"; with another value: "the request fails
//   because you can't modify a secret version" (ResourceExistsException, the error the API
//   reference lists for it).
// - A version that loses its last staging label is "deprecated": it stays (GetSecretValue by
//   VersionId, ListSecretVersionIds with IncludeDeprecated) until Secrets Manager removes it:
//   "Secrets Manager removes unlabeled versions when there are more than 100, but it does not
//   remove versions created less than 24 hours ago. If you update the secret value more than once
//   every 10 minutes, you create more versions than Secrets Manager removes, and you will reach the
//   quota for secret versions." (quotas page). Past the quota: LimitExceededException ("The request
//   failed because it would exceed one of the Secrets Manager quotas.").
// - DescribeSecret's VersionIdsToStages: "A list of the versions of the secret that have staging
//   labels attached. Versions that don't have staging labels are considered deprecated".
import { ServiceError } from './errors';
import { secretArn, versionId as newVersionId } from './ids';
import { EmulatorState, SecretRecord, SecretVersion } from './state';

/** Secrets Manager behaviours: the quotas page's numbers, and what the API reference leaves open. */
export interface SecretsManagerOptions {
  /** The quota for secret versions (quotas page: unlabeled versions are removed "when there are more than 100"). @default 100 */
  readonly maxVersions?: number;
  /** Versions younger than this are never removed (real ms; quotas page: "less than 24 hours ago"). @default 24 h */
  readonly versionRetentionMs?: number;
  /**
   * UpdateSecretVersionStage whose RemoveFromVersionId is missing or does not hold the label: "the
   * operation fails" (API reference), with an error it does not name. @default 'InvalidRequestException'
   */
  readonly stageMismatchError?: 'InvalidRequestException' | 'InvalidParameterException';
  /**
   * UpdateSecretVersionStage removing AWSCURRENT without moving it (RemoveFromVersionId alone): not
   * documented. 'refused' answers `stageMismatchError`. @default 'refused'
   */
  readonly removeCurrent?: 'refused' | 'allowed';
  /**
   * How long (real ms) a name stays taken after DeleteSecret with ForceDeleteWithoutRecovery: "Secrets
   * Manager performs the actual deletion with an asynchronous background process, so there might be a
   * short delay before the secret is permanently deleted. If you delete a secret and then immediately
   * create a secret with the same name, use appropriate back off and retry logic" (API reference).
   * Meanwhile CreateSecret of the name is refused as for a secret scheduled for deletion. @default 500
   */
  readonly forceDeleteLagMs?: number;
  /**
   * What DescribeSecret answers for such a secret meanwhile: not documented. 'deleted' describes it with
   * its DeletedDate; 'not-found' answers ResourceNotFoundException. @default 'deleted'
   */
  readonly describeWhilePurging?: 'deleted' | 'not-found';
}

export type SecretsManagerSettings = { -readonly [K in keyof Required<SecretsManagerOptions>]: Required<SecretsManagerOptions>[K] };

export const DEFAULT_SECRETS_MANAGER: Readonly<SecretsManagerSettings> = {
  maxVersions: 100, versionRetentionMs: 24 * 3600_000, stageMismatchError: 'InvalidRequestException', removeCurrent: 'refused',
  forceDeleteLagMs: 500, describeWhilePurging: 'deleted',
};

/** The undocumented choices, each combination (the tests run under each). */
export const SECRETS_MANAGER_VARIANTS: readonly Pick<SecretsManagerSettings, 'stageMismatchError' | 'removeCurrent'>[] = ([
  'InvalidRequestException', 'InvalidParameterException',
] as const)
  .flatMap((stageMismatchError) => (['refused', 'allowed'] as const).map((removeCurrent) => ({ stageMismatchError, removeCurrent })));

export interface SecretsManagerContext {
  readonly state: EmulatorState;
  readonly settings: SecretsManagerSettings;
  readonly account: string;
  readonly region: string;
  readonly principalArn: string;
  readonly operation: string;
  /**
   * Asks the test's authorizer (if any) and the caller's identity policies (enforceIam) whether the
   * call may touch this secret; throws if not. `creating`: the secret does not exist yet (its tags
   * are the request's, aws:RequestTag); `requestTags`: tags the request brings.
   */
  readonly authorize: (
    resourceArn: string, resourceTags: { [k: string]: string }, options?: { creating?: boolean; requestTags?: { [k: string]: string } },
  ) => void;
}

type Input = { readonly [k: string]: any };
type Handler = (ctx: SecretsManagerContext, input: Input) => unknown;

const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";

/** Coral-style constraint checks for the few members the handler sends. */
type Rule = { required?: boolean; min?: number; max?: number; pattern?: RegExp; range?: [number, number] };
function check(input: Input, rules: { [member: string]: Rule }): void {
  const errors: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const v = input[name];
    if (v === undefined || v === null) {
      if (rule.required) errors.push(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    if (typeof v === 'string') {
      const shown = name === 'SecretString' || name === 'SecretBinary' ? '*** Sensitive Data Redacted ***' : v;
      if (rule.max !== undefined && v.length > rule.max) errors.push(`Value '${shown}' at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`);
      if (rule.min !== undefined && v.length < rule.min) errors.push(`Value '${shown}' at '${name}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`);
      if (rule.pattern && !rule.pattern.test(v)) errors.push(`Value '${shown}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    }
    if (typeof v === 'number' && rule.range && (v < rule.range[0] || v > rule.range[1])) {
      errors.push(`Value '${v}' at '${name}' failed to satisfy constraint: Member must have value between ${rule.range[0]} and ${rule.range[1]}`);
    }
  }
  if (errors.length) throw new ServiceError('ValidationException', `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

const SECRET_ID = { required: true, min: 1, max: 2048 };
const TOKEN = { min: 32, max: 64 };
const VALUE = { max: 65536 };

function tagMap(s: SecretRecord): { [k: string]: string } {
  return Object.fromEntries(s.tags.map((t) => [t.Key, t.Value]));
}

/** Resolves SecretId in the caller's account; another account's ARN is denied (no resource policy). */
function find(ctx: SecretsManagerContext, secretId: string, options: { allowDeleted?: boolean; requestTags?: { [k: string]: string } } = {}): SecretRecord {
  if (secretId.startsWith('arn:')) {
    const account = secretId.split(':')[4];
    if (account !== ctx.account) {
      throw new ServiceError('AccessDeniedException', `User: ${ctx.principalArn} is not authorized to perform: secretsmanager:${ctx.operation} on resource: ${secretId} because no resource-based policy allows the secretsmanager:${ctx.operation} action`);
    }
  }
  const secret = ctx.state.findSecret(ctx.account, ctx.region, secretId);
  if (!secret) {
    // IAM decides first, on the ARN the request names (policy evaluation logic: a request is authorized, then run).
    ctx.authorize(guessedArn(ctx, secretId), {});
    throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }
  ctx.authorize(secret.arn, tagMap(secret), { requestTags: options.requestTags });
  if (secret.deletedDate && !options.allowDeleted) throw new ServiceError('InvalidRequestException', MARKED_FOR_DELETION);
  return secret;
}

/** The ARN a SecretId names, as far as it says: an ARN as given, a name without the suffix it would have. */
function guessedArn(ctx: SecretsManagerContext, secretId: string): string {
  return secretId.startsWith('arn:') ? secretId : `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${secretId}`;
}

function epoch(d: Date): number {
  return d.getTime() / 1000;
}

function sameValue(v: SecretVersion, input: Input): boolean {
  return v.secretString === input.SecretString && v.secretBinary === input.SecretBinary;
}

function describe(s: SecretRecord): unknown {
  return {
    ARN: s.arn,
    Name: s.name,
    Description: s.description,
    KmsKeyId: s.kmsKeyId,
    Tags: s.tags.length ? s.tags : undefined,
    VersionIdsToStages: Object.fromEntries(s.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, v.stages])),
    CreatedDate: epoch(s.createdDate),
    LastChangedDate: epoch(s.lastChangedDate),
    DeletedDate: s.deletedDate && epoch(s.deletedDate),
  };
}

const CreateSecret: Handler = (ctx, input) => {
  check(input, { Name: { required: true, min: 1, max: 512, pattern: /^[a-zA-Z0-9/_+=.@-]+$/ }, ClientRequestToken: TOKEN, SecretString: VALUE, Description: { max: 2048 } });
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw new ServiceError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  const existing = ctx.state.findSecret(ctx.account, ctx.region, input.Name);
  const requestTags = Object.fromEntries((input.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
  const arn = existing?.arn ?? secretArn(ctx.region, ctx.account, input.Name);
  // IAM decides before the service looks at its own state (policy evaluation logic: a request is authorized, then run).
  ctx.authorize(arn, requestTags, { creating: true, requestTags });
  if (existing) {
    const same = existing.versions.find((v) => v.versionId === input.ClientRequestToken);
    if (same && sameValue(same, input)) return { ARN: existing.arn, Name: existing.name, VersionId: same.versionId }; // an SDK retry
    if (existing.deletedDate) throw new ServiceError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    throw new ServiceError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
  }
  const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
  const s = ctx.state.addSecret({
    arn,
    name: input.Name,
    account: ctx.account,
    region: ctx.region,
    description: input.Description,
    kmsKeyId: input.KmsKeyId,
    tags: (input.Tags ?? []).map((t: { Key: string; Value: string }) => ({ Key: t.Key, Value: t.Value })),
    secretString: input.SecretString,
    secretBinary: input.SecretBinary,
    versionId: hasValue ? input.ClientRequestToken ?? newVersionId() : undefined,
  });
  return { ARN: s.arn, Name: s.name, VersionId: s.versions[0]?.versionId };
};

/**
 * Makes room for `room` new versions: removes the oldest deprecated (unlabeled) versions older than
 * the retention while the secret would hold more than the quota; LimitExceededException if it still would.
 */
function makeRoom(ctx: SecretsManagerContext, s: SecretRecord, room: number, now: Date): void {
  const { maxVersions, versionRetentionMs } = ctx.settings;
  const removable = s.versions
    .filter((v) => v.stages.length === 0 && now.getTime() - v.createdDate.getTime() >= versionRetentionMs)
    .sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime());
  while (s.versions.length + room > maxVersions && removable.length > 0) {
    const oldest = removable.shift()!;
    s.versions = s.versions.filter((v) => v !== oldest);
  }
  if (s.versions.length + room > maxVersions) {
    throw new ServiceError('LimitExceededException', `The request failed because it would exceed one of the Secrets Manager quotas. (versions of ${s.name}: ${s.versions.length}, quota ${maxVersions})`);
  }
}

/** Moves AWSPREVIOUS to `to`: "Secrets Manager automatically moves the label AWSPREVIOUS to the version that AWSCURRENT was removed from." */
function movePrevious(s: SecretRecord, to: SecretVersion): void {
  for (const v of s.versions) v.stages = v.stages.filter((st) => st !== 'AWSPREVIOUS');
  to.stages = [...to.stages, 'AWSPREVIOUS'];
}

/** Adds a version (or recognizes an SDK retry of the same ClientRequestToken) and moves staging labels. */
function putVersion(ctx: SecretsManagerContext, s: SecretRecord, input: Input): SecretVersion {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw new ServiceError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  const id: string = input.ClientRequestToken ?? newVersionId();
  const existing = s.versions.find((v) => v.versionId === id);
  if (existing) {
    if (!sameValue(existing, input)) throw new ServiceError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
    return existing; // the same request again: ignored
  }
  const now = new Date();
  makeRoom(ctx, s, 1, now);
  // "If you don't include VersionStages, then Secrets Manager automatically moves the staging label AWSCURRENT to this version."
  const stages: string[] = input.VersionStages ?? ['AWSCURRENT'];
  const current = s.versions.find((v) => v.stages.includes('AWSCURRENT'));
  // "Each staging label can be attached to only one version at a time."
  for (const v of s.versions) v.stages = v.stages.filter((st) => !stages.includes(st));
  if (current && stages.includes('AWSCURRENT')) movePrevious(s, current);
  const version: SecretVersion = { versionId: id, secretString: input.SecretString, secretBinary: input.SecretBinary, stages, createdDate: now };
  s.versions.push(version);
  s.lastChangedDate = now;
  return version;
}

const PutSecretValue: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, ClientRequestToken: TOKEN, SecretString: VALUE });
  const s = find(ctx, input.SecretId);
  if (input.SecretString === undefined && input.SecretBinary === undefined) {
    throw new ServiceError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
  }
  const v = putVersion(ctx, s, input);
  return { ARN: s.arn, Name: s.name, VersionId: v.versionId, VersionStages: v.stages };
};

const UpdateSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, ClientRequestToken: TOKEN, SecretString: VALUE, Description: { max: 2048 } });
  const s = find(ctx, input.SecretId);
  if (input.Description !== undefined) s.description = input.Description;
  if (input.KmsKeyId !== undefined) s.kmsKeyId = input.KmsKeyId;
  s.lastChangedDate = new Date();
  const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
  const v = hasValue ? putVersion(ctx, s, input) : undefined;
  return { ARN: s.arn, Name: s.name, VersionId: v?.versionId };
};

const GetSecretValue: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, VersionId: TOKEN });
  const s = find(ctx, input.SecretId);
  const stage: string = input.VersionStage ?? (input.VersionId ? undefined : 'AWSCURRENT');
  const v = s.versions.find((x) => (input.VersionId === undefined || x.versionId === input.VersionId) && (stage === undefined || x.stages.includes(stage)));
  if (!v) {
    throw new ServiceError('ResourceNotFoundException', input.VersionId
      ? `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`
      : `Secrets Manager can't find the specified secret value for staging label: ${stage}`);
  }
  return {
    ARN: s.arn, Name: s.name, VersionId: v.versionId, SecretString: v.secretString, SecretBinary: v.secretBinary,
    VersionStages: v.stages, CreatedDate: epoch(v.createdDate),
  };
};

/**
 * "Modifies the staging labels attached to a version of a secret. ... Each staging label can be
 * attached to only one version at a time." RemoveFromVersionId: "If the staging label you are
 * trying to attach to one version is already attached to a different version, then you must
 * include this parameter and specify the version that the label is to be removed from. If the label
 * is attached and you either do not specify this parameter, or the version ID does not match, then
 * the operation fails." "Whenever you move AWSCURRENT, Secrets Manager automatically moves the
 * label AWSPREVIOUS to the version that AWSCURRENT was removed from." A version left without labels
 * is deprecated (kept until removed, see makeRoom).
 */
const UpdateSecretVersionStage: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, VersionStage: { required: true, min: 1, max: 256 }, RemoveFromVersionId: TOKEN, MoveToVersionId: TOKEN });
  const s = find(ctx, input.SecretId);
  const label: string = input.VersionStage;
  const mismatch = (text: string) => new ServiceError(ctx.settings.stageMismatchError, text);
  const version = (id: string): SecretVersion => {
    const found = s.versions.find((v) => v.versionId === id);
    if (!found) throw new ServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${id}`);
    return found;
  };
  const holder = s.versions.find((v) => v.stages.includes(label));
  if (input.MoveToVersionId === undefined && input.RemoveFromVersionId === undefined) {
    throw new ServiceError('InvalidParameterException', 'You must specify MoveToVersionId or RemoveFromVersionId.');
  }
  if (input.MoveToVersionId !== undefined) {
    const target = version(input.MoveToVersionId);
    if (holder && holder !== target && input.RemoveFromVersionId !== holder.versionId) {
      throw mismatch(`The staging label ${label} is attached to version ${holder.versionId}; RemoveFromVersionId must name it to move the label.`);
    }
    if (input.RemoveFromVersionId !== undefined && input.RemoveFromVersionId !== holder?.versionId) {
      throw mismatch(`The staging label ${label} is not attached to version ${input.RemoveFromVersionId}.`);
    }
    if (holder && holder !== target) holder.stages = holder.stages.filter((st) => st !== label);
    if (!target.stages.includes(label)) target.stages = [...target.stages, label];
    if (label === 'AWSCURRENT' && holder && holder !== target) movePrevious(s, holder);
  } else {
    const from = version(input.RemoveFromVersionId);
    if (!from.stages.includes(label)) throw mismatch(`The staging label ${label} is not attached to version ${from.versionId}.`);
    if (label === 'AWSCURRENT' && ctx.settings.removeCurrent === 'refused') {
      throw mismatch('The staging label AWSCURRENT cannot be removed from a version without moving it to another (MoveToVersionId).');
    }
    from.stages = from.stages.filter((st) => st !== label);
  }
  s.lastChangedDate = new Date();
  return { ARN: s.arn, Name: s.name };
};

/** "Lists the versions of a secret. ... To list the deprecated versions, set IncludeDeprecated" (ListSecretVersionIds). */
const ListSecretVersionIds: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, MaxResults: { range: [1, 100] } });
  const s = find(ctx, input.SecretId);
  const versions = s.versions.filter((v) => input.IncludeDeprecated || v.stages.length > 0);
  let start = 0;
  if (input.NextToken !== undefined) {
    const m = /^emu([0-9]+)$/.exec(Buffer.from(String(input.NextToken), 'base64url').toString());
    if (!m) throw new ServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
    start = Number(m[1]);
  }
  const max = input.MaxResults ?? 100;
  const page = versions.slice(start, start + max);
  return {
    ARN: s.arn,
    Name: s.name,
    Versions: page.map((v) => ({ VersionId: v.versionId, VersionStages: v.stages, CreatedDate: epoch(v.createdDate) })),
    NextToken: start + max < versions.length ? Buffer.from(`emu${start + max}`).toString('base64url') : undefined,
  };
};

const DescribeSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID });
  const s = find(ctx, input.SecretId, { allowDeleted: true });
  if (s.purging && ctx.settings.describeWhilePurging === 'not-found') throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  return describe(s);
};

const DeleteSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, RecoveryWindowInDays: { range: [7, 30] } });
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
    throw new ServiceError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const force = !!input.ForceDeleteWithoutRecovery;
  let s: SecretRecord;
  try {
    s = find(ctx, input.SecretId, { allowDeleted: force });
  } catch (e) {
    // ForceDeleteWithoutRecovery: "If you forcibly delete an already deleted or nonexistent secret, the operation does
    // not return ResourceNotFoundException" (DeleteSecret API reference); what it returns then is not documented.
    if (!force || !(e instanceof ServiceError) || e.code !== 'ResourceNotFoundException') throw e;
    return { Name: String(input.SecretId).startsWith('arn:') ? undefined : input.SecretId };
  }
  const now = new Date();
  if (force) {
    const lag = ctx.settings.forceDeleteLagMs;
    if (lag <= 0) {
      ctx.state.secrets.delete(s.arn);
    } else if (!s.purging) {
      s.deletedDate = now;
      s.purging = true;
      setTimeout(() => { if (ctx.state.secrets.get(s.arn) === s) ctx.state.secrets.delete(s.arn); }, lag).unref();
    }
    return { ARN: s.arn, Name: s.name, DeletionDate: epoch(now) };
  }
  s.deletedDate = new Date(now.getTime() + (input.RecoveryWindowInDays ?? 30) * 86400_000);
  return { ARN: s.arn, Name: s.name, DeletionDate: epoch(s.deletedDate) };
};

const RestoreSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID });
  const s = find(ctx, input.SecretId, { allowDeleted: true });
  if (s.purging) throw new ServiceError('InvalidRequestException', MARKED_FOR_DELETION);
  s.deletedDate = undefined;
  return { ARN: s.arn, Name: s.name };
};

const TagResource: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, Tags: { required: true } });
  const s = find(ctx, input.SecretId, { requestTags: Object.fromEntries((input.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value])) });
  for (const t of input.Tags as { Key: string; Value: string }[]) {
    s.tags = [...s.tags.filter((x) => x.Key !== t.Key), { Key: t.Key, Value: t.Value }];
  }
  if (s.tags.length > 50) throw new ServiceError('LimitExceededException', 'A secret can have at most 50 tags.');
  return {};
};

const UntagResource: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, TagKeys: { required: true } });
  const s = find(ctx, input.SecretId);
  s.tags = s.tags.filter((t) => !(input.TagKeys as string[]).includes(t.Key));
  return {};
};

const ListSecrets: Handler = (ctx, input) => {
  ctx.authorize('*', {}); // no resource type (Service Authorization Reference): "*"
  const secrets = [...ctx.state.secrets.values()]
    .filter((s) => s.account === ctx.account && s.region === ctx.region && (input.IncludePlannedDeletion || !s.deletedDate));
  return { SecretList: secrets.map(describe) };
};

export const SECRETS_MANAGER_HANDLERS: { readonly [operation: string]: Handler } = {
  CreateSecret, PutSecretValue, UpdateSecret, GetSecretValue, DescribeSecret, DeleteSecret, RestoreSecret, TagResource, UntagResource, ListSecrets,
  UpdateSecretVersionStage, ListSecretVersionIds,
};

/** Redacts secret values from a Secrets Manager input, for the request log. */
export function redactSecretsManagerInput(input: Input): Input {
  const out: { [k: string]: unknown } = { ...input };
  for (const k of ['SecretString', 'SecretBinary']) if (out[k] !== undefined) out[k] = '*** Sensitive Data Redacted ***';
  return out;
}
