/**
 * `AWS::SecretsManager::Secret` as CloudFormation's resource handler would drive it, through the
 * Secrets Manager API of the endpoint the harness is given (the emulator): CreateSecret with the
 * template's Name (else `<LogicalId>-<12 random characters>`), Description, KmsKeyId, SecretString
 * or GenerateSecretString and Tags; Ref = the ARN (also `Fn::GetAtt Id`). Update: a new Name is a
 * replacement; Description / KmsKeyId / value changes go through UpdateSecret, tags through
 * TagResource / UntagResource. Delete: DeleteSecret with ForceDeleteWithoutRecovery (nothing left
 * behind), NotFound is success.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { JsonObject } from './intrinsics';
import { jsonEqual } from './intrinsics';

export interface SecretsOptions {
  readonly region: string;
  /** Secrets Manager endpoint; without one every secret operation fails (never real AWS). */
  readonly endpoint?: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface SecretResult {
  readonly arn: string;
  /** True when the update created a new secret (a new Name): the old one is deleted in cleanup. */
  readonly replaced: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

function randomString(length: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** GenerateSecretString, done locally as CloudFormation would with GetRandomPassword. */
export function generateSecretString(spec: JsonObject): string {
  let alphabet = '';
  if (spec.ExcludeUppercase !== 'true') alphabet += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (spec.ExcludeLowercase !== 'true') alphabet += 'abcdefghijklmnopqrstuvwxyz';
  if (spec.ExcludeNumbers !== 'true') alphabet += '0123456789';
  if (spec.ExcludePunctuation !== 'true') alphabet += PUNCTUATION;
  if (spec.IncludeSpace === 'true') alphabet += ' ';
  const excluded = String(spec.ExcludeCharacters ?? '');
  alphabet = [...alphabet].filter((c) => !excluded.includes(c)).join('');
  const password = randomString(Number(spec.PasswordLength ?? 32), alphabet || ALNUM);
  if (spec.SecretStringTemplate !== undefined && spec.GenerateStringKey !== undefined) {
    const template = JSON.parse(String(spec.SecretStringTemplate));
    template[String(spec.GenerateStringKey)] = password;
    return JSON.stringify(template);
  }
  return password;
}

type Tag = { Key: string; Value: string };
const tagsOf = (props: JsonObject): Tag[] =>
  Array.isArray(props.Tags) ? (props.Tags as JsonObject[]).map((t) => ({ Key: String(t.Key), Value: String(t.Value) })) : [];

export class SecretsSimulator {
  private client?: SecretsManagerClient;

  constructor(private readonly opts: SecretsOptions) {}

  private sm(): SecretsManagerClient {
    if (!this.opts.endpoint) {
      throw new Error('the harness has no Secrets Manager endpoint (options.endpoint or options.serviceEndpoints.SECRETS_MANAGER); it never calls real AWS');
    }
    this.client ??= new SecretsManagerClient({
      region: this.opts.region,
      endpoint: this.opts.endpoint,
      credentials: this.opts.credentials,
      maxAttempts: 8,
    });
    return this.client;
  }

  async create(logicalId: string, props: JsonObject): Promise<SecretResult> {
    const name = props.Name !== undefined ? String(props.Name) : `${logicalId.slice(0, 40)}-${randomString(12, ALNUM)}`;
    const out = await this.sm().send(new CreateSecretCommand({
      Name: name,
      Description: props.Description === undefined ? undefined : String(props.Description),
      KmsKeyId: props.KmsKeyId === undefined ? undefined : String(props.KmsKeyId),
      SecretString: this.valueOf(props),
      Tags: tagsOf(props).length > 0 ? tagsOf(props) : undefined,
      ClientRequestToken: randomBytes(16).toString('hex'),
    }));
    return { arn: String(out.ARN), replaced: false };
  }

  async update(logicalId: string, arn: string, oldProps: JsonObject, props: JsonObject): Promise<SecretResult> {
    if (!jsonEqual(oldProps.Name, props.Name)) {
      return { ...(await this.create(logicalId, props)), replaced: true };
    }
    const changed = (k: string) => !jsonEqual(oldProps[k], props[k]);
    if (changed('Description') || changed('KmsKeyId') || changed('SecretString') || changed('GenerateSecretString')) {
      await this.sm().send(new UpdateSecretCommand({
        SecretId: arn,
        Description: changed('Description') ? String(props.Description ?? '') : undefined,
        KmsKeyId: changed('KmsKeyId') && props.KmsKeyId !== undefined ? String(props.KmsKeyId) : undefined,
        SecretString: changed('SecretString') || changed('GenerateSecretString') ? this.valueOf(props) : undefined,
      }));
    }
    const oldTags = tagsOf(oldProps);
    const newTags = tagsOf(props);
    const removed = oldTags.filter((t) => !newTags.some((n) => n.Key === t.Key)).map((t) => t.Key);
    const set = newTags.filter((t) => !oldTags.some((o) => o.Key === t.Key && o.Value === t.Value));
    if (removed.length > 0) await this.sm().send(new UntagResourceCommand({ SecretId: arn, TagKeys: removed }));
    if (set.length > 0) await this.sm().send(new TagResourceCommand({ SecretId: arn, Tags: set }));
    return { arn, replaced: false };
  }

  async delete(arn: string): Promise<void> {
    try {
      await this.sm().send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException') return;
      throw err;
    }
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  private valueOf(props: JsonObject): string | undefined {
    if (props.SecretString !== undefined) return String(props.SecretString);
    if (props.GenerateSecretString !== undefined && typeof props.GenerateSecretString === 'object') {
      return generateSecretString(props.GenerateSecretString as JsonObject);
    }
    return undefined;
  }
}
