ALTER TABLE `videos` ADD `hidden_by_admin` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `comments` ADD `hidden_by_admin` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `posts` ADD `hidden_by_admin` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `reviews` ADD `hidden_by_admin` integer DEFAULT false NOT NULL;