//! `/conflicts`: the versions the sync server kept out (superseded by a later edit, rejected,
//! or overwritten), what each would have changed against the row as it is now, and why it lost.
//! For roles that read every row of a table phones write, and only entries about such tables.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::PageResult;
use super::layout::{self, link, reads_all};
use super::params::Params;
use super::session::Signed;
use crate::api::v1::resources::ResourceDef;
use crate::api::v1::tables::{ACTIVITIES, EXPENSES, REPORTS};
use crate::auth::matrix::Resource;
use crate::db::pages::conflicts::{self as queries, LoggedConflict};
use crate::db::records;
use crate::error::Error;
use crate::state::AppState;

const PAGE_SIZE: i64 = 50;
const FIELD_TABLES: [(Resource, &ResourceDef); 3] =
    [(Resource::Expenses, &EXPENSES), (Resource::PromoterActivities, &ACTIVITIES), (Resource::Reports, &REPORTS)];

/// A field's value in words.
fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "(empty)".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// The capture fields of a losing version: refusals keep the whole mutation (its `data` holds
/// the fields), superseded and overwritten versions the fields themselves.
fn losing_fields(table: &str, logged: Map<String, Value>) -> Map<String, Value> {
    let fields = match logged.get("data") {
        Some(Value::Object(data)) if logged.contains_key("mutation_id") => data.clone(),
        _ => logged,
    };
    let capture = FIELD_TABLES
        .iter()
        .find(|(_, def)| def.spec.table() == table)
        .map(|(resource, _)| shared_model::capture::capture_fields(push_table(*resource)))
        .unwrap_or_default();
    fields.into_iter().filter(|(field, _)| capture.contains(&field.as_str())).collect()
}

fn push_table(resource: Resource) -> shared_model::protocol::PushTable {
    use shared_model::protocol::PushTable;
    match resource {
        Resource::Expenses => PushTable::Expenses,
        Resource::Reports => PushTable::Reports,
        _ => PushTable::PromoterActivities,
    }
}

/// The fields where the losing version differs from the row now: (field, now, would have been).
fn changes(losing: &Map<String, Value>, current: Option<&Map<String, Value>>) -> Vec<(String, String, String)> {
    losing
        .iter()
        .filter(|(field, value)| current.and_then(|row| row.get(*field)) != Some(*value))
        .map(|(field, value)| (field.clone(), shown(current.and_then(|row| row.get(field))), shown(Some(value))))
        .collect()
}

fn why(conflict: &LoggedConflict) -> String {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(layout::time).unwrap_or_else(|| "unknown".into());
    match conflict.reason.as_str() {
        "superseded" => format!(
            "An edit made later won: this version is from {}, the one kept from {}.",
            when(conflict.losing_updated_at),
            when(conflict.winning_updated_at)
        ),
        "overwritten" => format!(
            "A later version replaced this one ({} replaced by {}).",
            when(conflict.losing_updated_at),
            when(conflict.winning_updated_at)
        ),
        _ => conflict.message.clone().unwrap_or_else(|| "Refused by the server's rules.".into()),
    }
}

/// `GET /conflicts`.
pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let role = signed.user.role;
    let readable: Vec<&ResourceDef> =
        FIELD_TABLES.iter().filter(|(resource, _)| reads_all(role, *resource)).map(|(_, def)| *def).collect();
    if readable.is_empty() {
        return Err(Error::Forbidden("The conflict log is for those who review field records.".into()).into());
    }
    let before = Params::new(query).id("before")?;
    let tables: Vec<&str> = readable.iter().map(|def| def.spec.table()).collect();
    let mut conn = state.pool.acquire().await?;
    let rows = queries::list(&mut conn, &tables, before, PAGE_SIZE + 1).await?;
    let shown_rows = &rows[..rows.len().min(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX))];
    let mut entries = Vec::new();
    for conflict in shown_rows {
        let def = readable.iter().find(|def| def.spec.table() == conflict.table_name);
        let current = match (def, conflict.row_id) {
            (Some(def), Some(id)) => records::get(&mut conn, &def.spec, None, id, true, false).await?,
            _ => None,
        };
        let logged: Map<String, Value> =
            conflict.losing_data.as_deref().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default();
        let losing = losing_fields(&conflict.table_name, logged);
        entries.push((conflict, changes(&losing, current.as_ref())));
    }
    let body = html! {
        p.hint { "Nothing a phone sends is dropped: a version that lost is kept here with the reason." }
        table #conflicts {
            thead { tr { th { "When" } th { "Record" } th { "From" } th { "Outcome" } th { "What it would have changed" } th { "Why" } } }
            tbody {
                @for (conflict, changes) in &entries { (entry(conflict, changes)) }
                @if entries.is_empty() { tr { td colspan="6" { "No conflicts." } } }
            }
        }
        @if rows.len() > shown_rows.len() {
            @if let Some(last) = shown_rows.last() {
                nav.paging { a #older href=(link("/conflicts", &[("before", last.id.to_string())])) { "Older →" } }
            }
        }
    };
    Ok(layout::page(&signed, "/conflicts", "Conflicts", &body).into_response())
}

fn entry(conflict: &LoggedConflict, changes: &[(String, String, String)]) -> Markup {
    let record = match (conflict.table_name.as_str(), conflict.row_id) {
        ("expenses", Some(id)) => Some(format!("/expenses?before={}", id + 1)),
        ("reports", Some(id)) => Some(format!("/reports/{id}")),
        _ => None,
    };
    html! {
        tr data-conflict-id=(conflict.id) {
            td { (layout::time(conflict.created_at)) }
            td {
                (conflict.table_name.replace('_', " "))
                @if let Some(id) = conflict.row_id {
                    " #" @if let Some(href) = &record { a href=(href) { (id) } } @else { (id) }
                }
            }
            td { (conflict.user.as_deref().unwrap_or("—")) }
            td.reason { (layout::status(&conflict.reason)) @if let Some(code) = &conflict.error_code { br; code { (code) } } }
            td.changes {
                @if conflict.losing_op == "delete" { "would have deleted the record" }
                @else if changes.is_empty() { "nothing different from the record now" }
                @else {
                    ul { @for (field, now, would) in changes {
                        li { strong { (field) } ": " del { (now) } " → " ins { (would) } }
                    } }
                }
            }
            td.why { (why(conflict)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_that_differ_are_listed() {
        let losing = json!({"amount": "950.00", "description": "Diesel", "expense_type": "fuel"});
        let current =
            json!({"amount": "900.00", "description": "Diesel", "expense_type": "fuel", "status": "approved"});
        let (Value::Object(losing), Value::Object(current)) = (losing, current) else { return };
        let found = changes(&losing, Some(&current));
        assert_eq!(found, vec![("amount".to_owned(), "900.00".to_owned(), "950.00".to_owned())]);
    }

    #[test]
    fn a_refusal_shows_the_fields_of_its_mutation_and_server_fields_are_left_out() {
        let Value::Object(logged) = json!({"mutation_id": "m", "op": "upsert", "table": "expenses",
            "updated_at": "2026-11-25T10:00:00Z", "data": {"amount": "275.00", "description": "Diesel"}})
        else {
            return;
        };
        let fields = losing_fields("expenses", logged);
        assert_eq!(fields.keys().cloned().collect::<Vec<_>>(), vec!["amount".to_owned(), "description".to_owned()]);
        let Value::Object(overwritten) = json!({"amount": "1.00", "device_id": "d", "updated_at": "t"}) else { return };
        assert_eq!(
            losing_fields("expenses", overwritten).keys().cloned().collect::<Vec<_>>(),
            vec!["amount".to_owned()]
        );
    }

    #[test]
    fn a_row_that_never_existed_shows_every_field_as_new() {
        let Value::Object(losing) = json!({"village_name": "Hosur"}) else { return };
        assert_eq!(changes(&losing, None), vec![("village_name".to_owned(), "(empty)".to_owned(), "Hosur".to_owned())]);
    }
}
