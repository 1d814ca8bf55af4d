-- Accounts and API tokens (src/lifecycle/accounts.ts), run ownership, and endpoint API keys sealed at rest.
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`runs_per_day` integer
);
--> statement-breakpoint
-- The built-in account that owns runs submitted with the admin token (and runs older than accounts).
INSERT INTO `accounts` (`id`, `name`, `created_at`, `runs_per_day`) VALUES ('admin', 'admin', 0, NULL);
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`hash` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_account` ON `api_tokens` (`account_id`);--> statement-breakpoint
ALTER TABLE `runs` ADD `account_id` text;--> statement-breakpoint
UPDATE `runs` SET `account_id` = 'admin' WHERE `account_id` IS NULL;--> statement-breakpoint
CREATE INDEX `runs_account_created` ON `runs` (`account_id`,`created_at`);--> statement-breakpoint
-- Endpoint API keys are stored sealed (AES-GCM, src/security/secrets.ts, context `run:<id>:api_key`).
-- Plaintext keys cannot be sealed in SQL, so the old column is dropped with its contents: runs still
-- in flight with a plaintext key call their endpoint without it (and fail there if it needs one).
ALTER TABLE `runs` ADD `api_key_sealed` text;--> statement-breakpoint
ALTER TABLE `runs` DROP COLUMN `api_key`;
