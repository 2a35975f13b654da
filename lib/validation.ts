// Synth-time checks of construct props against the IVS model's constraints (IVS_SHAPES), plus the
// combination rules the API documents. Unresolved tokens are skipped: only the deploy can check them.
// Every error names the prop and the offending value. Internal: not exported from index.ts.

import { Annotations, Arn, ArnFormat, Duration, RemovalPolicy, TagManager, Token, ValidationError } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IVS_SHAPES, type IvsShapeFacts } from './generated/ivs-model';

let partitions: readonly string[] | undefined;

/**
 * The partitions an ARN can name: every partition of aws-cdk-lib's region table (aws, aws-cn, aws-us-gov, the ISO
 * partitions, aws-eusc); an ARN's second part is its partition (IAM User Guide, IAM identifiers: ARNs). Read on
 * first use: loading the region table is most of this library's load time, and an app without ARNs never needs it.
 */
export function arnPartitions(): readonly string[] {
  partitions ??= [...new Set(RegionInfo.regions.map((r) => r.partition).filter((p): p is string => !!p))].sort();
  return partitions;
}

/**
 * The one place the model's ARN patterns are widened: they hard-code `arn:aws:`, but IVS in another partition has
 * ARNs of that partition, so `arn:aws:` becomes `arn:(<any of arnPartitions()>):`.
 */
export function anyPartition(pattern: string): string {
  return pattern.includes('arn:aws:') ? pattern.replace(/arn:aws:/g, `arn:(${arnPartitions().join('|')}):`) : pattern;
}

/** The error's name (aws-cdk-lib types it as a literal string). */
const ERROR_NAME = 'CdkIvsInvalidProp' as ConstructorParameters<typeof ValidationError>[0];

/** Throws aws-cdk-lib's ValidationError (Errors.isValidationError() is true) attached to `scope`. */
export function fail(scope: IConstruct, message: string): never {
  throw new ValidationError(ERROR_NAME, message, scope);
}

function shape(name: string): IvsShapeFacts {
  const facts = IVS_SHAPES[name];
  if (!facts) {
    throw new Error(`cdk-ivs: no shape '${name}' in the IVS model`);
  }
  return facts;
}

/** A value quoted for an error message (long values are cut). */
function quote(value: string): string {
  const shown = value.length > 200 ? `${value.slice(0, 200)}...` : value;
  return `'${shown}'`;
}

/** Human words for the model patterns that appear in prop errors. */
const PATTERN_WORDS: { [shapeName: string]: string } = {
  ChannelName: 'only letters, digits, hyphens and underscores',
  PlaybackKeyPairName: 'only letters, digits, hyphens and underscores',
  RecordingConfigurationName: 'only letters, digits, hyphens and underscores',
  PlaybackRestrictionPolicyName: 'only letters, digits, hyphens and underscores',
  ChannelArn: 'an IVS channel ARN (arn:<partition>:ivs:<region>:<account>:channel/<id>)',
  StreamKeyArn: 'an IVS stream key ARN (arn:<partition>:ivs:<region>:<account>:stream-key/<id>)',
  PlaybackKeyPairArn: 'an IVS playback key pair ARN (arn:<partition>:ivs:<region>:<account>:playback-key/<id>)',
  RecordingConfigurationArn: 'an IVS recording configuration ARN (arn:<partition>:ivs:<region>:<account>:recording-configuration/<id>)',
  ChannelRecordingConfigurationArn: 'an IVS recording configuration ARN (arn:<partition>:ivs:<region>:<account>:recording-configuration/<id>)',
  PlaybackRestrictionPolicyArn: 'an IVS playback restriction policy ARN (arn:<partition>:ivs:<region>:<account>:playback-restriction-policy/<id>)',
  ChannelPlaybackRestrictionPolicyArn: 'an IVS playback restriction policy ARN (arn:<partition>:ivs:<region>:<account>:playback-restriction-policy/<id>)',
  S3DestinationBucketName: 'a bucket name of lowercase letters, digits, dots and hyphens',
};

/**
 * Ad configuration ARNs are not in the bundled model (the SDK has the field, without a pattern); this
 * pattern follows the other IVS ARNs and IAM's `ad-configuration/${ResourceId}` resource type.
 */
const AD_CONFIGURATION_ARN = { pattern: '^arn:aws:ivs:[a-z0-9-]+:[0-9]+:ad-configuration/[a-zA-Z0-9-]+$', max: 128 };

/** Checks a string against a model shape's length and pattern. */
export function checkString(scope: IConstruct, prop: string, value: string | undefined, shapeName: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const facts = shape(shapeName);
  const min = facts.length?.min;
  const max = facts.length?.max;
  if (min !== undefined && value.length < min) {
    fail(scope, `${prop} must be at least ${min} characters long, got ${quote(value)}`);
  }
  if (max !== undefined && value.length > max) {
    fail(scope, `${prop} must be at most ${max} characters long, got ${value.length}: ${quote(value)}`);
  }
  const pattern = facts.pattern === undefined ? undefined : anyPartition(facts.pattern);
  if (pattern !== undefined && !new RegExp(pattern).test(value)) {
    const words = PATTERN_WORDS[shapeName] ?? `a string matching ${pattern}`;
    fail(scope, `${prop} must be ${words}, got ${quote(value)}`);
  }
}

/** Checks an ad configuration ARN (see AD_CONFIGURATION_ARN). */
export function checkAdConfigurationArn(scope: IConstruct, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length > AD_CONFIGURATION_ARN.max || !new RegExp(anyPartition(AD_CONFIGURATION_ARN.pattern)).test(value)) {
    fail(scope, `${prop} must be an IVS ad configuration ARN (arn:<partition>:ivs:<region>:<account>:ad-configuration/<id>), got ${quote(value)}`);
  }
}

/** Checks a value against a model enum (JavaScript callers can pass any string). */
export function checkEnum(scope: IConstruct, prop: string, value: string | undefined, shapeName: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const allowed = shape(shapeName).enum ?? [];
  if (!allowed.includes(value)) {
    fail(scope, `${prop} must be one of ${allowed.join(', ')}, got ${quote(String(value))}`);
  }
}

/** Checks a whole number against a model range. */
export function checkRange(scope: IConstruct, prop: string, value: number | undefined, shapeName: string, unit: string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const range = shape(shapeName).range ?? {};
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(scope, `${prop} must be a whole number of ${unit} from ${min} to ${max}, got ${value}`);
  }
}

/** Checks a Duration that IVS takes in whole seconds, against a model range. */
export function checkSeconds(scope: IConstruct, prop: string, value: Duration | undefined, shapeName: string): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const ms = value.toMilliseconds();
  if (ms % 1000 !== 0) {
    const range = shape(shapeName).range ?? {};
    fail(scope, `${prop} must be a whole number of seconds from ${range.min} to ${range.max}, got ${ms} milliseconds`);
  }
  checkRange(scope, prop, ms / 1000, shapeName, 'seconds');
}

/**
 * Checks the ARN given to a `fromXxxArn` importer: a literal against the model's shape; a token by
 * the parts of it that are known (service, resource type).
 */
export function checkImportedArn(scope: IConstruct, prop: string, arn: string, shapeName: string, resourceType: string, what: string): void {
  if (!Token.isUnresolved(arn)) {
    checkString(scope, prop, arn, shapeName);
    return;
  }
  const parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
  if (!Token.isUnresolved(parts.service) && parts.service !== 'ivs') {
    fail(scope, `${prop} must be an IVS ${what} ARN, got service '${parts.service}'`);
  }
  if (!Token.isUnresolved(parts.resource) && parts.resource !== resourceType) {
    fail(scope, `${prop} must be an IVS ${what} ARN, got resource type '${parts.resource}'`);
  }
}

/** Checks every member of a list against a string shape. */
export function checkStringList(scope: IConstruct, prop: string, values: string[] | undefined, memberShape: string): void {
  if (values === undefined || Token.isUnresolved(values)) {
    return;
  }
  values.forEach((value, i) => checkString(scope, `${prop}[${i}]`, value, memberShape));
}

/** Limits of a resource's tags beyond the model's. */
export interface TagRules {
  /** Most tags allowed (default: the model's 50). */
  readonly maxCount?: number;
  /** Keys the provider owns on this resource. */
  readonly reservedKeys?: readonly string[];
}

/** Errors of a tag map against the model (Tags, TagKey, TagValue) and the rules, without throwing. */
export function tagErrors(prop: string, tags: { [key: string]: string } | undefined, rules: TagRules = {}): string[] {
  if (tags === undefined) {
    return [];
  }
  const errors: string[] = [];
  const count = Object.keys(tags).length;
  const max = rules.maxCount ?? shape('Tags').length?.max ?? 50;
  if (count > max) {
    errors.push(`${prop} holds ${count} tags; IVS allows at most ${max} on this resource`);
  }
  const key = shape('TagKey').length ?? {};
  const value = shape('TagValue').length ?? {};
  for (const [k, v] of Object.entries(tags)) {
    if (Token.isUnresolved(k)) {
      continue;
    }
    if (k.length < (key.min ?? 1) || k.length > (key.max ?? 128)) {
      errors.push(`${prop}: tag key ${quote(k)} must be ${key.min ?? 1} to ${key.max ?? 128} characters long`);
    }
    // IVS's tags follow "Tag naming limits and requirements" (TagResource: "Amazon IVS has no service-specific
    // constraints beyond what is documented there"): key names can't begin with aws:, reserved for AWS use (Tag Editor
    // user guide, Service quotas), in any case (AWS General Reference, Tagging AWS resources: "aws:, AWS:, or any upper
    // or lowercase combination"). CloudFormation reserves it too (its own aws:cloudformation:* tags).
    if (k.toLowerCase().startsWith('aws:')) {
      errors.push(`${prop}: tag key ${quote(k)} starts with 'aws:', a prefix AWS reserves for its own tags`);
    }
    if (rules.reservedKeys?.includes(k)) {
      errors.push(`${prop}: tag key ${quote(k)} is reserved: the cdk-ivs provider sets it on the resources it creates`);
    }
    if (typeof v !== 'string') {
      errors.push(`${prop}: tag ${quote(k)} must have a string value, got ${String(v)}`);
    } else if (!Token.isUnresolved(v) && v.length > (value.max ?? 256)) {
      errors.push(`${prop}: the value of tag ${quote(k)} must be at most ${value.max ?? 256} characters long, got ${v.length}`);
    }
  }
  return errors;
}

/**
 * Checks, at synth (after aspects such as `Tags.of()` have run), the tags a TagManager renders: what the
 * props held and what `Tags.of()` added.
 */
export function checkRenderedTags(scope: IConstruct, manager: TagManager, rules: TagRules = {}): void {
  scope.node.addValidation({ validate: () => tagErrors('tags (after Tags.of)', manager.tagValues(), rules) });
}

/** Throws on the first error of a tag map (see tagErrors). */
export function checkTags(scope: IConstruct, prop: string, tags: { [key: string]: string } | undefined, rules: TagRules = {}): void {
  const errors = tagErrors(prop, tags, rules);
  if (errors.length > 0) {
    fail(scope, errors[0]);
  }
}

/**
 * A removal policy CloudFormation can apply: DeletionPolicy Snapshot is "for resources that support snapshots"
 * (CloudFormation User Guide, DeletionPolicy attribute: EC2 volumes, RDS, ElastiCache, Redshift, ...), which neither
 * custom resources nor AWS::IVS::* are.
 */
export function checkRemovalPolicy(scope: IConstruct, prop: string, policy: RemovalPolicy | undefined): void {
  if (policy === undefined) {
    return;
  }
  const allowed = [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE];
  if (!allowed.includes(policy)) {
    fail(scope, `${prop} must be RemovalPolicy.DESTROY, RETAIN or RETAIN_ON_UPDATE_OR_DELETE, got ${quote(String(policy))}`);
  }
}

/** The channel props that take part in combination rules (structural, to keep this module free of cycles). */
export interface ChannelRuleInput {
  readonly channelName?: string;
  readonly type?: string;
  readonly latencyMode?: string;
  readonly preset?: string;
  readonly containerFormat?: string;
  readonly multitrackInputConfiguration?: { readonly policy?: string; readonly maximumResolution?: string };
  readonly recordingConfigurationArn?: string;
  readonly playbackRestrictionPolicyArn?: string;
  readonly adConfigurationArn?: string;
  readonly removalPolicy?: RemovalPolicy;
}

const ADVANCED_TYPES = ['ADVANCED_SD', 'ADVANCED_HD'];

/** The Channel props against the model, and the documented combination rules (tags: createTagManager). */
export function checkChannel(scope: IConstruct, p: ChannelRuleInput): void {
  checkString(scope, 'channelName', p.channelName, 'ChannelName');
  checkEnum(scope, 'type', p.type, 'ChannelType');
  checkEnum(scope, 'latencyMode', p.latencyMode, 'ChannelLatencyMode');
  checkEnum(scope, 'preset', p.preset, 'TranscodePreset');
  checkEnum(scope, 'containerFormat', p.containerFormat, 'ContainerFormat');
  checkString(scope, 'recordingConfiguration', p.recordingConfigurationArn, 'ChannelRecordingConfigurationArn');
  checkString(scope, 'playbackRestrictionPolicy', p.playbackRestrictionPolicyArn, 'ChannelPlaybackRestrictionPolicyArn');
  checkAdConfigurationArn(scope, 'adConfigurationArn', p.adConfigurationArn);
  checkRemovalPolicy(scope, 'removalPolicy', p.removalPolicy);

  // MultitrackInputConfiguration: enabled only with STANDARD; then policy, maximumResolution and
  // containerFormat FRAGMENTED_MP4 are required.
  const mt = p.multitrackInputConfiguration;
  if (mt !== undefined) {
    if (p.type !== undefined && !Token.isUnresolved(p.type) && p.type !== 'STANDARD') {
      fail(scope, `multitrackInputConfiguration is only valid with type STANDARD, got type '${p.type}'`);
    }
    if (p.containerFormat !== undefined && !Token.isUnresolved(p.containerFormat) && p.containerFormat !== 'FRAGMENTED_MP4') {
      fail(scope, `multitrackInputConfiguration requires containerFormat FRAGMENTED_MP4, got containerFormat '${p.containerFormat}'`);
    }
    if (mt.policy === undefined) {
      fail(scope, 'multitrackInputConfiguration.policy is required (Policy.ALLOW or Policy.REQUIRE), got undefined');
    }
    if (mt.maximumResolution === undefined) {
      fail(scope, 'multitrackInputConfiguration.maximumResolution is required (MaximumResolution.SD, HD or FULL_HD), got undefined');
    }
    checkEnum(scope, 'multitrackInputConfiguration.policy', mt.policy, 'MultitrackPolicy');
    checkEnum(scope, 'multitrackInputConfiguration.maximumResolution', mt.maximumResolution, 'MultitrackMaximumResolution');
  }
}

/**
 * The preset to send. CreateChannel: a preset "is selectable only for ADVANCED_HD and ADVANCED_SD channel types ... For
 * other channel types (BASIC and STANDARD), preset is the empty string". With another type the preset is not sent and
 * a warning names it, as @aws-cdk/aws-ivs-alpha keeps such code working (it writes an empty preset, and its integration
 * test expects IVS to report none). A token type or preset is sent as given.
 */
export function presetToSend(scope: IConstruct, preset: string | undefined, type: string | undefined): string | undefined {
  if (preset === undefined || Token.isUnresolved(preset) || (type !== undefined && Token.isUnresolved(type))) return preset;
  if (ADVANCED_TYPES.includes(type ?? 'STANDARD')) return preset;
  Annotations.of(scope).addWarningV2('cdk-ivs:presetIgnored', `preset '${preset}' is not sent: IVS selects a preset only for type ADVANCED_SD or `
    + `ADVANCED_HD, and type is '${type ?? 'STANDARD (default)'}', whose channels have no preset. Remove preset, or choose an ADVANCED type`);
  return undefined;
}

/** STS: an external ID is 2 to 1224 characters of `[\w+=,.@:/-]` (AssumeRole API reference). */
export function checkExternalId(scope: IConstruct, externalId: string | undefined): void {
  if (externalId === undefined || Token.isUnresolved(externalId)) return;
  if (externalId.length < 2 || externalId.length > 1224 || !/^[\w+=,.@:/-]*$/.test(externalId)) {
    fail(scope, `externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-_, got '${externalId.slice(0, 40)}'`);
  }
}
