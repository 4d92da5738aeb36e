-- Who reviewed an expense and why it was rejected, so the driver can read the reason on the phone.
ALTER TABLE expenses
    ADD COLUMN review_note    VARCHAR(500) NULL AFTER approved_date,
    ADD COLUMN reviewed_by_id BIGINT       NULL AFTER review_note,
    ADD CONSTRAINT fk_expenses_reviewed_by_id FOREIGN KEY (reviewed_by_id) REFERENCES users (id) ON DELETE SET NULL;
