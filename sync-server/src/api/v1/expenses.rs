//! Expense approval (seed, "Expense Approval Workflow"): only a pending expense becomes approved
//! (with today's `approved_date`) or rejected (with a note the driver reads on the phone).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::post;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use shared_model::protocol::Op;
use sqlx::MySqlConnection;

use super::PREFIX;
use super::resources::{conflict, invalid, load_for, record_change};
use super::tables::EXPENSES;
use crate::api::openapi;
use crate::api::routes::Route;
use crate::auth::AuthUser;
use crate::auth::matrix::Action;
use crate::db::records;
use crate::error::{Error, Result};
use crate::state::AppState;

pub(super) fn routes() -> Vec<Route> {
    let review = json!({"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}, "additionalProperties": false});
    let row = openapi::row_schema(&EXPENSES.spec);
    vec![
        Route::new(
            Method::POST,
            format!("{PREFIX}/expenses/{{id}}/approve"),
            post(approve),
            "expenses",
            "Approve a pending expense",
        )
        .body(review.clone())
        .answers(200, "The approved expense", Some(row.clone()))
        .errors(&[400, 401, 403, 404, 409, 422]),
        Route::new(
            Method::POST,
            format!("{PREFIX}/expenses/{{id}}/reject"),
            post(reject),
            "expenses",
            "Reject a pending expense, with a note for the driver",
        )
        .body(review)
        .answers(200, "The rejected expense", Some(row))
        .errors(&[400, 401, 403, 404, 409, 422]),
    ]
}

/// The optional body of a review.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Review {
    /// Why: shown to the driver.
    note: Option<String>,
}

async fn approve(state: State<AppState>, user: AuthUser, id: Path<i64>, body: Bytes) -> Result<Json<Value>> {
    decide(state, user, id, &body, Outcome::Approved).await
}

async fn reject(state: State<AppState>, user: AuthUser, id: Path<i64>, body: Bytes) -> Result<Json<Value>> {
    decide(state, user, id, &body, Outcome::Rejected).await
}

/// The body is optional: nothing, or `{"note": "..."}`.
fn review(body: &[u8]) -> Result<Review> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Review::default());
    }
    serde_json::from_slice(body).map_err(|e| Error::BadRequest {
        code: "malformed_json",
        message: format!("The body must be empty or {{\"note\": \"...\"}}: {e}"),
    })
}

async fn decide(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
    body: &[u8],
    outcome: Outcome,
) -> Result<Json<Value>> {
    let note = review(body)?.note;
    let row = review_in_transaction(&state.pool, &user, id, outcome, note.as_deref()).await?;
    tracing::info!(user_id = user.id, expense_id = id, outcome = outcome.as_str(), "expense reviewed");
    Ok(Json(Value::Object(row)))
}

/// What a review decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved, with today's `approved_date`.
    Approved,
    /// Rejected, with a note for the driver.
    Rejected,
}

impl Outcome {
    /// As stored in `expenses.status`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Rejected => "rejected",
        }
    }
}

/// [`review_one`] in a transaction of its own, run again when it meets a phone's push on the same
/// row (a deadlock ends one of the two).
pub(crate) async fn review_in_transaction(
    pool: &sqlx::MySqlPool,
    user: &AuthUser,
    id: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> Result<Map<String, Value>> {
    crate::db::retry_transient("expense review", || async {
        let mut tx = pool.begin().await?;
        let row = review_one(&mut tx, user, id, outcome, note).await?;
        tx.commit().await?;
        Ok(row)
    })
    .await
}

/// Approves or rejects pending expense `id` for `user` inside the caller's transaction, and puts
/// the change in the feed the driver's phone pulls. The API and the manager pages both review
/// through this. 403 for a role that may not, 404 outside its scope, 409 when not pending.
pub(crate) async fn review_one(
    conn: &mut MySqlConnection,
    user: &AuthUser,
    id: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> Result<Map<String, Value>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(note) = note
        && note.chars().count() > 500
    {
        return Err(invalid("note", "too_long", "note is at most 500 characters"));
    }
    let (_, before) = load_for(conn, &EXPENSES, user, id, Action::Update).await?;
    let status = before.get("status").and_then(Value::as_str).unwrap_or_default();
    if status != "pending" {
        return Err(conflict(
            "expense_not_pending",
            format!("Only a pending expense can be {}; this one is already {status}.", outcome.as_str()),
        ));
    }
    let approved_date = (outcome == Outcome::Approved).then(|| Utc::now().date_naive());
    sqlx::query(
        "UPDATE expenses SET status = ?, approved_date = ?, review_note = ?, reviewed_by_id = ?, updated_at = UTC_TIMESTAMP(6)
         WHERE id = ?",
    )
    .bind(outcome.as_str())
    .bind(approved_date)
    .bind(note)
    .bind(user.id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let row = records::get(conn, &EXPENSES.spec, None, id, false, false).await?.ok_or(Error::NotFound("expense"))?;
    record_change(conn, EXPENSES.spec.resource, id, &row, Op::Upsert).await?;
    Ok(row)
}
