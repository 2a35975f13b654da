// Secrets Manager (awsJson1_1, `X-Amz-Target: secretsmanager.<Operation>`): the operations the
// cdk-ivs handler and its tests use, with Secrets Manager's semantics for versions and staging
// labels, ClientRequestToken idempotency (the SDK fills it in, and reuses it on retries), and
// scheduled deletion. Written by hand: there is no Secrets Manager model in this repository.
import { ServiceError } from './errors';
import { versionId as newVersionId } from './ids';
import { EmulatorState, SecretRecord, SecretVersion } from './state';

export interface SecretsManagerContext {
  readonly state: EmulatorState;
  readonly account: string;
  readonly region: string;
  readonly principalArn: string;
  readonly operation: string;
  /** Asks the test's authorizer (if any) whether the call may touch this secret; throws if not. */
  readonly authorize: (resourceArn: string, resourceTags: { [k: string]: string }) => void;
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
function find(ctx: SecretsManagerContext, secretId: string, options: { allowDeleted?: boolean } = {}): SecretRecord {
  if (secretId.startsWith('arn:')) {
    const account = secretId.split(':')[4];
    if (account !== ctx.account) {
      throw new ServiceError('AccessDeniedException', `User: ${ctx.principalArn} is not authorized to perform: secretsmanager:${ctx.operation} on resource: ${secretId} because no resource-based policy allows the secretsmanager:${ctx.operation} action`);
    }
  }
  const secret = ctx.state.findSecret(ctx.account, ctx.region, secretId);
  if (!secret) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  ctx.authorize(secret.arn, tagMap(secret));
  if (secret.deletedDate && !options.allowDeleted) throw new ServiceError('InvalidRequestException', MARKED_FOR_DELETION);
  return secret;
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
    VersionIdsToStages: Object.fromEntries(s.versions.map((v) => [v.versionId, v.stages])),
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
  if (existing) {
    const same = existing.versions.find((v) => v.versionId === input.ClientRequestToken);
    if (same && sameValue(same, input)) return { ARN: existing.arn, Name: existing.name, VersionId: same.versionId }; // an SDK retry
    if (existing.deletedDate) throw new ServiceError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    throw new ServiceError('ResourceExistsException', `The operation failed because the secret ${input.Name} already exists.`);
  }
  ctx.authorize(`arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:${input.Name}`, Object.fromEntries((input.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value])));
  const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
  const s = ctx.state.addSecret({
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

/** Adds a version (or recognizes an SDK retry of the same ClientRequestToken) and moves staging labels. */
function putVersion(s: SecretRecord, input: Input): SecretVersion {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw new ServiceError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  const id: string = input.ClientRequestToken ?? newVersionId();
  const existing = s.versions.find((v) => v.versionId === id);
  if (existing) {
    if (!sameValue(existing, input)) throw new ServiceError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
    return existing; // an SDK retry
  }
  const stages: string[] = input.VersionStages ?? ['AWSCURRENT'];
  if (stages.includes('AWSCURRENT')) {
    for (const v of s.versions) {
      v.stages = v.stages.filter((st) => st !== 'AWSPREVIOUS');
      if (v.stages.includes('AWSCURRENT')) v.stages = [...v.stages.filter((st) => st !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
  }
  for (const v of s.versions) v.stages = v.stages.filter((st) => st === 'AWSPREVIOUS' || st === 'AWSCURRENT' || !stages.includes(st));
  s.versions = s.versions.filter((v) => v.stages.length > 0);
  const now = new Date();
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
  const v = putVersion(s, input);
  return { ARN: s.arn, Name: s.name, VersionId: v.versionId, VersionStages: v.stages };
};

const UpdateSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, ClientRequestToken: TOKEN, SecretString: VALUE, Description: { max: 2048 } });
  const s = find(ctx, input.SecretId);
  if (input.Description !== undefined) s.description = input.Description;
  if (input.KmsKeyId !== undefined) s.kmsKeyId = input.KmsKeyId;
  s.lastChangedDate = new Date();
  const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
  const v = hasValue ? putVersion(s, input) : undefined;
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

const DescribeSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID });
  return describe(find(ctx, input.SecretId, { allowDeleted: true }));
};

const DeleteSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, RecoveryWindowInDays: { range: [7, 30] } });
  if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
    throw new ServiceError('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const s = find(ctx, input.SecretId, { allowDeleted: !!input.ForceDeleteWithoutRecovery });
  const now = new Date();
  if (input.ForceDeleteWithoutRecovery) {
    ctx.state.secrets.delete(s.arn);
    return { ARN: s.arn, Name: s.name, DeletionDate: epoch(now) };
  }
  s.deletedDate = new Date(now.getTime() + (input.RecoveryWindowInDays ?? 30) * 86400_000);
  return { ARN: s.arn, Name: s.name, DeletionDate: epoch(s.deletedDate) };
};

const RestoreSecret: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID });
  const s = find(ctx, input.SecretId, { allowDeleted: true });
  s.deletedDate = undefined;
  return { ARN: s.arn, Name: s.name };
};

const TagResource: Handler = (ctx, input) => {
  check(input, { SecretId: SECRET_ID, Tags: { required: true } });
  const s = find(ctx, input.SecretId);
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
  const secrets = [...ctx.state.secrets.values()]
    .filter((s) => s.account === ctx.account && s.region === ctx.region && (input.IncludePlannedDeletion || !s.deletedDate));
  return { SecretList: secrets.map(describe) };
};

export const SECRETS_MANAGER_HANDLERS: { readonly [operation: string]: Handler } = {
  CreateSecret, PutSecretValue, UpdateSecret, GetSecretValue, DescribeSecret, DeleteSecret, RestoreSecret, TagResource, UntagResource, ListSecrets,
};

/** Redacts secret values from a Secrets Manager input, for the request log. */
export function redactSecretsManagerInput(input: Input): Input {
  const out: { [k: string]: unknown } = { ...input };
  for (const k of ['SecretString', 'SecretBinary']) if (out[k] !== undefined) out[k] = '*** Sensitive Data Redacted ***';
  return out;
}
