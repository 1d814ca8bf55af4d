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

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
