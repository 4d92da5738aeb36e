-- Photos, addressed by the SHA-256 of their bytes (DESIGN.md decision 8).

-- Complete, verified photos and where their bytes and thumbnail are stored.
CREATE TABLE media_objects (
    sha256         CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    byte_size      BIGINT       NOT NULL,
    content_type   VARCHAR(50)  NOT NULL,
    width          INT          NOT NULL,
    height         INT          NOT NULL,
    storage_key    VARCHAR(255) NOT NULL,
    thumb_key      VARCHAR(255) NULL,
    uploaded_by_id BIGINT       NULL,
    created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (sha256),
    KEY idx_media_objects_uploaded_by_id (uploaded_by_id),
    CONSTRAINT fk_media_objects_uploaded_by_id FOREIGN KEY (uploaded_by_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Uploads under way: how many bytes arrived, resumable by offset; abandoned ones are cleaned up.
CREATE TABLE media_uploads (
    sha256         CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    total_bytes    BIGINT       NOT NULL,
    received_bytes BIGINT       NOT NULL DEFAULT 0,
    staging_key    VARCHAR(255) NOT NULL,
    user_id        BIGINT       NULL,
    started_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (sha256),
    KEY idx_media_uploads_updated_at (updated_at),
    KEY idx_media_uploads_user_id (user_id),
    CONSTRAINT fk_media_uploads_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
