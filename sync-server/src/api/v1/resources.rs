//! The six routes every table has (list, get, create, update, soft delete, restore), written once
//! and driven by each table's [`ResourceDef`]. What differs per table (server-set fields,
//! business rules, cascades) is in that table's module, called through `hooks`.
//!
//! Order of checks for a write: the role may do the action at all (403), the row is in the user's
//! scope (404, so that existence does not leak), the body names only fields the role may write
//! (403 `forbidden_field`, 422 `unknown_field`), the fields are valid (422), the rows they refer
//! to exist and are in scope (422), then the table's own rules (409).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use shared_model::Role;
use shared_model::protocol::{Op, PullTable};
use shared_model::validate::{FieldError, FieldErrors, code};
use sqlx::MySqlConnection;

use super::{PREFIX, hooks};
use crate::api::json::ApiJson;
use crate::api::openapi;
use crate::api::routes::Route;
use crate::auth::AuthUser;
use crate::auth::matrix::{self, Action, Grant, Resource, Scope};
use crate::db::feed::{self, Audience};
use crate::db::records::{self, Kind, ListQuery, TableSpec};
use crate::db::scope;
use crate::error::{Error, Result, constraint_of};
use crate::state::AppState;

/// The default page size of lists.
pub const DEFAULT_LIMIT: i64 = 100;
/// The largest page a list returns (the seed's cap).
pub const MAX_LIMIT: i64 = 1000;

/// A JSON object: a row, or a request body.
pub type Object = Map<String, Value>;

/// Reads a body into a table's fields type, checks it, and writes it back in normal form.
pub type ParseFn = fn(Object, NaiveDate) -> Result<Object>;

/// A table of the API: its columns and how its fields are read and checked.
#[derive(Debug)]
pub struct ResourceDef {
    /// Columns, filters, sorts.
    pub spec: TableSpec,
    /// Reads a body into the table's `shared-model` fields type, validates it, and writes it back
    /// as JSON in its normal form.
    pub parse: ParseFn,
    /// Keys a body may carry that are not columns (`vendor_ids` of campaigns, `password` of users).
    pub extras: &'static [&'static str],
}

/// A `shared-model` fields type the API writes.
pub trait Fields: Serialize + DeserializeOwned {
    /// Validates against the server's date.
    fn check(&self, today: NaiveDate) -> std::result::Result<(), FieldErrors>;
}

/// The `parse` of a table whose fields type is `F`.
pub fn parse_as<F: Fields>(body: Map<String, Value>, today: NaiveDate) -> Result<Map<String, Value>> {
    let fields: F = serde_path_to_error::deserialize(Value::Object(body)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        let field = if path == "." {
            inner.split('`').nth(1).unwrap_or("body").to_owned()
        } else {
            path.split('.').next().unwrap_or("body").to_owned()
        };
        let rule = if inner.starts_with("missing field") { code::REQUIRED } else { code::INVALID_FORMAT };
        Error::Validation(FieldErrors(vec![FieldError::new(&field, rule, format!("{field}: {inner}"))]))
    })?;
    fields.check(today).map_err(Error::Validation)?;
    match serde_json::to_value(&fields).map_err(|e| Error::Other(e.into()))? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::Other(anyhow::anyhow!("fields did not serialise to an object"))),
    }
}

/// The six routes of one table, with their descriptions.
pub fn routes(def: &'static ResourceDef) -> Vec<Route> {
    let resource = def.spec.resource;
    let (tag, noun) = (resource.path(), resource.noun());
    let base = format!("{PREFIX}/{tag}");
    let item = format!("{base}/{{id}}");
    let row = openapi::row_schema(&def.spec);
    let extras: Vec<(&str, Value)> = def
        .extras
        .iter()
        .map(|name| match *name {
            "vendor_ids" => (*name, json!({"type": "array", "items": {"type": "integer"}, "description": "the vendors assigned (placeholder invoices)"})),
            _ => (*name, json!({"type": "string", "minLength": crate::auth::password::MIN_PASSWORD_CHARS, "writeOnly": true})),
        })
        .collect();
    let write = openapi::write_schema(&def.spec, &extras);
    let mut list = Route::new(
        Method::GET,
        &base,
        get(move |s: State<AppState>, u: AuthUser, q: Query<HashMap<String, String>>| list(def, s, u, q)),
        tag,
        &format!("List {tag} in the user's scope"),
    )
    .query(
        "limit",
        json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        "page size",
    )
    .query("offset", json!({"type": "integer", "minimum": 0, "default": 0}), "rows skipped")
    .query("q", json!({"type": "string"}), &format!("text searched in {}", def.spec.search.join(", ")))
    .query(
        "sort",
        json!({"type": "string"}),
        &format!("one of id, created_at, updated_at, {}; prefix - for descending", def.spec.sorts.join(", ")),
    )
    .query("include_deleted", json!({"type": "boolean"}), "admins only: also soft-deleted rows");
    for filter in def.spec.filters {
        list = list.query(filter.param, openapi::kind_schema(filter.kind), &format!("filter on {}", filter.column));
    }
    vec![
        list.answers(
            200,
            "A page of rows",
            Some(json!({"type": "object", "required": ["items", "total", "limit", "offset"], "properties": {
                "items": {"type": "array", "items": row}, "total": {"type": "integer"},
                "limit": {"type": "integer"}, "offset": {"type": "integer"}}})),
        )
        .errors(&[400, 401, 403]),
        Route::new(
            Method::POST,
            &base,
            post(move |s: State<AppState>, u: AuthUser, b: ApiJson<Value>| create(def, s, u, b)),
            tag,
            &format!("Create a {noun}"),
        )
        .body(write.clone())
        .answers(201, "The new row", Some(row.clone()))
        .errors(&[400, 401, 403, 409, 413, 415, 422]),
        Route::new(
            Method::GET,
            &item,
            get(move |s: State<AppState>, u: AuthUser, p: Path<i64>, q: Query<HashMap<String, String>>| {
                read(def, s, u, p, q)
            }),
            tag,
            &format!("One {noun}"),
        )
        .query("include_deleted", json!({"type": "boolean"}), "admins only: also a soft-deleted row")
        .answers(200, "The row", Some(row.clone()))
        .errors(&[400, 401, 403, 404]),
        Route::new(
            Method::PATCH,
            &item,
            patch(move |s: State<AppState>, u: AuthUser, p: Path<i64>, b: ApiJson<Value>| update(def, s, u, p, b)),
            tag,
            &format!("Change some fields of a {noun}"),
        )
        .body(write)
        .answers(200, "The changed row", Some(row.clone()))
        .errors(&[400, 401, 403, 404, 409, 413, 415, 422]),
        Route::new(
            Method::DELETE,
            &item,
            delete(move |s: State<AppState>, u: AuthUser, p: Path<i64>| remove(def, s, u, p)),
            tag,
            &format!("Soft-delete a {noun}"),
        )
        .answers(204, "Deleted (restorable by an admin)", None)
        .errors(&[401, 403, 404, 409]),
        Route::new(
            Method::POST,
            format!("{item}/restore"),
            post(move |s: State<AppState>, u: AuthUser, p: Path<i64>| restore(def, s, u, p)),
            tag,
            &format!("Bring back a deleted {noun} (admins)"),
        )
        .answers(200, "The restored row", Some(row))
        .errors(&[401, 403, 404, 409]),
    ]
}

/// The user's grant for `action` on `resource`, or 403.
pub fn authorize(user: &AuthUser, resource: Resource, action: Action) -> Result<&'static Grant> {
    match matrix::grant(user.role, resource) {
        Some(grant) if grant.allows(action) => Ok(grant),
        _ => {
            tracing::warn!(user_id = user.id, role = %user.role, ?resource, ?action, "refused: not allowed");
            Err(Error::Forbidden(format!("A {} may not {} {}.", user.role, verb(action), resource.path())))
        }
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Read => "read",
        Action::Create => "create",
        Action::Update => "change",
        Action::Delete => "delete",
        Action::Restore => "restore",
    }
}

/// The user's scope condition on `resource` under `grant`.
pub fn scope_of(grant: &Grant, user: &AuthUser) -> Option<scope::Clause> {
    scope::clause(grant.resource, grant.scope, user)
}

fn not_found(resource: Resource) -> Error {
    Error::NotFound(resource.noun())
}

/// Loads a row the user may act on with `action`, locked for the transaction; 403 or 404 otherwise.
pub async fn load_for(
    conn: &mut MySqlConnection,
    def: &ResourceDef,
    user: &AuthUser,
    id: i64,
    action: Action,
) -> Result<(&'static Grant, Map<String, Value>)> {
    let grant = authorize(user, def.spec.resource, action)?;
    let row = records::get(conn, &def.spec, scope_of(grant, user).as_ref(), id, false, true)
        .await?
        .ok_or_else(|| not_found(def.spec.resource))?;
    Ok((grant, row))
}

fn respond(user: &AuthUser, mut row: Map<String, Value>) -> Value {
    // The password hint is for admins only (DESIGN.md decision 3).
    if user.role != Role::Admin {
        row.remove("password_hint");
    }
    Value::Object(row)
}

fn param<'a>(query: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    query.get(name).map(String::as_str)
}

fn bad_query(message: String) -> Error {
    Error::BadRequest { code: "invalid_query", message }
}

fn number(
    query: &HashMap<String, String>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64> {
    let Some(text) = param(query, name) else { return Ok(default) };
    text.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| bad_query(format!("{name} must be a whole number from {} to {}", range.start(), range.end())))
}

fn include_deleted(query: &HashMap<String, String>, user: &AuthUser, resource: Resource) -> Result<bool> {
    match param(query, "include_deleted") {
        None | Some("false") => Ok(false),
        Some("true") => {
            authorize(user, resource, Action::Restore)?;
            Ok(true)
        }
        Some(_) => Err(bad_query("include_deleted must be true or false".into())),
    }
}

fn list_query(spec: &TableSpec, query: &HashMap<String, String>) -> Result<ListQuery> {
    let mut filters = Vec::new();
    for filter in spec.filters {
        let Some(text) = param(query, filter.param) else { continue };
        let value = match filter.kind {
            Kind::Int => Value::from(
                text.parse::<i64>().map_err(|_| bad_query(format!("{} must be a whole number", filter.param)))?,
            ),
            Kind::Date => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| bad_query(format!("{} must be a date (YYYY-MM-DD)", filter.param)))?;
                Value::from(date.to_string())
            }
            _ => Value::from(text),
        };
        filters.push((filter.column, filter.op, filter.kind, value));
    }
    let known: Vec<&str> =
        spec.filters.iter().map(|f| f.param).chain(["limit", "offset", "sort", "q", "include_deleted"]).collect();
    if let Some(unknown) = query.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad_query(format!("unknown parameter {unknown}; this list takes {}", known.join(", "))));
    }
    Ok(ListQuery {
        limit: number(query, "limit", DEFAULT_LIMIT, 1..=MAX_LIMIT)?,
        offset: number(query, "offset", 0, 0..=i64::from(i32::MAX))?,
        filters,
        search: param(query, "q").map(str::to_owned),
        sort: ListQuery::parse_sort(spec, param(query, "sort"))?,
        include_deleted: false,
    })
}

async fn list(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>> {
    let grant = authorize(&user, def.spec.resource, Action::Read)?;
    let mut list_query = list_query(&def.spec, &query)?;
    list_query.include_deleted = include_deleted(&query, &user, def.spec.resource)?;
    let mut conn = state.pool.acquire().await?;
    let (items, total) = records::list(&mut conn, &def.spec, scope_of(grant, &user).as_ref(), &list_query).await?;
    let items: Vec<Value> = items.into_iter().map(|row| respond(&user, row)).collect();
    Ok(Json(json!({"items": items, "total": total, "limit": list_query.limit, "offset": list_query.offset})))
}

async fn read(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>> {
    let grant = authorize(&user, def.spec.resource, Action::Read)?;
    let deleted = include_deleted(&query, &user, def.spec.resource)?;
    let mut conn = state.pool.acquire().await?;
    let row = records::get(&mut conn, &def.spec, scope_of(grant, &user).as_ref(), id, deleted, false)
        .await?
        .ok_or_else(|| not_found(def.spec.resource))?;
    let row = hooks::decorate(&mut conn, def.spec.resource, id, row).await?;
    Ok(Json(respond(&user, row)))
}

/// Splits off the keys that are not columns, and checks every other key is a field this grant
/// may write: unknown keys are 422 `unknown_field`, known but not writable ones 403 `forbidden_field`.
fn split_body(def: &ResourceDef, grant: &Grant, body: Value) -> Result<(Map<String, Value>, Map<String, Value>)> {
    let Value::Object(mut body) = body else {
        return Err(Error::BadRequest { code: "malformed_json", message: "The body must be a JSON object.".into() });
    };
    let mut extras = Map::new();
    for key in def.extras {
        if let Some(value) = body.remove(*key) {
            extras.insert((*key).to_owned(), value);
        }
    }
    for key in body.keys() {
        let known =
            def.spec.column(key).is_some() || ["id", "is_active", "created_at", "updated_at"].contains(&key.as_str());
        if !known {
            return Err(Error::Validation(FieldErrors(vec![FieldError::new(
                key,
                "unknown_field",
                format!("{key} is not a field of {}", def.spec.resource.path()),
            )])));
        }
        if !def.spec.is_field(key) || !grant.writable.allows(key) {
            tracing::warn!(role = ?grant.role, field = %key, "refused: field not writable");
            return Err(Error::ForbiddenField { field: key.clone() });
        }
    }
    Ok((body, extras))
}

/// Every value has its column's form: a number where a number goes, one of the listed values for
/// a status, a decimal string for money, ... (before the fields type reads them, so that each
/// refusal names its field).
fn check_forms(spec: &TableSpec, body: &Map<String, Value>) -> Result<()> {
    let mut errors = FieldErrors::default();
    for (key, value) in body {
        if let Some(column) = spec.column(key)
            && let Err(message) = column.kind.accepts(value)
        {
            let rule = if matches!(column.kind, Kind::Enum(_)) { code::INVALID_VALUE } else { code::INVALID_FORMAT };
            errors.0.push(FieldError::new(key, rule, format!("{key} {message}")));
        }
    }
    errors.into_result().map_err(Error::Validation)
}

/// The fields a scoped creator does not choose: a driver's own `driver_id`, a promoter's own
/// `promoter_id`.
fn force_own_fields(grant: &Grant, user: &AuthUser, body: &mut Map<String, Value>) {
    match grant.scope {
        Scope::OwnDriver => {
            body.insert("driver_id".into(), user.driver_id.map_or(Value::Null, Value::from));
        }
        Scope::OwnPromoter => {
            body.insert("promoter_id".into(), user.promoter_id.map_or(Value::Null, Value::from));
        }
        _ => {}
    }
}

/// Every id a row refers to must name an active row, within the user's scope on that table
/// when the user's access to it is scoped.
async fn check_references(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    user: &AuthUser,
    values: &Map<String, Value>,
    before: Option<&Map<String, Value>>,
) -> Result<()> {
    let mut errors = FieldErrors::default();
    for column in spec.columns.iter().filter(|c| c.refers.is_some()) {
        let (Some(target), Some(id)) = (column.refers, values.get(column.name).and_then(Value::as_i64)) else {
            continue;
        };
        if before.and_then(|b| b.get(column.name)) == values.get(column.name) {
            continue;
        }
        let scope = matrix::grant(user.role, target).and_then(|g| scope_of(g, user));
        if !records::exists(conn, target, scope.as_ref(), id).await? {
            errors.0.push(FieldError::new(
                column.name,
                "not_found",
                format!("{} {id} does not exist or is not available", target.noun()),
            ));
        }
    }
    errors.into_result().map_err(Error::Validation)
}

/// The table phones pull `resource` as, if they pull it.
fn pulled(resource: Resource) -> Option<PullTable> {
    Some(match resource {
        Resource::Campaigns => PullTable::Campaigns,
        Resource::Drivers => PullTable::Drivers,
        Resource::Vehicles => PullTable::Vehicles,
        Resource::Promoters => PullTable::Promoters,
        Resource::Expenses => PullTable::Expenses,
        Resource::PromoterActivities => PullTable::PromoterActivities,
        Resource::Reports => PullTable::Reports,
        _ => return None,
    })
}

/// Whose row this is, for the feed: the driver of an expense or report (or the driver row
/// itself), the promoter of an activity (or the promoter row itself).
fn audience_of(resource: Resource, row: &Map<String, Value>) -> Audience {
    let get = |key: &str| row.get(key).and_then(Value::as_i64);
    match resource {
        Resource::Expenses | Resource::Reports => Audience::driver(get("driver_id")),
        Resource::Drivers => Audience::driver(get("id")),
        Resource::PromoterActivities => Audience::promoter(get("promoter_id")),
        Resource::Promoters => Audience::promoter(get("id")),
        _ => Audience::NONE,
    }
}

/// Records a change of a row of a table phones pull.
pub async fn record_change(
    conn: &mut MySqlConnection,
    resource: Resource,
    id: i64,
    row: &Map<String, Value>,
    op: Op,
) -> Result<()> {
    let Some(table) = pulled(resource) else { return Ok(()) };
    let uuid = row.get("uuid").and_then(Value::as_str).and_then(|u| uuid::Uuid::parse_str(u).ok());
    feed::record(conn, table, id, uuid, op, audience_of(resource, row)).await?;
    Ok(())
}

/// After an update that moved a row from one owner to another (an expense to another driver, a
/// driver to another vehicle), the feed also tells the user who lost it.
async fn record_moves(
    conn: &mut MySqlConnection,
    resource: Resource,
    id: i64,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Result<()> {
    let (Some(table), old) = (pulled(resource), audience_of(resource, before)) else { return Ok(()) };
    if old != Audience::NONE && old != audience_of(resource, after) {
        let uuid = before.get("uuid").and_then(Value::as_str).and_then(|u| uuid::Uuid::parse_str(u).ok());
        feed::record(conn, table, id, uuid, Op::Upsert, old).await?;
    }
    if resource == Resource::Drivers && before.get("vehicle_id") != after.get("vehicle_id") {
        // The driver's vehicle is the one its phone holds: the old one leaves, the new one arrives.
        let driver = Audience::driver(Some(id));
        for vehicle in
            [before.get("vehicle_id"), after.get("vehicle_id")].into_iter().flatten().filter_map(Value::as_i64)
        {
            feed::record(conn, PullTable::Vehicles, vehicle, None, Op::Upsert, driver).await?;
        }
    }
    Ok(())
}

/// Turns a unique-key failure into a 409 naming the field.
fn unique_conflict(spec: &TableSpec, error: Error) -> Error {
    let Error::Database(db) = &error else { return error };
    let Some(constraint) = constraint_of(db) else { return error };
    let table = spec.table();
    if let Some(column) = constraint.strip_prefix(&format!("uq_{table}_")) {
        return Error::Conflict {
            code: "already_exists",
            message: format!("Another {} already has this {column}.", spec.resource.noun()),
        };
    }
    error
}

async fn create(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>)> {
    let resource = def.spec.resource;
    let grant = authorize(&user, resource, Action::Create)?;
    let (mut body, extras) = split_body(def, grant, body)?;
    check_forms(&def.spec, &body)?;
    force_own_fields(grant, &user, &mut body);
    let today = Utc::now().date_naive();
    let mut values = (def.parse)(body, today)?;
    let mut tx = state.pool.begin().await?;
    check_references(&mut tx, &def.spec, &user, &values, None).await?;
    hooks::before_create(&mut tx, &user, resource, &mut values, &extras).await?;
    let id = records::insert(&mut tx, &def.spec, &values).await.map_err(|e| unique_conflict(&def.spec, e))?;
    hooks::after_create(&mut tx, &user, resource, id, &values, &extras).await?;
    let row = records::get(&mut tx, &def.spec, None, id, false, false).await?.ok_or_else(|| not_found(resource))?;
    record_change(&mut tx, resource, id, &row, Op::Upsert).await?;
    let row = hooks::decorate(&mut tx, resource, id, row).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, ?resource, id, "created");
    Ok((StatusCode::CREATED, Json(respond(&user, row))))
}

async fn update(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>> {
    let resource = def.spec.resource;
    let mut tx = state.pool.begin().await?;
    let (grant, before) = load_for(&mut tx, def, &user, id, Action::Update).await?;
    let (patch, extras) = split_body(def, grant, body)?;
    check_forms(&def.spec, &patch)?;
    let mut merged: Map<String, Value> =
        def.spec.fields().filter_map(|c| before.get(c.name).map(|v| (c.name.to_owned(), v.clone()))).collect();
    merged.extend(patch);
    let today = Utc::now().date_naive();
    let mut values = (def.parse)(merged, today)?;
    check_references(&mut tx, &def.spec, &user, &values, Some(&before)).await?;
    hooks::before_update(&mut tx, &user, resource, &before, &mut values, &extras).await?;
    records::update(&mut tx, &def.spec, id, &values).await.map_err(|e| unique_conflict(&def.spec, e))?;
    hooks::after_update(&mut tx, &user, resource, id, &before, &values, &extras).await?;
    let row = records::get(&mut tx, &def.spec, None, id, false, false).await?.ok_or_else(|| not_found(resource))?;
    record_moves(&mut tx, resource, id, &before, &row).await?;
    record_change(&mut tx, resource, id, &row, Op::Upsert).await?;
    let row = hooks::decorate(&mut tx, resource, id, row).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, ?resource, id, "updated");
    Ok(Json(respond(&user, row)))
}

async fn remove(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let resource = def.spec.resource;
    let mut tx = state.pool.begin().await?;
    let (_, row) = load_for(&mut tx, def, &user, id, Action::Delete).await?;
    hooks::before_delete(&mut tx, &user, resource, &row).await?;
    records::set_active(&mut tx, &def.spec, id, false).await?;
    hooks::after_delete(&mut tx, &user, resource, id, &row).await?;
    record_change(&mut tx, resource, id, &row, Op::Delete).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, ?resource, id, "deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn restore(
    def: &'static ResourceDef,
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let resource = def.spec.resource;
    authorize(&user, resource, Action::Restore)?;
    let mut tx = state.pool.begin().await?;
    let row = records::get(&mut tx, &def.spec, None, id, true, true).await?.ok_or_else(|| not_found(resource))?;
    if row.get("is_active") == Some(&Value::Bool(true)) {
        return Err(Error::Conflict {
            code: "not_deleted",
            message: format!("This {} is not deleted.", resource.noun()),
        });
    }
    records::set_active(&mut tx, &def.spec, id, true).await?;
    let row = records::get(&mut tx, &def.spec, None, id, false, false).await?.ok_or_else(|| not_found(resource))?;
    record_change(&mut tx, resource, id, &row, Op::Upsert).await?;
    tx.commit().await?;
    tracing::info!(user_id = user.id, ?resource, id, "restored");
    Ok(Json(respond(&user, row)))
}

/// An error for a state change the row's state does not allow.
pub fn conflict(code: &'static str, message: impl Into<String>) -> Error {
    Error::Conflict { code, message: message.into() }
}

/// A 422 for one field.
pub fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Error {
    Error::Validation(FieldErrors(vec![FieldError::new(field, rule, message)]))
}
