// A schema as a reader wants it: a table of its fields (name, type, required, description), nested
// objects expanded in place, named schemas as links to their own section (#schema-Name), so the docs
// page never shows a bare {"$ref": …}.
import type { Child, FC } from "hono/jsx";
import { refName, resolved, type JsonSchema, type Schemas } from "./schema-example";

export const schemaAnchor = (name: string) => `schema-${name}`;

const SchemaLink: FC<{ name: string }> = ({ name }) => (
  <a href={`#${schemaAnchor(name)}`} class="schema-link">
    <code>{name}</code>
  </a>
);

const literal = (value: unknown) => <code>{JSON.stringify(value)}</code>;

const join = (parts: Child[], separator: string): Child[] => parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]));

/** The type of a schema in a few words, with links for named schemas. */
export const TypeLabel: FC<{ schema: JsonSchema }> = ({ schema }) => {
  if (schema.$ref) return <SchemaLink name={refName(schema.$ref)} />;
  const union = schema.oneOf ?? schema.anyOf;
  if (union) return <>{join(union.map((s) => <TypeLabel schema={s} />), " or ")}</>;
  if (schema.allOf) return <>{join(schema.allOf.map((s) => <TypeLabel schema={s} />), " and ")}</>;
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return <>{join(schema.enum.map(literal), " | ")}</>;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const parts = types.map((type): Child => {
    if (type === "array" && schema.prefixItems) return <>[{join(schema.prefixItems.map((s) => <TypeLabel schema={s} />), ", ")}]</>;
    if (type === "array") return <>array of {schema.items ? <TypeLabel schema={schema.items} /> : "anything"}</>;
    if (type === "object" && !schema.properties && typeof schema.additionalProperties === "object") return <>map of string → <TypeLabel schema={schema.additionalProperties} /></>;
    return type === "integer" || type === "number" || type === "string" ? `${type}${schema.format ? ` (${schema.format})` : ""}` : type;
  });
  return <>{parts.length ? join(parts, " or ") : "any"}</>;
};

/** An object's own fields, or the fields of the object inside an array or a nullable. */
function objectWithin(schema: JsonSchema): JsonSchema | null {
  if (schema.properties) return schema;
  if (schema.items && !schema.items.$ref) return objectWithin(schema.items);
  const inner = (schema.anyOf ?? schema.oneOf)?.filter((s) => !s.$ref && s.type !== "null");
  return inner?.length === 1 ? objectWithin(inner[0]!) : null;
}

const MAX_NESTING = 4;

/** The type of a field whose object is expanded beneath it. */
const NestedLabel: FC<{ schema: JsonSchema }> = ({ schema }) => {
  const types = [schema.type, ...(schema.anyOf ?? schema.oneOf ?? []).map((s) => s.type)].flat().filter((t): t is string => typeof t === "string");
  return <>{`${types.includes("array") ? "array of objects" : "object"}${types.includes("null") ? " or null" : ""}`}</>;
};

/** The fields of `schema` (a $ref is followed one hop) as a table; unions of named schemas as a list of links. */
export const SchemaTable: FC<{ schema: JsonSchema; schemas: Schemas; depth?: number }> = ({ schema, schemas, depth = 0 }) => {
  const target = resolved(schema, schemas);
  const union = target.oneOf ?? target.anyOf;
  if (!target.properties && union) {
    return (
      <p>
        One of: <TypeLabel schema={target} />
        {target.description ? ` — ${target.description}` : ""}
      </p>
    );
  }
  const object = objectWithin(target);
  if (!object?.properties) return <p>{target.description ? `${target.description} ` : ""}<TypeLabel schema={target} /></p>;
  const required = new Set(object.required ?? []);
  return (
    <table class="schema-table">
      <thead>
        <tr>
          <th scope="col">field</th>
          <th scope="col">type</th>
          <th scope="col">required</th>
          <th scope="col">description</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(object.properties).map(([name, property]) => {
          const nested = depth < MAX_NESTING ? objectWithin(property) : null;
          return (
            <tr>
              <td>
                <code>{name}</code>
              </td>
              <td>
                {nested ? <NestedLabel schema={property} /> : <TypeLabel schema={property} />}
                {property.default !== undefined ? <span class="muted"> (default {literal(property.default)})</span> : null}
              </td>
              <td>{required.has(name) ? "yes" : "no"}</td>
              <td>
                {property.description ?? ""}
                {nested ? <SchemaTable schema={nested} schemas={schemas} depth={depth + 1} /> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
