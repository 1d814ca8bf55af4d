// Reading the Worker's configuration: `[vars]` in wrangler.toml arrive as strings. The bindings
// themselves are typed by the generated worker-configuration.d.ts (`npm run types`).

export function envNumber(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && value !== undefined && value !== "" ? n : fallback;
}

export function envFlag(value: string | undefined): boolean {
  return value === "true" || value === "1";
}
