// Tests for the SSRF guard. Everything here is pure parsing: fetch is stubbed to throw, so a test that
// accidentally sends network traffic fails loudly instead of silently reaching a host.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { forbidNetwork } from "../no-network";
import {
  FETCH_SAFETY,
  PRODUCTION_POLICY,
  checkOutboundUrl,
  classifyHost,
  withFetchSafety,
  type HostKind,
} from "../../../src/security/ssrf";

const PROD = PRODUCTION_POLICY;
const DEV = { allowLoopback: true };

forbidNetwork();

type Expect = "ok" | "no";
// [url, production verdict, local-dev verdict (allowLoopback), optional fragment of the refusal reason]
type Row = [url: string, prod: Expect, dev: Expect, reason?: RegExp];

const TABLE: Row[] = [
  // --- public hosts: fine everywhere
  ["https://api.openai.com/v1", "ok", "ok"],
  ["http://example.com:8000/v1", "ok", "ok"],
  ["http://8.8.8.8/", "ok", "ok"],
  ["https://1.1.1.1/dns-query", "ok", "ok"],
  ["https://[2606:4700:4700::1111]/", "ok", "ok"],
  ["https://API.OpenAI.com/v1", "ok", "ok"],
  ["HTTPS://example.com/", "ok", "ok"],
  ["https://example.com./", "ok", "ok"],
  ["https://bücher.de/", "ok", "ok"],
  ["https://example.com:443/path?q=1#frag", "ok", "ok"],
  ["https://localhost.example.com/", "ok", "ok"],
  ["https://internal.example.com/", "ok", "ok"],
  ["https://metadata.example.com/", "ok", "ok"],
  ["http://172.15.255.255/", "ok", "ok"], // just below 172.16/12
  ["http://172.32.0.1/", "ok", "ok"], // just above 172.16/12
  ["http://100.63.255.255/", "ok", "ok"], // just below CGNAT
  ["http://100.128.0.1/", "ok", "ok"], // just above CGNAT
  ["http://[2002:808:808::1]/", "ok", "ok"], // 6to4 around a public IPv4
  // Known limit: a public name may resolve to loopback. DNS is not resolved at validation time.
  ["https://127.0.0.1.nip.io/", "ok", "ok"],

  // --- canonical loopback: only with allowLoopback
  ["http://localhost/", "no", "ok", /host localhost is a loopback name/],
  ["http://localhost:8787/v1", "no", "ok"],
  ["http://127.0.0.1/", "no", "ok", /loopback address/],
  ["http://127.0.0.1:8000/v1", "no", "ok"],
  ["http://127.255.255.254/", "no", "ok"],
  ["http://127.10.0.200/", "no", "ok"],
  ["http://[::1]/", "no", "ok"],
  ["http://[::1]:8000/v1", "no", "ok"],

  // --- non-canonical loopback: always refused
  ["http://0x7f.1/", "no", "no", /host 0x7f\.1 is a loopback address \(127\.0\.0\.1\) written in a non-canonical form/],
  ["http://127.1/", "no", "no", /non-canonical/],
  ["http://127.0.1/", "no", "no", /non-canonical/],
  ["http://2130706433/", "no", "no", /non-canonical/],
  ["http://0x7f000001/", "no", "no", /non-canonical/],
  ["http://0X7F000001/", "no", "no"],
  ["http://0x7f.0.0.1/", "no", "no"],
  ["http://0x7f.0x0.0x0.0x1/", "no", "no"],
  ["http://0177.0.0.1/", "no", "no"],
  ["http://017700000001/", "no", "no"],
  ["http://0177.1/", "no", "no"],
  ["http://127.000.000.001/", "no", "no"],
  ["http://127.00.0.1/", "no", "no"],
  ["http://127.0.0.1./", "no", "no"],
  ["http://0x7f.1:8000/v1", "no", "no"],
  ["http://１２７.0.0.1/", "no", "no"], // full-width digits, folded by IDNA
  ["http://LOCALHOST/", "no", "no"],
  ["http://LocalHost:8787/", "no", "no"],
  ["http://localhost./", "no", "no"],
  ["http://ｌｏｃａｌｈｏｓｔ/", "no", "no"],
  ["http://api.localhost/", "no", "no", /loopback name/],
  ["http://a.b.localhost:8080/", "no", "no"],
  ["http://[0:0:0:0:0:0:0:1]/", "no", "no", /\(\[::1\]\) written in a non-canonical form/],
  ["http://[::0:1]/", "no", "no"],
  ["http://[0::1]/", "no", "no"],
  ["http://[::0001]/", "no", "no"],
  ["http://[::ffff:127.0.0.1]/", "no", "no", /IPv4-mapped IPv6 address embedding 127\.0\.0\.1, a loopback address/],
  ["http://[::ffff:7f00:1]/", "no", "no", /IPv4-mapped/],
  ["http://[::FFFF:7F00:1]/", "no", "no"],
  ["http://[::ffff:0:127.0.0.1]/", "no", "no", /IPv4-translated/],
  ["http://[::127.0.0.1]/", "no", "no", /IPv4-compatible/],
  ["http://[64:ff9b::127.0.0.1]/", "no", "no", /NAT64/],
  ["http://[64:ff9b::7f00:1]/", "no", "no"],
  ["http://[2002:7f00:1::]/", "no", "no", /6to4/],
  ["http://[::1%25lo]/", "no", "no", /zone id/],

  // --- private
  ["http://10.0.0.1/", "no", "no", /private/],
  ["http://10.255.255.255/", "no", "no"],
  ["http://012.0.0.1/", "no", "no", /\(10\.0\.0\.1\) written in a non-canonical form/],
  ["http://0xa.0.0.1/", "no", "no"],
  ["http://167772161/", "no", "no"],
  ["http://172.16.0.1/", "no", "no"],
  ["http://172.31.255.255/", "no", "no"],
  ["http://192.168.1.1/", "no", "no"],
  ["http://0xc0a80101/", "no", "no"],
  ["http://3232235777/", "no", "no"],
  ["http://192.168.257/", "no", "no"], // 192.168.1.1
  ["http://[fc00::1]/", "no", "no", /unique-local/],
  ["http://[fd12:3456:789a::1]/", "no", "no"],
  ["http://[FD00::1]/", "no", "no"],
  ["http://[fec0::1]/", "no", "no"],
  ["http://[::ffff:10.0.0.1]/", "no", "no"],
  ["http://[::ffff:a00:1]/", "no", "no"],
  ["http://[2002:c0a8:101::1]/", "no", "no", /192\.168\.1\.1/],

  // --- link-local
  ["http://169.254.1.1/", "no", "no", /link-local/],
  ["http://[fe80::1]/", "no", "no", /link-local/],
  ["http://[FE80::abcd:1]/", "no", "no"],
  ["http://[febf::1]/", "no", "no"],
  ["http://[fe80::1%25eth0]/", "no", "no", /zone id/],

  // --- CGNAT
  ["http://100.64.0.1/", "no", "no", /carrier-grade NAT/],
  ["http://100.127.255.255/", "no", "no"],
  ["http://[::ffff:100.64.0.1]/", "no", "no"],

  // --- unspecified ("this network")
  ["http://0.0.0.0/", "no", "no", /this network/],
  ["http://0/", "no", "no"],
  ["http://0x0/", "no", "no"],
  ["http://0.1.2.3/", "no", "no"],
  ["http://[::]/", "no", "no", /unspecified/],
  ["http://[0::0]/", "no", "no"],
  ["http://[::ffff:0.0.0.0]/", "no", "no"],

  // --- multicast
  ["http://224.0.0.1/", "no", "no", /multicast/],
  ["http://239.255.255.250/", "no", "no"],
  ["http://0xe0000001/", "no", "no"],
  ["http://[ff02::1]/", "no", "no", /multicast/],
  ["http://[ff05::1:3]/", "no", "no"],

  // --- cloud metadata
  ["http://169.254.169.254/latest/meta-data/", "no", "no", /metadata/],
  ["http://0xa9fea9fe/", "no", "no", /metadata address \(169\.254\.169\.254\) written in a non-canonical form/],
  ["http://2852039166/", "no", "no"],
  ["http://0251.0376.0251.0376/", "no", "no"],
  ["http://169.254.43518/", "no", "no"],
  ["http://[::ffff:169.254.169.254]/", "no", "no", /metadata/],
  ["http://[fd00:ec2::254]/", "no", "no", /metadata/],
  ["http://169.254.170.2/v2/credentials", "no", "no"],
  ["http://100.100.100.200/", "no", "no"],
  ["http://metadata.google.internal/computeMetadata/v1/", "no", "no", /metadata host name/],
  ["http://METADATA.GOOGLE.INTERNAL./", "no", "no"],
  ["http://metadata/", "no", "no"],
  ["http://metadata.goog/", "no", "no"],
  ["http://instance-data/", "no", "no"],

  // --- reserved, broadcast, documentation
  ["http://240.0.0.1/", "no", "no", /reserved/],
  ["http://255.255.255.255/", "no", "no", /broadcast/],
  ["http://0xffffffff/", "no", "no"],
  ["http://4294967295/", "no", "no"],
  ["http://198.18.0.1/", "no", "no", /benchmarking/],
  ["http://192.0.0.1/", "no", "no"],
  ["http://192.0.2.1/", "no", "no", /documentation/],
  ["http://198.51.100.7/", "no", "no"],
  ["http://203.0.113.9/", "no", "no"],
  ["http://[2001:db8::1]/", "no", "no", /documentation/],
  ["http://[100::1]/", "no", "no", /discard/],
  ["http://[2001::1]/", "no", "no", /Teredo/],
  ["http://[4000::1]/", "no", "no", /outside global unicast/],

  // --- special names
  ["http://printer.local/", "no", "no", /\.local/],
  ["http://svc.default.svc.cluster.local/", "no", "no"],
  ["http://db.internal/", "no", "no", /\.internal/],
  ["http://DB.Internal./", "no", "no"],
  ["http://router.home.arpa/", "no", "no"],
  ["http://nas.lan/", "no", "no"],
  ["http://intranet/", "no", "no", /private networks/],
  ["http://build-server:8080/", "no", "no", /single-label/],
  ["http://mock.test/", "no", "no", /reserved \.test/],
  ["http://hidden.onion/", "no", "no"],

  // --- public IPs in odd spellings: harmless targets, but refused (they exist only to dodge filters)
  ["http://134744072/", "no", "no", /write it as 8\.8\.8\.8/],
  ["http://0x8.0x8.0x8.0x8/", "no", "no"],
  ["http://0127.0.0.1/", "no", "no", /write it as 87\.0\.0\.1/], // octal: NOT loopback
  ["http://8.8.8.8./", "no", "no"],
  ["http://[2606:4700:4700:0:0:0:0:1111]/", "no", "no", /write it as \[2606:4700:4700::1111\]/],
  ["http://[2606:4700:4700::1111%25eth0]/", "no", "no"],
  ["http://[::ffff:8.8.8.8]/", "no", "no", /write the IPv4 address directly/],
  ["http://[64:ff9b::8.8.8.8]/", "no", "no"],

  // --- schemes
  ["ftp://example.com/", "no", "no", /scheme "ftp:"/],
  ["file:///etc/passwd", "no", "no", /scheme "file:"/],
  ["javascript:alert(1)", "no", "no", /scheme "javascript:"/],
  ["data:text/plain,hi", "no", "no"],
  ["gopher://127.0.0.1:6379/_INFO", "no", "no"],
  ["ws://example.com/", "no", "no"],
  ["//example.com/", "no", "no", /absolute/],
  ["example.com", "no", "no"],
  ["http:example.com", "no", "no", /form https:\/\/host/],
  ["http:/example.com", "no", "no"],
  ["http:///example.com", "no", "no"],

  // --- credentials
  ["https://user:pass@example.com/", "no", "no", /username or password/],
  ["https://user@example.com/", "no", "no", /username or password/],
  ["https://@example.com/", "no", "no", /username or password/],
  ["https://:@example.com/", "no", "no"],
  ["https://example.com@127.0.0.1/", "no", "no"],
  ["http://127.0.0.1@example.com/", "no", "no"],
  ["http://localhost:8787@example.com/", "no", "no"],

  // --- garbage and parser tricks
  ["", "no", "no", /empty/],
  [" ", "no", "no"],
  ["not a url", "no", "no"],
  ["http://", "no", "no", /no host/],
  ["http://:8080/", "no", "no", /no host/],
  [" https://example.com/", "no", "no", /whitespace/],
  ["https://example.com/\n", "no", "no"],
  ["http://exa\tmple.com/", "no", "no"],
  ["https://exa mple.com/", "no", "no"],
  ["http://example.com\\@127.0.0.1/", "no", "no", /backslash/],
  ["http://%31%32%37.0.0.1/", "no", "no", /percent-encoded/],
  ["http://local%68ost/", "no", "no"],
  ["http://[::1/", "no", "no", /unterminated/],
  ["http://[]/", "no", "no"],
  ["http://[::1]x/", "no", "no", /port/],
  ["http://example.com:port/", "no", "no", /port/],
  ["http://example.com:99999/", "no", "no", /not a valid URL/],
  ["http://1.2.3.4.5/", "no", "no"],
  ["http://256.0.0.1/", "no", "no"],
  ["http://[1:2:3:4:5:6:7:8:9]/", "no", "no"],
  ["http://a!b.com/", "no", "no", /not a valid DNS name/],
  ["http://a..b.com/", "no", "no"],
  ["http://127.0.0.1../", "no", "no"],
  [`https://example.com/${"a".repeat(3000)}`, "no", "no", /longer than/],
];

describe("checkOutboundUrl: spelling table", () => {
  it("has a large table", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(80);
    expect(new Set(TABLE.map((r) => r[0])).size).toBe(TABLE.length); // no accidental duplicates
  });

  it.each(TABLE)("%j → production %s, local dev %s", (url, prod, dev, reason) => {
    for (const [policy, expected] of [[PROD, prod], [DEV, dev]] as const) {
      const verdict = checkOutboundUrl(url, policy);
      const summary = verdict.ok ? "ok" : `refused: ${verdict.reason}`;
      expect(verdict.ok ? "ok" : "no", `${JSON.stringify(url)} allowLoopback=${policy.allowLoopback}: ${summary}`).toBe(expected);
      if (!verdict.ok) {
        expect(verdict.reason.length).toBeGreaterThan(0);
        if (reason) expect(verdict.reason).toMatch(reason);
      }
    }
  });
});

describe("checkOutboundUrl: behaviour", () => {
  it("returns the parsed URL on success", () => {
    const v = checkOutboundUrl("https://bücher.de/v1?x=1", PROD);
    expect(v.ok && v.url.href).toBe("https://xn--bcher-kva.de/v1?x=1");
  });

  it("explains how local development must spell loopback", () => {
    const v = checkOutboundUrl("http://0x7f.1/", DEV);
    expect(!v.ok && v.reason).toMatch(/must be written as localhost, 127\.x\.y\.z or \[::1\]/);
  });

  it("never throws, whatever it is given", () => {
    const odd: unknown[] = [undefined, null, 42, {}, "http://[", "http://[:::]/", "%", "http://\u0000/", "\ud800"];
    for (const input of odd) expect(() => checkOutboundUrl(input as string, PROD)).not.toThrow();
    for (const input of odd) expect(checkOutboundUrl(input as string, DEV).ok).toBe(false);
  });
});

// Deterministic generator of the many spellings WHATWG accepts for one IPv4 address.
function spellings(a: number, b: number, c: number, d: number): string[] {
  const int = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
  const hex = (n: number) => `0x${n.toString(16)}`;
  const oct = (n: number) => `0${n.toString(8)}`;
  return [
    String(int),
    hex(int),
    oct(int),
    `${a}.${(b << 16) | (c << 8) | d}`,
    `${a}.${b}.${(c << 8) | d}`,
    `${hex(a)}.${b}.${c}.${d}`,
    `${oct(a)}.${b}.${c}.${d}`,
    `${a}.${b}.${c}.${oct(d)}`,
    `${hex(a)}.${oct(b)}.${c}.${hex(d)}`,
    `${a}.${b}.${c}.${d}.`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}]`,
    `[64:ff9b::${a}.${b}.${c}.${d}]`,
  ];
}

describe("checkOutboundUrl: generated spellings", () => {
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

  it("refuses every non-canonical spelling of loopback, even in local development", () => {
    for (let i = 0; i < 50; i++) {
      const [b, c, d] = [rand(256), rand(256), rand(256)];
      expect(checkOutboundUrl(`http://127.${b}.${c}.${d}/`, DEV).ok).toBe(true);
      for (const host of spellings(127, b, c, d)) {
        const url = `http://${host}/`;
        const parsed = new URL(url).hostname; // proves the spelling really reaches loopback
        expect(parsed === `127.${b}.${c}.${d}` || parsed.startsWith("[")).toBe(true);
        expect(checkOutboundUrl(url, DEV).ok, url).toBe(false);
        expect(checkOutboundUrl(url, PROD).ok, url).toBe(false);
      }
    }
  });

  it("refuses every spelling of private, link-local and CGNAT addresses", () => {
    const prefixes: [number, number][] = [[10, 0], [172, 16], [192, 168], [169, 254], [100, 64]];
    for (const [a, b0] of prefixes) {
      for (let i = 0; i < 10; i++) {
        const b = a === 10 ? rand(256) : a === 172 ? b0 + rand(16) : a === 100 ? b0 + rand(64) : b0;
        const [c, d] = [rand(256), rand(256)];
        for (const host of [`${a}.${b}.${c}.${d}`, ...spellings(a, b, c, d)]) {
          expect(checkOutboundUrl(`http://${host}/`, DEV).ok, host).toBe(false);
        }
      }
    }
  });
});

describe("classifyHost", () => {
  const rows: [host: string, kind: HostKind, canonical: boolean, address?: string][] = [
    ["api.openai.com", "public", true],
    ["API.openai.com", "public", false],
    ["8.8.8.8", "public", true, "8.8.8.8"],
    ["127.0.0.1", "loopback", true, "127.0.0.1"],
    ["0x7f.1", "loopback", false, "127.0.0.1"],
    ["2130706433", "loopback", false, "127.0.0.1"],
    ["017700000001", "loopback", false, "127.0.0.1"],
    ["localhost", "loopback", true],
    ["localhost.", "loopback", false],
    ["LOCALHOST", "loopback", false],
    ["[::1]", "loopback", true, "::1"],
    ["::1", "loopback", true, "::1"],
    ["[0:0:0:0:0:0:0:1]", "loopback", false, "::1"],
    ["[::ffff:127.0.0.1]", "loopback", false, "::ffff:7f00:1"],
    ["[::ffff:7f00:1]", "loopback", false, "::ffff:7f00:1"],
    ["10.1.2.3", "private", true, "10.1.2.3"],
    ["[fd00::1]", "private", true, "fd00::1"],
    ["169.254.169.254", "metadata", true, "169.254.169.254"],
    ["[fd00:ec2::254]", "metadata", true, "fd00:ec2::254"],
    ["metadata.google.internal", "metadata", true],
    ["169.254.10.10", "link-local", true, "169.254.10.10"],
    ["100.64.1.1", "cgnat", true, "100.64.1.1"],
    ["0.0.0.0", "unspecified", true, "0.0.0.0"],
    ["[::]", "unspecified", true, "::"],
    ["224.1.1.1", "multicast", true, "224.1.1.1"],
    ["255.255.255.255", "broadcast", true, "255.255.255.255"],
    ["240.1.2.3", "reserved", true, "240.1.2.3"],
    ["192.0.2.5", "documentation", true, "192.0.2.5"],
    ["[::ffff:8.8.8.8]", "ipv4-embedded", false, "::ffff:808:808"],
    ["[2002:a00:1::]", "private", false, "2002:a00:1::"],
    ["1.2.3.4.5", "invalid", false],
    ["[1::2::3]", "invalid", false],
    ["a..b", "invalid", false],
  ];
  it.each(rows)("%s → %s (canonical %s)", (host, kind, canonical, address) => {
    const c = classifyHost(host);
    expect(c.kind).toBe(kind);
    expect(c.canonical).toBe(canonical);
    if (address !== undefined) expect(c.address).toBe(address);
  });
});

describe("fetch safety", () => {
  it("never follows redirects", () => {
    expect(FETCH_SAFETY.redirect).toBe("manual");
    expect(withFetchSafety({ redirect: "follow", method: "POST" })).toEqual({ redirect: "manual", method: "POST" });
    expect(withFetchSafety().redirect).toBe("manual");
  });
});

describe("portability", () => {
  it("uses no node: or cloudflare: imports, so it runs in workerd and Node alike", () => {
    const dir = fileURLToPath(new URL("../../../src/security/", import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(dir + file, "utf8");
      expect(source, file).not.toMatch(/from\s+["'](node:|cloudflare:)/);
      expect(source, file).not.toMatch(/require\(/);
    }
  });
});
