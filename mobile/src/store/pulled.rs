//! What a pull brings: rows the phone may see (campaigns, its driver, vehicle or promoter row)
//! and the server's versions of its own captures, applied page by page with the cursor.

use rusqlite::{Connection, params};
use serde_json::Value;
use shared_model::protocol::{Change, Op, PullTable, PushTable};

use super::Store;
use super::outbox::adopt;
use crate::Result;

impl Store {
    /// Applies one pull page and stores its cursor, in one transaction: a crash in between leaves
    /// the page to be pulled again, and applying a change twice changes nothing more.
    pub fn apply_pull_page(&self, changes: &[Change], cursor: &str) -> Result<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        for change in changes {
            apply(&tx, change)?;
        }
        super::state::set(&tx, "cursor", &cursor)?;
        tx.commit()?;
        Ok(())
    }

    /// The rows of a table the server sent (campaigns, drivers, vehicles, promoters), by id.
    pub fn server_rows(&self, table: PullTable) -> Result<Vec<Value>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare("SELECT row FROM server_rows WHERE table_name = ?1 ORDER BY id")?;
        let rows = statement.query_map([table.as_str()], |r| r.get::<_, String>(0))?;
        rows.map(|text| Ok(serde_json::from_str(&text?)?)).collect()
    }
}

fn capture_table(table: PullTable) -> Option<PushTable> {
    match table {
        PullTable::Expenses => Some(PushTable::Expenses),
        PullTable::PromoterActivities => Some(PushTable::PromoterActivities),
        PullTable::Reports => Some(PushTable::Reports),
        _ => None,
    }
}

fn apply(conn: &Connection, change: &Change) -> Result<()> {
    match (capture_table(change.table), change.uuid) {
        (Some(table), Some(uuid)) => apply_capture(conn, table, &uuid.to_string(), change),
        _ => apply_reference(conn, change),
    }
}

fn apply_reference(conn: &Connection, change: &Change) -> Result<()> {
    match (change.op, &change.row) {
        (Op::Upsert, Some(row)) => {
            conn.execute(
                "INSERT INTO server_rows (table_name, id, row) VALUES (?1, ?2, ?3)
                 ON CONFLICT (table_name, id) DO UPDATE SET row = excluded.row",
                params![change.table.as_str(), change.id, serde_json::to_string(row)?],
            )?;
        }
        _ => {
            conn.execute(
                "DELETE FROM server_rows WHERE table_name = ?1 AND id = ?2",
                params![change.table.as_str(), change.id],
            )?;
        }
    }
    Ok(())
}

/// The server's version of one of this user's captures. A capture with an edit still waiting, or
/// one the server refused, keeps its local fields (the user's work is never overwritten); it takes
/// the server's row only for the review fields and the id.
fn apply_capture(conn: &Connection, table: PushTable, uuid: &str, change: &Change) -> Result<()> {
    let (local, keep_fields): (bool, bool) = conn.query_row(
        "SELECT COUNT(*) > 0,
                    COALESCE(MAX(state = 'rejected' OR EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = c.uuid)), 0)
             FROM captures c WHERE c.uuid = ?1",
        [uuid],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match (change.op, &change.row) {
        (Op::Upsert, Some(row)) if keep_fields => {
            conn.execute(
                "UPDATE captures SET server_row = ?2, server_id = ?3 WHERE uuid = ?1",
                params![uuid, serde_json::to_string(row)?, change.id],
            )?;
        }
        (Op::Upsert, Some(row)) => adopt(conn, table, uuid, row)?,
        _ if local && !keep_fields => {
            conn.execute("UPDATE captures SET deleted = 1, state = 'synced' WHERE uuid = ?1", [uuid])?;
        }
        _ => {}
    }
    Ok(())
}
