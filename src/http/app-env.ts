// The Hono environment of every route: the Worker's bindings, and who the request acts for.
import type { Principal } from "../accounts/principal";

/** `principal`: who the request's bearer token stands for, null without one (src/http/auth.ts). */
export type AppEnv = { Bindings: Env; Variables: { principal: Principal | null } };
