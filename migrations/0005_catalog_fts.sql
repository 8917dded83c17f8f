-- Full-text search over products (title, description, tags) with SQLite FTS5, which D1 supports.
-- External content: the text lives only in `products`; `products_fts` holds the index, keyed by
-- `products.search_rowid` (a stored copy of the rowid, see src/db/schema/catalog.ts). Triggers keep it in
-- step on every insert, delete and text update, whoever writes (API, seed, tests, other services).
-- Porter stemming lets "sneaker" find "sneakers"; remove_diacritics lets "cafe" find "café".
CREATE VIRTUAL TABLE `products_fts` USING fts5(
	title, description, tags,
	content='products', content_rowid='search_rowid',
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
UPDATE `products` SET `search_rowid` = `rowid` WHERE `search_rowid` IS NULL;
--> statement-breakpoint
INSERT INTO `products_fts`(`products_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_insert` AFTER INSERT ON `products` BEGIN
	UPDATE `products` SET `search_rowid` = new.rowid WHERE `rowid` = new.rowid AND `search_rowid` IS NULL;
	INSERT INTO `products_fts`(`rowid`, `title`, `description`, `tags`)
		VALUES (coalesce(new.search_rowid, new.rowid), new.title, new.description, new.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_delete` AFTER DELETE ON `products` BEGIN
	INSERT INTO `products_fts`(`products_fts`, `rowid`, `title`, `description`, `tags`)
		VALUES ('delete', old.search_rowid, old.title, old.description, old.tags);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF `title`, `description`, `tags` ON `products` BEGIN
	INSERT INTO `products_fts`(`products_fts`, `rowid`, `title`, `description`, `tags`)
		VALUES ('delete', old.search_rowid, old.title, old.description, old.tags);
	INSERT INTO `products_fts`(`rowid`, `title`, `description`, `tags`)
		VALUES (new.search_rowid, new.title, new.description, new.tags);
END;
