ALTER TABLE sync_mutations ADD KEY idx_sync_mutations_user_id (user_id, received_at);
ALTER TABLE sync_mutations
    ADD CONSTRAINT fk_sync_mutations_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE change_feed ADD KEY idx_change_feed_row (table_name, row_id);
ALTER TABLE sync_mutations ADD KEY idx_sync_mutations_row (table_name, row_uuid);
