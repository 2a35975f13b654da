/// <reference types="node" />
// The one provider of a stack (a CustomResourceProvider singleton with aws-cdk-lib's response
// wrapper), the custom resources that use it, and the secrets they write. Internal: not exported from
// index.ts.

import * as path from 'path';
import {
  Aws,
  CfnTag,
  CfnResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Duration,
  Lazy,
  RemovalPolicy,
  Size,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import { CfnSecret, ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { CLAIM_PREFIX, FIELDS, REQUEST_TAG, RESOURCE_TYPES, ResourceKind, SECRET_OWNER_TAG } from './contract';
import { CLAIM_ACTIONS, OWN_SECRET_ACTIONS, resourceArns, statementsByResourceType } from './iam-reference';
import { checkRenderedTags, checkTags } from './validation';

/** Construct id of the provider, a child of the stack. */
export const PROVIDER_ID = 'CdkIvsProvider';

/** The bundled handler (made by scripts/bundle-handler.js), relative to this file in lib/. */
export const HANDLER_CODE_DIRECTORY = path.join(__dirname, '..', 'assets', 'provider');

/** Lambda timeout of the provider. */
export const PROVIDER_TIMEOUT = Duration.minutes(5);

/** Memory of the provider: more than the 128 MiB default buys CPU for the SDK's cold start. */
export const PROVIDER_MEMORY = Size.mebibytes(256);

/** How long CloudFormation waits for an answer before it fails the resource. */
export const SERVICE_TIMEOUT = Duration.minutes(10);

/**
 * The handler's IVS actions as raw IAM JSON, one statement per IVS resource type, each action on exactly the resource
 * types the Service Authorization Reference lists for it (lib/iam-reference.ts), on the ARNs of an account (default:
 * the stack's) in `regions` (default: the stack's). `actions` keeps a subset (IvsCrossAccountRole's LOOKUP).
 */
export function ivsStatements(options: { regions?: string[]; account?: string; actions?: (action: string) => boolean } = {}): any[] {
  const regions = options.regions ?? [Aws.REGION];
  return statementsByResourceType('ivs', options.actions).map((statement) => ({
    Sid: statement.sid,
    Effect: 'Allow',
    Action: statement.actions,
    Resource: regions.map((region) => resourceArns(statement.type, region, options.account)),
  }));
}

/**
 * The provider role's statements (raw IAM JSON, as CustomResourceProvider takes them): the IVS statements; the
 * handler's Secrets Manager actions on secrets of the stack's account and region tagged with this stack's ID (the
 * secrets these constructs create; the reference lists the `secretsmanager:ResourceTag/tag-key` condition key for
 * each); and its claims (lambda/claim.ts), by name: those under CLAIM_PREFIX/<this stack's name>/.
 */
export function providerPolicyStatements(): any[] {
  return [
    ...ivsStatements(),
    ...statementsByResourceType('secretsmanager', (action) => OWN_SECRET_ACTIONS.includes(action)).map((statement) => ({
      Sid: statement.sid,
      Effect: 'Allow',
      Action: statement.actions,
      Resource: resourceArns(statement.type),
      Condition: { StringEquals: { [`secretsmanager:ResourceTag/${SECRET_OWNER_TAG}`]: Aws.STACK_ID } },
    })),
    ...statementsByResourceType('secretsmanager', (action) => CLAIM_ACTIONS.includes(action)).map((statement) => ({
      Sid: 'OwnClaims',
      Effect: 'Allow',
      Action: statement.actions,
      Resource: resourceArns(statement.type, Aws.REGION, Aws.ACCOUNT_ID, `${CLAIM_PREFIX}/${Aws.STACK_NAME}/*`),
    })),
  ];
}

/**
 * The stack's provider. The props, policy statements included, apply only when the provider is first
 * created; later calls return the same provider.
 */
export function getOrCreateProvider(scope: Construct): CustomResourceProvider {
  const stack = Stack.of(scope);
  // Found first: the props (the policy statements most of all) are worth building only once per stack.
  const existing = stack.node.tryFindChild(`${PROVIDER_ID}CustomResourceProvider`); // the id getOrCreateProvider gives it
  if (existing instanceof CustomResourceProvider) return existing;
  return CustomResourceProvider.getOrCreateProvider(stack, PROVIDER_ID, {
    codeDirectory: HANDLER_CODE_DIRECTORY,
    runtime: CustomResourceProviderRuntime.NODEJS_24_X,
    timeout: PROVIDER_TIMEOUT,
    memorySize: PROVIDER_MEMORY,
    description: 'cdk-ivs: Amazon IVS channels, stream keys and playback key pairs',
    policyStatements: providerPolicyStatements(),
  });
}

/** What each stack's provider was granted beyond its base policy (sts:AssumeRole on roles, IVS in regions). */
const EXTRA_GRANTS = new WeakMap<Stack, Set<string>>();

/**
 * Adds a statement to the stack provider's policy once (`key` tells statements apart), e.g. sts:AssumeRole
 * on one role, or the IVS statements of another region.
 */
export function grantProviderOnce(scope: Construct, key: string, statements: () => any[]): void {
  const stack = Stack.of(scope);
  const granted = EXTRA_GRANTS.get(stack) ?? new Set<string>();
  EXTRA_GRANTS.set(stack, granted);
  if (granted.has(key)) return;
  granted.add(key);
  const provider = getOrCreateProvider(stack);
  for (const statement of statements()) provider.addToRolePolicy(statement);
}

/** The contract's property names of one resource kind, besides CodeHash (which is always set). */
export type IvsResourceProperties<K extends ResourceKind> = {
  readonly [F in Exclude<keyof (typeof FIELDS)[K], 'CodeHash'>]?: unknown;
};

/** Options of createIvsResource. */
export interface IvsResourceOptions<K extends ResourceKind> {
  readonly kind: K;
  readonly properties: IvsResourceProperties<K>;
  readonly removalPolicy?: RemovalPolicy;
}

/** A cdk-ivs custom resource: the CfnResource itself (the construct's `node.defaultChild`), with its attributes as strings. */
export class IvsCfnResource extends CfnResource {
  /** The attribute `name` as a string token. */
  getAttString(name: string): string {
    return Token.asString(this.getAtt(name));
  }
}

/**
 * A cdk-ivs custom resource served by the stack's provider: its resource type, the provider's code
 * hash (a handler fix reaches existing resources), and a 10-minute service timeout. It renders what
 * aws-cdk-lib's CustomResource does, without that wrapper construct (a third less synth time per resource).
 */
export function createIvsResource<K extends ResourceKind>(scope: Construct, id: string, options: IvsResourceOptions<K>): IvsCfnResource {
  const provider = getOrCreateProvider(scope);
  const resource = new IvsCfnResource(scope, id, {
    type: RESOURCE_TYPES[options.kind],
    properties: {
      ServiceToken: provider.serviceToken,
      ServiceTimeout: SERVICE_TIMEOUT.toSeconds().toString(),
      CodeHash: provider.codeHash,
      ...options.properties,
    },
  });
  resource.applyRemovalPolicy(options.removalPolicy, { default: RemovalPolicy.DESTROY });
  return resource;
}

/** A secret created without a value for the handler to write, and its ISecret view. */
export interface OwnedSecret {
  readonly resource: CfnSecret;
  readonly secret: ISecret;
}

/** Priority of the owner tag: above Tags.of() (100), so no aspect can change or remove it. */
const OWNER_TAG_PRIORITY = 1000;

/**
 * A secret with no value (no SecretString, no GenerateSecretString), tagged with the stack's ID so
 * the provider may write it and no other secret.
 */
export function createOwnedSecret(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): OwnedSecret {
  const resource = new CfnSecret(scope, id, { description });
  resource.tags.setTag(SECRET_OWNER_TAG, Aws.STACK_ID, OWNER_TAG_PRIORITY);
  // Tags.of() reaches the secret too; the same naming rules hold for Secrets Manager's tags (see tagErrors).
  checkRenderedTags(resource, resource.tags);
  resource.applyRemovalPolicy(removalPolicy);
  // cdk-nag reads suppressions from this metadata (what NagSuppressions writes), so the library needs no cdk-nag.
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [{
      id: 'AwsSolutions-SMG4',
      reason: 'No Secrets Manager rotation: the value is made by IVS or by the provider (a stream key, an SRT passphrase, a playback '
        + 'private key), so a rotation Lambda cannot change it; StreamKey `rotation` replaces the key and the provider rewrites the secret.',
    }],
  });
  const secret = Secret.fromSecretAttributes(scope, `${id}Ref`, { secretCompleteArn: resource.ref });
  return { resource, secret };
}

/**
 * What a Channel or StreamKey offers of its stream key: a secret created on first use, and the
 * value in the response Data (with NoEcho) only once the app references it.
 */
export class StreamKeyAccess {
  private owned?: OwnedSecret;
  private valueReferenced = false;

  constructor(private readonly scope: Construct, private readonly description: string, private removalPolicy: RemovalPolicy) {}

  /** The SecretArn and ExposeStreamKeyValue properties; each is omitted until used. */
  properties(): { SecretArn: string; ExposeStreamKeyValue: unknown } {
    return {
      SecretArn: Lazy.string({ produce: () => this.owned?.resource.ref }),
      ExposeStreamKeyValue: Lazy.any({ produce: () => (this.valueReferenced ? true : undefined) }),
    };
  }

  /** The secret, created now if it does not exist yet. */
  secret(): ISecret {
    this.owned ??= createOwnedSecret(this.scope, 'Secret', this.description, this.removalPolicy);
    return this.owned.secret;
  }

  /** The value attribute of `resource`; referencing it makes the provider return the value. */
  value(resource: IvsCfnResource, attribute: string): string {
    this.valueReferenced = true;
    return resource.getAttString(attribute);
  }

  /** The secret follows its resource's removal policy. */
  applyRemovalPolicy(policy: RemovalPolicy): void {
    this.owned?.resource.applyRemovalPolicy(policy);
    this.removalPolicy = policy;
  }
}

/**
 * The tags IVS allows (50) less the request tag the provider adds to what it creates, which is
 * reserved: a user's value would be overwritten.
 */
const TAG_RULES = { maxCount: 49, reservedKeys: [REQUEST_TAG] };

/**
 * A TagManager (map form) for a custom resource, seeded with the `tags` prop; `Tags.of(scope)` adds
 * to it. The rendered map is checked against the model and TAG_RULES after aspects have run.
 */
export function createTagManager(scope: IConstruct, kind: ResourceKind, tags: { [key: string]: string } | undefined): TagManager {
  checkTags(scope, 'tags', tags, TAG_RULES);
  const manager = new TagManager(TagType.MAP, RESOURCE_TYPES[kind], tags);
  checkRenderedTags(scope, manager, TAG_RULES);
  return manager;
}

/** The Tags property: the TagManager's map, omitted when empty. */
export function renderTags(manager: TagManager): unknown {
  return Lazy.any({ produce: () => manager.renderTags() });
}

/** A tag map as CloudFormation's tag list (for the L1-backed constructs). */
export function toCfnTags(tags: { [key: string]: string } | undefined): CfnTag[] | undefined {
  return tags === undefined ? undefined : Object.entries(tags).map(([key, value]) => ({ key, value }));
}
