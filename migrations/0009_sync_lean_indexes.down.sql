ALTER TABLE change_feed ADD KEY idx_change_feed_row (table_name, row_id);
ALTER TABLE sync_mutations ADD KEY idx_sync_mutations_row (table_name, row_uuid);
