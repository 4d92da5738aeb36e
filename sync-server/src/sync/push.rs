//! `POST /api/v1/sync/push`: one transaction per batch, one answer per mutation.
//!
//! For each mutation, in order: a `mutation_id` seen before gets its first answer again
//! (`duplicate`); then shape and field rules (`forbidden_field`, `invalid_field`), permission
//! (`forbidden`), the expense lock (`expense_locked`), and last writer wins by `updated_at`, ties
//! broken by the greater `device_id` (`superseded`). Every version that loses, is refused, or is
//! overwritten goes to `sync_conflicts`. A server fault rolls the whole batch back.

use std::collections::HashMap;

use axum::body::Bytes;
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use serde_json::{Map, Value, json};
use shared_model::capture::{Capture, parse_capture};
use shared_model::error::codes;
use shared_model::protocol::{
    MAX_CLOCK_AHEAD_SECONDS, MAX_PUSH_MUTATIONS, MutationResult, MutationStatus, Op, PullTable, PushResponse, PushTable,
};
use shared_model::{ErrorInfo, time};
use sqlx::{Connection, MySqlConnection, MySqlPool};
use uuid::Uuid;

use crate::api::v1::resources::{ResourceDef, scope_of};
use crate::api::v1::tables::{ACTIVITIES, EXPENSES, REPORTS};
use crate::auth::AuthUser;
use crate::auth::matrix::{self, Action, Resource, Scope};
use crate::db::feed::{self, Audience};
use crate::db::records;
use crate::db::sync::{self as store, Conflict, RowVersion, StoredMutation};
use crate::error::{Error, Result};

fn bad_request(message: impl Into<String>) -> Error {
    Error::BadRequest { code: codes::BAD_REQUEST, message: message.into() }
}

/// Merges a batch of mutations from one device.
pub async fn push(pool: &MySqlPool, user: &AuthUser, body: Bytes) -> Result<PushResponse> {
    // Parsing megabytes takes a while: off the threads that answer everyone else.
    let body: Value = tokio::task::spawn_blocking(move || serde_json::from_slice(&body))
        .await
        .map_err(|e| Error::Other(e.into()))?
        .map_err(|e| Error::BadRequest {
            code: "malformed_json",
            message: format!("The body is not valid JSON: {e}"),
        })?;
    let device_id = body
        .get("device_id")
        .and_then(Value::as_str)
        .and_then(|d| Uuid::parse_str(d).ok())
        .ok_or_else(|| bad_request("device_id must be the phone's UUID"))?;
    let mutations =
        body.get("mutations").and_then(Value::as_array).ok_or_else(|| bad_request("mutations must be a list"))?;
    if mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(Error::PayloadTooLarge {
            code: codes::BATCH_TOO_LARGE,
            message: format!("At most {MAX_PUSH_MUTATIONS} mutations per push; this one has {}.", mutations.len()),
        });
    }
    let mut ids = Vec::with_capacity(mutations.len());
    for (i, mutation) in mutations.iter().enumerate() {
        let id = mutation
            .get("mutation_id")
            .and_then(Value::as_str)
            .and_then(|m| Uuid::parse_str(m).ok())
            .ok_or_else(|| bad_request(format!("mutation {i} has no valid mutation_id")))?;
        ids.push(id);
    }

    // Phones of one user race on the same rows; the database then ends one transaction with a
    // deadlock. The batch is whole or nothing, so it is simply merged again.
    crate::db::retry_transient("push", || merge_batch(pool, user, device_id, &ids, mutations)).await
}

async fn merge_batch(
    pool: &MySqlPool,
    user: &AuthUser,
    device_id: Uuid,
    ids: &[Uuid],
    mutations: &[Value],
) -> Result<PushResponse> {
    let now = Utc::now();
    // READ COMMITTED: looking up a row that does not exist yet takes no gap lock, so phones adding
    // new rows at once do not deadlock on the end of the uuid index. Two batches adding the same
    // row meet at its unique key instead, and the later one is merged again.
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION").await?;
    let mut batch = Batch::prefetch(&mut tx, ids, mutations).await?;
    let mut results: Vec<MutationResult> = Vec::with_capacity(mutations.len());
    for (mutation_id, raw) in ids.iter().zip(mutations) {
        // A row this batch is about to create must exist before another mutation touches it.
        let touches_pending = raw
            .get("uuid")
            .and_then(Value::as_str)
            .and_then(|u| Uuid::parse_str(u).ok())
            .is_some_and(|u| batch.pending.iter().any(|p| p.uuid == u));
        if touches_pending {
            batch.flush(&mut tx, &mut results).await?;
        }
        batch.current = results.len();
        let ctx = Context { user, device_id, now, today: now.date_naive() };
        results.push(one(&mut tx, &ctx, &mut batch, *mutation_id, raw).await?);
    }
    batch.flush(&mut tx, &mut results).await?;
    store::save_mutations(&mut tx, &batch.remembered).await?;
    // Feed numbers last: the feed's counter stays locked only from here to the commit.
    store::finish_push(tx, device_id, user.id, &batch.feed).await?;
    let applied = results.iter().filter(|r| r.status == MutationStatus::Applied).count();
    tracing::info!(user_id = user.id, %device_id, mutations = results.len(), applied, "push");
    Ok(PushResponse { server_time: now, results })
}

struct Context<'a> {
    user: &'a AuthUser,
    device_id: Uuid,
    now: DateTime<Utc>,
    today: NaiveDate,
}

/// What one batch knows while it is merged: the answers and row versions read up front (the rows
/// locked), and what it will write at the end.
struct Batch {
    /// Mutations answered before, and those answered earlier in this batch.
    seen: HashMap<Uuid, StoredMutation>,
    /// The current version of every row the batch touches, kept current as it writes.
    versions: HashMap<(PushTable, Uuid), RowVersion>,
    /// Whether the user may use a campaign, by id.
    campaigns: HashMap<i64, bool>,
    /// Answers to remember, in one insert at the end.
    remembered: Vec<(Uuid, StoredMutation)>,
    /// Feed entries, recorded at the end.
    feed: Vec<feed::Entry>,
    /// New rows not inserted yet: written together, many rows per statement.
    pending: Vec<Pending>,
    /// The index of the result being made.
    current: usize,
}

/// A new row waiting for the batch's multi-row insert, and where its id goes once known.
struct Pending {
    table: PushTable,
    uuid: Uuid,
    values: Map<String, Value>,
    at: DateTime<Utc>,
    result: usize,
    remembered: usize,
    feed: usize,
}

impl Batch {
    async fn prefetch(conn: &mut MySqlConnection, ids: &[Uuid], mutations: &[Value]) -> Result<Batch> {
        let seen = store::find_mutations(conn, ids).await?.into_iter().collect();
        let mut versions = HashMap::new();
        for table in [PushTable::Expenses, PushTable::PromoterActivities, PushTable::Reports] {
            let uuids: Vec<Uuid> = mutations
                .iter()
                .filter(|m| m.get("table").and_then(Value::as_str) == Some(table.as_str()))
                .filter_map(|m| m.get("uuid").and_then(Value::as_str).and_then(|u| Uuid::parse_str(u).ok()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            for version in store::row_versions_for_update(conn, table.as_str(), &uuids).await? {
                versions.insert((table, version.uuid), version);
            }
        }
        Ok(Batch {
            seen,
            versions,
            campaigns: HashMap::new(),
            remembered: Vec::new(),
            feed: Vec::new(),
            pending: Vec::new(),
            current: 0,
        })
    }

    /// Inserts the waiting new rows, and puts their ids where the answers, the remembered
    /// mutations, the feed and the known versions need them.
    async fn flush(&mut self, conn: &mut MySqlConnection, results: &mut [MutationResult]) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        for table in [PushTable::Expenses, PushTable::PromoterActivities, PushTable::Reports] {
            let mut rows: Vec<&mut Pending> = pending.iter_mut().filter(|p| p.table == table).collect();
            if rows.is_empty() {
                continue;
            }
            let values: Vec<(Map<String, Value>, DateTime<Utc>)> =
                rows.iter_mut().map(|p| (std::mem::take(&mut p.values), p.at)).collect();
            let ids: HashMap<Uuid, i64> =
                records::insert_many_at(conn, &def_of(table).spec, &values).await?.into_iter().collect();
            for p in rows {
                let id = *ids
                    .get(&p.uuid)
                    .ok_or_else(|| Error::Other(anyhow::anyhow!("inserted row {} has no id", p.uuid)))?;
                if let Some(result) = results.get_mut(p.result) {
                    result.id = Some(id);
                }
                if let Some((mutation_id, answer)) = self.remembered.get_mut(p.remembered) {
                    answer.row_id = Some(id);
                    if let Some(seen) = self.seen.get_mut(mutation_id) {
                        seen.row_id = Some(id);
                    }
                }
                if let Some(entry) = self.feed.get_mut(p.feed) {
                    entry.row_id = id;
                }
                if let Some(version) = self.versions.get_mut(&(table, p.uuid)) {
                    version.id = id;
                }
            }
        }
        Ok(())
    }

    fn remember(&mut self, mutation_id: Uuid, answer: StoredMutation) {
        self.seen.insert(mutation_id, answer.clone());
        self.remembered.push((mutation_id, answer));
    }
}

/// What a mutation's envelope says, once read.
struct Parsed<'a> {
    table: PushTable,
    op: Op,
    uuid: Uuid,
    at: DateTime<Utc>,
    data: Option<&'a Map<String, Value>>,
}

/// A refusal of one mutation.
struct Refusal {
    error: ErrorInfo,
    row_id: Option<i64>,
}

fn refuse(code: &str, message: impl Into<String>, field: Option<&str>) -> Refusal {
    let mut error = ErrorInfo::new(code, message);
    if let Some(field) = field {
        error = error.with_details(json!({ "field": field }));
    }
    Refusal { error, row_id: None }
}

fn def_of(table: PushTable) -> &'static ResourceDef {
    match table {
        PushTable::Expenses => &EXPENSES,
        PushTable::PromoterActivities => &ACTIVITIES,
        PushTable::Reports => &REPORTS,
    }
}

fn read_envelope(raw: &Value) -> std::result::Result<Parsed<'_>, Refusal> {
    let invalid = |field: &str, what: &str| refuse(codes::INVALID_FIELD, format!("{field} {what}"), Some(field));
    let table: PushTable = serde_json::from_value(raw.get("table").cloned().unwrap_or(Value::Null))
        .map_err(|_| invalid("table", "must be expenses, promoter_activities or reports"))?;
    let op: Op = serde_json::from_value(raw.get("op").cloned().unwrap_or(Value::Null))
        .map_err(|_| invalid("op", "must be upsert or delete"))?;
    let uuid = raw
        .get("uuid")
        .and_then(Value::as_str)
        .and_then(|u| Uuid::parse_str(u).ok())
        .ok_or_else(|| invalid("uuid", "must be the row's UUID"))?;
    let at = updated_at(raw).ok_or_else(|| invalid("updated_at", "must be an RFC 3339 time from 1970 on"))?;
    let data = match (op, raw.get("data")) {
        (Op::Upsert, Some(Value::Object(map))) => Some(map),
        (Op::Upsert, _) => return Err(invalid("data", "must hold the capture fields of an upsert")),
        (Op::Delete, _) => None,
    };
    Ok(Parsed { table, op, uuid, at, data })
}

/// The mutation's `updated_at`, if it is an RFC 3339 time the database can hold: from the Unix
/// epoch on (earlier ones arrive as nothing), and not a leap second (`23:59:60`, stored as a zero
/// date that no later read could decode).
fn updated_at(raw: &Value) -> Option<DateTime<Utc>> {
    raw.get("updated_at")
        .and_then(Value::as_str)
        .and_then(|t| time::parse(t).ok())
        .filter(|at| at.timestamp() >= 0 && at.nanosecond() < 1_000_000_000)
}

/// Whether the version (`at`, `device`) is later than the row's: time first, then the
/// lexicographically greater device id.
fn later(at: DateTime<Utc>, device: Uuid, row_at: DateTime<Utc>, row_device: Option<Uuid>) -> bool {
    let row_device = row_device.map(|d| d.hyphenated().to_string()).unwrap_or_default();
    at > row_at || (at == row_at && device.hyphenated().to_string() > row_device)
}

async fn one(
    conn: &mut MySqlConnection,
    ctx: &Context<'_>,
    batch: &mut Batch,
    mutation_id: Uuid,
    raw: &Value,
) -> Result<MutationResult> {
    if let Some(first) = batch.seen.get(&mutation_id).cloned() {
        return duplicate(conn, ctx, mutation_id, &first).await;
    }
    let parsed = match read_envelope(raw) {
        Ok(parsed) => parsed,
        Err(refusal) => {
            let table = raw.get("table").and_then(Value::as_str).unwrap_or("unknown");
            let uuid =
                raw.get("uuid").and_then(Value::as_str).and_then(|u| Uuid::parse_str(u).ok()).unwrap_or_default();
            return rejected(conn, ctx, batch, mutation_id, table, uuid, raw, refusal).await;
        }
    };
    match merge(conn, ctx, batch, mutation_id, &parsed).await? {
        Ok(result) => Ok(result),
        Err(refusal) => rejected(conn, ctx, batch, mutation_id, parsed.table.as_str(), parsed.uuid, raw, refusal).await,
    }
}

#[allow(clippy::too_many_arguments, reason = "the refusal and everything the log keeps of it")]
async fn rejected(
    conn: &mut MySqlConnection,
    ctx: &Context<'_>,
    batch: &mut Batch,
    mutation_id: Uuid,
    table: &str,
    uuid: Uuid,
    raw: &Value,
    refusal: Refusal,
) -> Result<MutationResult> {
    let table: String = table.chars().take(64).collect();
    store::log_conflict(
        conn,
        &Conflict {
            table_name: table.clone(),
            row_id: refusal.row_id,
            row_uuid: uuid,
            mutation_id: Some(mutation_id),
            user_id: Some(ctx.user.id),
            device_id: Some(ctx.device_id),
            reason: "rejected",
            error_code: Some(refusal.error.code.clone()),
            message: Some(refusal.error.message.chars().take(1000).collect()),
            losing_op: if raw.get("op").and_then(Value::as_str) == Some("delete") { "delete" } else { "upsert" },
            losing_data: Some(raw.to_string()),
            losing_updated_at: updated_at(raw),
            winning_updated_at: None,
        },
    )
    .await?;
    batch.remember(
        mutation_id,
        StoredMutation {
            user_id: ctx.user.id,
            device_id: ctx.device_id,
            table_name: table,
            row_uuid: uuid,
            status: "rejected".into(),
            row_id: refusal.row_id,
            error_code: Some(refusal.error.code.clone()),
            error_message: Some(refusal.error.message.chars().take(1000).collect()),
            error_details: refusal.error.details.as_ref().map(Value::to_string),
        },
    );
    Ok(MutationResult {
        mutation_id,
        status: MutationStatus::Rejected,
        original_status: None,
        id: refusal.row_id,
        row: None,
        error: Some(refusal.error),
    })
}

async fn duplicate(
    conn: &mut MySqlConnection,
    ctx: &Context<'_>,
    mutation_id: Uuid,
    first: &StoredMutation,
) -> Result<MutationResult> {
    if first.user_id != ctx.user.id {
        let error = ErrorInfo::new(codes::FORBIDDEN, "This mutation_id was used by another user.");
        return Ok(MutationResult {
            mutation_id,
            status: MutationStatus::Rejected,
            original_status: None,
            id: None,
            row: None,
            error: Some(error),
        });
    }
    let original: MutationStatus = serde_json::from_value(Value::String(first.status.clone()))
        .map_err(|e| Error::Other(anyhow::anyhow!("stored mutation status: {e}")))?;
    let row = match (original, first.row_id, first.table_name.as_str()) {
        (MutationStatus::Superseded, Some(id), table) => {
            let def = serde_json::from_value::<PushTable>(Value::String(table.to_owned())).ok().map(def_of);
            match def {
                Some(def) => records::get(conn, &def.spec, None, id, true, false).await?.map(Value::Object),
                None => None,
            }
        }
        _ => None,
    };
    let error = first.error_code.as_ref().map(|code| ErrorInfo {
        code: code.clone(),
        message: first.error_message.clone().unwrap_or_default(),
        details: first.error_details.as_deref().and_then(|d| serde_json::from_str(d).ok()),
    });
    Ok(MutationResult {
        mutation_id,
        status: MutationStatus::Duplicate,
        original_status: Some(original),
        id: first.row_id,
        row,
        error,
    })
}

/// The rules and the merge of one well-formed mutation. `Ok(Err(..))` is a refusal of this
/// mutation; `Err(..)` a server fault that ends the whole batch.
async fn merge(
    conn: &mut MySqlConnection,
    ctx: &Context<'_>,
    batch: &mut Batch,
    mutation_id: Uuid,
    m: &Parsed<'_>,
) -> Result<std::result::Result<MutationResult, Refusal>> {
    let def = def_of(m.table);
    let resource = def.spec.resource;
    let capture = match m.data {
        Some(data) => match parse_capture(m.table, data, ctx.today) {
            Ok(capture) => Some(capture),
            Err(e) => {
                let mut refusal = refuse(e.code, e.message.clone(), None);
                refusal.error = e.to_error_info();
                return Ok(Err(refusal));
            }
        },
        None => None,
    };

    // Permission: the role writes this table, for its own driver or promoter row.
    let grant = matrix::grant(ctx.user.role, resource).filter(|g| g.allows(Action::Create));
    let (owner_column, owner) = match grant.map(|g| g.scope) {
        Some(Scope::OwnDriver) => ("driver_id", ctx.user.driver_id),
        Some(Scope::OwnPromoter) => ("promoter_id", ctx.user.promoter_id),
        _ => ("", None),
    };
    let Some(owner) = owner else {
        return Ok(Err(refuse(
            codes::FORBIDDEN,
            format!("A {} does not write {}.", ctx.user.role, m.table.as_str()),
            None,
        )));
    };
    let current = batch.versions.get(&(m.table, m.uuid)).cloned();
    if let Some(row) = &current
        && row.owner_id != Some(owner)
    {
        return Ok(Err(refuse(codes::FORBIDDEN, "This record belongs to another user.", None)));
    }
    let row_id = current.as_ref().map(|r| r.id);

    // The campaign must be one this user works on.
    if let Some(campaign_id) = capture.as_ref().map(campaign_of) {
        let in_scope = match batch.campaigns.get(&campaign_id) {
            Some(known) => *known,
            None => {
                let grant = matrix::grant(ctx.user.role, Resource::Campaigns);
                let found = match grant {
                    Some(grant) => {
                        records::exists(conn, Resource::Campaigns, scope_of(grant, ctx.user).as_ref(), campaign_id)
                            .await?
                    }
                    None => false,
                };
                batch.campaigns.insert(campaign_id, found);
                found
            }
        };
        if !in_scope {
            let mut refusal = refuse(
                codes::INVALID_FIELD,
                format!("Campaign {campaign_id} does not exist, has ended its run, or is not one of yours."),
                Some("campaign_id"),
            );
            refusal.row_id = row_id;
            return Ok(Err(refusal));
        }
    }

    // A reviewed expense is locked, for edits and deletes alike, older or newer.
    if let Some(row) = &current
        && m.table == PushTable::Expenses
        && row.status.as_deref() != Some("pending")
    {
        let mut refusal = refuse(
            codes::EXPENSE_LOCKED,
            format!("This expense was already {}.", row.status.as_deref().unwrap_or("reviewed")),
            None,
        );
        refusal.row_id = row_id;
        return Ok(Err(refusal));
    }

    // A clock too far ahead cannot win every conflict: clamp to server time.
    let at = if m.at > ctx.now + Duration::seconds(MAX_CLOCK_AHEAD_SECONDS) { ctx.now } else { m.at };

    if let Some(row) = &current
        && !later(at, ctx.device_id, row.updated_at, row.device_id)
    {
        let server_row = records::get(conn, &def.spec, None, row.id, true, false).await?.map(Value::Object);
        store::log_conflict(
            conn,
            &Conflict {
                table_name: m.table.as_str().into(),
                row_id: Some(row.id),
                row_uuid: m.uuid,
                mutation_id: Some(mutation_id),
                user_id: Some(ctx.user.id),
                device_id: Some(ctx.device_id),
                reason: "superseded",
                error_code: None,
                message: Some("The server holds a later version.".into()),
                losing_op: op_text(m.op),
                losing_data: m.data.map(serde_json::to_string).transpose().map_err(|e| Error::Other(e.into()))?,
                losing_updated_at: Some(at),
                winning_updated_at: Some(row.updated_at),
            },
        )
        .await?;
        batch.remember(mutation_id, answer(ctx, m, "superseded", Some(row.id)));
        return Ok(Ok(MutationResult {
            mutation_id,
            status: MutationStatus::Superseded,
            original_status: None,
            id: Some(row.id),
            row: server_row,
            error: None,
        }));
    }

    // This version wins. The one it replaces goes to the log.
    if let Some(row) = &current {
        let previous = records::get(conn, &def.spec, None, row.id, true, false).await?;
        store::log_conflict(
            conn,
            &Conflict {
                table_name: m.table.as_str().into(),
                row_id: Some(row.id),
                row_uuid: m.uuid,
                mutation_id: Some(mutation_id),
                user_id: Some(ctx.user.id),
                device_id: row.device_id,
                reason: "overwritten",
                error_code: None,
                message: Some("Replaced by a later version.".into()),
                losing_op: if row.is_active { "upsert" } else { "delete" },
                losing_data: previous.map(|p| Value::Object(p).to_string()),
                losing_updated_at: Some(row.updated_at),
                winning_updated_at: Some(at),
            },
        )
        .await?;
    }

    let id = match (m.op, &current, capture) {
        (Op::Delete, Some(row), _) => {
            store::delete_row_at(conn, m.table.as_str(), row.id, ctx.device_id, at).await?;
            Some(row.id)
        }
        (Op::Delete, None, _) => None,
        (Op::Upsert, _, Some(capture)) => {
            let mut values = capture_values(&capture)?;
            values.insert(owner_column.into(), Value::from(owner));
            values.insert("device_id".into(), Value::from(ctx.device_id.to_string()));
            if m.table == PushTable::PromoterActivities {
                let name: Option<String> = sqlx::query_scalar("SELECT name FROM promoters WHERE id = ?")
                    .bind(owner)
                    .fetch_optional(&mut *conn)
                    .await?;
                values.insert("promoter_name".into(), name.map_or(Value::Null, Value::from));
            }
            match &current {
                Some(row) => {
                    records::update_at(conn, &def.spec, row.id, &values, Some(at)).await?;
                    if !row.is_active {
                        store::set_active(conn, m.table.as_str(), row.id).await?;
                    }
                    Some(row.id)
                }
                None => {
                    values.insert("uuid".into(), Value::from(m.uuid.to_string()));
                    values.insert("created_by_id".into(), Value::from(ctx.user.id));
                    if m.table == PushTable::Expenses {
                        values.insert("status".into(), Value::from("pending"));
                    }
                    // Inserted with the batch's other new rows; its id is filled in then.
                    batch.pending.push(Pending {
                        table: m.table,
                        uuid: m.uuid,
                        values,
                        at,
                        result: batch.current,
                        remembered: batch.remembered.len(),
                        feed: batch.feed.len(),
                    });
                    Some(0)
                }
            }
        }
        (Op::Upsert, _, None) => return Err(Error::Other(anyhow::anyhow!("an upsert without capture fields"))),
    };
    if let Some(id) = id {
        let created = current.is_none();
        let status = if m.table == PushTable::Expenses && created {
            Some("pending".to_owned())
        } else {
            current.as_ref().and_then(|c| c.status.clone())
        };
        batch.versions.insert(
            (m.table, m.uuid),
            RowVersion {
                uuid: m.uuid,
                id,
                owner_id: Some(owner),
                status,
                updated_at: at,
                device_id: Some(ctx.device_id),
                is_active: m.op == Op::Upsert,
            },
        );
        let audience =
            if owner_column == "driver_id" { Audience::driver(Some(owner)) } else { Audience::promoter(Some(owner)) };
        batch.feed.push(feed::Entry {
            table: pull_table(m.table),
            row_id: id,
            row_uuid: Some(m.uuid),
            op: m.op,
            audience,
        });
    }
    batch.remember(mutation_id, answer(ctx, m, "applied", id));
    Ok(Ok(MutationResult {
        mutation_id,
        status: MutationStatus::Applied,
        original_status: None,
        id,
        row: None,
        error: None,
    }))
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Upsert => "upsert",
        Op::Delete => "delete",
    }
}

fn campaign_of(capture: &Capture) -> i64 {
    match capture {
        Capture::Expense(e) => e.campaign_id,
        Capture::Activity(a) => a.campaign_id,
        Capture::Report(r) => r.campaign_id,
    }
}

/// The capture as the columns it is stored in; a report's distance is the server's own
/// measurement of its track.
fn capture_values(capture: &Capture) -> Result<Map<String, Value>> {
    let value = match capture {
        Capture::Expense(e) => serde_json::to_value(e),
        Capture::Activity(a) => serde_json::to_value(a),
        Capture::Report(r) => {
            let mut value = serde_json::to_value(r).map_err(|e| Error::Other(e.into()))?;
            if let Some(km) = r.effective_km() {
                value["km_travelled"] = json!((km * 1000.0).round() / 1000.0);
            }
            Ok(value)
        }
    }
    .map_err(|e| Error::Other(e.into()))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Error::Other(anyhow::anyhow!("a capture is an object"))),
    }
}

/// The answer to remember for a mutation that was merged.
fn answer(ctx: &Context<'_>, m: &Parsed<'_>, status: &str, row_id: Option<i64>) -> StoredMutation {
    StoredMutation {
        user_id: ctx.user.id,
        device_id: ctx.device_id,
        table_name: m.table.as_str().into(),
        row_uuid: m.uuid,
        status: status.into(),
        row_id,
        error_code: None,
        error_message: None,
        error_details: None,
    }
}

/// The table phones pull a pushed table as.
fn pull_table(table: PushTable) -> PullTable {
    match table {
        PushTable::Expenses => PullTable::Expenses,
        PushTable::PromoterActivities => PullTable::PromoterActivities,
        PushTable::Reports => PullTable::Reports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        time::parse(text).unwrap_or_default()
    }

    #[test]
    fn the_later_time_wins_and_ties_go_to_the_greater_device() {
        let a = Uuid::parse_str("0190f5c2-0000-7000-8000-00000000000a").unwrap_or_default();
        let b = Uuid::parse_str("0190f5c2-0000-7000-8000-00000000000b").unwrap_or_default();
        let t = at("2026-01-09T08:15:30.123Z");
        assert!(later(at("2026-01-09T08:15:30.124Z"), a, t, Some(b)));
        assert!(!later(at("2026-01-09T08:15:30.122Z"), b, t, Some(a)));
        assert!(later(t, b, t, Some(a)));
        assert!(!later(t, a, t, Some(b)));
        assert!(!later(t, a, t, Some(a)), "the same version does not replace itself");
        assert!(later(t, a, t, None), "any device beats a row written by the office");
    }

    #[test]
    fn only_times_the_database_can_hold_are_read_as_updated_at() {
        let read = |text: &str| updated_at(&json!({ "updated_at": text })).map(|t| time::format(&t));
        assert_eq!(read("1970-01-01T00:00:00Z").as_deref(), Some("1970-01-01T00:00:00.000000Z"));
        assert_eq!(read("2026-01-09T13:45:30.123+05:30").as_deref(), Some("2026-01-09T08:15:30.123000Z"));
        for unstorable in ["1969-12-31T23:59:59Z", "0000-01-01T00:00:00+01:00", "2026-06-30T23:59:60Z"] {
            assert_eq!(read(unstorable), None, "{unstorable}");
        }
    }
}
