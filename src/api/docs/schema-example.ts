// An example body for an operation, from its OpenAPI schema: the schema's own example (zod's
// `.meta({ example })`) where it has one, else one built from the schema — each field's example,
// default, const or first enum value, else a value of its type. A request example keeps only the
// required fields and those with an example of their own (what a caller would write); a response
// example shows every field.

/** The subset of JSON Schema the generated document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  minItems?: number;
  description?: string;
  nullable?: boolean;
  prefixItems?: JsonSchema[];
  writeOnly?: boolean;
  readOnly?: boolean;
}

export type Schemas = Record<string, JsonSchema>;

export const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

/** The schema a $ref points to (one hop), or the schema itself. */
export function resolved(schema: JsonSchema, schemas: Schemas): JsonSchema {
  return schema.$ref ? (schemas[refName(schema.$ref)] ?? {}) : schema;
}

export interface ExampleOptions {
  /** request: required fields and fields with an example only; response: every field. */
  mode: "request" | "response";
}

const MAX_DEPTH = 6;

const STRING_FORMATS: Record<string, string> = {
  "date-time": "2026-07-01T12:00:00.000Z",
  date: "2026-07-01",
  uri: "https://example.com/",
  email: "name@example.com",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/** The types a schema allows, "null" last, so the example uses a real value where one is allowed. */
function typesOf(schema: JsonSchema): string[] {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return [...types.filter((t) => t !== "null"), ...types.filter((t) => t === "null")];
}

function ownExample(schema: JsonSchema): { value: unknown } | null {
  if (schema.example !== undefined) return { value: schema.example };
  if (schema.examples?.length) return { value: schema.examples[0] };
  if (schema.const !== undefined) return { value: schema.const };
  if (schema.default !== undefined) return { value: schema.default };
  if (schema.enum?.length) return { value: schema.enum.find((v) => v !== null) ?? schema.enum[0] };
  return null;
}

/** Whether a request example should carry this optional field: it has an example of its own. */
function illustrated(schema: JsonSchema, schemas: Schemas): boolean {
  const target = resolved(schema, schemas);
  return target.example !== undefined || (target.examples?.length ?? 0) > 0;
}

function objectExample(schema: JsonSchema, schemas: Schemas, options: ExampleOptions, depth: number, seen: Set<string>): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const wanted = options.mode === "response" ? !property.writeOnly : required.has(name) || illustrated(property, schemas);
    if (wanted && !(options.mode === "request" && property.readOnly)) out[name] = build(property, schemas, options, depth + 1, seen);
  }
  if (!schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    out.key = build(schema.additionalProperties, schemas, options, depth + 1, seen);
  }
  return out;
}

function typedExample(schema: JsonSchema, schemas: Schemas, options: ExampleOptions, depth: number, seen: Set<string>): unknown {
  const type = typesOf(schema)[0] ?? (schema.properties ? "object" : schema.items ? "array" : undefined);
  switch (type) {
    case "object":
      return objectExample(schema, schemas, options, depth, seen);
    case "array":
      if (schema.prefixItems) return schema.prefixItems.map((item) => build(item, schemas, options, depth + 1, seen));
      return schema.items ? [build(schema.items, schemas, options, depth + 1, seen)] : [];
    case "string":
      return (schema.format && STRING_FORMATS[schema.format]) ?? "string";
    case "integer":
    case "number":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return null;
  }
}

function build(schema: JsonSchema, schemas: Schemas, options: ExampleOptions, depth: number, seen: Set<string>): unknown {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    // A schema that contains itself (or a page too deep to read) ends the example there.
    if (seen.has(name) || depth > MAX_DEPTH) return options.mode === "request" ? {} : null;
    return build(schemas[name] ?? {}, schemas, options, depth, new Set([...seen, name]));
  }
  const own = ownExample(schema);
  if (own) return own.value;
  const choice = schema.oneOf?.[0] ?? schema.anyOf?.find((s) => s.type !== "null") ?? schema.anyOf?.[0];
  if (choice) return build(choice, schemas, options, depth, seen);
  if (schema.allOf?.length) {
    return Object.assign({}, ...schema.allOf.map((part) => build(part, schemas, options, depth, seen)).filter((v) => typeof v === "object" && v !== null));
  }
  if (depth > MAX_DEPTH) return null;
  return typedExample(schema, schemas, options, depth, seen);
}

/** An example value for `schema`, resolving its $refs in `schemas`. */
export function exampleOf(schema: JsonSchema, schemas: Schemas, options: ExampleOptions): unknown {
  return build(schema, schemas, options, 0, new Set());
}
