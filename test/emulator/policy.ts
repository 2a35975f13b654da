// IAM policy documents: parsing (MalformedPolicyDocument as IAM answers it) and evaluation of the
// parts the emulator models. Sources: IAM User Guide, "IAM JSON policy elements reference"
// (Version, Statement, Effect, Principal, Action / NotAction, Resource / NotResource, Condition),
// "Condition operators", "Policy evaluation logic" (an explicit Deny overrides any Allow; without
// an Allow the request is implicitly denied).
// Anything a document uses that is not modeled (an operator, a condition key, NotPrincipal) fails
// closed: an Allow statement does not apply, a Deny statement does; each such case is reported in
// the evaluation's `notes` (the request log shows them).
import { ServiceError } from './errors';

export type PolicyKind = 'trust' | 'identity';

export interface PrincipalSpec {
  readonly [type: string]: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** `'*'`, or values by type (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
  readonly principal?: '*' | PrincipalSpec;
  readonly notPrincipal?: '*' | PrincipalSpec;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  /** operator → condition key → values */
  readonly condition?: { readonly [operator: string]: { readonly [key: string]: readonly string[] } };
}

export interface PolicyDocument {
  readonly version?: string;
  readonly statements: readonly Statement[];
}

function malformed(message: string): ServiceError {
  return new ServiceError('MalformedPolicyDocument', message, 400);
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string or a list of strings (IAM accepts either wherever a list is allowed). */
function stringList(v: unknown, field: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === 'string')) throw malformed(`Syntax errors in policy. ${field} must be a string or a list of strings.`);
  return list as string[];
}

/** `"AWS"` principal values IAM accepts: `*`, an account ID, or an IAM / STS ARN with no partial wildcard. */
const AWS_PRINCIPAL = /^(\*|[0-9]{12}|arn:aws:iam::[0-9]{12}:(root|user\/[^*?]+|role\/[^*?]+)|arn:aws:sts::[0-9]{12}:assumed-role\/[^*?]+\/[^*?]+)$/;

function principalSpec(v: unknown, field: string): '*' | PrincipalSpec {
  if (v === '*') return '*';
  if (!isObject(v) || Object.keys(v).length === 0) throw malformed(`Invalid principal in policy: ${JSON.stringify(v)}`);
  const out: { [type: string]: string[] } = {};
  for (const [type, values] of Object.entries(v)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type)) throw malformed(`Invalid principal in policy: "${type}"`);
    out[type] = stringList(values, field);
    if (type === 'AWS') {
      for (const p of out[type]) if (!AWS_PRINCIPAL.test(p)) throw malformed(`Invalid principal in policy: "AWS":"${p}"`);
    }
  }
  return out;
}

const KNOWN_FIELDS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/**
 * Parses a policy document. Trust policies (a role's AssumeRolePolicyDocument) need a Principal
 * and may not name a Resource; identity policies (PutRolePolicy) need a Resource and may not name
 * a Principal (IAM User Guide, "IAM JSON policy elements": Principal, Resource).
 */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (!isObject(doc)) throw malformed('This policy contains invalid Json');
  // "Version": 2012-10-17 or 2008-10-17 (IAM JSON policy elements: Version).
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') throw malformed('The policy failed legacy parsing');
  if (doc.Statement === undefined) throw malformed('Syntax errors in policy. Missing required field Statement');
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = raw.map((s): Statement => {
    if (!isObject(s)) throw malformed('Syntax errors in policy.');
    for (const k of Object.keys(s)) if (!KNOWN_FIELDS.includes(k)) throw malformed(`Syntax errors in policy. Unknown field ${k}`);
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed('Syntax errors in policy. Effect must be Allow or Deny');
    if (s.Action !== undefined && s.NotAction !== undefined) throw malformed('Syntax errors in policy. Action and NotAction cannot be used together');
    if (s.Action === undefined && s.NotAction === undefined) throw malformed('Policy statement must contain actions.');
    if (kind === 'trust') {
      if (s.Resource !== undefined || s.NotResource !== undefined) throw malformed(`Has prohibited field ${s.Resource !== undefined ? 'Resource' : 'NotResource'}`);
      if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Missing required field Principal');
    } else {
      if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed('Policy document should not specify a principal.');
      if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Policy statement must contain resources.');
    }
    let condition: { [op: string]: { [key: string]: string[] } } | undefined;
    if (s.Condition !== undefined) {
      if (!isObject(s.Condition)) throw malformed('Syntax errors in policy. Condition must be an object');
      condition = {};
      for (const [op, block] of Object.entries(s.Condition)) {
        if (!isObject(block)) throw malformed(`Syntax errors in policy. Condition ${op} must be an object`);
        condition[op] = Object.fromEntries(Object.entries(block).map(([key, values]) => {
          const list = (Array.isArray(values) ? values : [values]).map((x) => (typeof x === 'boolean' || typeof x === 'number' ? String(x) : x));
          return [key, stringList(list, `Condition ${op} ${key}`)];
        }));
      }
    }
    return {
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: s.Effect,
      principal: s.Principal === undefined ? undefined : principalSpec(s.Principal, 'Principal'),
      notPrincipal: s.NotPrincipal === undefined ? undefined : principalSpec(s.NotPrincipal, 'NotPrincipal'),
      action: s.Action === undefined ? undefined : stringList(s.Action, 'Action'),
      notAction: s.NotAction === undefined ? undefined : stringList(s.NotAction, 'NotAction'),
      resource: s.Resource === undefined ? undefined : stringList(s.Resource, 'Resource'),
      notResource: s.NotResource === undefined ? undefined : stringList(s.NotResource, 'NotResource'),
      condition,
    };
  });
  return { version: doc.Version as string | undefined, statements };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Who is asking: the signer of the request. */
export interface Caller {
  readonly account: string;
  /** IAM user ARN, or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** For role sessions: the ARN of the role (with its path). */
  readonly roleArn?: string;
}

export interface EvaluationRequest {
  /** `sts:AssumeRole`, `ivs:GetChannel`, … */
  readonly action: string;
  /** The resource ARN (identity policies). */
  readonly resource?: string;
  /** The caller (trust policies match it against Principal). */
  readonly caller: Caller;
  /** Values of the condition keys present in the request, keys in lower case. */
  readonly keys: { readonly [key: string]: string | undefined };
  /** Condition keys the evaluation models (lower case; a trailing `/` models every key of that prefix). */
  readonly modeledKeys: readonly string[];
}

export type Decision = 'allow' | 'explicitDeny' | 'implicitDeny';

export interface Evaluation {
  readonly decision: Decision;
  /** The statement that decided (its Sid or index). */
  readonly statement?: string;
  /** What the emulator did not model and failed closed on. */
  readonly notes: readonly string[];
}

/** `*` any run of characters, `?` one character (IAM wildcards of Action, Resource, StringLike, ArnLike). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

/** "The AWS principal": an account (ID or :root) means every principal of it; a role ARN its sessions. */
function awsPrincipalMatches(p: string, caller: Caller): boolean {
  if (p === '*') return true;
  if (/^[0-9]{12}$/.test(p)) return caller.account === p;
  const root = /^arn:aws:iam::([0-9]{12}):root$/.exec(p);
  if (root) return caller.account === root[1];
  if (/^arn:aws:iam::[0-9]{12}:role\//.test(p)) return caller.roleArn === p;
  return caller.arn === p; // a user ARN or one assumed-role session
}

/** A user or role session never matches Service, Federated or CanonicalUser principals. */
function principalMatches(spec: '*' | PrincipalSpec, caller: Caller): boolean {
  if (spec === '*') return true;
  return (spec.AWS ?? []).some((p) => awsPrincipalMatches(p, caller));
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.action) return s.action.some((a) => wildcardMatch(a, action, true));
  return !s.notAction!.some((a) => wildcardMatch(a, action, true));
}

function resourceMatches(s: Statement, resource: string | undefined): boolean {
  const r = resource ?? '*';
  if (s.resource) return s.resource.some((p) => p === '*' || wildcardMatch(p, r));
  return !s.notResource!.some((p) => p === '*' || wildcardMatch(p, r));
}

type Tri = true | false | 'unknown';

const OPERATORS: { readonly [op: string]: (value: string, policy: string) => boolean } = {
  StringEquals: (v, p) => v === p,
  StringNotEquals: (v, p) => v !== p,
  StringEqualsIgnoreCase: (v, p) => v.toLowerCase() === p.toLowerCase(),
  StringNotEqualsIgnoreCase: (v, p) => v.toLowerCase() !== p.toLowerCase(),
  StringLike: (v, p) => wildcardMatch(p, v),
  StringNotLike: (v, p) => !wildcardMatch(p, v),
  ArnEquals: (v, p) => v === p,
  ArnNotEquals: (v, p) => v !== p,
  ArnLike: (v, p) => wildcardMatch(p, v),
  ArnNotLike: (v, p) => !wildcardMatch(p, v),
};

/** Negated operators: a positive match with any policy value makes them false ("Condition operators"). */
const NEGATED = ['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike'];

function modeled(key: string, req: EvaluationRequest): boolean {
  const k = key.toLowerCase();
  return req.modeledKeys.some((m) => (m.endsWith('/') ? k.startsWith(m) && k.length > m.length : k === m));
}

/**
 * One condition operator over its keys (keys AND-ed, values OR-ed; "Creating a condition with
 * multiple keys or values"). A key absent from the request: a positive operator is false, a
 * negated one true, `…IfExists` true, `Null: true` true.
 */
function evalOperator(rawOp: string, block: { readonly [key: string]: readonly string[] }, req: EvaluationRequest, notes: string[]): Tri {
  const ifExists = rawOp.endsWith('IfExists');
  const op = ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp;
  if (op !== 'Null' && !OPERATORS[op]) {
    notes.push(`condition operator ${rawOp} is not modeled by the emulator (fails closed)`);
    return 'unknown';
  }
  let result: Tri = true;
  for (const [key, values] of Object.entries(block)) {
    if (!modeled(key, req)) {
      notes.push(`condition key ${key} is not modeled by the emulator (fails closed)`);
      result = 'unknown';
      continue;
    }
    const value = req.keys[key.toLowerCase()];
    let ok: boolean;
    if (op === 'Null') ok = values.some((p) => (p === 'true' ? value === undefined : p === 'false' ? value !== undefined : false));
    else if (value === undefined) ok = ifExists || NEGATED.includes(op);
    else if (NEGATED.includes(op)) ok = values.every((p) => OPERATORS[op](value, p));
    else ok = values.some((p) => OPERATORS[op](value, p));
    if (!ok && result !== 'unknown') result = false;
  }
  return result;
}

function evalConditions(s: Statement, req: EvaluationRequest, notes: string[]): Tri {
  let result: Tri = true;
  for (const [op, block] of Object.entries(s.condition ?? {})) {
    const r = evalOperator(op, block, req, notes);
    if (r === 'unknown') result = 'unknown';
    else if (!r && result === true) result = false;
  }
  return result;
}

/**
 * Evaluates one policy document for a request: an explicit Deny wins, else an Allow, else the
 * implicit deny ("Policy evaluation logic"). Trust policies match Principal; identity policies
 * match Resource.
 */
export function evaluatePolicy(doc: PolicyDocument, kind: PolicyKind, req: EvaluationRequest): Evaluation {
  const notes: string[] = [];
  let allow: string | undefined;
  for (const [i, s] of doc.statements.entries()) {
    const name = s.sid ?? `#${i + 1}`;
    if (!actionMatches(s, req.action)) continue;
    if (kind === 'trust') {
      if (s.notPrincipal) {
        notes.push(`statement ${name}: NotPrincipal is not modeled by the emulator (fails closed)`);
        if (s.effect === 'Deny') return { decision: 'explicitDeny', statement: name, notes };
        continue;
      }
      if (!principalMatches(s.principal!, req.caller)) continue;
    } else if (!resourceMatches(s, req.resource)) {
      continue;
    }
    const c = evalConditions(s, req, notes);
    if (s.effect === 'Deny' && c !== false) return { decision: 'explicitDeny', statement: name, notes };
    if (s.effect === 'Allow' && c === true) allow ??= name;
  }
  return allow ? { decision: 'allow', statement: allow, notes } : { decision: 'implicitDeny', notes };
}
