// Coral constraint checks of an awsJson request (Cloud Control): ValidationException 400,
// `N validation error(s) detected: Value '…' at 'memberName' failed to satisfy constraint: …`.
import { ServiceError } from './errors';

export interface JsonRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly range?: readonly [number, number];
}

export function checkJson(input: { readonly [k: string]: unknown }, rules: { readonly [member: string]: JsonRule }): void {
  const errors: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const at = name[0].toLowerCase() + name.slice(1);
    const v = input[name];
    if (v === undefined || v === null) {
      if (rule.required) errors.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    if (rule.range) {
      if (typeof v !== 'number' || !Number.isInteger(v)) errors.push(`Value '${String(v)}' at '${at}' failed to satisfy constraint: Member must be an integer`);
      else if (v < rule.range[0]) errors.push(`Value '${v}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.range[0]}`);
      else if (v > rule.range[1]) errors.push(`Value '${v}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${rule.range[1]}`);
      continue;
    }
    if (typeof v !== 'string') {
      errors.push(`Value '${String(v)}' at '${at}' failed to satisfy constraint: Member must be a string`);
      continue;
    }
    const len = [...v].length;
    if (rule.max !== undefined && len > rule.max) errors.push(`Value '${v}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`);
    if (rule.min !== undefined && len < rule.min) errors.push(`Value '${v}' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`);
    if (rule.pattern && !rule.pattern.test(v)) errors.push(`Value '${v}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, '')}`);
  }
  if (errors.length) throw new ServiceError('ValidationException', `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`, 400);
}
