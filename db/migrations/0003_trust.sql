CREATE TABLE `audit_records` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`organisation_id` text,
	`key_id` text,
	`key_prefix` text,
	`action` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`agreement_id` text,
	`processor_id` text,
	`controller_id` text,
	`request_id` text,
	`client_ip` text,
	`outcome` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_records_id_unique` ON `audit_records` (`id`);--> statement-breakpoint
CREATE INDEX `audit_organisation_idx` ON `audit_records` (`organisation_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_processor_idx` ON `audit_records` (`processor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_controller_idx` ON `audit_records` (`controller_id`,`seq`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scope` text DEFAULT 'write' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` integer;