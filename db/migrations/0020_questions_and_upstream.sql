CREATE TABLE `decision_questions` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`processor_id` text NOT NULL,
	`controller_id` text NOT NULL,
	`question` text NOT NULL,
	`asked_at` integer NOT NULL,
	`asked_by_key` text,
	`asked_by` text,
	`extension_days` integer,
	`answer` text,
	`answered_at` integer,
	`answered_by_key` text,
	`answered_by` text,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decision_questions_decision_idx` ON `decision_questions` (`decision_id`,`id`);--> statement-breakpoint
CREATE TABLE `change_request_drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`processor_id` text NOT NULL,
	`upstream_change_id` text,
	`operations` text NOT NULL,
	`reason` text NOT NULL,
	`effective_date` integer,
	`agreements` text NOT NULL,
	`notice_end_by` integer,
	`state` text NOT NULL,
	`change_request_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`processor_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`upstream_change_id`) REFERENCES `upstream_changes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`change_request_id`) REFERENCES `change_requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `change_request_drafts_processor_idx` ON `change_request_drafts` (`processor_id`,`id`);--> statement-breakpoint
CREATE TABLE `upstream_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`processor_id` text NOT NULL,
	`entry_key` text NOT NULL,
	`upstream_decision_id` text,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`link` text,
	`announced_at` integer NOT NULL,
	`deadline_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`state` text NOT NULL,
	`responded_at` integer,
	`responded_by` text,
	`response_reason` text,
	FOREIGN KEY (`source_id`) REFERENCES `upstream_sources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `upstream_changes_entry_idx` ON `upstream_changes` (`source_id`,`entry_key`);--> statement-breakpoint
CREATE INDEX `upstream_changes_processor_idx` ON `upstream_changes` (`processor_id`,`id`);--> statement-breakpoint
CREATE TABLE `upstream_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`processor_id` text NOT NULL,
	`sub_processor_ref` text NOT NULL,
	`kind` text NOT NULL,
	`upstream_agreement_id` text,
	`feed_url` text,
	`etag` text,
	`last_modified` text,
	`default_window_days` integer DEFAULT 30 NOT NULL,
	`margin_days` integer DEFAULT 5 NOT NULL,
	`next_poll_at` integer,
	`last_polled_at` integer,
	`last_poll_error` text,
	`created_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`processor_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`upstream_agreement_id`) REFERENCES `agreements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `upstream_sources_processor_idx` ON `upstream_sources` (`processor_id`,`id`);--> statement-breakpoint
CREATE INDEX `upstream_sources_agreement_idx` ON `upstream_sources` (`upstream_agreement_id`);--> statement-breakpoint
CREATE INDEX `upstream_sources_poll_idx` ON `upstream_sources` (`kind`,`next_poll_at`);--> statement-breakpoint
ALTER TABLE `agreement_terms` ADD `question_extension_days` integer;--> statement-breakpoint
ALTER TABLE `agreements` ADD `question_extension_days` integer;--> statement-breakpoint
ALTER TABLE `change_requests` ADD `upstream_change_id` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `original_notice_ends_at` integer;--> statement-breakpoint
ALTER TABLE `decisions` ADD `notice_held` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `objection_share_upstream` integer DEFAULT false NOT NULL;