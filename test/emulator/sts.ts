// STS (awsQuery: form-encoded `Action=…&Version=2011-06-15`, XML answers): AssumeRole hands out
// temporary credentials of a role of emulator IAM whose trust policy allows the caller (the second
// account is reachable only this way), GetCallerIdentity says who signed. Written by hand from the
// STS API Reference.
import { KeyStore, Principal } from './credentials';
import { ServiceError } from './errors';
import { evaluatePolicy, parsePolicy } from './policy';
import { checkParams, MemberRule, xmlEscape } from './query';
import { EmulatorState, roleKey } from './state';

export interface StsContext {
  readonly keys: KeyStore;
  readonly state: EmulatorState;
  readonly principal: Principal;
  readonly now: Date;
  /** Adds a line to the request's log entry (why a policy refused, what was not modeled). */
  readonly note: (line: string) => void;
  /** With `enforceIam`: the caller's identity policies must allow the action on the resource (throws AccessDenied). */
  readonly authorizeCaller?: (action: string, resource: string) => void;
}

type Handler = (ctx: StsContext, params: URLSearchParams) => string;

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function validationError(message: string): ServiceError {
  return new ServiceError('ValidationError', message, 400);
}

const ROLE_ARN = /^arn:aws:iam::([0-9]{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

// Constraints of the STS API Reference, AssumeRole request parameters.
const ASSUME_ROLE_PARAMS: { readonly [name: string]: MemberRule } = {
  RoleArn: { required: true, min: 20, max: 2048 },
  RoleSessionName: { required: true, min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' },
  ExternalId: { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' },
  DurationSeconds: { range: [900, 43200] },
};

/** Condition keys a trust policy may test that the emulator models (IAM User Guide, "AWS global condition context keys", "AWS STS condition keys"). */
const TRUST_KEYS = ['sts:externalid', 'aws:principalarn', 'aws:principalaccount', 'sts:rolesessionname'];

/** "Role chaining limits your … role session to a maximum of one hour" (AssumeRole, DurationSeconds). */
const ROLE_CHAINING_MAX = 3600;

/**
 * AssumeRole as IAM decides it: the role must exist in its account, and its trust policy must allow
 * the caller (explicit Deny wins; Principal, Action and Condition as policy.ts models them). Every
 * refusal is the same AccessDenied 403, whether the role is missing, the principal is not trusted
 * or the external ID is wrong (IAM User Guide, "Troubleshoot IAM roles", "I can't assume a role":
 * one error for each of those causes); the log entry's `notes` say which it was.
 * The caller's own identity policy (needed for cross-account AssumeRole) is evaluated only with
 * the `enforceIam` option; without it the caller side is not evaluated.
 */
const AssumeRole: Handler = (ctx, params) => {
  checkParams(params, ASSUME_ROLE_PARAMS);
  const roleArn = params.get('RoleArn')!;
  const sessionName = params.get('RoleSessionName')!;
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw validationError(`${roleArn} is invalid`);
  const caller = ctx.principal;
  const denied = (why: string) => {
    ctx.note(why);
    return new ServiceError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  };
  // "Role names are case sensitive when you assume a role" ("Troubleshoot IAM roles"): the ARN must match exactly, path included.
  const role = ctx.state.roles.get(roleKey(m[1], m[2]));
  if (!role || role.arn !== roleArn) throw denied(`no role ${roleArn} in the emulator's IAM`);
  const trust = parsePolicy(role.assumeRolePolicyDocument, 'trust');
  const result = evaluatePolicy(trust, 'trust', {
    action: 'sts:AssumeRole',
    caller: { account: caller.account, arn: caller.arn, roleArn: caller.roleArn },
    keys: {
      'sts:externalid': params.get('ExternalId') ?? undefined,
      // "For IAM roles, the request context returns the ARN of the role, not the ARN of the user that assumed the role" (aws:PrincipalArn)
      'aws:principalarn': caller.roleArn ?? caller.arn,
      'aws:principalaccount': caller.account,
      'sts:rolesessionname': sessionName,
    },
    modeledKeys: TRUST_KEYS,
  });
  for (const n of result.notes) ctx.note(`trust policy of ${roleArn}: ${n}`);
  if (result.decision === 'explicitDeny') throw denied(`trust policy of ${roleArn}: explicit Deny (statement ${result.statement})`);
  if (result.decision === 'implicitDeny') throw denied(`trust policy of ${roleArn}: no statement allows ${caller.arn}`);
  ctx.authorizeCaller?.('sts:AssumeRole', roleArn);
  const duration = params.has('DurationSeconds') ? Number(params.get('DurationSeconds')) : 3600;
  // A role session assuming a role is role chaining (IAM User Guide, "Roles terms and concepts").
  if (caller.roleArn && duration > ROLE_CHAINING_MAX) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  // "If you specify a value higher than this setting …, the operation fails" (DurationSeconds).
  if (duration > role.maxSessionDuration) throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  const creds = ctx.keys.issue(role.arn, sessionName, duration, ctx.now, role.roleId);
  return [
    '    <Credentials>',
    `      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>`,
    `      <SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey>`,
    `      <SessionToken>${xmlEscape(creds.sessionToken!)}</SessionToken>`,
    `      <Expiration>${creds.expiration!.toISOString()}</Expiration>`,
    '    </Credentials>',
    '    <AssumedRoleUser>',
    `      <AssumedRoleId>${xmlEscape(creds.principal.userId)}</AssumedRoleId>`,
    `      <Arn>${xmlEscape(creds.principal.arn)}</Arn>`,
    '    </AssumedRoleUser>',
  ].join('\n');
};

const GetCallerIdentity: Handler = (ctx) => [
  `    <UserId>${xmlEscape(ctx.principal.userId)}</UserId>`,
  `    <Account>${ctx.principal.account}</Account>`,
  `    <Arn>${xmlEscape(ctx.principal.arn)}</Arn>`,
].join('\n');

export const STS_HANDLERS: { readonly [action: string]: Handler } = { AssumeRole, GetCallerIdentity };
