-- Browser sessions of the manager pages (DESIGN.md decision 10): an auth_sessions row of kind
-- 'web' holds the hash of its cookie's token and the session's CSRF token, which every form posts.
ALTER TABLE auth_sessions
    ADD COLUMN web_token_hash BINARY(32) NULL AFTER kind,
    ADD COLUMN csrf_token     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER web_token_hash,
    ADD UNIQUE KEY uq_auth_sessions_web_token_hash (web_token_hash);
