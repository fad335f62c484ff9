PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_records` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
INSERT INTO `__new_audit_records`("seq", "id", "at", "actor_type", "organisation_id", "key_id", "key_prefix", "action", "resource_type", "resource_id", "agreement_id", "processor_id", "controller_id", "request_id", "client_ip", "outcome", "prev_hash", "hash") SELECT "seq", "id", "at", "actor_type", "organisation_id", "key_id", "key_prefix", "action", "resource_type", "resource_id", "agreement_id", "processor_id", "controller_id", "request_id", "client_ip", "outcome", "prev_hash", "hash" FROM `audit_records`;--> statement-breakpoint
DROP TABLE `audit_records`;--> statement-breakpoint
ALTER TABLE `__new_audit_records` RENAME TO `audit_records`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_records_id_unique` ON `audit_records` (`id`);--> statement-breakpoint
CREATE INDEX `audit_organisation_idx` ON `audit_records` (`organisation_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_processor_idx` ON `audit_records` (`processor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_controller_idx` ON `audit_records` (`controller_id`,`seq`);--> statement-breakpoint
-- the rebuilt table needs its append-only triggers again (they went with the old table)
CREATE TRIGGER `audit_records_no_update` BEFORE UPDATE ON `audit_records`
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_records_no_delete` BEFORE DELETE ON `audit_records`
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
