-- Failed sign-ins, counted per account and per address to slow password guessing. Kept in the
-- database, not in memory, so that every server behind a load balancer sees the same counts.
CREATE TABLE login_failures (
    id        BIGINT       NOT NULL AUTO_INCREMENT,
    email     VARCHAR(255) NOT NULL,
    address   VARCHAR(64)  NOT NULL,
    failed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY idx_login_failures_email (email, failed_at),
    KEY idx_login_failures_address (address, failed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
