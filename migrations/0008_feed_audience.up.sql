-- Who a change concerns when its row is no longer visible: the driver or promoter who owned the
-- row when it was written. A pull turns such a change into a delete only for that user, so that
-- other users never learn the ids of rows that were never theirs.
ALTER TABLE change_feed
    ADD COLUMN audience_driver_id   BIGINT NULL AFTER op,
    ADD COLUMN audience_promoter_id BIGINT NULL AFTER audience_driver_id;

-- The highest feed number pruned away: a pull cursor below it can no longer be served (410).
INSERT INTO sync_sequences (name, value) VALUES ('change_feed_pruned', 0);
