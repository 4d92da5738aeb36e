DELETE FROM sync_sequences WHERE name = 'change_feed_pruned';
ALTER TABLE change_feed DROP COLUMN audience_promoter_id, DROP COLUMN audience_driver_id;
