// Small helpers of the soak, crash and load scripts: `--name=value` options and a free loopback port.
import { createServer } from "node:net";

/** `--name=value` or `--name value` from argv, else the fallback. */
export function option(name: string, fallback: string, argv = process.argv.slice(2)): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    if (arg === `--${name}` && argv[i + 1] !== undefined) return argv[i + 1]!;
  }
  return fallback;
}

// Ports the kernel never hands out by itself: listen(0) and outgoing connections draw from the
// ephemeral range (Linux: 32768–60999), and so do workerd's own internal sockets. A port taken from
// that range could be grabbed by another service's workerd between our check and wrangler's bind
// (a CI run failed on exactly that); one below it is only ever taken by someone choosing it.
const PORT_RANGE = { low: 20_000, high: 32_768 };

/** A loopback port that is free now, outside the ephemeral range (see PORT_RANGE). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PORT_RANGE.low + Math.floor(Math.random() * (PORT_RANGE.high - PORT_RANGE.low));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port found in ${PORT_RANGE.low}–${PORT_RANGE.high - 1}`);
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
