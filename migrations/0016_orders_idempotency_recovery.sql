ALTER TABLE `orders` ADD `idempotency_key` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `idempotency_fingerprint` text;--> statement-breakpoint
CREATE UNIQUE INDEX `orders_user_idempotency_key_unique` ON `orders` (`user_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `orders_idempotency_created_idx` ON `orders` (`created_at`) WHERE "orders"."idempotency_key" is not null;