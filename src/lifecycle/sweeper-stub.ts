// The one Sweeper Durable Object (./sweeper.ts), as callers arm it: every submission and delivery,
// and the first request after start-up. Arming is idempotent and cheap.

export function sweeperStub(env: Env) {
  return env.SWEEPER.get(env.SWEEPER.idFromName("sweeper"));
}

/** Arms the sweeper's alarm; a failure is logged, never thrown (the next caller arms it). */
export async function armSweeper(env: Env): Promise<void> {
  await sweeperStub(env)
    .ensureArmed()
    .catch((error: unknown) => console.error(JSON.stringify({ event: "sweeper.arm_error", error: String(error) })));
}
