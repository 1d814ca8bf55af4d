// Opaque keyset cursors: base64url of JSON. They grant nothing; they only say where to resume.
import { DomainError } from "../common/errors";

export function encodeCursor(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T | null {
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    return check(value) ? value : null;
  } catch {
    return null;
  }
}

/** The cursor's position, or a validation error naming the `cursor` query parameter. */
export function cursorPosition<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | null {
  if (!cursor) return null;
  const position = decodeCursor(cursor, check);
  if (!position) throw new DomainError("invalid", "validation-failed", "cursor is not valid", { fields: [{ pointer: "/cursor", detail: "not a cursor this API issued", in: "query" }] });
  return position;
}

/** `{ c: created_at, i: id }`: runs and webhook deliveries, newest first. */
export const isTimeCursor = (v: unknown): v is { c: number; i: string } =>
  typeof v === "object" && v !== null && typeof (v as { c: unknown }).c === "number" && typeof (v as { i: unknown }).i === "string";

/** `{ i: idx }`: probes in idx order. */
export const isIndexCursor = (v: unknown): v is { i: number } => typeof v === "object" && v !== null && Number.isInteger((v as { i: unknown }).i);
