//! The outbox: mutations waiting to be pushed, in the order they were made, and what each push
//! answer does to the captures.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use shared_model::capture::capture_fields;
use shared_model::protocol::{Mutation, MutationResult, MutationStatus, Op, PushTable};
use shared_model::time;
use uuid::Uuid;

use super::Store;
use crate::{Error, Result};

fn parse_uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|e| Error::Internal(format!("a stored uuid: {e}")))
}

impl Store {
    /// Up to `limit` mutations in the order they were made, marked as sent: from now on each is
    /// resent unchanged until the server answers it (its `mutation_id` makes that safe), and a
    /// later edit of the same capture becomes a mutation of its own.
    pub fn next_batch(&self, limit: usize) -> Result<Vec<Mutation>> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let mut batch = Vec::new();
        {
            let mut statement = tx.prepare(
                "SELECT seq, mutation_id, table_name, op, uuid, updated_at, data FROM outbox ORDER BY seq LIMIT ?1",
            )?;
            let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?;
            for row in rows {
                let (seq, mutation_id, table, op, uuid, updated_at, data) = row?;
                batch.push((
                    seq,
                    Mutation {
                        mutation_id: parse_uuid(&mutation_id)?,
                        table: serde_json::from_value(Value::String(table))?,
                        op: if op == "delete" { Op::Delete } else { Op::Upsert },
                        uuid: parse_uuid(&uuid)?,
                        updated_at: time::parse(&updated_at).map_err(|e| Error::Internal(e.to_string()))?,
                        data: data.map(|d| serde_json::from_str(&d)).transpose()?,
                    },
                ));
            }
        }
        if let Some((last, _)) = batch.last() {
            tx.execute("UPDATE outbox SET sent = 1 WHERE seq <= ?1 AND sent = 0", [last])?;
        }
        tx.commit()?;
        Ok(batch.into_iter().map(|(_, m)| m).collect())
    }

    /// Applies a push answer: one result per mutation of `batch`, in order.
    pub fn apply_results(&self, batch: &[Mutation], results: &[MutationResult]) -> Result<()> {
        if batch.len() != results.len() {
            return Err(Error::Internal(format!("{} results for {} mutations", results.len(), batch.len())));
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        for (mutation, result) in batch.iter().zip(results) {
            if result.mutation_id != mutation.mutation_id {
                return Err(Error::Internal("the push answer is not in the order of the batch".into()));
            }
            apply_result(&tx, mutation, result)?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn apply_result(conn: &Connection, mutation: &Mutation, result: &MutationResult) -> Result<()> {
    let uuid = mutation.uuid.to_string();
    let gone = conn.execute("DELETE FROM outbox WHERE mutation_id = ?1", [mutation.mutation_id.to_string()])?;
    if gone == 0 {
        // Answered before (a batch whose answer arrived twice): nothing left to do.
        return Ok(());
    }
    let later: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM outbox WHERE uuid = ?1)", [&uuid], |r| r.get(0))?;
    if let Some(id) = result.id {
        conn.execute("UPDATE captures SET server_id = ?2 WHERE uuid = ?1", params![uuid, id])?;
    }
    let status = match result.status {
        MutationStatus::Duplicate => result.original_status.unwrap_or(MutationStatus::Applied),
        other => other,
    };
    match status {
        MutationStatus::Superseded => match &result.row {
            Some(row) if !later => adopt(conn, mutation.table, &uuid, row)?,
            Some(row) => {
                conn.execute(
                    "UPDATE captures SET server_row = ?2 WHERE uuid = ?1",
                    params![uuid, serde_json::to_string(row)?],
                )?;
            }
            None if !later => mark(conn, &uuid, "synced", None)?,
            None => {}
        },
        MutationStatus::Rejected if !later => {
            // A refused delete brings the record back (the office may have approved it meanwhile):
            // the person sees it again, with the reason it could not be deleted.
            if mutation.op == Op::Delete {
                conn.execute("UPDATE captures SET deleted = 0 WHERE uuid = ?1", [&uuid])?;
            }
            mark(conn, &uuid, "rejected", result.error.as_ref())?;
        }
        MutationStatus::Rejected => {}
        _ if !later => mark(conn, &uuid, "synced", None)?,
        _ => {}
    }
    Ok(())
}

fn mark(conn: &Connection, uuid: &str, state: &str, error: Option<&shared_model::ErrorInfo>) -> Result<()> {
    conn.execute(
        "UPDATE captures SET state = ?2, error_code = ?3, error_message = ?4 WHERE uuid = ?1",
        params![uuid, state, error.map(|e| e.code.as_str()), error.map(|e| e.message.as_str())],
    )?;
    Ok(())
}

/// Takes the server's row as the capture's current version.
pub(super) fn adopt(conn: &Connection, table: PushTable, uuid: &str, row: &Value) -> Result<()> {
    let fields = capture_fields(table);
    let data: Map<String, Value> =
        fields.iter().filter_map(|f| row.get(*f).map(|v| ((*f).to_owned(), v.clone()))).collect();
    let updated_at = row.get("updated_at").and_then(Value::as_str).unwrap_or_default();
    let active = row.get("is_active").and_then(Value::as_bool).unwrap_or(true);
    let existing: Option<String> =
        conn.query_row("SELECT uuid FROM captures WHERE uuid = ?1", [uuid], |r| r.get(0)).optional()?;
    let id = row.get("id").and_then(Value::as_i64);
    if existing.is_some() {
        conn.execute(
            "UPDATE captures SET data = ?2, server_row = ?3, server_id = COALESCE(?4, server_id), updated_at = ?5,
                    deleted = ?6, state = 'synced', error_code = NULL, error_message = NULL
             WHERE uuid = ?1",
            params![uuid, serde_json::to_string(&data)?, serde_json::to_string(row)?, id, updated_at, !active],
        )?;
    } else {
        conn.execute(
            "INSERT INTO captures (uuid, table_name, server_id, data, server_row, updated_at, deleted, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'synced', ?6)",
            params![
                uuid,
                table.as_str(),
                id,
                serde_json::to_string(&data)?,
                serde_json::to_string(row)?,
                updated_at,
                !active
            ],
        )?;
    }
    Ok(())
}
