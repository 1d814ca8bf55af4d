// /docs: a readable page generated from the same OpenAPI document clients download, so the two
// never disagree. In the site's layout (header and navigation of the other pages), server-rendered,
// no scripts, no CDN (it works offline). Each operation shows its parameters, its request and
// response schemas expanded with links to every named schema, and an example body.
import type { FC } from "hono/jsx";
import { Layout } from "../web/layout";
import { exampleOf, type JsonSchema, type Schemas } from "./docs/schema-example";
import { SchemaTable, schemaAnchor, TypeLabel } from "./docs/schema-view";

interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}

interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Schemas };
}

/** Pretty JSON, with short arrays of plain values kept on one line ([0, 50, 100]). */
export function json(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.every((v) => v === null || typeof v !== "object") ? `[${value.map((v) => JSON.stringify(v)).join(", ")}]` : null;
    if (flat !== null && flat.length + indent.length <= 72) return flat;
    return `[\n${value.map((v) => inner + json(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${json(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const opAnchor = (method: string, path: string) => `${method}-${path}`;

/** The first JSON-ish body of a content map: application/json, else any +json type. */
function jsonBody(content: Record<string, MediaType> | undefined): [string, MediaType] | null {
  const entries = Object.entries(content ?? {});
  return entries.find(([type]) => type === "application/json") ?? entries.find(([type]) => type.endsWith("+json")) ?? null;
}

/** The body's own example, else the schema's (zod's .meta({ example })), else one built from the schema. */
export function bodyExample(body: MediaType, schemas: Schemas, mode: "request" | "response"): unknown {
  if (body.example !== undefined) return body.example;
  return body.schema ? exampleOf(body.schema, schemas, { mode }) : null;
}

const SchemaName: FC<{ schema: JsonSchema | undefined }> = ({ schema }) => (schema ? <TypeLabel schema={schema} /> : <>no schema</>);

const Parameters: FC<{ op: Operation }> = ({ op }) =>
  op.parameters?.length ? (
    <table class="schema-table">
      <caption>Parameters</caption>
      <thead>
        <tr>
          <th scope="col">name</th>
          <th scope="col">in</th>
          <th scope="col">type</th>
          <th scope="col">required</th>
          <th scope="col">description</th>
        </tr>
      </thead>
      <tbody>
        {op.parameters.map((p) => (
          <tr>
            <td>
              <code>{p.name}</code>
            </td>
            <td>{p.in}</td>
            <td>{p.schema ? <TypeLabel schema={p.schema} /> : ""}</td>
            <td>{p.required ? "yes" : "no"}</td>
            <td>{p.description ?? p.schema?.description ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : null;

/** A body that is not JSON (a file upload): its media types and what each holds. */
const OtherBodies: FC<{ content: Record<string, MediaType> }> = ({ content }) => (
  <div class="docs-body">
    <h3>Request body</h3>
    <ul>
      {Object.entries(content).map(([type, media]) => (
        <li>
          <code>{type}</code>: {media.schema?.description ?? <SchemaName schema={media.schema} />}
        </li>
      ))}
    </ul>
  </div>
);

const RequestBody: FC<{ op: Operation; schemas: Schemas; anchor: string }> = ({ op, schemas, anchor }) => {
  const content = op.requestBody?.content;
  const body = jsonBody(content);
  if (!body) return content ? <OtherBodies content={content} /> : null;
  const [type, media] = body;
  return (
    <div class="docs-body">
      <h3>
        Request body <span class="muted">({type})</span>: <SchemaName schema={media.schema} />
      </h3>
      {media.schema ? <SchemaTable schema={media.schema} schemas={schemas} /> : null}
      <p class="muted">Example request body:</p>
      <pre id={`${anchor}-request-example`} class="example" data-example="request">
        {json(bodyExample(media, schemas, "request"))}
      </pre>
    </div>
  );
};

const Responses: FC<{ op: Operation; schemas: Schemas; anchor: string }> = ({ op, schemas, anchor }) => (
  <div class="docs-body">
    <h3>Responses</h3>
    <ul class="responses">
      {Object.entries(op.responses ?? {}).map(([code, response]) => {
        const body = jsonBody(response.content);
        const others = Object.keys(response.content ?? {}).filter((type) => type !== body?.[0]);
        const success = code.startsWith("2") && body?.[1].schema;
        return (
          <li>
            <code>{code}</code> {response.description}
            {body ? (
              <>
                {" "}
                — <span class="muted">{body[0]}</span> <SchemaName schema={body[1].schema} />
              </>
            ) : null}
            {others.length ? <span class="muted"> (also {others.join(", ")})</span> : null}
            {success ? (
              <details>
                <summary>{body[1].schema!.$ref ? "Example" : "Fields and an example"}</summary>
                {/* A named schema is expanded once, in its own section (linked above); an inline one here. */}
                {body[1].schema!.$ref ? null : <SchemaTable schema={body[1].schema!} schemas={schemas} />}
                <pre id={`${anchor}-${code}-example`} class="example" data-example="response">
                  {json(bodyExample(body[1], schemas, "response"))}
                </pre>
              </details>
            ) : null}
          </li>
        );
      })}
    </ul>
  </div>
);

const OperationSection: FC<{ method: string; path: string; op: Operation; schemas: Schemas }> = ({ method, path, op, schemas }) => {
  const anchor = opAnchor(method, path);
  return (
    <section id={anchor} class="docs-op">
      <h2>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h2>
      <p>
        <strong>{op.summary}</strong>
      </p>
      {op.description ? <p>{op.description}</p> : null}
      <Parameters op={op} />
      <RequestBody op={op} schemas={schemas} anchor={anchor} />
      <Responses op={op} schemas={schemas} anchor={anchor} />
    </section>
  );
};

/** Named schemas, each expanded in its own linkable section (the raw JSON Schema is in /openapi.json). */
const SchemaSections: FC<{ schemas: Schemas }> = ({ schemas }) => (
  <>
    <h2 id="schemas">Schemas</h2>
    {Object.entries(schemas).map(([name, schema]) => (
      <section id={schemaAnchor(name)} class="docs-schema">
        <h3>
          <code>{name}</code>
        </h3>
        {schema.description ? <p>{schema.description}</p> : null}
        <SchemaTable schema={schema} schemas={schemas} />
      </section>
    ))}
  </>
);

export const DocsPage: FC<{ doc: OpenApiDoc }> = ({ doc }) => {
  const schemas = doc.components?.schemas ?? {};
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  return (
    <Layout title="API docs">
      <div class="docs">
        <h1>
          {doc.info.title} API <small class="muted">v{doc.info.version}</small>
        </h1>
        <p class="lede">{doc.info.description}</p>
        <p>
          Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457 <code>application/problem+json</code>{" "}
          documents (<a href={`#${schemaAnchor("Problem")}`}>Problem</a>) with an <code>errors[]</code> list of JSON Pointers to the fields at fault.
          Example bodies come from the schemas' own examples where they have one, else are built from the schema (request examples show the
          required fields and the fields with an example).
        </p>
        <nav aria-label="Operations" class="docs-toc">
          <ul>
            {operations.map(({ path, method, op }) => (
              <li>
                <a href={`#${opAnchor(method, path)}`}>
                  <code>
                    {method.toUpperCase()} {path}
                  </code>
                </a>{" "}
                — {op.summary}
              </li>
            ))}
            <li>
              <a href="#schemas">Schemas</a> ({Object.keys(schemas).length})
            </li>
          </ul>
        </nav>
        {operations.map(({ path, method, op }) => (
          <OperationSection method={method} path={path} op={op} schemas={schemas} />
        ))}
        <SchemaSections schemas={schemas} />
      </div>
    </Layout>
  );
};

