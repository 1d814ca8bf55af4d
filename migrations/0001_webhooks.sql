-- Webhooks (src/lifecycle/webhooks): the per-run webhook on runs, deliveries and their attempts.
ALTER TABLE `runs` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `webhook_secret` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `webhook_origin` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `webhook_status` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `webhook_disabled_reason` text;--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`msg_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`manual` integer DEFAULT 0 NOT NULL,
	`redelivery_of` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`claim_token` text,
	`claimed_until` integer,
	`last_http_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_run` ON `webhook_deliveries` (`run_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`webhook_timestamp` integer NOT NULL,
	`http_status` integer,
	`error` text,
	`response_excerpt` text,
	`duration_ms` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`next_attempt_at` integer,
	PRIMARY KEY(`delivery_id`, `attempt`)
);
