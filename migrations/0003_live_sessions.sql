CREATE TABLE `holds` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`product_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`order_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `live_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `holds_user_idx` ON `holds` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `holds_session_idx` ON `holds` (`session_id`,`status`);--> statement-breakpoint
CREATE TABLE `live_participants` (
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `session_id`)
);
--> statement-breakpoint
CREATE TABLE `live_session_products` (
	`session_id` text NOT NULL,
	`product_id` text NOT NULL,
	`position` integer NOT NULL,
	`pinned` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`session_id`, `product_id`),
	FOREIGN KEY (`session_id`) REFERENCES `live_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `live_session_products_product_idx` ON `live_session_products` (`product_id`);--> statement-breakpoint
CREATE TABLE `live_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_at` integer,
	`started_at` integer,
	`ended_at` integer,
	`summary` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `live_sessions_status_idx` ON `live_sessions` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `live_sessions_creator_idx` ON `live_sessions` (`creator_id`,`created_at`,`id`);