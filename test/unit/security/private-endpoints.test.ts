// ALLOW_PRIVATE_ENDPOINTS: parsing the operator's allow-list, and the guard under it. CIDRs allow
// private and CGNAT addresses inside them; names lift only the refusal of the name; metadata,
// link-local and loopback stay refused whatever the list says. No network: the resolvers are stubs.
import { afterEach, describe, expect, it, vi } from "vitest";
import { forbidNetwork } from "../no-network";
import { DohResolver, type DnsLookup, type DnsResolver, type Fetcher } from "../../../src/security/dns";
import { parsePrivateEndpoints, PrivateEndpointsConfigError, privateEndpointsSetting } from "../../../src/security/private-endpoints";
import { checkOutboundUrlResolved, guardedFetcher, outboundGuardOf, OutboundUrlRefusedError, refusingGuardOf } from "../../../src/security/resolved";
import { checkOutboundUrl, type UrlPolicy } from "../../../src/security/ssrf";
import { PUBLIC_V4, stubDohFetcher, TEST_DNS_RESOLVER_URL } from "../../dns-stub";

forbidNetwork();
afterEach(() => vi.restoreAllMocks());

function policy(list: string, allowLoopback = false): UrlPolicy {
  return { allowLoopback, privateEndpoints: parsePrivateEndpoints(list) ?? undefined };
}

const HINT = "a self-hosted deployment can allow it with ALLOW_PRIVATE_ENDPOINTS=";

/** A resolver answering from a fixed table of cluster names; anything else is NXDOMAIN. */
function clusterResolver(zone: Record<string, string[]>): DnsResolver {
  return {
    async resolve(name: string): Promise<DnsLookup> {
      const found = zone[name];
      if (!found) return { ok: false, reason: `could not resolve ${name}: no such name (NXDOMAIN)`, retryable: false };
      const addresses = found.map((address) => ({ family: address.includes(":") ? (6 as const) : (4 as const), address }));
      return { ok: true, answer: { name, addresses, aliases: [], ttlS: 60 }, cached: false };
    },
  };
}

/** What `f` throws (undefined if nothing). */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
}

const stubZone = () => new DohResolver({ url: TEST_DNS_RESOLVER_URL, fetcher: stubDohFetcher, timeoutMs: 200 });

const INVALID: [entry: string, problem: RegExp][] = [
  ["10.0.0.0/33", /invalid prefix length; use \/0 to \/32/], ["10.0.0.0/-1", /invalid prefix length/],
  ["10.0.0.0/08", /invalid prefix length/], ["10.0.0.0/", /invalid prefix length/],
  ["fd00::/129", /invalid prefix length; use \/0 to \/128/], ["10.0.0.5/8", /bits set past its \/8 prefix; write 10\.0\.0\.0\/8/],
  ["192.168.1.1/16", /write 192\.168\.0\.0\/16/], ["fd00::1/8", /bits set past its \/8 prefix; write fd00::\/8/],
  ["fd12:3456:789a:1::/48", /write fd12:3456:789a::\/48/], ["10.0.0", /not a valid IPv4 address or CIDR/],
  ["010.0.0.0/8", /not a valid IPv4 address/], ["0x0a.0.0.0/8", /not a valid IPv4 address/],
  ["10.0.0.256", /not a valid IPv4 address/], ["[fd00::]/8", /not a valid IPv6 address or CIDR \(write it without brackets/],
  ["fd00::1%eth0", /not a valid IPv6 address/], ["fd00:::/8", /not a valid IPv6 address/],
  ["8.8.8.0/24", /covers no private .* could never allow anything/], ["169.254.0.0/16", /covers no private/],
  ["169.254.169.254", /covers no private/], ["127.0.0.0/8", /covers no private .* loopback is for ALLOW_LOOPBACK_ENDPOINTS/],
  ["fe80::/10", /covers no private .* link-local and metadata addresses are never allowed/], ["::ffff:10.0.0.0/104", /covers no private/],
  ["2001:db8::/32", /covers no private/], ["*.cluster.local", /wildcard; write a suffix with a leading dot instead \(e\.g\. \.cluster\.local\)/],
  ["bücher.lan", /not ASCII; write an internationalised name in its xn-- \(punycode\) form/],
  ["localhost", /loopback name; loopback is allowed only by ALLOW_LOOPBACK_ENDPOINTS/], [".localhost", /loopback name/],
  ["metadata.google.internal", /cloud metadata host name, which is never allowed/], ["metadata", /cloud metadata host name/],
  ["instance-data", /cloud metadata host name/], [".", /neither a CIDR, an IP address, a host name nor a \.suffix/],
  ["a..b", /neither a CIDR/], ["-bad-", /neither a CIDR/], ["gpu_node!", /neither a CIDR/],
];

const PRODUCTION_REFUSALS: [url: string, reason: string][] = [
  ["http://10.0.0.5:8000/v1", `host 10.0.0.5 is a private (RFC 1918) address; ${HINT}10.0.0.0/8`],
  ["http://172.20.1.1/v1", `host 172.20.1.1 is a private (RFC 1918) address; ${HINT}172.16.0.0/12`],
  ["http://192.168.1.10/v1", `host 192.168.1.10 is a private (RFC 1918) address; ${HINT}192.168.0.0/16`],
  ["http://100.64.1.1/v1", `host 100.64.1.1 is a carrier-grade NAT (100.64.0.0/10) address; ${HINT}100.64.0.0/10`],
  ["http://[fd00::1]/v1", `host [fd00::1] is an IPv6 unique-local (private) address; ${HINT}fd00::/8`],
  ["http://[fc00::1]/v1", `host [fc00::1] is an IPv6 unique-local (private) address; ${HINT}fc00::/7`],
  ["http://gpu-node-3:8000/v1", `host gpu-node-3 is a single-label name, which resolves only on a local network; ${HINT}gpu-node-3 plus CIDRs covering the addresses it resolves to (e.g. gpu-node-3,10.0.0.0/8)`],
  ["http://vllm.ns.svc.cluster.local/v1", `host vllm.ns.svc.cluster.local is a name under .local, which is for private networks; ${HINT}vllm.ns.svc.cluster.local (or the suffix .ns.svc.cluster.local) plus CIDRs covering the addresses it resolves to (e.g. vllm.ns.svc.cluster.local,10.0.0.0/8)`],
  // Never allowed: no hint, and the messages are what they always were.
  ["http://169.254.169.254/latest", "host 169.254.169.254 is a cloud metadata address"],
  ["http://169.254.1.1/", "host 169.254.1.1 is a link-local address"],
  ["http://[fd00:ec2::254]/", "host [fd00:ec2::254] is an IPv6 cloud metadata address (AWS)"],
  ["http://metadata.google.internal/", "host metadata.google.internal is a cloud metadata host name"],
  ["http://127.0.0.1/", "host 127.0.0.1 is a loopback address"],
  ["http://0.0.0.0/", 'host 0.0.0.0 is the "this network" address'],
];

/** Cluster names for the name-entry tests. */
const CLUSTER_ZONE: Record<string, string[]> = {
  "gpu-node-3": ["10.0.0.7"], "vllm.svc.cluster.local": ["10.1.2.3", "fd00::5"], "pub.svc.cluster.local": [PUBLIC_V4],
  "outside.svc.cluster.local": ["192.168.1.1"], "meta.svc.cluster.local": ["169.254.169.254"],
  "meta6.svc.cluster.local": ["10.1.2.4", "fd00:ec2::254"], "ll.svc.cluster.local": ["fe80::1"],
  "loop.svc.cluster.local": ["127.0.0.1"], "mapped.svc.cluster.local": ["::ffff:10.0.0.5"], "gpu.lab.test": ["10.9.9.9"],
};

describe("parsing ALLOW_PRIVATE_ENDPOINTS", () => {
  it("is off when empty, whatever the spacing and stray commas", () => {
    for (const empty of [undefined, "", "  ", ",", " , ,"]) expect(parsePrivateEndpoints(empty)).toBeNull();
  });

  it("reads CIDRs of both families, bare addresses, exact names and suffixes", () => {
    const list = parsePrivateEndpoints(" 10.0.0.0/8, fd00::/8 ,gpu-node-3,.cluster.local,10.1.2.3,FD12:3456::/32,.Lab.Example.Org.,Vllm-Box,")!;
    expect(list.entries).toEqual(["10.0.0.0/8", "fd00::/8", "gpu-node-3", ".cluster.local", "10.1.2.3", "fd12:3456::/32", ".lab.example.org.", "vllm-box"]);
    expect([list.v4.map((c) => c.prefix), list.v6.map((c) => c.prefix)]).toEqual([[8, 32], [8, 32]]);
    expect([...list.names]).toEqual(["gpu-node-3", "vllm-box"]);
    expect(list.suffixes).toEqual([".cluster.local", ".lab.example.org"]);
  });

  const edges = ["0.0.0.0/0", "::/0", "100.64.0.0/10", "192.0.0.0/8", "fc00::/7", "fec0::/10", "fd00::1", "172.16.0.0/12", ".internal", ".test", "nas.home.arpa"];
  it.each(edges)("accepts %s", (entry) => expect(parsePrivateEndpoints(entry)?.entries).toEqual([entry]));

  it.each(INVALID)("rejects %j, naming the entry", (entry, problem) => {
    const error = thrownBy(() => parsePrivateEndpoints(`10.0.0.0/8,${entry},fd00::/8`));
    expect(error).toBeInstanceOf(PrivateEndpointsConfigError);
    expect((error as PrivateEndpointsConfigError).entry).toBe(entry);
    expect((error as Error).message.startsWith(`ALLOW_PRIVATE_ENDPOINTS entry "${entry}" `)).toBe(true);
    expect((error as Error).message).toMatch(problem);
  });

  it("rejects entries separated by spaces instead of commas", () => {
    expect(() => parsePrivateEndpoints("10.0.0.0/8 fd00::/8")).toThrow('ALLOW_PRIVATE_ENDPOINTS entry "10.0.0.0/8 fd00::/8" contains whitespace; separate entries with commas');
  });

  it("reports an invalid setting as an error (logged once per value), never as an empty list", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const bad = "10.0.0.0/8,10.0.0.5/33";
    expect(privateEndpointsSetting(bad)).toEqual({ ok: false, error: expect.stringContaining('entry "10.0.0.5/33" has an invalid prefix length') });
    expect(privateEndpointsSetting(bad).ok).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({ event: "config.invalid", setting: "ALLOW_PRIVATE_ENDPOINTS" });
    expect(privateEndpointsSetting("")).toEqual({ ok: true, list: null });
    expect(privateEndpointsSetting("10.0.0.0/8")).toMatchObject({ ok: true, list: { entries: ["10.0.0.0/8"] } });
  });
});

describe("refusals say how an operator may allow a private host", () => {
  it.each(PRODUCTION_REFUSALS)("%s", (url, reason) => {
    expect(checkOutboundUrl(url, { allowLoopback: false })).toEqual({ ok: false, reason });
  });

  it("offers nothing for disguised forms of a private address", () => {
    const reasonOf = (host: string) => JSON.stringify(checkOutboundUrl(`http://${host}/`, { allowLoopback: false }));
    for (const host of ["[::ffff:10.0.0.5]", "[64:ff9b::10.0.0.5]", "[2002:a00:5::]"]) expect(reasonOf(host), host).toMatch(/^\{"ok":false,"reason":"[^;]*"\}$/);
  });

  it("names the never-allowed kinds when a list is configured", () => {
    const p = policy("0.0.0.0/0,::/0");
    expect(checkOutboundUrl("http://169.254.169.254/", p)).toEqual({ ok: false, reason: "host 169.254.169.254 is a cloud metadata address; ALLOW_PRIVATE_ENDPOINTS never allows metadata or link-local addresses" });
    expect(checkOutboundUrl("http://[fe80::1]/", p)).toEqual({ ok: false, reason: "host [fe80::1] is an IPv6 link-local address; ALLOW_PRIVATE_ENDPOINTS never allows metadata or link-local addresses" });
    expect(checkOutboundUrl("http://metadata.google.internal/", policy(".internal"))).toEqual({ ok: false, reason: "host metadata.google.internal is a cloud metadata host name; ALLOW_PRIVATE_ENDPOINTS never allows metadata hosts" });
  });
});

describe("CIDR entries: IP literals", () => {
  const allowed = (list: string, url: string, loopback = false) => checkOutboundUrl(url, policy(list, loopback)).ok;

  it("allows exactly the addresses inside an IPv4 CIDR, edges included", () => {
    expect(allowed("10.0.0.0/24", "http://10.0.0.0/v1")).toBe(true);
    expect(allowed("10.0.0.0/24", "http://10.0.0.255:8000/v1")).toBe(true);
    expect(allowed("10.0.0.0/24", "http://10.0.1.0/v1")).toBe(false);
    expect(allowed("172.16.0.0/12", "http://172.31.255.255/")).toBe(true);
    expect(allowed("10.1.2.3", "http://10.1.2.3/")).toBe(true); // a bare address is a /32
    expect(allowed("10.1.2.3", "http://10.1.2.4/")).toBe(false);
    expect(allowed("10.0.0.0/8", "http://192.168.0.1/")).toBe(false);
    expect(checkOutboundUrl("http://10.0.1.0/v1", policy("10.0.0.0/24"))).toEqual({ ok: false, reason: `host 10.0.1.0 is a private (RFC 1918) address; ${HINT}10.0.0.0/8` });
  });

  it("allows exactly the addresses inside an IPv6 prefix, edges included", () => {
    expect(allowed("fd00::/8", "http://[fd00::1]:8000/v1")).toBe(true);
    expect(allowed("fd00::/8", "http://[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/")).toBe(true);
    expect(allowed("fd00::/8", "http://[fc00::1]/")).toBe(false);
    expect(allowed("fd12:3456:789a::/48", "http://[fd12:3456:789a:ffff::1]/")).toBe(true);
    expect(allowed("fd12:3456:789a::/48", "http://[fd12:3456:789b::1]/")).toBe(false);
    expect(allowed("fd00::1", "http://[fd00::1]/")).toBe(true); // a bare address is a /128
    expect(allowed("fd00::1", "http://[fd00::2]/")).toBe(false);
    expect(allowed("fec0::/10", "http://[fec0::1]/")).toBe(true);
  });

  it("never allows metadata, link-local, loopback or other special addresses, even inside a listed range", () => {
    const everything = "0.0.0.0/0,::/0";
    const refused = ["169.254.169.254", "169.254.170.2", "169.254.1.1", "100.100.100.200", "192.0.0.192", "127.0.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255"];
    refused.push("198.18.0.1", "192.0.2.1", "240.0.0.1", "[fd00:ec2::254]", "[fe80::1]", "[::1]", "[::]", "[ff02::1]", "[2001:db8::1]", "[100::1]");
    for (const host of refused) expect(allowed(everything, `http://${host}/`), host).toBe(false);
    expect(allowed("fd00::/8", "http://[fd00:ec2::254]/")).toBe(false);
    // CGNAT (e.g. a Tailscale network) is allowable, but never the Alibaba metadata address inside it.
    expect([allowed("100.64.0.0/10", "http://100.101.102.103:8000/v1"), allowed("100.64.0.0/10", "http://100.100.100.200/latest/meta-data")]).toEqual([true, false]);
    for (const host of ["10.0.0.5", "172.16.0.1", "192.168.1.1", "100.64.0.1", "[fd00::1]", "[fc00::1]"]) expect(allowed(everything, `http://${host}/`), host).toBe(true);
  });

  it("leaves loopback to ALLOW_LOOPBACK_ENDPOINTS alone", () => {
    for (const host of ["127.0.0.1", "[::1]"]) expect(allowed("0.0.0.0/0,::/0", `http://${host}:8000/v1`), host).toBe(false);
    expect(allowed("0.0.0.0/0", "http://127.0.0.1:8000/v1", true)).toBe(true);
  });

  it("never allows a listed address in a disguised or non-canonical spelling", () => {
    const p = policy("10.0.0.0/8,fd00::/8,::/0"); // ::/0 covers every IPv6 spelling of 10.0.0.5 too
    for (const host of ["[::ffff:10.0.0.5]", "[::ffff:a00:5]", "[64:ff9b::10.0.0.5]", "[2002:a00:5::]", "[::10.0.0.5]"]) {
      expect(checkOutboundUrl(`http://${host}/`, p).ok, host).toBe(false);
    }
    expect(checkOutboundUrl("http://10.5/", p)).toEqual({ ok: false, reason: "host 10.5 is a private (RFC 1918) address (10.0.0.5) written in a non-canonical form; write it as 10.0.0.5" });
    for (const host of ["0x0a.0.0.5", "012.0.0.5", "167772165", "10.0.0.5."]) expect(checkOutboundUrl(`http://${host}/`, p).ok, host).toBe(false);
    expect(checkOutboundUrl("http://[FD00::1]/", p)).toMatchObject({ ok: false, reason: expect.stringContaining("write it as [fd00::1]") });
    expect(checkOutboundUrl("http://[fd00:0::1]/", p).ok).toBe(false);
  });

  it("asks no DNS question for an IP literal", async () => {
    const resolver: DnsResolver = { resolve: () => Promise.reject(new Error("no lookup expected")) };
    expect(await checkOutboundUrlResolved("http://10.0.0.5:8000/v1", policy("10.0.0.0/8"), resolver)).toMatchObject({ ok: true, resolved: null });
  });
});

describe("name entries", () => {
  const check = (url: string, list = "gpu-node-3,.svc.cluster.local,.lab.test,10.0.0.0/8,fd00::/8", loopback = false) =>
    checkOutboundUrlResolved(url, policy(list, loopback), clusterResolver(CLUSTER_ZONE));

  it("matches an exact name exactly, in any case", () => {
    const p = policy("gpu-node-3");
    for (const host of ["gpu-node-3", "GPU-Node-3"]) expect(checkOutboundUrl(`http://${host}:8000/v1`, p).ok, host).toBe(true);
    for (const host of ["gpu-node-4", "gpu-node-33", "xgpu-node-3", "gpu-node-3.local"]) expect(checkOutboundUrl(`http://${host}/`, p).ok, host).toBe(false);
  });

  it("matches a suffix on a label boundary, not the bare domain", () => {
    const p = policy(".cluster.local");
    for (const host of ["svc.cluster.local", "vllm.ns.svc.cluster.local"]) expect(checkOutboundUrl(`http://${host}/`, p).ok, host).toBe(true);
    for (const host of ["cluster.local", "evilcluster.local", "cluster.local.evil.local", "gpu-node-3"]) expect(checkOutboundUrl(`http://${host}/`, p).ok, host).toBe(false);
  });

  it("never lifts metadata or loopback names, whatever suffix is listed", () => {
    expect(checkOutboundUrl("http://metadata.google.internal/", policy(".internal")).ok).toBe(false);
    expect(checkOutboundUrl("http://metadata.google.internal/", policy(".google.internal")).ok).toBe(false);
    expect(checkOutboundUrl("http://metadata.goog/", policy(".goog")).ok).toBe(false);
    expect(checkOutboundUrl("http://instance-data.ec2.internal/", policy(".ec2.internal")).ok).toBe(false);
    expect(checkOutboundUrl("http://gpu.internal/", policy(".internal")).ok).toBe(true);
  });

  it("allows a listed name whose every address is public or in a listed CIDR", async () => {
    expect(await check("http://gpu-node-3:8000/v1")).toMatchObject({ ok: true, resolved: { addresses: [{ family: 4, address: "10.0.0.7" }] } });
    expect((await check("http://vllm.svc.cluster.local:8000/v1")).ok).toBe(true);
    expect((await check("http://pub.svc.cluster.local/v1")).ok).toBe(true);
    expect((await check("http://gpu.lab.test/v1")).ok).toBe(true);
  });

  it("never lets a name entry allow an address by itself", async () => {
    expect(await check("http://gpu-node-3:8000/v1", "gpu-node-3")).toEqual({ ok: false, reason: `host gpu-node-3 resolves to 10.0.0.7, a private (RFC 1918) address; ${HINT}10.0.0.0/8` });
    expect(await check("http://outside.svc.cluster.local/v1")).toEqual({ ok: false, reason: `host outside.svc.cluster.local resolves to 192.168.1.1, a private (RFC 1918) address; ${HINT}192.168.0.0/16` });
  });

  it("refuses a listed name that resolves to metadata, link-local, loopback or a disguised form", async () => {
    const never = "; ALLOW_PRIVATE_ENDPOINTS never allows metadata or link-local addresses";
    expect(await check("http://meta.svc.cluster.local/")).toEqual({ ok: false, reason: `host meta.svc.cluster.local resolves to 169.254.169.254, a cloud metadata address${never}` });
    expect(await check("http://meta6.svc.cluster.local/")).toEqual({ ok: false, reason: `host meta6.svc.cluster.local resolves to [fd00:ec2::254], an IPv6 cloud metadata address (AWS)${never}` });
    expect(await check("http://ll.svc.cluster.local/", "::/0,.svc.cluster.local")).toMatchObject({ ok: false, reason: expect.stringContaining("link-local") });
    expect(await check("http://loop.svc.cluster.local/", "0.0.0.0/0,.svc.cluster.local")).toMatchObject({ ok: false, reason: expect.stringContaining("a loopback address") });
    expect((await check("http://loop.svc.cluster.local/", ".svc.cluster.local", true)).ok).toBe(true);
    expect(await check("http://mapped.svc.cluster.local/", "0.0.0.0/0,::/0,.svc.cluster.local")).toMatchObject({ ok: false, reason: expect.stringContaining("IPv4-mapped") });
  });

  it("refuses a listed name that does not resolve, saying which resolver must know it", async () => {
    const reason = "could not resolve gpu-node-9: no such name (NXDOMAIN); names listed in ALLOW_PRIVATE_ENDPOINTS are resolved at DNS_RESOLVER_URL, which must answer for them";
    expect(await check("http://gpu-node-9/v1", "gpu-node-9,10.0.0.0/8")).toEqual({ ok: false, reason, retryable: false });
  });
});

describe("CIDR entries: public names that resolve inside", () => {
  const check = (host: string, list: string) => checkOutboundUrlResolved(`https://${host}/v1`, policy(list), stubZone());

  it("allows a name whose every address is public or inside a listed CIDR", async () => {
    expect((await check("private.example.net", "10.0.0.0/8")).ok).toBe(true);
    expect((await check("mixed.example.net", "10.0.0.0/8")).ok).toBe(true);
    expect((await check("chain.example.net", "10.0.0.5")).ok).toBe(true);
    expect((await check("mixed-family.example.net", "fd00::/8")).ok).toBe(true);
    expect((await check("cgnat.example.net", "100.64.0.0/10")).ok).toBe(true);
    expect((await check("v6-ula.example.net", "fc00::/7")).ok).toBe(true);
  });

  it("refuses one whose addresses are outside the listed CIDRs, or never allowed", async () => {
    expect(await check("v6-ula.example.net", "fd00::/8")).toEqual({ ok: false, reason: `host v6-ula.example.net resolves to [fc00::1], an IPv6 unique-local (private) address; ${HINT}fc00::/7` });
    expect((await check("private.example.net", "192.168.0.0/16")).ok).toBe(false);
    for (const host of ["v6-metadata.example.net", "169.254.169.254.nip.io", "v6-linklocal.example.net", "v6-nat64.example.net", "127.0.0.1.nip.io", "zero.example.net", "multicast.example.net"]) {
      expect((await check(host, "0.0.0.0/0,::/0")).ok, host).toBe(false);
    }
  });
});

describe("every call re-checks under the same policy", () => {
  const upstream: Fetcher = async () => new Response("{}", { headers: { "content-type": "application/json" } });

  it("sends a request to a listed address, and refuses it without the list", async () => {
    const resolver = stubZone();
    const allowed = guardedFetcher(upstream, outboundGuardOf(policy("10.0.0.0/8"), resolver));
    expect((await allowed(new Request("http://10.0.0.5:8000/v1/completions", { method: "POST", body: "{}" }))).status).toBe(200);
    const refused = guardedFetcher(upstream, outboundGuardOf({ allowLoopback: false }, resolver));
    const error = await refused(new Request("http://10.0.0.5:8000/v1/completions")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundUrlRefusedError);
    expect((error as OutboundUrlRefusedError).reason).toBe(`host 10.0.0.5 is a private (RFC 1918) address; ${HINT}10.0.0.0/8`);
  });

  it("refuses every URL, retryably and saying why, when the setting is invalid", async () => {
    const problem = 'ALLOW_PRIVATE_ENDPOINTS entry "10.0.0.5/8" has bits set past its /8 prefix; write 10.0.0.0/8';
    const guard = refusingGuardOf({ allowLoopback: false }, stubZone(), problem);
    const reason = `this service's outbound URL settings are invalid, so no URL is allowed until its operator fixes them: ${problem}`;
    for (const url of ["https://models.example.com/v1", "http://10.0.0.5/v1"]) expect(await guard.check(url)).toEqual({ ok: false, reason, retryable: true });
  });
});
