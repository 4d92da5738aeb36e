ALTER TABLE auth_sessions
    DROP INDEX uq_auth_sessions_web_token_hash,
    DROP COLUMN csrf_token,
    DROP COLUMN web_token_hash;
