// SSRF guard for user-supplied URLs (inference endpoints and webhooks), applied when the URL is saved
// and again before every fetch. Pure TypeScript: no `node:` or Cloudflare imports, so it runs in workerd
// and Node alike.
//
// Why a validator at all: production Workers refuse IP-literal subrequests, but local `wrangler dev`
// (Miniflare) deliberately lets fetch reach loopback and LAN addresses, so this check is the control and
// is tested directly (see /work/shared/reference/service.md, "SSRF").
//
// Limits, on purpose: we do not resolve DNS here. A public-looking name may still resolve to a private
// address (or be rebound between check and fetch); that is handled elsewhere (DNS-over-HTTPS pre-check,
// platform egress rules) and by fetching with `redirect: "manual"` so a redirect cannot hop inside.

import {
  type Ipv4,
  type Ipv6,
  formatIpv4,
  formatIpv6,
  ipv4InCidr,
  ipv6InPrefix,
  looksLikeIpv4,
  parseIpv4,
  parseIpv6,
} from "./ip";

export interface UrlPolicy {
  /** Local development only: accept loopback, and only in canonical spellings. */
  allowLoopback: boolean;
}

export const PRODUCTION_POLICY: UrlPolicy = Object.freeze({ allowLoopback: false });

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export type HostKind =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "cgnat"
  | "unspecified"
  | "multicast"
  | "metadata"
  | "reserved"
  | "broadcast"
  | "documentation"
  /** IPv6 translation forms (IPv4-mapped, -compatible, NAT64) of a *public* IPv4 address. */
  | "ipv4-embedded"
  /** Not a usable host: bad IP literal or not a valid DNS name. */
  | "invalid";

export interface HostClass {
  kind: HostKind;
  /**
   * True when the host is written exactly as the WHATWG URL serialiser would write it (lowercase,
   * dotted-decimal IPv4, compressed IPv6, no trailing dot) and is not an IPv4 address disguised as IPv6.
   */
  canonical: boolean;
  family: "ipv4" | "ipv6" | "name";
  /** Canonical form of an IP literal (IPv6 without brackets). */
  address?: string;
  /** For IPv6 forms that carry an IPv4 address: which form, and the embedded address. */
  embedded?: { form: string; ipv4: string };
  /** Short explanation used in refusal messages, e.g. "a name under .internal". */
  detail?: string;
}

/** Spread into every outbound fetch: never follow redirects (Workers would forward Authorization). */
export const FETCH_SAFETY = Object.freeze({ redirect: "manual" }) satisfies RequestInit;

export function withFetchSafety(init: RequestInit = {}): RequestInit {
  return { ...init, ...FETCH_SAFETY };
}

const MAX_URL_LENGTH = 2048;

// ---------------------------------------------------------------------------------------------------
// Address tables. The most specific entry wins (tables are sorted by prefix length below).

type Range4 = [base: string, prefix: number, kind: HostKind, label: string];
const IPV4_RANGES: Range4[] = [
  ["0.0.0.0", 8, "unspecified", "\"this network\" address"],
  ["10.0.0.0", 8, "private", "private (RFC 1918) address"],
  ["100.64.0.0", 10, "cgnat", "carrier-grade NAT (100.64.0.0/10) address"],
  ["100.100.100.200", 32, "metadata", "cloud metadata address (Alibaba Cloud)"],
  ["127.0.0.0", 8, "loopback", "loopback address"],
  ["169.254.0.0", 16, "link-local", "link-local address"],
  ["169.254.169.254", 32, "metadata", "cloud metadata address"],
  ["169.254.170.2", 32, "metadata", "cloud metadata address (AWS ECS)"],
  ["172.16.0.0", 12, "private", "private (RFC 1918) address"],
  ["192.0.0.0", 24, "reserved", "reserved (IETF protocol assignment) address"],
  ["192.0.0.192", 32, "metadata", "cloud metadata address (Oracle Cloud)"],
  ["192.0.2.0", 24, "documentation", "documentation-only address"],
  ["192.88.99.0", 24, "reserved", "reserved (6to4 relay) address"],
  ["192.168.0.0", 16, "private", "private (RFC 1918) address"],
  ["198.18.0.0", 15, "reserved", "reserved (benchmarking) address"],
  ["198.51.100.0", 24, "documentation", "documentation-only address"],
  ["203.0.113.0", 24, "documentation", "documentation-only address"],
  ["224.0.0.0", 4, "multicast", "multicast address"],
  ["240.0.0.0", 4, "reserved", "reserved (240.0.0.0/4) address"],
  ["255.255.255.255", 32, "broadcast", "broadcast address"],
];

type Range6 = [base: string, prefix: number, kind: HostKind, label: string];
// IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are handled in code first.
const IPV6_RANGES: Range6[] = [
  ["::", 128, "unspecified", "unspecified address"],
  ["::1", 128, "loopback", "loopback address"],
  ["64:ff9b:1::", 48, "reserved", "local-use NAT64 address"],
  ["100::", 64, "reserved", "discard-only address"],
  ["2001::", 23, "reserved", "reserved (IETF protocol assignment, e.g. Teredo) address"],
  ["2001:db8::", 32, "documentation", "documentation-only address"],
  ["3fff::", 20, "documentation", "documentation-only address"],
  ["fc00::", 7, "private", "unique-local (private) address"],
  ["fd00:ec2::254", 128, "metadata", "cloud metadata address (AWS)"],
  ["fe80::", 10, "link-local", "link-local address"],
  ["fec0::", 10, "private", "site-local (private) address"],
  ["ff00::", 8, "multicast", "multicast address"],
];

const byPrefixDesc = (a: readonly [unknown, number, ...unknown[]], b: readonly [unknown, number, ...unknown[]]) =>
  b[1] - a[1];
const V4 = IPV4_RANGES.map(([b, p, k, l]) => [parseIpv4(b) ?? 0, p, k, l] as const).sort(byPrefixDesc);
const V6 = IPV6_RANGES.map(([b, p, k, l]) => [parseIpv6(b) ?? [], p, k, l] as const).sort(byPrefixDesc);

// ---------------------------------------------------------------------------------------------------
// Special names. We cannot resolve DNS at validation time, so names are judged by their suffix only.

const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

// Suffixes that only ever resolve inside someone's network (mDNS, private-use TLDs, home networks).
const PRIVATE_SUFFIXES = ["local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "home.arpa"];
// Reserved TLDs (RFC 2606, 6761, 7686, 9476): never public, so if one resolves it was configured locally.
const RESERVED_SUFFIXES = ["test", "example", "invalid", "onion", "alt"];

function hasSuffix(name: string, suffix: string): boolean {
  return name === suffix || name.endsWith(`.${suffix}`);
}

function classifyName(host: string): HostClass {
  const name = host.toLowerCase().replace(/\.$/, "");
  const ascii = /^[\x21-\x7e]*$/.test(host);
  const canonical = ascii && host === name; // lowercase, no trailing dot
  const cls = (kind: HostKind, detail: string): HostClass => ({ kind, canonical, family: "name", detail });

  // Non-ASCII names are what the user typed; URL parsing turns them into punycode, which is what we
  // judge for validity. Here we only look at their suffix.
  if (ascii) {
    const labels = name.split(".");
    const validLabel = (l: string) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l);
    if (name.length > 253 || !labels.every(validLabel)) {
      return { kind: "invalid", canonical: false, family: "name", detail: "not a valid DNS name" };
    }
  }
  if (hasSuffix(name, "localhost")) return cls("loopback", `a loopback name`);
  if (METADATA_NAMES.has(name)) return cls("metadata", "a cloud metadata host name");
  for (const suffix of PRIVATE_SUFFIXES) {
    if (hasSuffix(name, suffix)) return cls("private", `a name under .${suffix}, which is for private networks`);
  }
  for (const suffix of RESERVED_SUFFIXES) {
    if (hasSuffix(name, suffix)) return cls("reserved", `a name under the reserved .${suffix} domain`);
  }
  // Single-label names resolve through local search domains (e.g. `http://db/`), i.e. inside a network.
  if (!name.includes(".")) return cls("private", "a single-label name, which resolves only on a local network");
  return cls("public", "a public name");
}

// ---------------------------------------------------------------------------------------------------
// IP literals.

function classifyIpv4(addr: Ipv4): { kind: HostKind; label: string } {
  const hit = V4.find(([base, prefix]) => ipv4InCidr(addr, base, prefix));
  return hit ? { kind: hit[2], label: hit[3] } : { kind: "public", label: "public address" };
}

/** If `groups` is one of the IPv6 forms that carry an IPv4 address, return the form and that address. */
function embeddedIpv4(groups: Ipv6): { form: string; ipv4: Ipv4; always: boolean } | undefined {
  const low32 = (((groups[6] ?? 0) << 16) | (groups[7] ?? 0)) >>> 0;
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  // `always`: these forms are refused even around a public IPv4; nobody needs to write them by hand.
  if (zeros(5) && groups[5] === 0xffff) return { form: "IPv4-mapped", ipv4: low32, always: true };
  if (zeros(4) && groups[4] === 0xffff && groups[5] === 0) return { form: "IPv4-translated", ipv4: low32, always: true };
  if (zeros(6) && low32 > 1) return { form: "IPv4-compatible", ipv4: low32, always: true }; // `::` and `::1` excluded
  if (ipv6InPrefix(groups, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96)) return { form: "NAT64", ipv4: low32, always: true };
  if (groups[0] === 0x2002) {
    // 6to4 is a real (if obsolete) global prefix; only its private embeddings are a problem.
    return { form: "6to4", ipv4: (((groups[1] ?? 0) << 16) | (groups[2] ?? 0)) >>> 0, always: false };
  }
  return undefined;
}

function classifyIpv6Text(text: string): HostClass {
  const [addrText = "", zone] = text.split("%", 2);
  const groups = parseIpv6(addrText);
  if (!groups) return { kind: "invalid", canonical: false, family: "ipv6", detail: "not a valid IPv6 address" };
  const address = formatIpv6(groups);
  const canonical = zone === undefined && addrText === address;

  const inner = embeddedIpv4(groups);
  if (inner) {
    const v4 = classifyIpv4(inner.ipv4);
    const embedded = { form: inner.form, ipv4: formatIpv4(inner.ipv4) };
    const detail = `${article(inner.form)} ${inner.form} IPv6 address embedding ${embedded.ipv4}, ${article(v4.label)} ${v4.label}`;
    if (v4.kind !== "public") return { kind: v4.kind, canonical: false, family: "ipv6", address, embedded, detail };
    if (inner.always) return { kind: "ipv4-embedded", canonical: false, family: "ipv6", address, embedded, detail };
  }
  const hit = V6.find(([base, prefix]) => ipv6InPrefix(groups, base, prefix));
  if (hit) return { kind: hit[2], canonical, family: "ipv6", address, detail: `an IPv6 ${hit[3]}` };
  // Everything outside 2000::/3 (global unicast) is unassigned or special in the IANA registry.
  if (!ipv6InPrefix(groups, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3)) {
    return { kind: "reserved", canonical, family: "ipv6", address, detail: "an IPv6 address outside global unicast space" };
  }
  return { kind: "public", canonical, family: "ipv6", address, detail: "a public IPv6 address" };
}

/**
 * Classify a host as written (`0x7f.1`, `[::1]`, `LOCALHOST.`, `api.openai.com`) or as produced by
 * `URL.hostname`. Never does I/O.
 */
export function classifyHost(host: string): HostClass {
  if (host.startsWith("[") && host.endsWith("]")) return classifyIpv6Text(host.slice(1, -1));
  if (host.includes(":")) return classifyIpv6Text(host);
  if (looksLikeIpv4(host)) {
    const addr = parseIpv4(host);
    if (addr === undefined) return { kind: "invalid", canonical: false, family: "ipv4", detail: "not a valid IPv4 address" };
    const address = formatIpv4(addr);
    const { kind, label } = classifyIpv4(addr);
    return { kind, canonical: host === address, family: "ipv4", address, detail: `${article(label)} ${label}` };
  }
  return classifyName(host);
}

function article(label: string): string {
  if (label.startsWith("broadcast") || label.startsWith("\"")) return "the";
  return /^[aeiouI]/.test(label) ? "an" : "a";
}

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

  const target = classifyHost(url.hostname); // what fetch would connect to
  const spelled = classifyHost(written); // how the user wrote it
  if (target.kind === "invalid") return refuse(`host ${written} is ${target.detail}`);

  if (target.kind === "loopback" && policy.allowLoopback) {
    if (CANONICAL_LOOPBACK.test(written)) return { ok: true, url };
    return refuse(`${describe(written, target)}; in local development loopback must be written as localhost, 127.x.y.z or [::1]`);
  }
  if (target.kind === "ipv4-embedded") return refuse(`${describe(written, target)}; write the IPv4 address directly`);
  if (target.kind !== "public") return refuse(describe(written, target));
  // Normalisation never turns a private spelling into a public target, but if it ever did, refuse.
  if (spelled.kind !== "public") return refuse(describe(written, spelled));
  if (spelled.family !== "name" && !spelled.canonical) {
    // Odd spellings of public IPs are harmless to fetch but only ever used to slip past filters,
    // and other tools (logs, DoH, proxies) may read them differently. Ask for the plain form.
    const plain = target.family === "ipv6" ? `[${target.address}]` : target.address;
    return refuse(`host ${written} is an IP address written in a non-canonical form; write it as ${plain}`);
  }
  return { ok: true, url };
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
