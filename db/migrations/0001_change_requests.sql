CREATE TABLE `change_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`processor_id` text NOT NULL,
	`operations` text NOT NULL,
	`reason` text NOT NULL,
	`effective_date` integer,
	`submitted_at` integer NOT NULL,
	`submitted_by_key` text NOT NULL,
	FOREIGN KEY (`processor_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `change_requests_processor_idx` ON `change_requests` (`processor_id`,`id`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`change_request_id` text NOT NULL,
	`agreement_id` text NOT NULL,
	`processor_id` text NOT NULL,
	`controller_id` text NOT NULL,
	`authorisation` text NOT NULL,
	`introduces_third_country` integer NOT NULL,
	`instruction_conflict` integer NOT NULL,
	`state` text NOT NULL,
	`notice_ends_at` integer NOT NULL,
	`comment` text,
	`objection_reason` text,
	`decided_at` integer,
	`decided_by_key` text,
	`effective_at` integer,
	`application` text NOT NULL,
	`applied_version` integer,
	`failure_reason` text,
	`overdue_notified_at` integer,
	`reminded_7d_at` integer,
	`reminded_1d_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`change_request_id`) REFERENCES `change_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_request_idx` ON `decisions` (`change_request_id`);--> statement-breakpoint
CREATE INDEX `decisions_controller_idx` ON `decisions` (`controller_id`,`state`,`notice_ends_at`);--> statement-breakpoint
CREATE INDEX `decisions_processor_idx` ON `decisions` (`processor_id`,`id`);--> statement-breakpoint
CREATE INDEX `decisions_agreement_idx` ON `decisions` (`agreement_id`,`id`);--> statement-breakpoint
CREATE INDEX `decisions_due_idx` ON `decisions` (`state`,`notice_ends_at`);--> statement-breakpoint
CREATE INDEX `decisions_apply_idx` ON `decisions` (`application`,`effective_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`agreement_id` text,
	`processor_id` text,
	`controller_id` text,
	`organisation_id` text,
	`change_request_id` text,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_processor_idx` ON `events` (`processor_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_controller_idx` ON `events` (`controller_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_organisation_idx` ON `events` (`organisation_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_agreement_idx` ON `events` (`agreement_id`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer,
	`response` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);