CREATE TABLE `agreement_terms` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`authorisation` text NOT NULL,
	`notice_days` integer NOT NULL,
	`third_country_transfers` text NOT NULL,
	`effective_at` integer NOT NULL,
	`reason` text,
	`decision_id` text,
	`amended_by_key` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agreement_id`, `version`),
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agreement_terms_effective_idx` ON `agreement_terms` (`effective_at`);--> statement-breakpoint
CREATE TABLE `legal_data_checks` (
	`release` text PRIMARY KEY NOT NULL,
	`checked_at` integer NOT NULL,
	`changed_agreements` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `agreements` ADD `terms_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `annex_versions` ADD `classification` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `kind` text DEFAULT 'decision' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `public_authority` integer DEFAULT false NOT NULL;