-- Sign-in sessions (one per phone or browser) and their single-use refresh tokens. Only hashes of
-- tokens are stored. Reusing a spent token revokes its whole session.

CREATE TABLE auth_sessions (
    id            BIGINT      NOT NULL AUTO_INCREMENT,
    user_id       BIGINT      NOT NULL,
    device_id     BINARY(16)  NULL,
    kind          ENUM('api', 'web') NOT NULL DEFAULT 'api',
    created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at    DATETIME(6) NOT NULL,
    revoked_at    DATETIME(6) NULL,
    revoke_reason VARCHAR(64) NULL,
    PRIMARY KEY (id),
    KEY idx_auth_sessions_user_id (user_id, revoked_at),
    KEY idx_auth_sessions_expires_at (expires_at),
    CONSTRAINT fk_auth_sessions_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE refresh_tokens (
    token_hash BINARY(32)  NOT NULL,
    session_id BIGINT      NOT NULL,
    issued_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at DATETIME(6) NOT NULL,
    used_at    DATETIME(6) NULL,
    PRIMARY KEY (token_hash),
    KEY idx_refresh_tokens_session_id (session_id),
    CONSTRAINT fk_refresh_tokens_session_id FOREIGN KEY (session_id) REFERENCES auth_sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
