/**
 * `AWS::IAM::Role` and `AWS::IAM::Policy` as CloudFormation's resource handlers drive IAM, here
 * through the endpoint the harness is given (the emulator) with CloudFormation's credentials.
 * IAM has one global endpoint, signed for us-east-1, whatever the stack's region.
 *
 * - Role: Ref = the role name, GetAtt Arn and RoleId (user guide, aws-resource-iam-role). Without
 *   RoleName, "CloudFormation generates a unique physical ID and uses that ID for the role name"
 *   (RoleName, spec db): `<stack name>-<logical id>-<12 random characters>` (the user guide's Name
 *   type page shows the shape: stack123123123123-s3bucket-abcdefghijk1), at most 64 characters
 *   ("A name for the IAM role, up to 64 characters in length"). RoleName and Path are createOnly.
 *   Create: CreateRole, then PutRolePolicy for each of `Policies`. Update: UpdateAssumeRolePolicy,
 *   UpdateRole (Description, MaxSessionDuration), TagRole / UntagRole, PutRolePolicy /
 *   DeleteRolePolicy by policy name. Delete: the role's inline policies first ("when you delete a
 *   role programmatically, you must delete the items attached to the role manually, or the
 *   deletion fails", DeleteRole), then DeleteRole. ManagedPolicyArns and PermissionsBoundary are
 *   kept in the properties but not sent (the emulator has no managed policies).
 * - Policy: PutRolePolicy of PolicyName / PolicyDocument on each of `Roles`; Ref = its Id (the
 *   schema's primary identifier, "the stable and unique string identifying the policy"), made up
 *   here as `<stack>-<logical id>-<12 random characters>`. An update moves the policy between roles
 *   or names; a delete removes it from every role. Groups and Users are refused (no IAM users or
 *   groups in the emulator).
 * Policy documents given as JSON objects are sent as JSON text: "CloudFormation always converts a
 * policy to JSON format before submitting it to IAM" (user guide, aws-resource-iam-policy).
 */
import { randomInt } from 'node:crypto';
import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, IAMClient, ListRolePoliciesCommand, PutRolePolicyCommand, TagRoleCommand,
  UntagRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { type Json, type JsonObject, jsonEqual } from './intrinsics';
import { NotFoundError, type ProviderSettings, type Provisioned, ProvisionError, type ResourceProvider, tagChanges, tagList } from './simulated';

/** IAM's signing region (its one global endpoint). */
export const IAM_REGION = 'us-east-1';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `<stack>-<logical id>-<12 random>`, the first two shortened so the whole fits in `max`. */
export function generatedName(stackName: string, logicalId: string, max: number): string {
  const random = Array.from({ length: 12 }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('');
  const room = max - random.length - 2;
  const logical = logicalId.slice(0, Math.max(Math.floor(room / 2), room - stackName.length));
  const stack = stackName.slice(0, room - logical.length);
  return `${stack}-${logical}-${random}`;
}

const policyText = (doc: Json | undefined): string => (typeof doc === 'string' ? doc : JSON.stringify(doc ?? {}));

type InlinePolicy = { name: string; document: string };
const inlinePolicies = (props: JsonObject): InlinePolicy[] =>
  Array.isArray(props.Policies) ? (props.Policies as JsonObject[]).map((p) => ({ name: String(p.PolicyName), document: policyText(p.PolicyDocument) })) : [];

const isNoSuchEntity = (err: unknown) => (err as Error).name === 'NoSuchEntityException' || (err as Error).name === 'NoSuchEntity';
const strings = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);

export class IamResources {
  private client?: IAMClient;

  constructor(private readonly settings: ProviderSettings) {}

  iam(): IAMClient {
    const endpoint = this.settings.endpointFor('IAM');
    if (!endpoint) throw new Error('the harness has no IAM endpoint (options.endpoint or options.serviceEndpoints.IAM); it never calls real AWS');
    this.client ??= new IAMClient({ region: IAM_REGION, endpoint, credentials: this.settings.credentials, maxAttempts: 8 });
    return this.client;
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  providers(): Record<string, ResourceProvider> {
    return { 'AWS::IAM::Role': this.role(), 'AWS::IAM::Policy': this.policy() };
  }

  private role(): ResourceProvider {
    const putPolicies = async (roleName: string, oldProps: JsonObject, props: JsonObject) => {
      const before = inlinePolicies(oldProps);
      const after = inlinePolicies(props);
      for (const p of after) {
        if (before.some((b) => b.name === p.name && b.document === p.document)) continue;
        await this.iam().send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: p.name, PolicyDocument: p.document }));
      }
      for (const b of before) {
        if (!after.some((p) => p.name === b.name)) await this.iam().send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: b.name }));
      }
    };
    return {
      create: async (ctx, props) => {
        const name = props.RoleName !== undefined ? String(props.RoleName) : generatedName(ctx.stackName, ctx.logicalId, 64);
        const tags = tagList(props);
        const out = await this.iam().send(new CreateRoleCommand({
          RoleName: name,
          Path: props.Path === undefined ? undefined : String(props.Path),
          AssumeRolePolicyDocument: policyText(props.AssumeRolePolicyDocument),
          Description: props.Description === undefined ? undefined : String(props.Description),
          MaxSessionDuration: props.MaxSessionDuration === undefined ? undefined : Number(props.MaxSessionDuration),
          Tags: tags.length > 0 ? tags : undefined,
        }));
        const made: Provisioned = { physicalId: name, attributes: { Arn: out.Role!.Arn!, RoleId: out.Role!.RoleId! } };
        try {
          await putPolicies(name, {}, props);
        } catch (err) {
          throw new ProvisionError((err as Error).message, made.physicalId, made.attributes, err);
        }
        return made;
      },
      update: async (_ctx, current, oldProps, props) => {
        const name = current.physicalId;
        const changed = (k: string) => !jsonEqual(oldProps[k], props[k]);
        if (changed('AssumeRolePolicyDocument')) {
          await this.iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: policyText(props.AssumeRolePolicyDocument) }));
        }
        if (changed('Description') || changed('MaxSessionDuration')) {
          const reset = this.settings.removedProperties === 'reset';
          // Removed: Description "" and MaxSessionDuration "the default value of one hour" (schema) under `reset`.
          const description = props.Description !== undefined ? String(props.Description) : reset ? '' : undefined;
          const duration = props.MaxSessionDuration !== undefined ? Number(props.MaxSessionDuration) : reset ? 3600 : undefined;
          if (description !== undefined || duration !== undefined) {
            await this.iam().send(new UpdateRoleCommand({
              RoleName: name, ...(changed('Description') ? { Description: description } : {}), ...(changed('MaxSessionDuration') ? { MaxSessionDuration: duration } : {}),
            }));
          }
        }
        const { removed, set } = tagChanges(oldProps, props);
        if (removed.length > 0) await this.iam().send(new UntagRoleCommand({ RoleName: name, TagKeys: removed }));
        if (set.length > 0) await this.iam().send(new TagRoleCommand({ RoleName: name, Tags: set }));
        await putPolicies(name, oldProps, props);
        return current;
      },
      delete: async (_ctx, current) => {
        const name = current.physicalId;
        try {
          let marker: string | undefined;
          do {
            const page = await this.iam().send(new ListRolePoliciesCommand({ RoleName: name, Marker: marker }));
            for (const p of page.PolicyNames ?? []) await this.iam().send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: p }));
            marker = page.IsTruncated ? page.Marker : undefined;
          } while (marker);
          await this.iam().send(new DeleteRoleCommand({ RoleName: name }));
        } catch (err) {
          if (isNoSuchEntity(err)) throw new NotFoundError((err as Error).message, err);
          throw err;
        }
      },
    };
  }

  private policy(): ResourceProvider {
    const checkTargets = (props: JsonObject) => {
      if (strings(props.Groups).length > 0 || strings(props.Users).length > 0) {
        throw new Error('harness: AWS::IAM::Policy Groups and Users are not simulated (the emulator\'s IAM has roles only)');
      }
    };
    const put = (role: string, props: JsonObject) =>
      this.iam().send(new PutRolePolicyCommand({ RoleName: role, PolicyName: String(props.PolicyName), PolicyDocument: policyText(props.PolicyDocument) }));
    /** Removes the policy from a role; false when the role or the policy is gone already. */
    const remove = async (role: string, policyName: string): Promise<boolean> => {
      try {
        await this.iam().send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
        return true;
      } catch (err) {
        if (isNoSuchEntity(err)) return false;
        throw err;
      }
    };
    return {
      create: async (ctx, props) => {
        checkTargets(props);
        const id = generatedName(ctx.stackName, ctx.logicalId, 128);
        const done: string[] = [];
        try {
          for (const role of strings(props.Roles)) {
            await put(role, props);
            done.push(role);
          }
        } catch (err) {
          if (done.length === 0) throw err;
          throw new ProvisionError((err as Error).message, id, { Id: id }, err);
        }
        return { physicalId: id, attributes: { Id: id } };
      },
      update: async (_ctx, current, oldProps, props) => {
        checkTargets(props);
        const oldRoles = strings(oldProps.Roles);
        const newRoles = strings(props.Roles);
        const renamed = !jsonEqual(oldProps.PolicyName, props.PolicyName);
        const docChanged = !jsonEqual(oldProps.PolicyDocument, props.PolicyDocument);
        for (const role of newRoles) {
          if (renamed || docChanged || !oldRoles.includes(role)) await put(role, props);
        }
        for (const role of oldRoles) {
          if (renamed || !newRoles.includes(role)) await remove(role, String(oldProps.PolicyName));
        }
        return current;
      },
      delete: async (_ctx, _current, props) => {
        const roles = strings(props.Roles);
        let removed = 0;
        for (const role of roles) if (await remove(role, String(props.PolicyName))) removed++;
        if (roles.length > 0 && removed === 0) throw new NotFoundError(`The policy ${String(props.PolicyName)} is on none of its roles`);
      },
    };
  }
}
