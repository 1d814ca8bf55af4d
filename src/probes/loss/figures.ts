// The shape of the loss suite's figures in a run's results (one source: the aggregate builds these
// types and the API documents this schema). Losses are mean NLL in nats; lower is better.
import { z } from "zod";

export const LossCell = z.object({
  loss: z.number().meta({ description: "Mean NLL (nats) of tokens 2…L over the documents." }),
  low: z.number().nullable().meta({ description: "95 % interval over documents (Student's t); null with one document." }),
  high: z.number().nullable(),
  perplexity: z.number().meta({ description: "exp(loss)." }),
  documents: z.int().meta({ description: "Scored texts behind the mean." }),
});
export type LossCell = z.infer<typeof LossCell>;

export const LossBucket = z.object({
  from: z.int().meta({ description: "First position (1-based) of the bucket." }),
  to: z.int(),
  nll: z.number().meta({ description: "Mean NLL of the positions in the bucket, over the documents' longest texts." }),
});

export const LossFigures = z.object({
  domains: z.array(z.string()),
  documents: z.int(),
  by_domain: z.record(z.string(), z.record(z.string(), LossCell)).meta({ description: "Domain → context length → Loss@L." }),
  loss_at: z.record(z.string(), LossCell).meta({ description: "Context length → Loss@L over every domain's documents (the leaderboard's Loss@L)." }),
  position_curve: z.record(z.string(), z.object({ length: z.int(), buckets: z.array(LossBucket) })).meta({
    description: "Domain → mean NLL per position bucket (powers of two) of its longest texts: where the model stops using context, the curve flattens.",
  }),
});
export type LossFigures = z.infer<typeof LossFigures>;
