CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`creator_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`category_id` text,
	`tags` text NOT NULL,
	`media` text NOT NULL,
	`currency` text NOT NULL,
	`min_price` integer NOT NULL,
	`in_stock` integer NOT NULL,
	`sales_count` integer DEFAULT 0 NOT NULL,
	`trending_score` real DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `products_newest_idx` ON `products` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_price_idx` ON `products` (`min_price`,`id`);--> statement-breakpoint
CREATE INDEX `products_popular_idx` ON `products` (`sales_count`,`id`);--> statement-breakpoint
CREATE INDEX `products_trending_idx` ON `products` (`trending_score`,`id`);--> statement-breakpoint
CREATE INDEX `products_category_newest_idx` ON `products` (`category_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `products_category_price_idx` ON `products` (`category_id`,`min_price`,`id`);--> statement-breakpoint
CREATE INDEX `products_category_popular_idx` ON `products` (`category_id`,`sales_count`,`id`);--> statement-breakpoint
CREATE INDEX `products_creator_newest_idx` ON `products` (`creator_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `variants` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`sku` text,
	`options` text NOT NULL,
	`price` integer NOT NULL,
	`stock_on_hand` integer NOT NULL,
	`stock_reserved` integer DEFAULT 0 NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "variants_stock_never_negative" CHECK("variants"."stock_reserved" >= 0 AND "variants"."stock_reserved" <= "variants"."stock_on_hand")
);
--> statement-breakpoint
CREATE INDEX `variants_product_idx` ON `variants` (`product_id`,`position`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`preferences` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_role_idx` ON `users` (`role`);