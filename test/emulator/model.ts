// The IVS model as the emulator serves it: lib/generated/ivs-model.ts (generated from the Smithy
// model) plus the one place, MODEL_CORRECTIONS below, where the emulator departs from it. Request
// validation and response shaping walk these shapes generically; nothing here is per operation.
import { IVS_OPERATIONS, IVS_SHAPES, IvsOperationFacts, IvsShapeFacts } from '../../lib/generated/ivs-model';

type MemberFacts = NonNullable<IvsShapeFacts['members']>[string];

/**
 * Where the model disagrees with the service, and what the emulator uses instead. Nothing else in
 * the emulator changes a shape.
 */
export const MODEL_CORRECTIONS = {
  shapes: {
    // The model's ResourceArn pattern `…:[0-9]+:[a-z-]/[a-zA-Z0-9-]+$` allows ONE character before
    // the slash, so no real ARN (`channel/…`, `stream-key/…`, `playback-key/…`) matches it and
    // TagResource / UntagResource / ListTagsForResource would always answer ValidationException.
    // IVS accepts its own ARNs there; the resource type is `[a-z-]+`.
    ResourceArn: {
      ...IVS_SHAPES.ResourceArn,
      pattern: IVS_SHAPES.ResourceArn.pattern!.replace(':[a-z-]/', ':[a-z-]+/'),
    },
    // Extension: the shape of `adConfigurationArn` (IVS ad configurations, newer than this model;
    // @aws-sdk/client-ivs already sends the field). Same form as the model's other optional
    // channel references: empty string or an ARN of the referenced resource type.
    ChannelAdConfigurationArn: {
      type: 'string',
      pattern: '^^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:ad-configuration/[a-zA-Z0-9-]+$$',
      length: { min: 0, max: 128 },
    },
  } as { readonly [name: string]: IvsShapeFacts },
  /** Extension members added to model structures (the SDK the handler bundles has them). */
  members: {
    CreateChannelRequest: { adConfigurationArn: { target: 'ChannelAdConfigurationArn' } },
    UpdateChannelRequest: { adConfigurationArn: { target: 'ChannelAdConfigurationArn' } },
    Channel: { adConfigurationArn: { target: 'ChannelAdConfigurationArn' } },
    ChannelSummary: { adConfigurationArn: { target: 'ChannelAdConfigurationArn' } },
  } as { readonly [structure: string]: { readonly [member: string]: MemberFacts } },
};

function buildShapes(): { readonly [name: string]: IvsShapeFacts } {
  const out: { [name: string]: IvsShapeFacts } = { ...IVS_SHAPES, ...MODEL_CORRECTIONS.shapes };
  for (const [structure, extra] of Object.entries(MODEL_CORRECTIONS.members)) {
    const base = out[structure];
    out[structure] = { ...base, members: { ...base.members, ...extra } };
  }
  return out;
}

/** Shapes as the emulator serves them (model + MODEL_CORRECTIONS). */
export const SHAPES = buildShapes();
export const OPERATIONS: { readonly [name: string]: IvsOperationFacts } = IVS_OPERATIONS;

export function shape(name: string): IvsShapeFacts {
  const s = SHAPES[name];
  if (!s) throw new Error(`IVS model has no shape ${name}`);
  return s;
}

/** Errors every IVS operation may answer whatever its model says (the service's own layer). */
export const SERVICE_LEVEL_ERRORS: readonly string[] = [
  'AccessDeniedException', 'ThrottlingException', 'InternalServerException', 'ValidationException',
];

// ---------------------------------------------------------------------------------------------
// Validation

export interface ValidationResult {
  /** Coral-style constraint messages, e.g. `Value 'x!' at 'name' failed to satisfy constraint: …`. */
  readonly violations: readonly string[];
  /** Paths of members the model does not know (ignored, as AWS services ignore them). */
  readonly unknownMembers: readonly string[];
}

type Mode = 'input' | 'output';
const REDACTED = '*** Sensitive Data Redacted ***';
const regexCache = new Map<string, RegExp>();

function regex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    r = new RegExp(pattern);
    regexCache.set(pattern, r);
  }
  return r;
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function render(value: unknown, sensitive: boolean): string {
  if (sensitive) return REDACTED;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => render(v, false)).join(', ')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}=${render(v, false)}`).join(', ')}}`;
  return String(value);
}

/** Constraint failures of one value against its own shape (not its children). */
function ownConstraints(s: IvsShapeFacts, value: unknown, mode: Mode): string[] {
  const out: string[] = [];
  switch (s.type) {
    case 'string': {
      if (typeof value !== 'string') return ['Member must be a string'];
      const emptyOutputEnum = mode === 'output' && value === ''; // IVS answers "" for unset enums (e.g. preset)
      if (s.enum && !s.enum.includes(value) && !emptyOutputEnum) out.push(`Member must satisfy enum value set: [${s.enum.join(', ')}]`);
      const len = [...value].length;
      if (s.length?.max !== undefined && len > s.length.max) out.push(`Member must have length less than or equal to ${s.length.max}`);
      if (s.length?.min !== undefined && len < s.length.min) out.push(`Member must have length greater than or equal to ${s.length.min}`);
      if (s.pattern && !regex(s.pattern).test(value)) out.push(`Member must satisfy regular expression pattern: ${s.pattern}`);
      return out;
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : ['Member must be a boolean'];
    case 'integer':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return ['Member must be a number'];
      if (s.type !== 'float' && s.type !== 'double' && !Number.isInteger(value)) return ['Member must be an integer'];
      if (s.range?.max !== undefined && value > s.range.max) out.push(`Member must have value less than or equal to ${s.range.max}`);
      if (s.range?.min !== undefined && value < s.range.min) out.push(`Member must have value greater than or equal to ${s.range.min}`);
      return out;
    }
    case 'timestamp':
      return typeof value === 'string' || typeof value === 'number' ? [] : ['Member must be a timestamp'];
    case 'blob':
      return typeof value === 'string' ? [] : ['Member must be a base64 string'];
    case 'list':
      if (!Array.isArray(value)) return ['Member must be a list'];
      return lengthOf(s, value.length, out);
    case 'map':
      if (!isObject(value)) return ['Member must be a map'];
      return lengthOf(s, Object.keys(value).length, out);
    case 'structure':
      return isObject(value) ? [] : ['Member must be a structure'];
    default:
      return [];
  }
}

function lengthOf(s: IvsShapeFacts, n: number, out: string[]): string[] {
  if (s.length?.max !== undefined && n > s.length.max) out.push(`Member must have length less than or equal to ${s.length.max}`);
  if (s.length?.min !== undefined && n < s.length.min) out.push(`Member must have length greater than or equal to ${s.length.min}`);
  return out;
}

function walk(shapeName: string, value: unknown, path: string, mode: Mode, violations: string[], unknown: string[]): void {
  const s = shape(shapeName);
  const own = ownConstraints(s, value, mode);
  for (const c of own) violations.push(`Value '${render(value, !!s.sensitive)}' at '${path}' failed to satisfy constraint: ${c}`);
  if (own.length > 0 && own[0].startsWith('Member must be a')) return; // wrong type: no deeper checks
  if (s.type === 'structure') {
    const obj = value as { [k: string]: unknown };
    const members = s.members ?? {};
    for (const [name, m] of Object.entries(members)) {
      const v = obj[name];
      const p = path ? `${path}.${name}` : name;
      if (v === undefined || v === null) {
        if (m.required) violations.push(`Value null at '${p}' failed to satisfy constraint: Member must not be null`);
        continue;
      }
      walk(m.target, v, p, mode, violations, unknown);
    }
    for (const name of Object.keys(obj)) if (!(name in members)) unknown.push(path ? `${path}.${name}` : name);
  } else if (s.type === 'list') {
    (value as unknown[]).forEach((v, i) => walk(s.member!, v, `${path}.${i + 1}.member`, mode, violations, unknown));
  } else if (s.type === 'map') {
    const keyShape = shape(s.key!);
    const valueShape = shape(s.value!);
    for (const [k, v] of Object.entries(value as { [k: string]: unknown })) {
      const kc = ownConstraints(keyShape, k, mode);
      if (kc.length) violations.push(`Value '${render(k, !!keyShape.sensitive)}' at '${path}' failed to satisfy constraint: Map keys must satisfy constraint: [${kc.join(', ')}]`);
      const vc = ownConstraints(valueShape, v, mode);
      if (vc.length) violations.push(`Value '${render(v, !!valueShape.sensitive)}' at '${path}.${k}' failed to satisfy constraint: Map value must satisfy constraint: [${vc.join(', ')}]`);
      else if (valueShape.type === 'structure' || valueShape.type === 'list' || valueShape.type === 'map') walk(s.value!, v, `${path}.${k}`, mode, violations, unknown);
    }
  }
}

/** Validates a value against a shape of the model, recursively (structures, lists, maps). */
export function validate(shapeName: string, value: unknown, mode: Mode = 'input'): ValidationResult {
  const violations: string[] = [];
  const unknownMembers: string[] = [];
  walk(shapeName, value, '', mode, violations, unknownMembers);
  return { violations, unknownMembers };
}

/** The exceptionMessage IVS-style services send for constraint failures. */
export function validationMessage(violations: readonly string[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

// ---------------------------------------------------------------------------------------------
// Responses

/**
 * Shapes a response value by the model: keeps only the members the shape declares (recursively),
 * drops null/undefined, renders timestamps in the shape's format (restJson1 default: epoch
 * seconds). Then checks the result against the model; a mismatch is an emulator bug and throws.
 */
export function shapeOutput(shapeName: string, value: unknown): unknown {
  const out = project(shapeName, value);
  const { violations } = validate(shapeName, out, 'output');
  if (violations.length) throw new Error(`emulator response violates the IVS model (${shapeName}): ${violations.join('; ')}`);
  return out;
}

function project(shapeName: string, value: unknown): unknown {
  const s = shape(shapeName);
  switch (s.type) {
    case 'structure': {
      const obj = value as { [k: string]: unknown };
      const out: { [k: string]: unknown } = {};
      for (const [name, m] of Object.entries(s.members ?? {})) {
        const v = obj[name];
        if (v !== undefined && v !== null) out[name] = project(m.target, v);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => project(s.member!, v));
    case 'map':
      return Object.fromEntries(Object.entries(value as { [k: string]: unknown }).map(([k, v]) => [k, project(s.value!, v)]));
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(value as string);
      return s.timestampFormat === 'date-time' ? d.toISOString() : d.getTime() / 1000;
    }
    default:
      return value;
  }
}

/** True for shapes marked sensitive in the model (their values never reach logs or messages). */
export function isSensitive(shapeName: string): boolean {
  return !!SHAPES[shapeName]?.sensitive;
}

/** A copy of an input with the values of sensitive members replaced, for the request log. */
export function redact(shapeName: string, value: unknown): unknown {
  const s = SHAPES[shapeName];
  if (!s || value === undefined || value === null) return value;
  if (s.sensitive) return REDACTED;
  if (s.type === 'structure' && isObject(value)) {
    const out: { [k: string]: unknown } = {};
    for (const [k, v] of Object.entries(value)) {
      const m = s.members?.[k];
      out[k] = m ? redact(m.target, v) : v;
    }
    return out;
  }
  if (s.type === 'list' && Array.isArray(value)) return value.map((v) => redact(s.member!, v));
  if (s.type === 'map' && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(s.value!, v)]));
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Routing (restJson1 http traits)

export interface Route {
  readonly operation: string;
  readonly method: string;
  readonly regex: RegExp;
  readonly labels: readonly string[];
}

/** One route per operation, from its `@http` trait (`/tags/{resourceArn}` → a label). */
export const ROUTES: readonly Route[] = Object.entries(OPERATIONS).map(([operation, op]) => {
  const labels: string[] = [];
  const source = op.uri.split('/').map((seg) => {
    const m = /^\{(\w+)(\+?)\}$/.exec(seg);
    if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    labels.push(m[1]);
    return m[2] ? '(.+)' : '([^/]+)';
  }).join('/');
  return { operation, method: op.method, regex: new RegExp(`^${source}$`), labels };
});

export interface RoutedRequest {
  readonly operation: string;
  /** Input assembled from labels, query and body, by the input shape's http bindings. */
  readonly input: { [k: string]: unknown };
}

export type RouteResult = RoutedRequest | { readonly error: 'notFound' } | { readonly error: 'badJson'; readonly operation: string };

/** Finds the operation for a method + path and builds its input from labels, query and JSON body. */
export function routeIvs(method: string, rawPath: string, query: URLSearchParams, body: string): RouteResult {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.regex.exec(rawPath);
    if (!m) continue;
    const op = OPERATIONS[r.operation];
    let parsed: unknown = {};
    if (body.trim() !== '') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return { error: 'badJson', operation: r.operation };
      }
      if (!isObject(parsed)) return { error: 'badJson', operation: r.operation };
    }
    const input: { [k: string]: unknown } = { ...(parsed as object) };
    const members = shape(op.input).members ?? {};
    r.labels.forEach((label, i) => {
      input[label] = decodeURIComponent(m[i + 1]);
    });
    for (const [name, member] of Object.entries(members)) {
      if (!member.httpQuery) continue;
      const values = query.getAll(member.httpQuery);
      if (values.length === 0) continue;
      const target = shape(member.target);
      if (target.type === 'list') input[name] = values;
      else if (['integer', 'long', 'short', 'byte'].includes(target.type)) input[name] = Number(values[0]);
      else if (target.type === 'boolean') input[name] = values[0] === 'true';
      else input[name] = values[0];
    }
    return { operation: r.operation, input };
  }
  return { error: 'notFound' };
}
