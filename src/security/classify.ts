// Host classification for the SSRF guard: which kind of place an IP literal or a host name points at.
// Pure TypeScript (no `node:` or Cloudflare imports) and no I/O: used for the host as written, for the
// host as `new URL()` normalised it, and for every address a DNS answer returns (see resolved.ts).

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
// Special names, judged by their suffix alone (no I/O here). Names that pass are resolved afterwards
// (resolved.ts), but these are refused before any DNS query: some only resolve inside a network.

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

