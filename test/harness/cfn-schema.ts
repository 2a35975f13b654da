/**
 * CloudFormation resource schemas as the harness needs them: property names, types, required
 * properties, defaults, which changes replace the resource, and the GetAtt attributes. Read from
 * aws-cdk's service spec database (`node_modules/aws-cdk/db.json.gz`: `schema.resource.entities[]`
 * by `cloudFormationType`, nested property types in `schema.typeDefinition.entities[]`), the same
 * data aws-cdk-lib's L1 classes are generated from. Loaded once per process (~0.3 s).
 *
 * Validation follows CloudFormation's model validation of registry resource types (JSON schema,
 * `additionalProperties: false`), with its messages: "Model validation failed (#: extraneous key
 * [Key] is not permitted)", "(#/PropertyName: expected type: Number, found: String)" (AWS re:Post
 * knowledge center: cloudformation-model-validation-failure, cloudformation-resolve-model-val-failed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Json, type JsonObject, jsonEqual } from './intrinsics';

export interface SchemaType {
  readonly type: 'string' | 'boolean' | 'integer' | 'number' | 'json' | 'tag' | 'array' | 'map' | 'ref' | 'union';
  readonly allowedValues?: readonly string[];
  readonly element?: SchemaType;
  readonly types?: readonly SchemaType[];
  /** Nested property type (type 'ref'). */
  readonly properties?: Readonly<Record<string, PropertySchema>>;
  readonly typeName?: string;
}

export interface PropertySchema {
  readonly type: SchemaType;
  readonly required: boolean;
  /** The spec db's `causesReplacement: 'yes'` (the schema's createOnlyProperties). */
  readonly createOnly: boolean;
  /** The schema's `default`, parsed. */
  readonly defaultValue?: Json;
}

export interface ResourceSchema {
  readonly cloudFormationType: string;
  readonly properties: Readonly<Record<string, PropertySchema>>;
  /** Fn::GetAtt attribute names. */
  readonly attributes: readonly string[];
  readonly primaryIdentifier: readonly string[];
}

interface DbProperty { type: DbType; required?: boolean; causesReplacement?: string; defaultValue?: string }
interface DbType { type: string; allowedValues?: string[]; element?: DbType; types?: DbType[]; reference?: { $ref: string } }
interface DbEntity {
  $id: string;
  cloudFormationType?: string;
  name?: string;
  properties: Record<string, DbProperty>;
  attributes?: Record<string, unknown>;
  primaryIdentifier?: string[];
}

let db: { resources: Map<string, DbEntity>; types: Map<string, DbEntity> } | undefined;
const cache = new Map<string, ResourceSchema | undefined>();

/** The path of the spec database of the aws-cdk CLI installed here. */
export function specDbPath(): string {
  return path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'db.json.gz');
}

function load() {
  if (!db) {
    const raw = JSON.parse(gunzipSync(fs.readFileSync(specDbPath())).toString('utf8'));
    const resources = new Map<string, DbEntity>();
    for (const e of Object.values(raw.schema.resource.entities) as DbEntity[]) if (e.cloudFormationType) resources.set(e.cloudFormationType, e);
    const types = new Map<string, DbEntity>();
    for (const t of Object.values(raw.schema.typeDefinition.entities) as DbEntity[]) types.set(t.$id, t);
    db = { resources, types };
  }
  return db;
}

function convertType(t: DbType, types: Map<string, DbEntity>, depth = 0): SchemaType {
  switch (t.type) {
    case 'array':
    case 'map':
      return { type: t.type, element: convertType(t.element!, types, depth + 1) };
    case 'union':
      return { type: 'union', types: t.types!.map((x) => convertType(x, types, depth + 1)) };
    case 'ref': {
      const def = types.get(t.reference!.$ref);
      // A recursive type (none among the types simulated here) stops being checked at depth 8.
      if (!def || depth > 8) return { type: 'json' };
      return { type: 'ref', typeName: def.name, properties: convertProperties(def.properties, types, depth + 1) };
    }
    default:
      return { type: t.type as SchemaType['type'], ...(t.allowedValues ? { allowedValues: t.allowedValues } : {}) };
  }
}

function convertProperties(props: Record<string, DbProperty>, types: Map<string, DbEntity>, depth: number): Record<string, PropertySchema> {
  const out: Record<string, PropertySchema> = {};
  for (const [name, p] of Object.entries(props)) {
    let defaultValue: Json | undefined;
    if (p.defaultValue !== undefined) {
      try {
        defaultValue = JSON.parse(p.defaultValue);
      } catch {
        defaultValue = p.defaultValue;
      }
    }
    out[name] = {
      type: convertType(p.type, types, depth),
      required: p.required === true,
      createOnly: p.causesReplacement === 'yes',
      ...(defaultValue !== undefined ? { defaultValue } : {}),
    };
  }
  return out;
}

/** The schema of a resource type, or undefined when the spec db does not know it. */
export function resourceSchema(cloudFormationType: string): ResourceSchema | undefined {
  if (!cache.has(cloudFormationType)) {
    const { resources, types } = load();
    const e = resources.get(cloudFormationType);
    cache.set(cloudFormationType, e && {
      cloudFormationType,
      properties: convertProperties(e.properties, types, 0),
      attributes: Object.keys(e.attributes ?? {}),
      primaryIdentifier: e.primaryIdentifier ?? [],
    });
  }
  return cache.get(cloudFormationType);
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (Array.isArray(v) ? 'JSONArray' : v === null ? 'Null' : isObject(v) ? 'JSONObject'
  : typeof v === 'boolean' ? 'Boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'Integer' : 'BigDecimal') : 'String');
const expected: Record<string, string> = {
  string: 'String', boolean: 'Boolean', integer: 'Integer', number: 'Number', array: 'JSONArray', map: 'JSONObject', ref: 'JSONObject', tag: 'JSONObject',
};
const STRING: PropertySchema = { type: { type: 'string' }, required: true, createOnly: false };
/** A tag ({Key, Value}, both required strings). */
const TAG: Record<string, PropertySchema> = { Key: STRING, Value: STRING };

/**
 * Checks (and converts) a value against a type. A template's scalars may arrive as strings (a
 * Parameter, Fn::Join): "true"/"false" and numeric strings are accepted for Boolean / Integer /
 * Number properties and converted. Returns the converted value; pushes messages into `errors`.
 */
function check(t: SchemaType, value: Json, at: string, errors: string[]): Json {
  const fail = () => {
    errors.push(`${at}: expected type: ${expected[t.type] ?? t.type}, found: ${kindOf(value)}`);
    return value;
  };
  switch (t.type) {
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
      if (typeof value !== 'string') return fail();
      if (t.allowedValues && !t.allowedValues.includes(value)) errors.push(`${at}: ${value} is not a valid enum value`);
      return value;
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      return typeof value === 'boolean' ? value : fail();
    case 'integer':
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n) || (t.type === 'integer' && !Number.isInteger(n))) return fail();
      return n;
    }
    case 'json':
      return value;
    case 'array':
      if (!Array.isArray(value)) return fail();
      return value.map((v, i) => check(t.element!, v, `${at}/${i}`, errors));
    case 'map':
      if (!isObject(value)) return fail();
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, check(t.element!, v, `${at}/${k}`, errors)]));
    case 'tag':
      return checkObject(TAG, value, at, errors);
    case 'ref':
      return checkObject(t.properties!, value, at, errors);
    case 'union': {
      for (const alt of t.types!) {
        const e: string[] = [];
        const v = check(alt, value, at, e);
        if (e.length === 0) return v;
      }
      errors.push(`${at}: #: no subschema matched out of the total ${t.types!.length} subschemas`);
      return value;
    }
  }
}

function checkObject(props: Readonly<Record<string, PropertySchema>>, value: Json, at: string, errors: string[]): Json {
  if (!isObject(value)) {
    errors.push(`${at}: expected type: JSONObject, found: ${kindOf(value)}`);
    return value;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const p = props[k];
    if (!p) errors.push(`${at}: extraneous key [${k}] is not permitted`);
    else out[k] = check(p.type, v, `${at}/${k}`, errors);
  }
  for (const [k, p] of Object.entries(props)) if (p.required && !(k in value)) errors.push(`${at}: required key [${k}] not found`);
  return out;
}

/** Thrown for properties the schema refuses; CloudFormation fails the resource before any call. */
export class ModelValidationError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`Model validation failed (${errors.join(', ')})`);
    this.name = 'ModelValidationError';
  }
}

/** The properties checked against the schema and converted to its types; throws ModelValidationError. */
export function validateProperties(schema: ResourceSchema, properties: JsonObject): JsonObject {
  const errors: string[] = [];
  const out = checkObject(schema.properties, properties, '#', errors) as JsonObject;
  if (errors.length > 0) throw new ModelValidationError(errors);
  return out;
}

/**
 * The properties whose change replaces the resource (createOnly, at the top level or inside a
 * nested type), between two validated property sets. Empty: an update in place.
 */
export function replacingChanges(schema: ResourceSchema, oldProps: JsonObject, newProps: JsonObject): string[] {
  const found: string[] = [];
  const walk = (props: Readonly<Record<string, PropertySchema>>, a: Json | undefined, b: Json | undefined, at: string) => {
    const oa = isObject(a) ? a : {};
    const ob = isObject(b) ? b : {};
    for (const [k, p] of Object.entries(props)) {
      if (jsonEqual(oa[k], ob[k])) continue;
      if (p.createOnly) found.push(`${at}${k}`);
      else if (p.type.type === 'ref') walk(p.type.properties!, oa[k], ob[k], `${at}${k}.`);
    }
  };
  walk(schema.properties, oldProps, newProps, '');
  return found;
}

/**
 * What a property left out of the template stands for: its schema default, for a nested type the
 * object of its members' defaults, for a string whose allowed values include "" the empty string,
 * for a list the empty list. Undefined when the schema gives no such value.
 */
export function resetValue(p: PropertySchema): Json | undefined {
  if (p.defaultValue !== undefined) return p.defaultValue;
  if (p.type.type === 'ref') {
    const entries = Object.entries(p.type.properties!).map(([k, q]) => [k, resetValue(q)] as const).filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) as JsonObject : undefined;
  }
  if (p.type.type === 'string' && p.type.allowedValues?.includes('')) return '';
  // A list left out is an empty list (e.g. IVS allowedCountries: "Default: All countries (an empty array)", Smithy model).
  if (p.type.type === 'array') return [];
  return undefined;
}
