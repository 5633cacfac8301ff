// The fields of a file format described once, as data: their keys, types, bounds, choices, defaults
// and what they mean. The parsers (parse.ts, study/studyFile.ts) read keys, bounds and choices from
// these tables, and `jsonSchema` writes the JSON Schema (draft 2020-12) that editors complete and
// check files with from the same tables, so the two cannot drift apart field by field. Rules that
// relate fields to each other (lengths against sizes, names that refer to other entries) stay in the
// parsers; the schema is looser there, never stricter.

/** Bounds of a number; an absent bound does not apply. */
export interface NumberRule {
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
}

/** What every kind of field may carry. */
export interface FieldCommon {
  /** What the field means, shown by editors. */
  description?: string;
  /** The file is refused without it. */
  required?: boolean;
  /** The value an absent field takes (shown by editors; the parsers read their defaults elsewhere). */
  default?: unknown;
  /** `null` counts as absent (an empty YAML value). */
  nullable?: boolean;
}

export type Field = FieldCommon &
  (
    | { type: 'number'; rule: NumberRule }
    | { type: 'boolean' }
    | { type: 'string'; minLength?: number; pattern?: string }
    | { type: 'enum'; values: readonly string[] }
    | { type: 'const'; value: string }
    /** An array of numbers, or with `broadcast` also one number that stands for every element. */
    | { type: 'numbers'; rule: NumberRule; broadcast?: boolean; minItems?: number; maxItems?: number }
    /** An object with the named fields and no others; `exactlyOne` of the listed keys must be given. */
    | { type: 'object'; fields: Fields; exactlyOne?: readonly string[] }
    /**
     * An object whose keys are names the file chooses, every value of one kind; with `pattern`, only
     * keys that match it, besides the named `fields` (which may then have values of their own kinds).
     */
    | { type: 'map'; values: Field; pattern?: string; fields?: Fields }
    | { type: 'list'; items: Field; minItems?: number }
    /** An object told apart by its `tag` field: one set of further fields per tag value. */
    | { type: 'tagged'; tag: string; variants: Record<string, Fields> }
    | { type: 'anyOf'; options: readonly Field[] }
    | { type: 'anyObject' }
  );

export type Fields = Record<string, Field>;

/** A JSON Schema node. */
export type Schema = Record<string, unknown>;

export interface SchemaOptions {
  /** The largest magnitude of a real (non-integer) number anywhere in the format, if bounded. */
  maxMagnitude?: number;
}

function numberSchema(rule: NumberRule, options: SchemaOptions): Schema {
  const s: Schema = { type: rule.integer ? 'integer' : 'number' };
  const m = rule.integer ? undefined : options.maxMagnitude;
  if (rule.min !== undefined) s.minimum = rule.min;
  else if (rule.above !== undefined) s.exclusiveMinimum = rule.above;
  else if (m !== undefined) s.minimum = -m;
  if (rule.max !== undefined) s.maximum = rule.max;
  else if (rule.below !== undefined) s.exclusiveMaximum = rule.below;
  else if (m !== undefined) s.maximum = m;
  return s;
}

function objectSchema(fields: Fields, options: SchemaOptions): Schema {
  const required = Object.entries(fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, jsonSchema(f, options)])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** The JSON Schema of one field (its description and default included). */
export function jsonSchema(field: Field, options: SchemaOptions = {}): Schema {
  const s = field.nullable ? { anyOf: [shape(field, options), { type: 'null' }] } : shape(field, options);
  return {
    ...(field.description !== undefined ? { description: field.description } : {}),
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...s,
  };
}

function shape(field: Field, options: SchemaOptions): Schema {
  switch (field.type) {
    case 'number':
      return numberSchema(field.rule, options);
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return {
        type: 'string',
        ...(field.minLength !== undefined ? { minLength: field.minLength } : {}),
        ...(field.pattern !== undefined ? { pattern: field.pattern } : {}),
      };
    case 'enum':
      return { enum: [...field.values] };
    case 'const':
      return { const: field.value };
    case 'numbers': {
      const item = numberSchema(field.rule, options);
      const array: Schema = {
        type: 'array',
        items: item,
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
      };
      return field.broadcast ? { anyOf: [item, array] } : array;
    }
    case 'object': {
      const s = objectSchema(field.fields, options);
      return field.exactlyOne ? { ...s, oneOf: field.exactlyOne.map((k) => ({ required: [k] })) } : s;
    }
    case 'map': {
      const values = jsonSchema(field.values, options);
      return {
        type: 'object',
        ...(field.fields
          ? {
              properties: Object.fromEntries(
                Object.entries(field.fields).map(([k, f]) => [k, jsonSchema(f, options)]),
              ),
            }
          : {}),
        ...(field.pattern === undefined
          ? { additionalProperties: values }
          : { patternProperties: { [field.pattern]: values }, additionalProperties: false }),
      };
    }
    case 'list':
      return {
        type: 'array',
        items: jsonSchema(field.items, options),
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
      };
    case 'tagged': {
      const tags = Object.keys(field.variants);
      return {
        type: 'object',
        required: [field.tag],
        properties: { [field.tag]: { enum: tags } },
        anyOf: tags.map((tag) =>
          objectSchema({ [field.tag]: { type: 'const', value: tag }, ...field.variants[tag] }, options),
        ),
      };
    }
    case 'anyOf':
      return { anyOf: field.options.map((f) => jsonSchema(f, options)) };
    case 'anyObject':
      return { type: 'object' };
  }
}
