// The needle sets the non-literal suite draws from, as GET /v1/needle-sets lists them for audit.
import { z } from "zod";
import { NEEDLE_KINDS } from "../probes/nonliteral/types";

export const NeedleSetPair = z
  .object({
    id: z.string(),
    kind: z.enum(NEEDLE_KINDS),
    needle: z.string().meta({ description: "One sentence; {CHAR} is filled with a character's name at probe time." }),
    question: z.string(),
    link: z.string().meta({ description: "The inference from needle to question (\"\" for literal pairs)." }),
    distractors: z.array(z.object({ text: z.string(), entity: z.string() })).meta({ description: "Sentences that overlap the question but do not answer it; a reply naming the entity was distracted." }),
    shared_content_words: z.array(z.string()).meta({ description: "Content words (Porter stems, stop words removed) the needle and question share: none for one_hop and two_hop." }),
    bm25_rank: z.int().meta({
      description: "Rank of the needle sentence for its question among the audit haystack's sentences (the corpus's first 150,000 characters, the distractors and the needle) by the BM25 our keyword-search reference model answers with: 1 for literal pairs, poor for the others.",
    }),
    needle_bm25: z.number(),
    best_distractor_bm25: z.number(),
  })
  .meta({ id: "NeedleSetPair" });

export const NeedleSet = z
  .object({
    id: z.string(),
    version: z.string().meta({ description: "Changes whenever a pair or name does; a run records the version it used." }),
    audit_corpus: z.string().meta({ description: "The corpus bm25_rank was computed over." }),
    characters: z.array(z.string()).meta({ description: "The names drawn per probe into the needle's slot." }),
    pairs: z.array(NeedleSetPair),
  })
  .meta({ id: "NeedleSet" });

export type NeedleSetPair = z.infer<typeof NeedleSetPair>;
export type NeedleSet = z.infer<typeof NeedleSet>;
