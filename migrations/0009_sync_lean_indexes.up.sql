-- Every push writes one sync_mutations row and one change_feed row per mutation; indexes nothing
-- reads only slow that down. Mutations are looked up by mutation_id (the primary key) and the feed
-- by seq (the primary key) and changed_at (pruning); user_id keeps its index for its foreign key.
ALTER TABLE sync_mutations DROP INDEX idx_sync_mutations_row;
ALTER TABLE change_feed DROP INDEX idx_change_feed_row;
ALTER TABLE sync_mutations DROP FOREIGN KEY fk_sync_mutations_user_id;
ALTER TABLE sync_mutations DROP INDEX idx_sync_mutations_user_id;
