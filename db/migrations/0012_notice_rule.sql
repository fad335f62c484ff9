ALTER TABLE `decisions` ADD `notice_rule` integer DEFAULT 2 NOT NULL;--> statement-breakpoint
-- the decisions made before: their notice ends were counted in whole days of 24 hours (src/features/decisions/recount.ts extends the pending ones)
UPDATE `decisions` SET `notice_rule` = 1;
