-- Endpoint tokenization (src/lifecycle/endpoint-needle.ts): how a run with tokenizer "endpoint"
-- counts lengths (the tokenize route found, or the calibration against usage.prompt_tokens), and
-- each probe's character cuts, so its prompt is rebuilt without calling the endpoint again.
ALTER TABLE `probes` ADD `build_json` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `tokenization_json` text;