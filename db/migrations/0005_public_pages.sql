CREATE TABLE `public_pages` (
	`organisation_id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`enabled` integer NOT NULL,
	`agreements` text NOT NULL,
	`show_own_locations` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `public_pages_slug_unique` ON `public_pages` (`slug`);