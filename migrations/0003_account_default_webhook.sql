ALTER TABLE `accounts` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `webhook_secret` text;