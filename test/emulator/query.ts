// The awsQuery protocol STS and IAM share: form-encoded `Action=…&Version=…` requests, XML answers
// `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` and the `ErrorResponse`
// document. Written by hand (no models of STS or IAM here).
import { ServiceError } from './errors';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The full answer of an action; `result` is the inner XML of `<ActionResult>`, absent for actions without output. */
export function queryResponse(namespace: string, action: string, result: string | undefined, requestId: string): string {
  const body = result === undefined ? '' : `  <${action}Result>\n${result}\n  </${action}Result>\n`;
  return `<${action}Response xmlns="${namespace}">\n${body}`
    + `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
}

/** The `ErrorResponse` document; Type is Receiver for 5xx, Sender otherwise. */
export function queryError(namespace: string, code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n`
    + `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}

/** `<name>value</name>` with the value escaped; nothing when the value is undefined. */
export function xmlElement(name: string, value: string | number | boolean | undefined, indent: string): string {
  return value === undefined ? '' : `${indent}<${name}>${xmlEscape(String(value))}</${name}>\n`;
}

export interface MemberRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  /** The pattern as the API reference prints it (the message quotes it). @default pattern.source */
  readonly patternText?: string;
  readonly range?: readonly [number, number];
  readonly integer?: boolean;
}

/**
 * Coral constraint checks of query parameters, as STS and IAM answer them: ValidationError 400,
 * `N validation error(s) detected: Value '…' at 'memberName' failed to satisfy constraint: …`
 * (member names in lower camel case). `sensitive` members show no value.
 */
export function checkParams(params: URLSearchParams, rules: { readonly [name: string]: MemberRule }, sensitive: readonly string[] = []): void {
  const errors: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const at = name[0].toLowerCase() + name.slice(1);
    const v = params.get(name);
    if (v === null) {
      if (rule.required) errors.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    const shown = sensitive.includes(name) ? '*** Sensitive Data Redacted ***' : v;
    if (rule.range || rule.integer) {
      const n = Number(v);
      if (!/^-?[0-9]+$/.test(v)) {
        errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must be an integer`);
        continue;
      }
      if (rule.range && n < rule.range[0]) errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.range[0]}`);
      if (rule.range && n > rule.range[1]) errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${rule.range[1]}`);
      continue;
    }
    const len = [...v].length;
    if (rule.max !== undefined && len > rule.max) errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`);
    if (rule.min !== undefined && len < rule.min) errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`);
    if (rule.pattern && !rule.pattern.test(v)) {
      errors.push(`Value '${shown}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
    }
  }
  if (errors.length) {
    throw new ServiceError('ValidationError', `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`, 400);
  }
}

/** `Prefix.member.1.Key`, `Prefix.member.1.Value`, … as a list of objects. */
export function memberList(params: URLSearchParams, prefix: string): { [field: string]: string }[] {
  const out: { [field: string]: string }[] = [];
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.([0-9]+)(?:\\.(\\w+))?$`);
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]) - 1;
    out[i] ??= {};
    out[i][m[2] ?? ''] = v;
  }
  return out.filter((x) => x !== undefined);
}
