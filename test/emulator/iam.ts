// IAM roles (awsQuery: form-encoded `Action=…&Version=2010-05-08`, XML answers), per account, on
// the same endpoint as STS (told apart by the SigV4 scope's service name, `iam`). Written by hand
// from the IAM API Reference: CreateRole, GetRole, DeleteRole, UpdateAssumeRolePolicy,
// PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies; their parameter constraints
// and errors (EntityAlreadyExists 409, NoSuchEntity 404, MalformedPolicyDocument 400,
// ValidationError 400, DeleteConflict 409, LimitExceeded 409).
import { SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, TEST_ACCOUNT_ID } from './credentials';
import { ServiceError } from './errors';
import { randomChars, UPPER_ALNUM } from './ids';
import { parsePolicy } from './policy';
import { checkParams, memberList, MemberRule, xmlElement } from './query';
import { EmulatorState, roleKey, RoleRecord } from './state';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/**
 * Roles the emulator seeds (a fixture, not AWS behaviour): SECOND_ACCOUNT_ROLE_ARN, trusting every
 * principal of TEST_ACCOUNT_ID to call sts:AssumeRole, so tests can reach the second account.
 */
export const FIXTURE_ROLES: readonly RoleRecord[] = [{
  arn: SECOND_ACCOUNT_ROLE_ARN,
  account: SECOND_ACCOUNT_ID,
  name: SECOND_ACCOUNT_ROLE_ARN.split('/').pop()!,
  path: '/',
  roleId: 'AROAEMULATORFIXTURE01',
  createDate: new Date('2024-01-01T00:00:00Z'),
  assumeRolePolicyDocument: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' }],
  }),
  description: 'cdk-ivs emulator fixture: the first account may assume this role',
  maxSessionDuration: 3600,
  tags: [],
  policies: new Map(),
}];

export interface IamContext {
  readonly state: EmulatorState;
  readonly account: string;
  readonly now: Date;
}

/** Returns the inner XML of `<ActionResult>`, or undefined for actions without output. */
type Handler = (ctx: IamContext, params: URLSearchParams) => string | undefined;

// Constraints of the IAM API Reference (data types roleNameType, pathType, policyDocumentType, …).
const ROLE_NAME: MemberRule = { required: true, min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const POLICY_NAME: MemberRule = { required: true, min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const POLICY_DOCUMENT: MemberRule = {
  required: true, min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
};
const PATH: MemberRule = { min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' };
const DESCRIPTION: MemberRule = { min: 0, max: 1000, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' };
/** "MaxSessionDuration … from 1 hour to 12 hours" (CreateRole): 3600 to 43200 seconds. */
const MAX_SESSION_DURATION: MemberRule = { range: [3600, 43200] };
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function noSuchRole(name: string): ServiceError {
  return new ServiceError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
}

function findRole(ctx: IamContext, name: string): RoleRecord {
  const role = ctx.state.roles.get(roleKey(ctx.account, name));
  if (!role) throw noSuchRole(name);
  return role;
}

/** "The policy document returned in this structure is URL-encoded compliant with RFC 3986" (Role, GetRolePolicy). */
function urlEncoded(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function roleXml(r: RoleRecord): string {
  const i = '      ';
  const tags = r.tags.length
    ? `${i}<Tags>\n${r.tags.map((t) => `${i}  <member>\n${xmlElement('Key', t.Key, `${i}    `)}${xmlElement('Value', t.Value, `${i}    `)}${i}  </member>\n`).join('')}${i}</Tags>\n`
    : '';
  return '    <Role>\n'
    + xmlElement('Path', r.path, i)
    + xmlElement('RoleName', r.name, i)
    + xmlElement('RoleId', r.roleId, i)
    + xmlElement('Arn', r.arn, i)
    + xmlElement('CreateDate', r.createDate.toISOString(), i)
    + xmlElement('AssumeRolePolicyDocument', urlEncoded(r.assumeRolePolicyDocument), i)
    + xmlElement('Description', r.description, i)
    + xmlElement('MaxSessionDuration', r.maxSessionDuration, i)
    + tags
    + '    </Role>';
}

function tagsOf(params: URLSearchParams): { Key: string; Value: string }[] {
  const tags = memberList(params, 'Tags').map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
  // "Tags … Array Members: Maximum number of 50 items"; Key 1-128, Value 0-256 (Tag data type).
  if (tags.length > 50) throw new ServiceError('LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50', 409);
  for (const t of tags) {
    if (t.Key === undefined || !TAG_KEY.test(t.Key) || [...t.Key].length > 128) throw new ServiceError('InvalidInput', `The specified tag key is not valid: ${t.Key}`, 400);
    if (!TAG_VALUE.test(t.Value) || [...t.Value].length > 256) throw new ServiceError('InvalidInput', `The specified tag value is not valid for key ${t.Key}`, 400);
  }
  return tags;
}

const CreateRole: Handler = (ctx, params) => {
  checkParams(params, {
    RoleName: ROLE_NAME, Path: PATH, AssumeRolePolicyDocument: POLICY_DOCUMENT, Description: DESCRIPTION, MaxSessionDuration: MAX_SESSION_DURATION,
  });
  const name = params.get('RoleName')!;
  const doc = params.get('AssumeRolePolicyDocument')!;
  parsePolicy(doc, 'trust');
  const tags = tagsOf(params);
  // "Role names are not distinguished by case. For example, you cannot create roles named both
  // "PRODROLE" and "prodrole"." (CreateRole, RoleName)
  if (ctx.state.roles.has(roleKey(ctx.account, name))) throw new ServiceError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
  const path = params.get('Path') ?? '/';
  const role: RoleRecord = {
    arn: `arn:aws:iam::${ctx.account}:role${path}${name}`,
    account: ctx.account,
    name,
    path,
    roleId: `AROA${randomChars(17, UPPER_ALNUM)}`,
    createDate: ctx.now,
    assumeRolePolicyDocument: doc,
    description: params.get('Description') ?? undefined,
    maxSessionDuration: params.has('MaxSessionDuration') ? Number(params.get('MaxSessionDuration')) : 3600,
    tags,
    policies: new Map(),
  };
  ctx.state.roles.set(roleKey(ctx.account, name), role);
  return roleXml(role);
};

const GetRole: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME });
  return roleXml(findRole(ctx, params.get('RoleName')!));
};

const DeleteRole: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME });
  const role = findRole(ctx, params.get('RoleName')!);
  // "Make sure that you do not have any Amazon EC2 instances running with the role … you must
  // delete the items attached to the role manually, or the deletion fails" (DeleteRole):
  // DeleteConflict while inline policies remain.
  if (role.policies.size > 0) throw new ServiceError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
  ctx.state.roles.delete(roleKey(ctx.account, role.name));
  return undefined;
};

const UpdateAssumeRolePolicy: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME, PolicyDocument: POLICY_DOCUMENT });
  const role = findRole(ctx, params.get('RoleName')!);
  const doc = params.get('PolicyDocument')!;
  parsePolicy(doc, 'trust');
  role.assumeRolePolicyDocument = doc;
  return undefined;
};

const PutRolePolicy: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME, PolicyName: POLICY_NAME, PolicyDocument: POLICY_DOCUMENT });
  const role = findRole(ctx, params.get('RoleName')!);
  const doc = params.get('PolicyDocument')!;
  parsePolicy(doc, 'identity');
  // "Role policy size … 10,240 characters" (IAM and AWS STS quotas): the aggregate of a role's inline policies.
  const total = [...role.policies].filter(([n]) => n !== params.get('PolicyName')).reduce((sum, [, d]) => sum + d.replace(/\s/g, '').length, 0) + doc.replace(/\s/g, '').length;
  if (total > 10240) throw new ServiceError('LimitExceeded', 'Maximum policy size of 10240 bytes exceeded for role', 409);
  role.policies.set(params.get('PolicyName')!, doc);
  return undefined;
};

function findPolicy(role: RoleRecord, name: string): string {
  const doc = role.policies.get(name);
  if (doc === undefined) throw new ServiceError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
  return doc;
}

const GetRolePolicy: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME, PolicyName: POLICY_NAME });
  const role = findRole(ctx, params.get('RoleName')!);
  const doc = findPolicy(role, params.get('PolicyName')!);
  return xmlElement('RoleName', role.name, '    ') + xmlElement('PolicyName', params.get('PolicyName')!, '    ') + xmlElement('PolicyDocument', urlEncoded(doc), '    ').trimEnd();
};

const DeleteRolePolicy: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME, PolicyName: POLICY_NAME });
  const role = findRole(ctx, params.get('RoleName')!);
  findPolicy(role, params.get('PolicyName')!);
  role.policies.delete(params.get('PolicyName')!);
  return undefined;
};

/** MaxItems "If you do not include this parameter, the number of items defaults to 100"; Marker from the previous answer. */
const ListRolePolicies: Handler = (ctx, params) => {
  checkParams(params, { RoleName: ROLE_NAME, Marker: { min: 1, max: 320 }, MaxItems: { range: [1, 1000] } });
  const role = findRole(ctx, params.get('RoleName')!);
  const names = [...role.policies.keys()];
  let start = 0;
  const marker = params.get('Marker');
  if (marker !== null) {
    const m = /^emu([0-9]+)$/.exec(Buffer.from(marker, 'base64url').toString());
    if (!m) throw new ServiceError('ValidationError', `Invalid Marker: ${marker}`, 400);
    start = Number(m[1]);
  }
  const max = params.has('MaxItems') ? Number(params.get('MaxItems')) : 100;
  const page = names.slice(start, start + max);
  const truncated = start + max < names.length;
  return (`    <PolicyNames>\n${page.map((n) => `      <member>${n}</member>\n`).join('')}    </PolicyNames>\n`
    + xmlElement('IsTruncated', truncated, '    ')
    + (truncated ? xmlElement('Marker', Buffer.from(`emu${start + max}`).toString('base64url'), '    ') : '')).trimEnd();
};

export const IAM_HANDLERS: { readonly [action: string]: Handler } = {
  CreateRole, GetRole, DeleteRole, UpdateAssumeRolePolicy, PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies,
};
