ALTER TABLE expenses DROP FOREIGN KEY fk_expenses_reviewed_by_id;
ALTER TABLE expenses DROP INDEX fk_expenses_reviewed_by_id;
ALTER TABLE expenses DROP COLUMN reviewed_by_id, DROP COLUMN review_note;
