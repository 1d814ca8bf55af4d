// /docs: a readable page generated from the same OpenAPI document clients download, so the
// two never disagree. Server-rendered, no scripts, no CDN (it works offline).
import type { FC } from "hono/jsx";

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const DocsPage: FC<{ doc: OpenApiDoc }> = ({ doc }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{doc.info.title} API</title>
      <style>{`body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow:auto;border-radius:4px}
h2{border-top:1px solid #ddd;padding-top:1rem}.method{display:inline-block;min-width:4rem;font-weight:700;text-transform:uppercase}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}details{margin:.5rem 0}`}</style>
    </head>
    <body>
      <h1>
        {doc.info.title} API <small>v{doc.info.version}</small>
      </h1>
      <p>{doc.info.description}</p>
      <p>
        Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457{" "}
        <code>application/problem+json</code> documents with an <code>errors[]</code> list of JSON Pointers to the fields at fault.
      </p>
      <nav aria-label="Operations">
        <ul>
          {Object.entries(doc.paths).flatMap(([path, ops]) =>
            Object.entries(ops).map(([method, op]) => (
              <li>
                <a href={`#${method}-${path}`}>
                  <code>
                    {method.toUpperCase()} {path}
                  </code>
                </a>{" "}
                — {op.summary}
              </li>
            )),
          )}
        </ul>
      </nav>
      {Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => (
          <section id={`${method}-${path}`}>
            <h2>
              <span class="method">{method}</span> <code>{path}</code>
            </h2>
            <p>
              <strong>{op.summary}</strong>
            </p>
            {op.description ? <p>{op.description}</p> : null}
            {op.parameters?.length ? (
              <table>
                <caption>Parameters</caption>
                <thead>
                  <tr>
                    <th scope="col">name</th>
                    <th scope="col">in</th>
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
                      <td>{p.required ? "yes" : "no"}</td>
                      <td>{p.description ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {op.requestBody?.content?.["application/json"] ? (
              <details>
                <summary>Request body schema</summary>
                <pre>{json(op.requestBody.content["application/json"].schema)}</pre>
              </details>
            ) : null}
            <ul>
              {Object.entries(op.responses ?? {}).map(([code, r]) => (
                <li>
                  <code>{code}</code> {r.description}
                </li>
              ))}
            </ul>
          </section>
        )),
      )}
      <h2>Schemas</h2>
      {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
        <details id={`schema-${name}`}>
          <summary>
            <code>{name}</code>
          </summary>
          <pre>{json(schema)}</pre>
        </details>
      ))}
    </body>
  </html>
);
