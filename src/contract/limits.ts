// The state of an endpoint's limiter, as GET /v1/runs/{id}/endpoint-limit shows it.
import { z } from "zod";

export const EndpointLimit = z
  .object({
    endpoint: z.string().meta({ description: "The limiter's key: normalized base_url#model." }),
    ceiling: z.int().nullable().meta({ description: "Smallest max_concurrency of the runs that called this endpoint in the last 2 minutes; null when none did." }),
    limit: z.int().nullable().meta({ description: "Calls allowed in flight now: the ceiling, or less after a 429 (AIMD)." }),
    reduced: z.boolean().meta({ description: "True while a 429 holds the limit below the ceiling; it recovers by one per window of successes." }),
    in_flight: z.int().meta({ description: "Permits held: calls out now (and permits reserved for waiting probes being re-sent)." }),
    waiting: z.int().meta({ description: "Probes waiting for a permit; the limiter re-sends them as permits free." }),
    paused_until: z.string().nullable().meta({ description: "While a 429's Retry-After holds, no call starts before this time (ISO 8601)." }),
    throttles: z.int().meta({ description: "429s (and 503s with Retry-After) this endpoint answered so far." }),
  })
  .meta({ id: "EndpointLimit" });

export type EndpointLimit = z.infer<typeof EndpointLimit>;
