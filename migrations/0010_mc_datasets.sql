CREATE TABLE `mc_questions` (
	`dataset_id` text NOT NULL,
	`position` integer NOT NULL,
	`subject` text NOT NULL,
	`split` text NOT NULL,
	`question` text NOT NULL,
	`choices_json` text NOT NULL,
	`answer` integer NOT NULL,
	PRIMARY KEY(`dataset_id`, `position`)
);
--> statement-breakpoint
ALTER TABLE `bookqa_datasets` ADD `subjects` integer;--> statement-breakpoint
ALTER TABLE `bookqa_datasets` ADD `shots_from` text;