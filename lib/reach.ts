// How a construct's target (CrossAccountProps, or its channel's) becomes its custom resource's
// RoleArn / ExternalId / Region properties and its provider's permissions. Internal.

import { Annotations, Arn, ArnFormat, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';
import type { CrossAccountProps } from './cross-account';
import { grantProviderOnce, ivsStatements } from './provider';
import { anyPartition, checkExternalId, fail } from './validation';

/** A construct's target, resolved: the role the provider assumes and the region it calls. */
export interface Reach {
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly region?: string;
}

/** The targets of channels (created, imported or looked up), for the StreamKeys and lookups that use them. */
const REACH = new WeakMap<IConstruct, Reach>();

export function setReach(construct: IConstruct, reach: Reach): void {
  REACH.set(construct, reach);
}

/** A channel's target; for a channel made elsewhere (any IChannel), the region of its ARN. */
export function reachOf(channel: IConstruct & { readonly channelArn: string }): Reach {
  return REACH.get(channel) ?? { region: concreteArnPart(channel.channelArn, 'region') };
}

/** The target of a construct from its props, with the region of an ARN it acts on as the default. */
export function reachFrom(props: CrossAccountProps, arn?: string): Reach {
  return { roleArn: props.assumedRoleArn, externalId: props.externalId, region: props.region ?? concreteArnPart(arn, 'region') };
}

/**
 * The account or region of a literal ARN (undefined for a token, an empty part, or a string that is no
 * ARN, which the construct's own checks then name).
 */
export function concreteArnPart(arn: string | undefined, part: 'account' | 'region'): string | undefined {
  if (arn === undefined || Token.isUnresolved(arn) || !/^arn:([^:]*:){4}[^:]/.test(arn)) return undefined;
  const value = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME)[part];
  return value && !Token.isUnresolved(value) ? value : undefined;
}

/** Whether two strings are known to differ at synth (both concrete). */
function differ(a: string | undefined, b: string): boolean {
  return a !== undefined && Token.compareStrings(a, b) === TokenComparison.DIFFERENT;
}

/**
 * Warns at synth when `arn` is in another account than the stack's and no role reaches it: the provider
 * would fail there with AccessDenied.
 */
export function warnIfUnreachable(scope: IConstruct, arn: string, reach: Reach): void {
  const account = concreteArnPart(arn, 'account');
  const stackAccount = Stack.of(scope).account;
  if (reach.roleArn === undefined && differ(account, stackAccount)) {
    Annotations.of(scope).addWarningV2('cdk-ivs:unreachableAccount', `${arn} is in account ${account}, but this stack's cdk-ivs provider runs `
      + `in account ${stackAccount} and cannot reach it: give assumedRoleArn (a role in account ${account}, e.g. an IvsCrossAccountRole)`);
  }
}

/**
 * The RoleArn / ExternalId / Region properties of a construct's custom resource, and the permissions
 * its provider needs to get there: sts:AssumeRole on exactly that role, or the IVS statements of another
 * region of its own account. Region is omitted when it is the stack's. `arn` is an ARN the
 * resource acts on (e.g. its channel's), checked against the target.
 */
export function targetProperties(scope: Construct, reach: Reach, arn?: string): { RoleArn?: string; ExternalId?: string; Region?: string } {
  const stack = Stack.of(scope);
  const { roleArn, externalId } = reach;
  const region = reach.region !== undefined && Token.compareStrings(reach.region, stack.region) === TokenComparison.SAME ? undefined : reach.region;
  checkExternalId(scope, externalId);
  if (externalId !== undefined && roleArn === undefined) fail(scope, 'externalId is only used with assumedRoleArn, got no assumedRoleArn');
  // Region names: two to four letters first (aws-cdk-lib's region table has eusc-de-east-1 beside us-west-2).
  if (region !== undefined && !Token.isUnresolved(region) && !/^[a-z]{2,4}(-[a-z]+)+-[0-9]$/.test(region)) {
    fail(scope, `region must be an AWS region such as us-west-2, got '${region}'`);
  }
  if (roleArn !== undefined && !Token.isUnresolved(roleArn) && !new RegExp(anyPartition('^arn:aws:iam::[0-9]{12}:role/[\\w+=,.@/-]+$')).test(roleArn)) {
    fail(scope, `assumedRoleArn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>), got '${roleArn}'`);
  }
  // "The API is an AWS regional service" (IVS API reference, Introduction): a resource is served in the region of its ARN.
  const arnRegion = concreteArnPart(arn, 'region');
  if (arnRegion !== undefined && reach.region !== undefined && differ(reach.region, arnRegion)) {
    fail(scope, `${arn} is in region ${arnRegion}, but region is ${reach.region}`);
  }
  const arnAccount = concreteArnPart(arn, 'account');
  const roleAccount = concreteArnPart(roleArn, 'account');
  if (roleAccount !== undefined && arnAccount !== undefined && roleAccount !== arnAccount) {
    fail(scope, `${arn} is in account ${arnAccount}, but assumedRoleArn ${roleArn} is a role of account ${roleAccount}`);
  }
  if (roleArn !== undefined) {
    grantProviderOnce(scope, `role ${roleArn}`, () => [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }]);
  } else if (region !== undefined) {
    grantProviderOnce(scope, `region ${region}`, () => ivsStatements({ regions: [region] }).map(({ Sid: _sid, ...statement }) => statement));
  }
  return { RoleArn: roleArn, ExternalId: externalId, Region: region };
}
