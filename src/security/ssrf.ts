// SSRF guard for user-supplied URLs (inference endpoints and webhooks), applied when the URL is saved
// and again before every fetch. Pure TypeScript: no `node:` or Cloudflare imports, so it runs in workerd
// and Node alike.
//
// Why a validator at all: production Workers refuse IP-literal subrequests, but local `wrangler dev`
// (Miniflare) deliberately lets fetch reach loopback and LAN addresses, so this check is the control and
// is tested directly (see /work/shared/reference/service.md, "SSRF").
//
// Limits, on purpose: this check does no I/O. It judges the URL and its host as written; a public-looking
// name may still resolve to a private address. `checkOutboundUrlResolved` (resolved.ts) runs this check
// and then resolves the name over DNS-over-HTTPS (dns.ts); callers that fetch use that one. Rebinding
// between that check and the fetch remains possible (Workers `fetch` cannot pin an address); against
// that we rely on platform egress rules and on fetching with `redirect: "manual"`.

import { type HostClass, classifyHost } from "./classify";
import { type PrivateEndpoints, addressHint, allowsAddress, allowsName, nameHint } from "./private-endpoints";

export { classifyHost, type HostClass, type HostKind } from "./classify";

export interface UrlPolicy {
  /** Local development only: accept loopback, and only in canonical spellings. */
  allowLoopback: boolean;
  /**
   * Self-hosted deployments only: ALLOW_PRIVATE_ENDPOINTS, parsed (private-endpoints.ts). Absent: no
   * private address or private-network name is allowed.
   */
  privateEndpoints?: PrivateEndpoints;
}

export const PRODUCTION_POLICY: UrlPolicy = Object.freeze({ allowLoopback: false });

/**
 * `retryable` marks refusals that say nothing about the URL itself (the DNS resolver failed or timed
 * out): still a refusal, but a caller may try again later rather than fail for good.
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string; retryable?: boolean };

/** Spread into every outbound fetch: never follow redirects (Workers would forward Authorization). */
export const FETCH_SAFETY = Object.freeze({ redirect: "manual" }) satisfies RequestInit;

export function withFetchSafety(init: RequestInit = {}): RequestInit {
  return { ...init, ...FETCH_SAFETY };
}

const MAX_URL_LENGTH = 2048;

// ---------------------------------------------------------------------------------------------------
// URL check.

/** The only loopback spellings accepted in local development. */
const CANONICAL_LOOPBACK = /^(localhost|\[::1\]|127(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})$/;

const refuse = (reason: string): UrlVerdict => ({ ok: false, reason });

/** "host 0x7f.1 is a loopback address (127.0.0.1) written in a non-canonical form" */
function describe(written: string, cls: HostClass): string {
  const shown = cls.family === "ipv6" ? `[${cls.address}]` : cls.address;
  // Embedded forms already name the IPv4 address they carry; for the others, show what was meant.
  if (cls.family === "name" || cls.embedded || shown === written) return `host ${written} is ${cls.detail}`;
  return `host ${written} is ${cls.detail} (${shown}) written in a non-canonical form`;
}

/**
 * Validate a user-supplied endpoint or webhook URL. The URL's host is judged twice: as `new URL()`
 * normalised it (what fetch will actually connect to) and as the user wrote it (WHATWG silently turns
 * `0x7f.1`, `017700000001` or `%31%32%37.0.0.1` into `127.0.0.1`, and we want to see the disguise).
 */
export function checkOutboundUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (typeof raw !== "string" || raw === "") return refuse("URL is empty");
  if (raw.length > MAX_URL_LENGTH) return refuse(`URL is longer than ${MAX_URL_LENGTH} characters`);
  // WHATWG strips or reinterprets these (tabs/newlines vanish, `\` becomes `/`), so the string the user
  // wrote and the URL fetch uses would differ. Nothing legitimate needs them.
  if (/[\s\u0000-\u001f\u007f-\u009f\\]/u.test(raw)) {
    return refuse("URL contains whitespace, control characters or backslashes");
  }

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse("URL must be absolute and start with https:// or http://");
  if (scheme !== "http" && scheme !== "https") return refuse(`scheme "${scheme}:" is not allowed; use https or http`);
  const rest = raw.slice(scheme.length + 1);
  // WHATWG also accepts `http:host` and `http:///host`; we require the plain form so our own reading
  // of the authority below matches the parser's.
  if (!rest.startsWith("//") || rest.startsWith("///")) return refuse("URL must have the form https://host/path");

  const authority = rest.slice(2).split(/[/?#]/, 1)[0] ?? "";
  if (authority.includes("@")) return refuse("URL must not contain a username or password");
  const split = splitAuthority(authority);
  if (typeof split === "string") return refuse(split);
  const written = split.host;
  if (written.startsWith("[") && written.includes("%")) return refuse(`host ${written} has an IPv6 zone id, which is not allowed`);
  if (written.includes("%")) return refuse(`host ${written} is percent-encoded`);

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse("scheme must be http or https");
  if (url.username !== "" || url.password !== "") return refuse("URL must not contain a username or password");

  return judgeHost(url, written, policy);
}

/** The host's verdict: `url` as parsed, `written` the host as the user wrote it. */
function judgeHost(url: URL, written: string, policy: UrlPolicy): UrlVerdict {
  const target = classifyHost(url.hostname); // what fetch would connect to
  const spelled = classifyHost(written); // how the user wrote it
  if (target.kind === "invalid") return refuse(`host ${written} is ${target.detail}`);

  if (target.kind === "loopback" && policy.allowLoopback) {
    if (CANONICAL_LOOPBACK.test(written)) return { ok: true, url };
    return refuse(`${describe(written, target)}; in local development loopback must be written as localhost, 127.x.y.z or [::1]`);
  }
  if (target.kind === "ipv4-embedded") return refuse(`${describe(written, target)}; write the IPv4 address directly`);
  if (target.kind !== "public") return judgePrivate(url, written, target, spelled, policy.privateEndpoints);
  // Normalisation never turns a private spelling into a public target, but if it ever did, refuse.
  if (spelled.kind !== "public") return refuse(describe(written, spelled));
  if (spelled.family !== "name" && !spelled.canonical) {
    // Odd spellings of public IPs are harmless to fetch but only ever used to slip past filters,
    // and other tools (logs, DoH, proxies) may read them differently. Ask for the plain form.
    return refuse(`host ${written} is an IP address written in a non-canonical form; write it as ${plainForm(target)}`);
  }
  return { ok: true, url };
}

/**
 * A host that is not public: allowed only when ALLOW_PRIVATE_ENDPOINTS lists it (an address in a
 * listed CIDR, written canonically; a name listed exactly or by suffix, whose addresses resolved.ts
 * then judges). Otherwise refused, saying how an operator could allow it where one may.
 */
function judgePrivate(url: URL, written: string, target: HostClass, spelled: HostClass, list: PrivateEndpoints | undefined): UrlVerdict {
  if (target.family === "name") {
    if (allowsName(list, url.hostname, target)) return { ok: true, url };
    return refuse(`${describe(written, target)}${nameHint(url.hostname, target, list)}`);
  }
  if (!allowsAddress(list, target)) return refuse(`${describe(written, target)}${addressHint(target, list)}`);
  // As for loopback: a listed address only in its plain spelling.
  if (!spelled.canonical) return refuse(`${describe(written, target)}; write it as ${plainForm(target)}`);
  return { ok: true, url };
}

function plainForm(cls: HostClass): string | undefined {
  return cls.family === "ipv6" ? `[${cls.address}]` : cls.address;
}

/** Split `host[:port]` / `[v6][:port]` as written. Returns an error message on malformed input. */
function splitAuthority(authority: string): { host: string; port: string } | string {
  let host: string;
  let after: string;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return "URL has an unterminated IPv6 address";
    host = authority.slice(0, close + 1);
    after = authority.slice(close + 1);
  } else {
    const colon = authority.indexOf(":");
    host = colon < 0 ? authority : authority.slice(0, colon);
    after = colon < 0 ? "" : authority.slice(colon);
  }
  if (host === "" || host === "[]") return "URL has no host";
  if (after !== "" && !/^:[0-9]*$/.test(after)) return "URL has an invalid port";
  return { host, port: after.slice(1) };
}
