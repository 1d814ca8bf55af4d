// IP literal parsing for the SSRF guard. Pure TypeScript: runs unchanged in workerd and Node.
//
// We parse IPv4 exactly the way the WHATWG URL standard does (the parser behind `new URL()` and
// `fetch()`), because an attacker's spelling only matters if it reaches the same address as fetch.
// That means accepting the legacy inet_aton forms (hex, octal, 1-3 parts) so we can *recognise* them.

/** An IPv4 address as an unsigned 32-bit integer. */
export type Ipv4 = number;
/** An IPv6 address as eight 16-bit groups. */
export type Ipv6 = readonly number[];

/**
 * WHATWG "ends in a number": hosts whose last label is numeric are IPv4 literals (or invalid),
 * never DNS names. `0x7f.1`, `2130706433` and `127.0.0.1.` all qualify; `1.2.3.4.nip.io` does not.
 */
export function looksLikeIpv4(host: string): boolean {
  const parts = host.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1] ?? "";
  return /^[0-9]+$/.test(last) || parseIpv4Number(last) !== undefined;
}

/** One dotted part: `0x..` is hex, a leading `0` is octal, otherwise decimal (WHATWG IPv4 number parser). */
function parseIpv4Number(part: string): number | undefined {
  if (part === "") return undefined;
  let digits = part;
  let radix = 10;
  if (part.length >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
    digits = part.slice(2);
    radix = 16;
  } else if (part.length >= 2 && part.startsWith("0")) {
    digits = part.slice(1);
    radix = 8;
  }
  if (digits === "") return 0; // "0x" alone means zero
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  // parseInt may round huge values, but anything that large is rejected by the range checks anyway.
  return parseInt(digits, radix);
}

/** WHATWG IPv4 parser: 1 to 4 parts, the last part fills the remaining bytes. */
export function parseIpv4(host: string): Ipv4 | undefined {
  const parts = host.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop(); // one trailing dot is tolerated
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255)) return undefined;
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), last);
}

export function formatIpv4(addr: Ipv4): string {
  return [addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255].join(".");
}

/** Strict dotted-decimal, as allowed inside IPv6 (`::ffff:1.2.3.4`): four parts, no leading zeros. */
export function parseDottedQuad(text: string): Ipv4 | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/**
 * RFC 4291 text form, without brackets and without a zone id. Stricter than WHATWG in one respect
 * (`::` must stand for at least one group), which only matters for spellings we refuse anyway.
 */
export function parseIpv6(text: string): Ipv6 | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string, mayEndInIpv4: boolean): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const pieces = half.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (mayEndInIpv4 && i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseDottedQuad(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "", true) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952 / WHATWG serialisation: lowercase, no leading zeros, first longest run (≥ 2) of zeros as `::`. */
export function formatIpv6(groups: Ipv6): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export function ipv4InCidr(addr: Ipv4, base: Ipv4, prefix: number): boolean {
  // `x >>> 32` is `x >>> 0` in JavaScript, so /0 needs its own case.
  return prefix === 0 || (addr ^ base) >>> (32 - prefix) === 0;
}

export function ipv6InPrefix(addr: Ipv6, base: Ipv6, prefix: number): boolean {
  for (let i = 0; i < 8 && prefix > i * 16; i++) {
    const bits = Math.min(16, prefix - i * 16);
    const shift = 16 - bits;
    if (((addr[i] ?? 0) >>> shift) !== ((base[i] ?? 0) >>> shift)) return false;
  }
  return true;
}
