ALTER TABLE `bookqa_datasets` ADD `account_id` text;--> statement-breakpoint
ALTER TABLE `bookqa_datasets` ADD `public` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `corpora` ADD `account_id` text;--> statement-breakpoint
ALTER TABLE `corpora` ADD `public` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `probes` ADD `usage_dropped` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `credential` text;--> statement-breakpoint
-- Added by hand (data, not schema): corpora and datasets uploaded before uploads had owners were
-- visible to everyone; they stay so. New uploads are private unless uploaded with "public": true.
UPDATE `corpora` SET `public` = 1;--> statement-breakpoint
UPDATE `bookqa_datasets` SET `public` = 1;
