// Headers on every response that keep a page from being turned against its reader: nothing runs but
// our own scripts (served from /assets; the pages' SVG and styles are inline), no framing, no MIME
// sniffing, no referrer leaving the site.
import type { MiddlewareHandler } from "hono";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS: [string, string][] = [
  ["content-security-policy", CONTENT_SECURITY_POLICY],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
  ["x-frame-options", "DENY"],
];

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  try {
    for (const [name, value] of HEADERS) c.res.headers.set(name, value);
  } catch {
    // A response with immutable headers (e.g. one passed through from fetch): copy it, body untouched.
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of HEADERS) c.res.headers.set(name, value);
  }
};
