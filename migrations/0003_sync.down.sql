DROP TABLE devices;
DROP TABLE sync_conflicts;
DROP TABLE sync_mutations;
DROP TABLE change_feed;
DROP TABLE sync_sequences;
