ALTER TABLE `live_participants` ADD `erasure_left_at` integer;--> statement-breakpoint
CREATE INDEX `live_participants_erasure_left_idx` ON `live_participants` (`erasure_left_at`) WHERE "live_participants"."erasure_left_at" is not null;--> statement-breakpoint
-- Rows erasures left before this migration are unmarked, and the cron now reads only marked ones: mark them.
-- Erasure deletes every participation row of the user but those it leaves, so any row of an erased account is
-- one. Its time is when the account was anonymised (the user row's updated_at).
UPDATE `live_participants`
SET `erasure_left_at` = (SELECT `updated_at` FROM `users` WHERE `users`.`id` = `live_participants`.`user_id`)
WHERE `user_id` IN (SELECT `id` FROM `users` WHERE `password_hash` = '!erased');
