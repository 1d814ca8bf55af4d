// Example bodies on /docs: the schema's own example first, else one built from the schema — a
// request example with the fields a caller writes, a response example with every field.
import { describe, expect, it } from "vitest";
import { bodyExample, json } from "../../../src/api/docs";
import { exampleOf, type Schemas } from "../../../src/api/docs/schema-example";

const schemas: Schemas = {
  Model: {
    type: "object",
    required: ["name", "base_url"],
    properties: {
      name: { type: "string", example: "my-7b" },
      base_url: { type: "string", format: "uri" },
      api: { type: "string", enum: ["completions", "chat"], default: "completions" },
      api_key: { type: "string", writeOnly: true },
      max_output_tokens: { type: "integer", minimum: 1, example: 4096 },
      window: { type: "integer", minimum: 256 },
    },
  },
  Suite: { oneOf: [{ $ref: "#/components/schemas/Needle" }, { $ref: "#/components/schemas/Loss" }] },
  Needle: { type: "object", required: ["type"], properties: { type: { type: "string", enum: ["needle"] }, lengths: { type: "array", items: { type: "integer" }, example: [1000, 8000] } } },
  Loss: { type: "object", required: ["type"], properties: { type: { type: "string", enum: ["loss"] } } },
  Request: {
    type: "object",
    required: ["model", "suites"],
    properties: { model: { $ref: "#/components/schemas/Model" }, suites: { type: "array", items: { $ref: "#/components/schemas/Suite" } }, public: { type: "boolean", default: true } },
  },
  Tree: { type: "object", properties: { name: { type: "string" }, child: { anyOf: [{ $ref: "#/components/schemas/Tree" }, { type: "null" }] } } },
  Answer: {
    type: "object",
    properties: {
      id: { type: "string" },
      finished_at: { type: ["string", "null"], format: "date-time" },
      scores: { type: "object", additionalProperties: { type: "number" } },
      interval: { type: "array", prefixItems: [{ type: "integer" }, { type: ["integer", "null"] }] },
    },
  },
  WithOwnExample: { type: "object", properties: { a: { type: "string" } }, example: { a: "given" } },
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("exampleOf", () => {
  it("builds a request body from the required fields and the fields with an example, through $refs and unions", () => {
    expect(exampleOf(ref("Request"), schemas, { mode: "request" })).toEqual({
      model: { name: "my-7b", base_url: "https://example.com/", max_output_tokens: 4096 },
      suites: [{ type: "needle", lengths: [1000, 8000] }],
    });
  });

  it("shows every field of a response, never a write-only one, with values of each type", () => {
    expect(exampleOf(ref("Answer"), schemas, { mode: "response" })).toEqual({ id: "string", finished_at: "2026-07-01T12:00:00.000Z", scores: { key: 0 }, interval: [0, 0] });
    const model = exampleOf(ref("Model"), schemas, { mode: "response" }) as Record<string, unknown>;
    expect(model).toMatchObject({ api: "completions", window: 256 });
    expect(model).not.toHaveProperty("api_key");
  });

  it("uses a schema's own example, and stops where a schema contains itself", () => {
    expect(exampleOf(ref("WithOwnExample"), schemas, { mode: "request" })).toEqual({ a: "given" });
    expect(bodyExample({ schema: ref("Model"), example: { name: "x" } }, schemas, "request")).toEqual({ name: "x" });
    expect(exampleOf(ref("Tree"), schemas, { mode: "response" })).toEqual({ name: "string", child: null });
  });
});

describe("json", () => {
  it("keeps short arrays of plain values on one line and leaves strings alone", () => {
    expect(json({ a: [0, 50, 100], b: ["x,y"], c: [{ d: 1 }], e: [] })).toBe('{\n  "a": [0, 50, 100],\n  "b": ["x,y"],\n  "c": [\n    {\n      "d": 1\n    }\n  ],\n  "e": []\n}');
    expect(JSON.parse(json({ long: Array.from({ length: 40 }, (_, i) => i * 1000) }))).toEqual({ long: Array.from({ length: 40 }, (_, i) => i * 1000) });
  });
});
