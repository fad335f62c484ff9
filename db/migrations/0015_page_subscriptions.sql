CREATE TABLE `page_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`address` text NOT NULL,
	`language` text NOT NULL,
	`status` text NOT NULL,
	`confirm_token_hash` text,
	`confirm_expires_at` integer,
	`unsubscribe_secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`unsubscribed_at` integer,
	`notified_through` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `page_subscriptions_page_address_idx` ON `page_subscriptions` (`organisation_id`,`address`);--> statement-breakpoint
CREATE UNIQUE INDEX `page_subscriptions_confirm_idx` ON `page_subscriptions` (`confirm_token_hash`);--> statement-breakpoint
CREATE INDEX `page_subscriptions_status_idx` ON `page_subscriptions` (`status`,`organisation_id`);