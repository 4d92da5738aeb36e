-- What the sync design needs (DESIGN.md decisions 5 to 7).

-- One counter per sequence. A writing transaction takes the next change-feed number with
-- UPDATE ... SET value = value + 1, which holds the row lock until it commits: feed numbers are
-- then handed out in commit order, and a pull cursor never skips a committed change.
CREATE TABLE sync_sequences (
    name  VARCHAR(32) NOT NULL,
    value BIGINT      NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO sync_sequences (name, value) VALUES ('change_feed', 0);

-- Every write to a table phones pull, written in the same transaction as the write.
CREATE TABLE change_feed (
    seq        BIGINT      NOT NULL,
    table_name VARCHAR(64) NOT NULL,
    row_id     BIGINT      NOT NULL,
    row_uuid   BINARY(16)  NULL,
    op         ENUM('upsert', 'delete') NOT NULL,
    changed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (seq),
    KEY idx_change_feed_row (table_name, row_id),
    KEY idx_change_feed_changed_at (changed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Each pushed mutation and its outcome, so a replayed batch gets the same answers.
CREATE TABLE sync_mutations (
    mutation_id   BINARY(16)    NOT NULL,
    user_id       BIGINT        NOT NULL,
    device_id     BINARY(16)    NOT NULL,
    table_name    VARCHAR(64)   NOT NULL,
    row_uuid      BINARY(16)    NOT NULL,
    status        ENUM('applied', 'superseded', 'rejected') NOT NULL,
    row_id        BIGINT        NULL,
    error_code    VARCHAR(64)   NULL,
    error_message VARCHAR(1000) NULL,
    error_details TEXT          NULL,
    received_at   DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (mutation_id),
    KEY idx_sync_mutations_user_id (user_id, received_at),
    KEY idx_sync_mutations_row (table_name, row_uuid),
    CONSTRAINT fk_sync_mutations_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every version that lost (superseded, rejected, or overwritten by a later one), never dropped.
CREATE TABLE sync_conflicts (
    id                 BIGINT        NOT NULL AUTO_INCREMENT,
    table_name         VARCHAR(64)   NOT NULL,
    row_id             BIGINT        NULL,
    row_uuid           BINARY(16)    NOT NULL,
    mutation_id        BINARY(16)    NULL,
    user_id            BIGINT        NULL,
    device_id          BINARY(16)    NULL,
    reason             ENUM('superseded', 'rejected', 'overwritten') NOT NULL,
    error_code         VARCHAR(64)   NULL,
    message            VARCHAR(1000) NULL,
    losing_op          ENUM('upsert', 'delete') NOT NULL,
    losing_data        MEDIUMTEXT    NULL,
    losing_updated_at  DATETIME(6)   NULL,
    winning_updated_at DATETIME(6)   NULL,
    created_at         DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_sync_conflicts_row (table_name, row_uuid),
    KEY idx_sync_conflicts_user_id (user_id),
    KEY idx_sync_conflicts_created_at (created_at),
    CONSTRAINT fk_sync_conflicts_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Field devices and when each last synced, for the managers' overview.
CREATE TABLE devices (
    device_id     BINARY(16)   NOT NULL,
    user_id       BIGINT       NULL,
    user_agent    VARCHAR(255) NULL,
    first_seen_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_seen_at  DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_push_at  DATETIME(6)  NULL,
    last_pull_at  DATETIME(6)  NULL,
    PRIMARY KEY (device_id),
    KEY idx_devices_user_id (user_id),
    KEY idx_devices_last_seen_at (last_seen_at),
    CONSTRAINT fk_devices_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
