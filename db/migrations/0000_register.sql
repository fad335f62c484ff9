CREATE TABLE `agreements` (
	`id` text PRIMARY KEY NOT NULL,
	`processor_id` text NOT NULL,
	`controller_id` text NOT NULL,
	`title` text NOT NULL,
	`controller_reference` text,
	`authorisation` text NOT NULL,
	`notice_days` integer NOT NULL,
	`third_country_transfers` text NOT NULL,
	`status` text NOT NULL,
	`proposed_annex` text,
	`decline_reason` text,
	`current_version` integer,
	`created_at` integer NOT NULL,
	`activated_at` integer,
	FOREIGN KEY (`processor_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`controller_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agreements_processor_idx` ON `agreements` (`processor_id`,`id`);--> statement-breakpoint
CREATE INDEX `agreements_controller_idx` ON `agreements` (`controller_id`,`id`);--> statement-breakpoint
CREATE TABLE `annex_versions` (
	`agreement_id` text NOT NULL,
	`version` integer NOT NULL,
	`content` text NOT NULL,
	`effective_at` integer NOT NULL,
	`change_request_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agreement_id`, `version`),
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `annex_versions_effective_idx` ON `annex_versions` (`agreement_id`,`effective_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash_unique` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_organisation_idx` ON `api_keys` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`registration_scheme` text NOT NULL,
	`registration_number` text NOT NULL,
	`country` text NOT NULL,
	`address` text NOT NULL,
	`created_at` integer NOT NULL
);
