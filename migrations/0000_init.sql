CREATE TABLE `bookqa_datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`task` text NOT NULL,
	`revision` text NOT NULL,
	`questions` integer NOT NULL,
	`books` integer NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `bookqa_questions` (
	`dataset_id` text NOT NULL,
	`position` integer NOT NULL,
	`question_id` text NOT NULL,
	`input` text NOT NULL,
	`answer_json` text NOT NULL,
	`options_json` text NOT NULL,
	`book_key` text NOT NULL,
	`book_chars` integer NOT NULL,
	PRIMARY KEY(`dataset_id`, `position`)
);
--> statement-breakpoint
CREATE INDEX `bookqa_questions_book` ON `bookqa_questions` (`book_key`);--> statement-breakpoint
CREATE TABLE `corpora` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`files` integer NOT NULL,
	`characters` integer NOT NULL,
	`r2_key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `probes` (
	`run_id` text NOT NULL,
	`idx` integer NOT NULL,
	`suite_index` integer NOT NULL,
	`suite_type` text NOT NULL,
	`context_length` integer,
	`depth_percent` integer,
	`item` integer,
	`status` text NOT NULL,
	`dispatched_at` integer,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`constructed_tokens` integer,
	`expected_prompt_tokens` integer,
	`prompt_tokens` integer,
	`cached_tokens` integer,
	`token_mismatch` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer,
	`latency_ms` integer,
	`ttft_ms` integer,
	`finish_reason` text,
	`response` text,
	`scores_json` text,
	`prompt_sha256` text,
	`error` text,
	`settled_at` integer,
	PRIMARY KEY(`run_id`, `idx`)
);
--> statement-breakpoint
CREATE INDEX `probes_run_status` ON `probes` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`model_name` text NOT NULL,
	`model_json` text NOT NULL,
	`api_key` text,
	`internal_endpoint` integer DEFAULT 0 NOT NULL,
	`reference` integer DEFAULT 0 NOT NULL,
	`suites_json` text NOT NULL,
	`public` integer DEFAULT 1 NOT NULL,
	`total` integer NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`unscorable` integer DEFAULT 0 NOT NULL,
	`token_mismatches` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`results_json` text,
	`error` text,
	`finalize_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`last_progress_at` integer NOT NULL,
	`idempotency_key` text,
	`request_sha256` text,
	`series` text,
	`step` integer,
	`tokens_trained` integer,
	`regression_json` text
);
--> statement-breakpoint
CREATE INDEX `runs_status_progress` ON `runs` (`status`,`last_progress_at`);--> statement-breakpoint
CREATE INDEX `runs_board` ON `runs` (`public`,`status`,`finished_at`);--> statement-breakpoint
CREATE INDEX `runs_created` ON `runs` (`created_at`);--> statement-breakpoint
CREATE INDEX `runs_idempotency` ON `runs` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `runs_series` ON `runs` (`series`,`step`);