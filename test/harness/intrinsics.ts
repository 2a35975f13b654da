/**
 * CloudFormation intrinsic functions, conditions and the property hand-over rules, as far as a
 * CDK-synthesized template needs them: Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub,
 * Fn::If / Fn::Equals / Fn::Not / Fn::And / Fn::Or / Condition, Fn::FindInMap, Fn::Base64,
 * Fn::GetAZs, Fn::ImportValue, AWS::NoValue and the pseudo parameters.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An error in a template expression; CloudFormation would fail the resource that holds it. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Marks a value removed by `Ref: AWS::NoValue` (the key or list element disappears). */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
] as const;

export interface PseudoParameters {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackId: string;
  readonly stackName: string;
}

/** What the resolver asks its owner about resources. */
export interface ResourceLookup {
  /** `Ref` of a resource. Throws a TemplateError when it has no value (yet). */
  ref(logicalId: string): string;
  /** `Fn::GetAtt` of a resource. Throws a TemplateError when the attribute is unknown. */
  getAtt(logicalId: string, attribute: string): Json;
}

export interface ResolverOptions {
  readonly template: JsonObject;
  readonly pseudo: PseudoParameters;
  /** Values for the template's Parameters (win over their Default). */
  readonly parameters?: Record<string, string>;
  /** Exports of other stacks, for Fn::ImportValue. */
  readonly imports?: Record<string, string>;
  readonly resources: ResourceLookup;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one key of `{ "Fn::X": ... }` / `{ "Ref": ... }`, or undefined for a plain object. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? k : undefined;
}

export class Resolver {
  private readonly conditionCache = new Map<string, boolean>();
  private readonly parameterValues: Record<string, string | string[]>;

  constructor(private readonly opts: ResolverOptions) {
    this.parameterValues = {};
    const declared = (opts.template.Parameters ?? {}) as Record<string, JsonObject>;
    for (const [name, decl] of Object.entries(declared)) {
      const given = opts.parameters?.[name];
      const raw = given ?? (decl.Default === undefined ? undefined : String(decl.Default));
      if (raw === undefined) continue;
      const type = String(decl.Type ?? 'String');
      this.parameterValues[name] = type.startsWith('List<') || type === 'CommaDelimitedList' ? raw.split(',') : raw;
    }
  }

  /** Resolves every intrinsic in `value`; `AWS::NoValue` removes keys and list elements. */
  resolve(value: unknown): Json {
    const r = this.resolveAny(value);
    return r === NO_VALUE ? null : r;
  }

  /** Whether a named condition of the template holds. */
  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const conditions = (this.opts.template.Conditions ?? {}) as JsonObject;
    if (!(name in conditions)) throw new TemplateError(`Template error: unresolved condition dependency ${name} in Fn::If`);
    const result = this.truthy(this.resolveAny(conditions[name]), `condition ${name}`);
    this.conditionCache.set(name, result);
    return result;
  }

  private truthy(v: Resolved, where: string): boolean {
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new TemplateError(`Template error: ${where} does not evaluate to a boolean: ${JSON.stringify(v)}`);
  }

  private resolveAny(value: unknown): Resolved {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolveAny(v)).filter((v): v is Json => v !== NO_VALUE);
    }
    if (!isObject(value)) return value as Json;
    const fn = intrinsicName(value);
    if (fn === undefined) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        const r = this.resolveAny(v);
        if (r !== NO_VALUE) out[k] = r;
      }
      return out;
    }
    const arg = value[fn];
    switch (fn) {
      case 'Ref': return this.ref(String(arg));
      case 'Condition': return this.condition(String(arg));
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Join': {
        const [delimiter, list] = this.args(fn, arg, 2);
        const items = this.resolveAny(list);
        if (!Array.isArray(items)) throw new TemplateError(`Template error: Fn::Join needs a list, got ${JSON.stringify(items)}`);
        return items.map((i) => this.scalarText(i, fn)).join(String(this.resolveAny(delimiter)));
      }
      case 'Fn::Select': {
        const [index, list] = this.args(fn, arg, 2);
        const items = this.resolveAny(list);
        const i = Number(this.resolveAny(index));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new TemplateError(`Template error: Fn::Select cannot select index ${i} of ${JSON.stringify(items)}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(fn, arg, 2);
        return this.scalarText(this.resolveAny(source), fn).split(String(this.resolveAny(delimiter)));
      }
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = this.args(fn, arg, 3);
        return this.condition(String(cond)) ? this.resolveAny(whenTrue) : this.resolveAny(whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(fn, arg, 2);
        return JSON.stringify(this.resolveAny(a)) === JSON.stringify(this.resolveAny(b));
      }
      case 'Fn::Not': return !this.truthy(this.resolveAny(this.args(fn, arg, 1)[0]), fn);
      case 'Fn::And': return this.list(fn, arg).every((c) => this.truthy(this.resolveAny(c), fn));
      case 'Fn::Or': return this.list(fn, arg).some((c) => this.truthy(this.resolveAny(c), fn));
      case 'Fn::FindInMap': {
        const [map, top, second] = this.args(fn, arg, 3).map((a) => String(this.resolveAny(a)));
        const mappings = (this.opts.template.Mappings ?? {}) as Record<string, Record<string, JsonObject>>;
        const v = mappings[map]?.[top]?.[second];
        if (v === undefined) throw new TemplateError(`Template error: Fn::FindInMap found no ${map}.${top}.${second}`);
        return v;
      }
      case 'Fn::Base64': return Buffer.from(this.scalarText(this.resolveAny(arg), fn), 'utf8').toString('base64');
      case 'Fn::GetAZs': {
        const region = String(this.resolveAny(arg) || this.opts.pseudo.region);
        return ['a', 'b', 'c'].map((s) => `${region}${s}`);
      }
      case 'Fn::ImportValue': {
        const name = String(this.resolveAny(arg));
        const v = this.opts.imports?.[name];
        if (v === undefined) throw new TemplateError(`No export named ${name} found.`);
        return v;
      }
      default:
        throw new TemplateError(`Template error: the harness does not implement ${fn}`);
    }
  }

  private args(fn: string, arg: unknown, n: number): unknown[] {
    if (!Array.isArray(arg) || arg.length < n) throw new TemplateError(`Template error: ${fn} needs ${n} arguments`);
    return arg;
  }

  private list(fn: string, arg: unknown): unknown[] {
    if (!Array.isArray(arg)) throw new TemplateError(`Template error: ${fn} needs a list`);
    return arg;
  }

  private scalarText(v: Resolved, fn: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TemplateError(`Template error: ${fn} needs strings, got ${JSON.stringify(v)}`);
  }

  private ref(name: string): Resolved {
    const p = this.opts.pseudo;
    switch (name) {
      case 'AWS::AccountId': return p.accountId;
      case 'AWS::Region': return p.region;
      case 'AWS::Partition': return p.partition;
      case 'AWS::URLSuffix': return p.urlSuffix;
      case 'AWS::StackId': return p.stackId;
      case 'AWS::StackName': return p.stackName;
      case 'AWS::NotificationARNs': return [];
      case 'AWS::NoValue': return NO_VALUE;
      default: break;
    }
    if (name in this.parameterValues) return this.parameterValues[name];
    const declared = (this.opts.template.Parameters ?? {}) as JsonObject;
    if (name in declared) throw new TemplateError(`Parameters: [${name}] must have values`);
    return this.opts.resources.ref(name);
  }

  private getAtt(arg: unknown): Json {
    let logicalId: string;
    let attribute: string;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      if (dot < 0) throw new TemplateError(`Template error: malformed Fn::GetAtt ${arg}`);
      logicalId = arg.slice(0, dot);
      attribute = arg.slice(dot + 1);
    } else {
      const [id, attr] = this.args('Fn::GetAtt', arg, 2);
      logicalId = String(id);
      attribute = String(this.resolveAny(attr));
    }
    return this.opts.resources.getAtt(logicalId, attribute);
  }

  private sub(arg: unknown): string {
    let text: string;
    let vars: JsonObject = {};
    if (typeof arg === 'string') {
      text = arg;
    } else {
      const [t, v] = this.args('Fn::Sub', arg, 2);
      text = String(t);
      const resolved = this.resolveAny(v);
      if (!isObject(resolved)) throw new TemplateError('Template error: Fn::Sub variables must be an object');
      vars = resolved;
    }
    return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return '${' + inner.slice(1) + '}';
      const name = inner.trim();
      if (name in vars) return this.scalarText(vars[name], 'Fn::Sub');
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) {
        return this.scalarText(this.getAtt(name), 'Fn::Sub');
      }
      return this.scalarText(this.ref(name), 'Fn::Sub');
    });
  }
}

/**
 * The logical ids a value refers to (Ref, Fn::GetAtt, and `${X}` / `${X.Attr}` in Fn::Sub),
 * pseudo parameters excluded; the caller keeps those that are resources.
 */
export function referencedIds(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
    return out;
  }
  if (!isObject(value)) return out;
  const fn = intrinsicName(value);
  const arg = fn === undefined ? undefined : value[fn];
  if (fn === 'Ref' && typeof arg === 'string' && !arg.startsWith('AWS::')) {
    out.add(arg);
  } else if (fn === 'Fn::GetAtt') {
    if (typeof arg === 'string') out.add(arg.split('.')[0]);
    else if (Array.isArray(arg) && typeof arg[0] === 'string') out.add(arg[0]);
  } else if (fn === 'Fn::Sub') {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [String(arg[0]), arg[1]] : ['', {}];
    const local = isObject(vars) ? Object.keys(vars) : [];
    for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const name = m[1].trim().split('.')[0];
      if (!name.startsWith('AWS::') && !local.includes(name)) out.add(name);
    }
    referencedIds(vars, out);
  } else {
    for (const v of Object.values(value)) referencedIds(v, out);
  }
  return out;
}

/**
 * Properties as CloudFormation hands them to a custom resource: every scalar becomes a string
 * (booleans "true"/"false", numbers in their JSON spelling), recursively through lists and objects.
 */
export function stringifyScalars(value: Json): Json {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = stringifyScalars(v);
    return out;
  }
  return value;
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
