ALTER TABLE `decisions` ADD `objection_ground` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `objection_response` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `objection_response_note` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `objection_responded_at` integer;--> statement-breakpoint
ALTER TABLE `decisions` ADD `objection_responded_by` text;