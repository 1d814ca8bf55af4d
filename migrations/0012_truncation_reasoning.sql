ALTER TABLE `probes` ADD `reasoning` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `truncated` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `incomplete` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `preflight_json` text;