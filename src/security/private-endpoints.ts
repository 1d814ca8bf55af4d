// ALLOW_PRIVATE_ENDPOINTS: the operator's allow-list that lets a self-hosted deployment reach model
// endpoints and webhooks on its own network (a vLLM on another machine of the cluster). Production
// leaves it empty, and then nothing here allows anything. Pure TypeScript, no I/O.
//
// The rules (README, "Outbound URLs"):
// - A CIDR entry (`10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128) allows the private
//   (RFC 1918, fc00::/7 unique-local, fec0::/10 site-local) and carrier-grade NAT (100.64.0.0/10)
//   addresses inside it: an IP literal in the URL, or an address a host name resolves to. Only in
//   their plain form (never IPv4-mapped, NAT64 or 6to4), and an IP literal must be written canonically.
// - A name entry lifts the refusal of a host name for its name alone (a single-label name, `.local`,
//   `.internal`, a reserved TLD): an exact name (`gpu-node-3`) or, with a leading dot, every name
//   under a suffix (`.cluster.local` matches `a.svc.cluster.local`, not `cluster.local` itself nor
//   `evilcluster.local`). The name is still resolved and each address judged as above: a name entry
//   never allows an address, so what the deployment can reach is exactly what its CIDRs say.
// - Never allowed, whatever the list says: cloud metadata addresses and names (169.254.169.254,
//   fd00:ec2::254, 100.100.100.200, metadata.google.internal, …), link-local addresses, and the other
//   special ranges (unspecified, multicast, broadcast, reserved, documentation). Loopback stays
//   governed by ALLOW_LOOPBACK_ENDPOINTS alone.
// - An entry that is malformed, or could never allow anything (`8.8.8.0/24`, `169.254.0.0/16`,
//   `localhost`, `metadata.google.internal`), is an error naming it, never skipped (config.ts then
//   refuses every URL until the operator fixes it).

import { type HostClass, type HostKind, classifyHost } from "./classify";
import { normalizeName } from "./dns";
import { type Ipv4, type Ipv6, formatIpv4, formatIpv6, ipv4InCidr, ipv6InPrefix, looksLikeIpv4, parseDottedQuad, parseIpv4, parseIpv6 } from "./ip";

export const PRIVATE_ENDPOINTS_VAR = "ALLOW_PRIVATE_ENDPOINTS";

type Cidr4 = { readonly base: Ipv4; readonly prefix: number };
type Cidr6 = { readonly base: Ipv6; readonly prefix: number };

export interface PrivateEndpoints {
  /** The entries as listed (lowercased), in order. */
  readonly entries: readonly string[];
  readonly v4: readonly Cidr4[];
  readonly v6: readonly Cidr6[];
  /** Exact host names. */
  readonly names: ReadonlySet<string>;
  /** Name suffixes, each with its leading dot. */
  readonly suffixes: readonly string[];
}

export class PrivateEndpointsConfigError extends Error {
  override name = "PrivateEndpointsConfigError";
  constructor(
    readonly entry: string,
    problem: string,
  ) {
    super(`${PRIVATE_ENDPOINTS_VAR} entry "${entry}" ${problem}`);
  }
}

/** The address kinds a CIDR entry can allow; metadata and link-local are other kinds, so never. */
const ALLOWABLE: ReadonlySet<HostKind> = new Set<HostKind>(["private", "cgnat"]);
/** Where allowable addresses live, most useful suggestion first (fd00::/8 before all of fc00::/7). */
const ALLOWABLE_V4: readonly Cidr4[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => {
  const [base = "", prefix = ""] = c.split("/");
  return { base: parseIpv4(base) ?? 0, prefix: Number(prefix) };
});
const ALLOWABLE_V6: readonly Cidr6[] = ["fd00::/8", "fc00::/7", "fec0::/10"].map((c) => {
  const [base = "", prefix = ""] = c.split("/");
  return { base: parseIpv6(base) ?? [], prefix: Number(prefix) };
});

const USELESS =
  "covers no private (RFC 1918, unique-local) or carrier-grade NAT address, so it could never allow anything: " +
  "public addresses need no entry, loopback is for ALLOW_LOOPBACK_ENDPOINTS, link-local and metadata addresses are never allowed";

// ---------------------------------------------------------------------------------------------------
// Parsing.

/** Parses the setting; null when it is empty. Throws PrivateEndpointsConfigError naming the first bad entry. */
export function parsePrivateEndpoints(config: string | undefined): PrivateEndpoints | null {
  const raw = (config ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (raw.length === 0) return null;
  const list = { entries: [] as string[], v4: [] as Cidr4[], v6: [] as Cidr6[], names: new Set<string>(), suffixes: [] as string[] };
  for (const entry of raw) {
    if (/\s/.test(entry)) throw new PrivateEndpointsConfigError(entry, "contains whitespace; separate entries with commas");
    if (entry.includes("/") || entry.includes(":") || looksLikeIpv4(entry)) {
      const cidr = parseAddressEntry(entry);
      if (cidr.family === 4) list.v4.push(cidr);
      else list.v6.push(cidr);
    } else {
      const { name, suffix } = parseNameEntry(entry);
      if (suffix) list.suffixes.push(`.${name}`);
      else list.names.add(name);
    }
    list.entries.push(entry.toLowerCase());
  }
  return list;
}

function parseAddressEntry(entry: string): (Cidr4 & { family: 4 }) | (Cidr6 & { family: 6 }) {
  const fail = (problem: string) => new PrivateEndpointsConfigError(entry, problem);
  const slash = entry.indexOf("/");
  const text = slash < 0 ? entry : entry.slice(0, slash);
  const v6 = text.includes(":");
  const max = v6 ? 128 : 32;
  const prefixText = slash < 0 ? String(max) : entry.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > max) throw fail(`has an invalid prefix length; use /0 to /${max}`);
  const prefix = Number(prefixText);
  if (v6) {
    const base = parseIpv6(text);
    if (!base) throw fail("is not a valid IPv6 address or CIDR (write it without brackets or zone, e.g. fd00::/8)");
    const network = base.map((g, i) => maskGroup(g, prefix - 16 * i));
    if (network.some((g, i) => g !== base[i])) throw fail(`has bits set past its /${prefix} prefix; write ${formatIpv6(network)}/${prefix}`);
    if (!ALLOWABLE_V6.some((r) => ipv6InPrefix(base, r.base, Math.min(prefix, r.prefix)))) throw fail(USELESS);
    return { family: 6, base, prefix };
  }
  const base = parseDottedQuad(text);
  if (base === undefined) throw fail("is not a valid IPv4 address or CIDR (write four decimal numbers, e.g. 10.0.0.0/8)");
  const network = prefix === 0 ? 0 : ((base >>> (32 - prefix)) << (32 - prefix)) >>> 0;
  if (network !== base) throw fail(`has bits set past its /${prefix} prefix; write ${formatIpv4(network)}/${prefix}`);
  if (!ALLOWABLE_V4.some((r) => ipv4InCidr(base, r.base, Math.min(prefix, r.prefix)))) throw fail(USELESS);
  return { family: 4, base, prefix };
}

/** The top `bits` bits of a 16-bit group (all of it from 16 up, none from 0 down). */
function maskGroup(group: number, bits: number): number {
  if (bits >= 16) return group;
  if (bits <= 0) return 0;
  return (group >>> (16 - bits)) << (16 - bits);
}

function parseNameEntry(entry: string): { name: string; suffix: boolean } {
  const fail = (problem: string) => new PrivateEndpointsConfigError(entry, problem);
  if (entry.includes("*")) throw fail(`is a wildcard; write a suffix with a leading dot instead (e.g. .${entry.replace(/^[*.]+/, "")})`);
  if (!/^[\x21-\x7e]+$/.test(entry)) throw fail("is not ASCII; write an internationalised name in its xn-- (punycode) form");
  const suffix = entry.startsWith(".");
  const name = normalizeName(suffix ? entry.slice(1) : entry);
  const cls = classifyHost(name);
  if (name === "" || cls.family !== "name" || cls.kind === "invalid") {
    throw fail("is neither a CIDR, an IP address, a host name nor a .suffix");
  }
  if (cls.kind === "loopback") throw fail("is a loopback name; loopback is allowed only by ALLOW_LOOPBACK_ENDPOINTS");
  if (cls.kind === "metadata") throw fail("is a cloud metadata host name, which is never allowed");
  return { name, suffix };
}

// ---------------------------------------------------------------------------------------------------
// Matching.

/** Whether a classified IP address (a literal, or a DNS answer) is one the list allows. */
export function allowsAddress(list: PrivateEndpoints | undefined, cls: HostClass): boolean {
  if (!list || !ALLOWABLE.has(cls.kind) || cls.embedded || cls.address === undefined) return false;
  if (cls.family === "ipv4") {
    const addr = parseIpv4(cls.address);
    return addr !== undefined && list.v4.some((c) => ipv4InCidr(addr, c.base, c.prefix));
  }
  const groups = cls.family === "ipv6" ? parseIpv6(cls.address) : undefined;
  return groups !== undefined && list.v6.some((c) => ipv6InPrefix(groups, c.base, c.prefix));
}

/**
 * Whether a host name refused for its name alone (single-label, private-use suffix, reserved TLD) is
 * listed. Loopback and metadata names are other kinds, so never. The name must still resolve to
 * addresses that are public or allowed by `allowsAddress`.
 */
export function allowsName(list: PrivateEndpoints | undefined, host: string, cls: HostClass): boolean {
  if (!list || cls.family !== "name" || (cls.kind !== "private" && cls.kind !== "reserved")) return false;
  const name = normalizeName(host);
  return list.names.has(name) || list.suffixes.some((suffix) => name.endsWith(suffix));
}

// ---------------------------------------------------------------------------------------------------
// What refusals say (appended to the guard's reason).

const CAN_ALLOW = `a self-hosted deployment can allow it with ${PRIVATE_ENDPOINTS_VAR}=`;
const NEVER = `; ${PRIVATE_ENDPOINTS_VAR} never allows metadata or link-local addresses`;

/** "; a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=10.0.0.0/8", or "". */
export function addressHint(cls: HostClass, list: PrivateEndpoints | undefined): string {
  if (cls.kind === "metadata" || cls.kind === "link-local") return list ? NEVER : "";
  if (!ALLOWABLE.has(cls.kind) || cls.embedded || cls.address === undefined) return "";
  const range = suggestedRange(cls.family, cls.address);
  return range ? `; ${CAN_ALLOW}${range}` : "";
}

function suggestedRange(family: HostClass["family"], address: string): string | undefined {
  if (family === "ipv4") {
    const addr = parseIpv4(address) ?? 0;
    const hit = ALLOWABLE_V4.find((r) => ipv4InCidr(addr, r.base, r.prefix));
    return hit && `${formatIpv4(hit.base)}/${hit.prefix}`;
  }
  const groups = parseIpv6(address) ?? [];
  const hit = ALLOWABLE_V6.find((r) => ipv6InPrefix(groups, r.base, r.prefix));
  return hit && `${formatIpv6(hit.base)}/${hit.prefix}`;
}

/** For a host name refused for its name: how to list it (its addresses must be allowed as well). */
export function nameHint(host: string, cls: HostClass, list: PrivateEndpoints | undefined): string {
  if (cls.kind === "metadata") return list ? `; ${PRIVATE_ENDPOINTS_VAR} never allows metadata hosts` : "";
  if (cls.family !== "name" || (cls.kind !== "private" && cls.kind !== "reserved")) return "";
  const name = normalizeName(host);
  const dot = name.indexOf(".");
  const entry = dot < 0 ? name : `${name} (or the suffix ${name.slice(dot)})`;
  return `; ${CAN_ALLOW}${entry} plus CIDRs covering the addresses it resolves to (e.g. ${name},10.0.0.0/8)`;
}

/** Appended when a listed (non-public) name does not resolve: the guard asks DNS_RESOLVER_URL, not the host's resolver. */
export const LISTED_NAME_RESOLVER_HINT = `; names listed in ${PRIVATE_ENDPOINTS_VAR} are resolved at DNS_RESOLVER_URL, which must answer for them`;

// ---------------------------------------------------------------------------------------------------
// The setting, read once per isolate.

export type PrivateEndpointsSetting = { ok: true; list: PrivateEndpoints | null } | { ok: false; error: string };

let last: { config: string; setting: PrivateEndpointsSetting } | undefined;

/** The parsed setting; an invalid one is logged (once per value) and returned as an error, never skipped. */
export function privateEndpointsSetting(config: string | undefined): PrivateEndpointsSetting {
  const key = config ?? "";
  if (last?.config === key) return last.setting;
  let setting: PrivateEndpointsSetting;
  try {
    setting = { ok: true, list: parsePrivateEndpoints(key) };
  } catch (error) {
    if (!(error instanceof PrivateEndpointsConfigError)) throw error;
    console.error(JSON.stringify({ event: "config.invalid", setting: PRIVATE_ENDPOINTS_VAR, error: error.message }));
    setting = { ok: false, error: error.message };
  }
  last = { config: key, setting };
  return setting;
}
