// What a non-literal probe stores about itself (probes.facts_json), so anyone can audit which pair,
// character and distractors a prompt held and where, without rebuilding it.
import { z } from "zod";
import { NEEDLE_KINDS } from "./types";

export const NonliteralProbeFacts = z
  .object({
    suite: z.literal("nonliteral"),
    pair_id: z.string().meta({ description: "The pair's id in GET /v1/needle-sets." }),
    kind: z.enum(NEEDLE_KINDS),
    character: z.string().meta({ description: "The name in the needle's slot: the expected answer." }),
    question: z.string(),
    needle: z.string().meta({ description: "The needle as placed, the name filled in." }),
    needle_depth_percent: z.number(),
    needle_token_index: z.int().meta({ description: "Where the needle starts among the context's tokens (run tokenizer)." }),
    distractors: z.array(
      z.object({
        entity: z.string().meta({ description: "A response naming it was distracted." }),
        text: z.string(),
        depth_percent: z.number(),
        token_index: z.int(),
      }),
    ),
  })
  .meta({ id: "NonliteralProbeFacts" });
export type NonliteralProbeFacts = z.infer<typeof NonliteralProbeFacts>;
