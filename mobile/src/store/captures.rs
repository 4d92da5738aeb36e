//! Captures (expenses, promoter activities, reports) made on this phone, each saved together with
//! its outbox entry. Edits of a capture whose mutation has not left the phone collapse into that
//! one mutation; once a mutation has been sent it is resent unchanged, and a later edit becomes a
//! mutation of its own.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::{Map, Value};
use shared_model::ErrorInfo;
use shared_model::error::codes;
use shared_model::protocol::{Op, PushTable};
use shared_model::tables::{ActivityCapture, ExpenseCapture, ReportCapture};
use shared_model::time;
use uuid::Uuid;

use super::{Store, state};
use crate::{Error, Result};

/// Where a capture stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureState {
    /// Saved on the phone, not yet accepted by the server.
    Waiting,
    /// The server holds this version.
    Synced,
    /// The server refused this version; the reason is in `error`. Fixing and saving sends it again.
    Rejected,
}

impl CaptureState {
    fn parse(text: &str) -> Self {
        match text {
            "synced" => CaptureState::Synced,
            "rejected" => CaptureState::Rejected,
            _ => CaptureState::Waiting,
        }
    }
}

/// A capture as the phone holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalCapture {
    /// The sync identity.
    pub uuid: Uuid,
    /// Which table.
    pub table: PushTable,
    /// The server's id, once it has the row.
    pub server_id: Option<i64>,
    /// The capture fields, as on the wire.
    pub data: Map<String, Value>,
    /// The whole row as the server last sent it (with review fields: `status`, `approved_date`,
    /// `review_note`).
    pub server_row: Option<Value>,
    /// This version's time (hybrid clock).
    pub updated_at: DateTime<Utc>,
    /// Deleted on the phone or by the server.
    pub deleted: bool,
    /// Where it stands.
    pub state: CaptureState,
    /// Why the server refused it, when it did.
    pub error: Option<ErrorInfo>,
    /// Whether a mutation for it waits in the outbox.
    pub waiting: bool,
}

impl LocalCapture {
    /// The expense, if this is one.
    pub fn expense(&self) -> Option<ExpenseCapture> {
        self.typed(PushTable::Expenses)
    }

    /// The promoter activity, if this is one.
    pub fn activity(&self) -> Option<ActivityCapture> {
        self.typed(PushTable::PromoterActivities)
    }

    /// The report, if this is one.
    pub fn report(&self) -> Option<ReportCapture> {
        self.typed(PushTable::Reports)
    }

    fn typed<T: for<'de> serde::Deserialize<'de>>(&self, table: PushTable) -> Option<T> {
        (self.table == table).then(|| serde_json::from_value(Value::Object(self.data.clone())).ok()).flatten()
    }

    /// A review field of the server's row (`status`, `approved_date`, `review_note`).
    pub fn review(&self, field: &str) -> Option<&str> {
        self.server_row.as_ref().and_then(|r| r.get(field)).and_then(Value::as_str)
    }
}

fn table_of(text: &str) -> rusqlite::Result<PushTable> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn json_of<T: for<'de> serde::Deserialize<'de>>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

const COLUMNS: &str = "c.uuid, c.table_name, c.server_id, c.data, c.server_row, c.updated_at, c.deleted, c.state,
     c.error_code, c.error_message, EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = c.uuid)";

fn from_row(row: &Row<'_>) -> rusqlite::Result<LocalCapture> {
    let uuid: String = row.get(0)?;
    let updated_at: String = row.get(5)?;
    let server_row: Option<String> = row.get(4)?;
    let error_code: Option<String> = row.get(8)?;
    let error_message: Option<String> = row.get(9)?;
    Ok(LocalCapture {
        uuid: Uuid::parse_str(&uuid)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?,
        table: table_of(&row.get::<_, String>(1)?)?,
        server_id: row.get(2)?,
        data: json_of(&row.get::<_, String>(3)?)?,
        server_row: server_row.as_deref().map(json_of).transpose()?,
        updated_at: time::parse(&updated_at)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))?,
        deleted: row.get(6)?,
        state: CaptureState::parse(&row.get::<_, String>(7)?),
        error: error_code.map(|code| ErrorInfo::new(&code, error_message.unwrap_or_default())),
        waiting: row.get(10)?,
    })
}

pub(super) fn find(conn: &Connection, uuid: Uuid) -> Result<Option<LocalCapture>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM captures c WHERE c.uuid = ?1"), [uuid.to_string()], from_row)
        .optional()?)
}

fn data_of<T: Serialize>(capture: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(capture)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::Internal("a capture is a JSON object".into())),
    }
}

fn invalid(errors: &shared_model::validate::FieldErrors) -> Error {
    Error::Invalid(ErrorInfo::validation(errors))
}

impl Store {
    /// Saves a new expense (`uuid` `None`) or an edit of one, with its outbox entry.
    pub fn save_expense(&self, uuid: Option<Uuid>, expense: &ExpenseCapture) -> Result<Uuid> {
        expense.validate(self.wall_now().date_naive()).map_err(|e| invalid(&e))?;
        self.save(PushTable::Expenses, uuid, &data_of(expense)?)
    }

    /// Saves a new promoter activity or an edit of one, with its outbox entry.
    pub fn save_activity(&self, uuid: Option<Uuid>, activity: &ActivityCapture) -> Result<Uuid> {
        activity.validate(self.wall_now().date_naive()).map_err(|e| invalid(&e))?;
        self.save(PushTable::PromoterActivities, uuid, &data_of(activity)?)
    }

    /// Saves a new report (a trip) or an edit of one, with its outbox entry.
    pub fn save_report(&self, uuid: Option<Uuid>, report: &ReportCapture) -> Result<Uuid> {
        report.validate(self.wall_now().date_naive()).map_err(|e| invalid(&e))?;
        self.save(PushTable::Reports, uuid, &data_of(report)?)
    }

    fn save(&self, table: PushTable, uuid: Option<Uuid>, data: &Map<String, Value>) -> Result<Uuid> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let at = state::tick(&tx, self.wall_now())?;
        let uuid = uuid.unwrap_or_else(Uuid::now_v7);
        let text = serde_json::to_string(data)?;
        match find(&tx, uuid)? {
            Some(existing) => {
                check_editable(&existing, table)?;
                tx.execute(
                    "UPDATE captures SET data = ?2, updated_at = ?3, deleted = 0, state = 'waiting', error_code = NULL,
                            error_message = NULL
                     WHERE uuid = ?1",
                    params![uuid.to_string(), text, time::format(&at)],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO captures (uuid, table_name, data, updated_at, state, created_at)
                     VALUES (?1, ?2, ?3, ?4, 'waiting', ?4)",
                    params![uuid.to_string(), table.as_str(), text, time::format(&at)],
                )?;
            }
        }
        queue(&tx, table, uuid, Op::Upsert, Some(&text), at)?;
        tx.commit()?;
        Ok(uuid)
    }

    /// Deletes a capture. One that never left the phone simply goes; otherwise the delete is
    /// queued like an edit, and the server keeps the row as deleted.
    pub fn delete_capture(&self, uuid: Uuid) -> Result<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let Some(existing) = find(&tx, uuid)? else { return Err(not_found(uuid)) };
        check_editable(&existing, existing.table)?;
        let sent: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE uuid = ?1 AND sent = 1)",
            [uuid.to_string()],
            |r| r.get(0),
        )?;
        if existing.server_id.is_none() && !sent {
            tx.execute("DELETE FROM outbox WHERE uuid = ?1", [uuid.to_string()])?;
            tx.execute("DELETE FROM captures WHERE uuid = ?1", [uuid.to_string()])?;
        } else {
            let at = state::tick(&tx, self.wall_now())?;
            tx.execute(
                "UPDATE captures SET deleted = 1, updated_at = ?2, state = 'waiting', error_code = NULL,
                        error_message = NULL
                 WHERE uuid = ?1",
                params![uuid.to_string(), time::format(&at)],
            )?;
            queue(&tx, existing.table, uuid, Op::Delete, None, at)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One capture.
    pub fn capture(&self, uuid: Uuid) -> Result<Option<LocalCapture>> {
        find(&*self.conn()?, uuid)
    }

    /// The captures of one table that are not deleted, newest first.
    pub fn captures(&self, table: PushTable) -> Result<Vec<LocalCapture>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM captures c WHERE c.table_name = ?1 AND c.deleted = 0 ORDER BY c.created_at DESC, c.uuid DESC"
        ))?;
        let rows = statement.query_map([table.as_str()], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn not_found(uuid: Uuid) -> Error {
    Error::Invalid(ErrorInfo::new(codes::NOT_FOUND, format!("There is no record {uuid} on this phone.")))
}

/// An expense the office has reviewed is locked, as on the server: the form says so at once.
fn check_editable(existing: &LocalCapture, table: PushTable) -> Result<()> {
    if existing.table != table {
        return Err(Error::Invalid(ErrorInfo::new(
            codes::INVALID_FIELD,
            format!("Record {} is a {}, not a {}.", existing.uuid, existing.table.as_str(), table.as_str()),
        )));
    }
    match existing.review("status") {
        Some(status) if table == PushTable::Expenses && status != "pending" => Err(Error::Invalid(ErrorInfo::new(
            codes::EXPENSE_LOCKED,
            format!("This expense was already {status}; it can no longer be changed."),
        ))),
        _ => Ok(()),
    }
}

/// Puts a mutation in the outbox, folding it into the capture's unsent one if there is one.
fn queue(conn: &Connection, table: PushTable, uuid: Uuid, op: Op, data: Option<&str>, at: DateTime<Utc>) -> Result<()> {
    let op = match op {
        Op::Upsert => "upsert",
        Op::Delete => "delete",
    };
    let folded = conn.execute(
        "UPDATE outbox SET op = ?2, data = ?3, updated_at = ?4 WHERE uuid = ?1 AND sent = 0",
        params![uuid.to_string(), op, data, time::format(&at)],
    )?;
    if folded == 0 {
        conn.execute(
            "INSERT INTO outbox (mutation_id, uuid, table_name, op, data, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![Uuid::now_v7().to_string(), uuid.to_string(), table.as_str(), op, data, time::format(&at)],
        )?;
    }
    Ok(())
}
