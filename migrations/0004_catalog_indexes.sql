ALTER TABLE `products` ADD `search_rowid` integer;--> statement-breakpoint
CREATE INDEX `products_category_trending_idx` ON `products` (`category_id`,`trending_score`,`id`);--> statement-breakpoint
CREATE INDEX `products_creator_price_idx` ON `products` (`creator_id`,`min_price`,`id`);--> statement-breakpoint
CREATE INDEX `products_creator_popular_idx` ON `products` (`creator_id`,`sales_count`,`id`);--> statement-breakpoint
CREATE INDEX `products_creator_trending_idx` ON `products` (`creator_id`,`trending_score`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_search_rowid_unique` ON `products` (`search_rowid`);