// Parses custom resource properties by the contract's field types. CloudFormation hands every scalar
// over as a string ("true", "5"); booleans may also arrive as real booleans. Properties the schema
// does not name (ServiceToken, ServiceTimeout) are left out.

import type { FieldType } from '../lib/contract';

export interface Schema {
  readonly [name: string]: FieldType;
}

type Value<T> = T extends 'string' ? string
  : T extends 'boolean' ? boolean
  : T extends 'number' ? number
  : T extends 'stringMap' ? { readonly [key: string]: string }
  : T extends 'stringList' ? readonly string[]
  : T extends Schema ? Props<T> : never;

/** Parsed properties of a schema; every property is optional. */
export type Props<S extends Schema> = { readonly [K in keyof S]?: Value<S[K]> };

export function parseProperties<S extends Schema>(schema: S, raw: unknown, path = ''): Props<S> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw new Error(`properties${path ? ` ${path}` : ''} must be an object, got ${show(raw)}`);
  const parsed: { [name: string]: unknown } = {};
  for (const [name, type] of Object.entries(schema)) {
    if (raw[name] !== undefined) parsed[name] = parseValue(type, raw[name], path ? `${path}.${name}` : name);
  }
  return parsed as Props<S>;
}

function parseValue(type: FieldType, value: unknown, path: string): unknown {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      break;
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number === 'number' && Number.isFinite(number)) return number;
      break;
    }
    case 'stringMap':
      if (isRecord(value) && Object.values(value).every((v) => typeof v === 'string')) return value;
      break;
    case 'stringList':
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
      break;
    default:
      return parseProperties(type, value, path);
  }
  throw new Error(`property ${path} must be ${typeof type === 'string' ? DESCRIPTIONS[type] : 'an object'}, got ${show(value)}`);
}

const DESCRIPTIONS = {
  string: 'a string',
  boolean: '"true" or "false"',
  number: 'a number',
  stringMap: 'a map of strings',
  stringList: 'a list of strings',
} as const;

function isRecord(value: unknown): value is { readonly [name: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
