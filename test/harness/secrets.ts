/**
 * `AWS::SecretsManager::Secret` as CloudFormation's resource handler would drive it, through the
 * Secrets Manager API of the endpoint the harness is given (the emulator): CreateSecret with the
 * template's Name (else `<LogicalId>-<12 random characters>`), Description, KmsKeyId, SecretString
 * or GenerateSecretString and Tags; Ref = the ARN (also `Fn::GetAtt Id`). Update: a new Name is a
 * replacement (createOnly in the schema, decided by the deployment); Description / KmsKeyId /
 * value changes go through UpdateSecret, tags through TagResource / UntagResource. Delete:
 * DeleteSecret with ForceDeleteWithoutRecovery (nothing left behind).
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
import { NotFoundError, type ProviderSettings, type Provisioned, type ResourceProvider, tagChanges, tagList } from './simulated';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

function randomString(length: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** GenerateSecretString, done locally as CloudFormation would with GetRandomPassword. */
export function generateSecretString(spec: JsonObject): string {
  // Booleans arrive typed (validated against the schema) or as strings.
  const on = (k: string) => spec[k] === true || spec[k] === 'true';
  let alphabet = '';
  if (!on('ExcludeUppercase')) alphabet += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (!on('ExcludeLowercase')) alphabet += 'abcdefghijklmnopqrstuvwxyz';
  if (!on('ExcludeNumbers')) alphabet += '0123456789';
  if (!on('ExcludePunctuation')) alphabet += PUNCTUATION;
  if (on('IncludeSpace')) alphabet += ' ';
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

const secret = (arn: string): Provisioned => ({ physicalId: arn, attributes: { Id: arn } });

/** The Secrets Manager client of CloudFormation's handler, and the provider of AWS::SecretsManager::Secret. */
export class SecretsResources {
  private client?: SecretsManagerClient;

  constructor(private readonly settings: ProviderSettings) {}

  private sm(): SecretsManagerClient {
    const endpoint = this.settings.endpointFor('SECRETS_MANAGER');
    if (!endpoint) {
      throw new Error('the harness has no Secrets Manager endpoint (options.endpoint or options.serviceEndpoints.SECRETS_MANAGER); it never calls real AWS');
    }
    this.client ??= new SecretsManagerClient({ region: this.settings.region, endpoint, credentials: this.settings.credentials, maxAttempts: 8 });
    return this.client;
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  providers(): Record<string, ResourceProvider> {
    return {
      'AWS::SecretsManager::Secret': {
        create: async (ctx, props) => {
          const name = props.Name !== undefined ? String(props.Name) : `${ctx.logicalId.slice(0, 40)}-${randomString(12, ALNUM)}`;
          const tags = tagList(props);
          const out = await this.sm().send(new CreateSecretCommand({
            Name: name,
            Description: props.Description === undefined ? undefined : String(props.Description),
            KmsKeyId: props.KmsKeyId === undefined ? undefined : String(props.KmsKeyId),
            SecretString: valueOf(props),
            Tags: tags.length > 0 ? tags : undefined,
            ClientRequestToken: randomBytes(16).toString('hex'),
          }));
          return secret(String(out.ARN));
        },
        update: async (_ctx, current, oldProps, props) => {
          const arn = current.physicalId;
          const changed = (k: string) => !jsonEqual(oldProps[k], props[k]);
          if (changed('Description') || changed('KmsKeyId') || changed('SecretString') || changed('GenerateSecretString')) {
            await this.sm().send(new UpdateSecretCommand({
              SecretId: arn,
              Description: changed('Description') ? String(props.Description ?? '') : undefined,
              KmsKeyId: changed('KmsKeyId') && props.KmsKeyId !== undefined ? String(props.KmsKeyId) : undefined,
              SecretString: changed('SecretString') || changed('GenerateSecretString') ? valueOf(props) : undefined,
            }));
          }
          const { removed, set } = tagChanges(oldProps, props);
          if (removed.length > 0) await this.sm().send(new UntagResourceCommand({ SecretId: arn, TagKeys: removed }));
          if (set.length > 0) await this.sm().send(new TagResourceCommand({ SecretId: arn, Tags: set }));
          return current;
        },
        delete: async (_ctx, current) => {
          try {
            await this.sm().send(new DeleteSecretCommand({ SecretId: current.physicalId, ForceDeleteWithoutRecovery: true }));
          } catch (err) {
            if (err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException') throw new NotFoundError((err as Error).message, err);
            throw err;
          }
        },
      },
    };
  }
}

function valueOf(props: JsonObject): string | undefined {
  if (props.SecretString !== undefined) return String(props.SecretString);
  if (props.GenerateSecretString !== undefined && typeof props.GenerateSecretString === 'object') {
    return generateSecretString(props.GenerateSecretString as JsonObject);
  }
  return undefined;
}
