//! Generic reads and writes of the API's tables, driven by each table's [`TableSpec`]: the column
//! list with each column's kind, which decides how it is bound and how it is turned into JSON.
//! Rows travel as JSON objects in the shape of `shared-model`'s row types.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use sqlx::mysql::MySqlRow;
use sqlx::{MySql, MySqlConnection, QueryBuilder, Row};
use uuid::Uuid;

use super::scope::Clause;
use crate::auth::matrix::Resource;
use crate::error::{Error, Result};

/// How a column is stored and written as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Integer, JSON number.
    Int,
    /// DOUBLE, JSON number.
    Float,
    /// VARCHAR or TEXT, JSON string.
    Text,
    /// ENUM (or a VARCHAR with a closed set of values), JSON string: one of these.
    Enum(&'static [&'static str]),
    /// DECIMAL(12,2), JSON string with two places.
    Money,
    /// DATE, `YYYY-MM-DD`.
    Date,
    /// DATETIME(6), RFC 3339 UTC.
    DateTime,
    /// BOOLEAN, JSON true/false.
    Bool,
    /// BINARY(16), hyphenated UUID.
    Uuid,
    /// TEXT holding JSON, the JSON value itself.
    Json,
}

impl Kind {
    /// Whether a JSON value has this kind's form (null is left to the field's own rules).
    pub fn accepts(self, value: &Value) -> Result<(), String> {
        let fits = match (self, value) {
            (_, Value::Null) | (Kind::Json, _) => true,
            (Kind::Int, Value::Number(n)) => n.is_i64(),
            (Kind::Float, Value::Number(_)) | (Kind::Bool, Value::Bool(_)) | (Kind::Text, Value::String(_)) => true,
            (Kind::Enum(values), Value::String(s)) => {
                return if values.contains(&s.as_str()) {
                    Ok(())
                } else {
                    Err(format!("must be one of {}", values.join(", ")))
                };
            }
            (Kind::Money, Value::String(s)) => {
                return s
                    .parse::<shared_model::Money>()
                    .map(|_| ())
                    .map_err(|e| format!("must be an amount like \"1250.50\" ({e})"));
            }
            (Kind::Date, Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            (Kind::DateTime, Value::String(s)) => shared_model::time::parse(s).is_ok(),
            (Kind::Uuid, Value::String(s)) => Uuid::parse_str(s).is_ok(),
            _ => false,
        };
        if fits { Ok(()) } else { Err(format!("must be {}", self.describe())) }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Int => "a whole number",
            Kind::Float => "a number",
            Kind::Text => "text",
            Kind::Enum(_) => "one of the listed values",
            Kind::Money => "an amount like \"1250.50\"",
            Kind::Date => "a date (YYYY-MM-DD)",
            Kind::DateTime => "an RFC 3339 time",
            Kind::Bool => "true or false",
            Kind::Uuid => "a UUID",
            Kind::Json => "JSON",
        }
    }
}

/// Who writes a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Writers set it (it is a field of the table's `...Fields` type).
    Field,
    /// Only the server sets it; readers see it.
    Server,
    /// Never leaves the server (password hashes).
    Hidden,
}

/// One column besides `id`, `is_active`, `created_at` and `updated_at`.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Name.
    pub name: &'static str,
    /// Storage and JSON form.
    pub kind: Kind,
    /// Who writes it.
    pub access: Access,
    /// The table its id points into, for foreign keys.
    pub refers: Option<Resource>,
}

/// A field column.
pub const fn field(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, access: Access::Field, refers: None }
}

/// A field column that refers to another table.
pub const fn reference(name: &'static str, to: Resource) -> Column {
    Column { name, kind: Kind::Int, access: Access::Field, refers: Some(to) }
}

/// A column only the server writes.
pub const fn server(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, access: Access::Server, refers: None }
}

/// A column that is never shown.
pub const fn hidden(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, access: Access::Hidden, refers: None }
}

/// How a list filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// `column = value`
    Eq,
    /// `column >= value`
    From,
    /// `column <= value`
    To,
}

/// A query parameter that filters a list.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// The parameter's name.
    pub param: &'static str,
    /// The column compared.
    pub column: &'static str,
    /// How.
    pub op: FilterOp,
    /// The value's kind.
    pub kind: Kind,
}

/// Everything the generic code needs to know about a table.
#[derive(Debug)]
pub struct TableSpec {
    /// Which resource.
    pub resource: Resource,
    /// Its columns besides the common ones.
    pub columns: &'static [Column],
    /// Columns the `q` parameter searches.
    pub search: &'static [&'static str],
    /// Filters lists accept.
    pub filters: &'static [Filter],
    /// Columns lists may be sorted by (besides `id`, `created_at`, `updated_at`).
    pub sorts: &'static [&'static str],
}

impl TableSpec {
    /// The table's name.
    pub fn table(&self) -> &'static str {
        self.resource.table()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `name` is a column writers set.
    pub fn is_field(&self, name: &str) -> bool {
        self.column(name).is_some_and(|c| c.access == Access::Field)
    }

    /// The field columns.
    pub fn fields(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.access == Access::Field)
    }

    fn select_list(&self) -> String {
        let mut parts = vec!["t.id".to_owned()];
        for c in self.columns.iter().filter(|c| c.access != Access::Hidden) {
            parts.push(match c.kind {
                Kind::Enum(_) => format!("CAST(t.{0} AS CHAR) AS {0}", c.name),
                _ => format!("t.{}", c.name),
            });
        }
        parts.extend(["t.is_active".to_owned(), "t.created_at".to_owned(), "t.updated_at".to_owned()]);
        parts.join(", ")
    }
}

const COMMON_SORTS: &[&str] = &["id", "created_at", "updated_at"];

/// One page of a list, as asked.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
    /// (column, op, kind, value) conditions.
    pub filters: Vec<(&'static str, FilterOp, Kind, Value)>,
    /// Text searched in the table's search columns.
    pub search: Option<String>,
    /// Sort column and whether descending.
    pub sort: (String, bool),
    /// Also rows that were deleted (admins only).
    pub include_deleted: bool,
}

impl ListQuery {
    /// Checks a `sort` parameter (`name` or `-name`) against the table's whitelist.
    pub fn parse_sort(spec: &TableSpec, text: Option<&str>) -> Result<(String, bool)> {
        let Some(text) = text else { return Ok(("id".to_owned(), true)) };
        let (name, descending) = text.strip_prefix('-').map_or((text, false), |n| (n, true));
        if spec.sorts.contains(&name) || COMMON_SORTS.contains(&name) {
            Ok((name.to_owned(), descending))
        } else {
            let mut allowed: Vec<&str> = COMMON_SORTS.iter().chain(spec.sorts).copied().collect();
            allowed.sort_unstable();
            Err(Error::BadRequest {
                code: "invalid_query",
                message: format!("sort must be one of {} (prefix - for descending)", allowed.join(", ")),
            })
        }
    }
}

/// Appends ` WHERE` with the soft-delete filter and the scope condition.
pub(crate) fn push_where(qb: &mut QueryBuilder<MySql>, scope: Option<&Clause>, include_deleted: bool) {
    qb.push(" WHERE ");
    qb.push(if include_deleted { "TRUE" } else { "t.is_active = TRUE" });
    if let Some(clause) = scope {
        qb.push(" AND (");
        let mut pieces = clause.sql.split('?');
        if let Some(first) = pieces.next() {
            qb.push(first);
        }
        for (piece, value) in pieces.zip(&clause.binds) {
            qb.push_bind(*value);
            qb.push(piece);
        }
        qb.push(")");
    }
}

/// Binds a JSON value to a column of `kind`. The value has been validated through the table's
/// `shared-model` type, so a mismatch here is a server fault.
fn push_value(qb: &mut QueryBuilder<MySql>, column: &str, kind: Kind, value: &Value) -> Result<()> {
    let mismatch = || Error::Other(anyhow::anyhow!("column {column}: {kind:?} cannot take {value}"));
    match (kind, value) {
        (_, Value::Null) => {
            qb.push("NULL");
        }
        (Kind::Int, Value::Number(n)) => {
            qb.push_bind(n.as_i64().ok_or_else(mismatch)?);
        }
        (Kind::Float, Value::Number(n)) => {
            qb.push_bind(n.as_f64().ok_or_else(mismatch)?);
        }
        (Kind::Bool, Value::Bool(b)) => {
            qb.push_bind(*b);
        }
        (Kind::Uuid, Value::String(s)) => {
            qb.push_bind(Uuid::parse_str(s).map_err(|_| mismatch())?);
        }
        // Money and dates are bound as their exact decimal and ISO texts.
        (Kind::Text | Kind::Enum(_) | Kind::Money | Kind::Date | Kind::DateTime, Value::String(s)) => {
            qb.push_bind(s.clone());
        }
        (Kind::Json, v) => {
            qb.push_bind(v.to_string());
        }
        _ => return Err(mismatch()),
    }
    Ok(())
}

fn cell(row: &MySqlRow, name: &str, kind: Kind) -> Result<Value> {
    let value = match kind {
        Kind::Int => row.try_get::<Option<i64>, _>(name)?.map_or(Value::Null, Value::from),
        Kind::Float => row.try_get::<Option<f64>, _>(name)?.map_or(Value::Null, Value::from),
        Kind::Text | Kind::Enum(_) => row.try_get::<Option<String>, _>(name)?.map_or(Value::Null, Value::from),
        Kind::Money => row.try_get::<Option<Decimal>, _>(name)?.map_or(Value::Null, |d| Value::from(format!("{d:.2}"))),
        Kind::Date => row.try_get::<Option<NaiveDate>, _>(name)?.map_or(Value::Null, |d| Value::from(d.to_string())),
        Kind::DateTime => row
            .try_get::<Option<DateTime<Utc>>, _>(name)?
            .map_or(Value::Null, |t| Value::from(shared_model::time::format(&t))),
        Kind::Bool => Value::Bool(row.try_get::<bool, _>(name)?),
        Kind::Uuid => row.try_get::<Option<Uuid>, _>(name)?.map_or(Value::Null, |u| Value::from(u.to_string())),
        Kind::Json => row
            .try_get::<Option<String>, _>(name)?
            .map_or(Value::Null, |text| serde_json::from_str(&text).unwrap_or(Value::Null)),
    };
    Ok(value)
}

fn to_json(spec: &TableSpec, row: &MySqlRow) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    map.insert("id".into(), cell(row, "id", Kind::Int)?);
    for c in spec.columns.iter().filter(|c| c.access != Access::Hidden) {
        map.insert(c.name.into(), cell(row, c.name, c.kind)?);
    }
    map.insert("is_active".into(), cell(row, "is_active", Kind::Bool)?);
    map.insert("created_at".into(), cell(row, "created_at", Kind::DateTime)?);
    map.insert("updated_at".into(), cell(row, "updated_at", Kind::DateTime)?);
    Ok(map)
}

/// A page of rows in scope, and how many there are in all.
pub async fn list(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    scope: Option<&Clause>,
    query: &ListQuery,
) -> Result<(Vec<Map<String, Value>>, i64)> {
    let conditions = |qb: &mut QueryBuilder<MySql>| -> Result<()> {
        push_where(qb, scope, query.include_deleted);
        for (column, op, kind, value) in &query.filters {
            qb.push(format!(
                " AND t.{column} {} ",
                match op {
                    FilterOp::Eq => "=",
                    FilterOp::From => ">=",
                    FilterOp::To => "<=",
                }
            ));
            push_value(qb, column, *kind, value)?;
        }
        if let Some(text) = query.search.as_deref().filter(|t| !t.trim().is_empty()) {
            let pattern = format!("%{}%", text.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            qb.push(" AND (");
            for (i, column) in spec.search.iter().enumerate() {
                if i > 0 {
                    qb.push(" OR ");
                }
                qb.push(format!("t.{column} LIKE "));
                qb.push_bind(pattern.clone());
            }
            qb.push(")");
        }
        Ok(())
    };

    let mut count = QueryBuilder::new(format!("SELECT COUNT(*) FROM {} t", spec.table()));
    conditions(&mut count)?;
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;

    let mut select = QueryBuilder::new(format!("SELECT {} FROM {} t", spec.select_list(), spec.table()));
    conditions(&mut select)?;
    let (sort, descending) = &query.sort;
    select.push(format!(" ORDER BY t.{sort} {}, t.id {0}", if *descending { "DESC" } else { "ASC" }));
    select.push(" LIMIT ");
    select.push_bind(query.limit);
    select.push(" OFFSET ");
    select.push_bind(query.offset);
    let rows = select.build().fetch_all(&mut *conn).await?;
    let items = rows.iter().map(|row| to_json(spec, row)).collect::<Result<Vec<_>>>()?;
    Ok((items, total))
}

/// Up to `limit` active rows in scope with ids above `after`, by id: a page of a first sync.
pub async fn page_after(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    scope: Option<&Clause>,
    after: i64,
    limit: i64,
) -> Result<Vec<Map<String, Value>>> {
    let mut qb = QueryBuilder::new(format!("SELECT {} FROM {} t", spec.select_list(), spec.table()));
    push_where(&mut qb, scope, false);
    qb.push(" AND t.id > ");
    qb.push_bind(after);
    qb.push(" ORDER BY t.id LIMIT ");
    qb.push_bind(limit);
    let rows = qb.build().fetch_all(&mut *conn).await?;
    rows.iter().map(|row| to_json(spec, row)).collect()
}

/// One row in scope; `lock` takes it `FOR UPDATE` for the rest of the transaction.
pub async fn get(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    scope: Option<&Clause>,
    id: i64,
    include_deleted: bool,
    lock: bool,
) -> Result<Option<Map<String, Value>>> {
    let mut qb = QueryBuilder::new(format!("SELECT {} FROM {} t", spec.select_list(), spec.table()));
    push_where(&mut qb, scope, include_deleted);
    qb.push(" AND t.id = ");
    qb.push_bind(id);
    if lock {
        qb.push(" FOR UPDATE");
    }
    let row = qb.build().fetch_optional(&mut *conn).await?;
    row.map(|r| to_json(spec, &r)).transpose()
}

/// Inserts a row from the values of its columns (absent columns take their defaults).
pub async fn insert(conn: &mut MySqlConnection, spec: &TableSpec, values: &Map<String, Value>) -> Result<i64> {
    insert_at(conn, spec, values, None).await
}

/// Inserts a row whose version time (`created_at` and `updated_at`) is `at` when given: a phone's
/// capture keeps the time it was made on the phone (SYNC-PROTOCOL.md, last writer wins).
pub async fn insert_at(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    values: &Map<String, Value>,
    at: Option<DateTime<Utc>>,
) -> Result<i64> {
    let columns: Vec<&Column> = spec.columns.iter().filter(|c| values.contains_key(c.name)).collect();
    let mut qb = QueryBuilder::new(format!("INSERT INTO {} (", spec.table()));
    qb.push(columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", "));
    if at.is_some() {
        qb.push(if columns.is_empty() { "updated_at" } else { ", updated_at" });
    }
    qb.push(") VALUES (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        push_value(&mut qb, c.name, c.kind, &values[c.name])?;
    }
    if let Some(at) = at {
        if !columns.is_empty() {
            qb.push(", ");
        }
        qb.push_bind(at);
    }
    qb.push(")");
    let result = qb.build().execute(&mut *conn).await?;
    super::inserted_id(&result)
}

/// Inserts many rows of one table in one statement, each with its version time, and returns
/// their ids by `uuid` (phone-made tables). Every row has the same columns.
pub async fn insert_many_at(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    rows: &[(Map<String, Value>, DateTime<Utc>)],
) -> Result<Vec<(Uuid, i64)>> {
    let Some((first, _)) = rows.first() else { return Ok(Vec::new()) };
    let columns: Vec<&Column> = spec.columns.iter().filter(|c| first.contains_key(c.name)).collect();
    let mut qb = QueryBuilder::new(format!("INSERT INTO {} (", spec.table()));
    qb.push(columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", "));
    qb.push(", updated_at) VALUES ");
    for (i, (values, at)) in rows.iter().enumerate() {
        qb.push(if i == 0 { "(" } else { ", (" });
        for c in &columns {
            push_value(&mut qb, c.name, c.kind, values.get(c.name).unwrap_or(&Value::Null))?;
            qb.push(", ");
        }
        qb.push_bind(*at);
        qb.push(")");
    }
    let done = qb.build().execute(&mut *conn).await?;
    if consecutive_ids(conn).await? {
        let first = i64::try_from(done.last_insert_id()).map_err(|e| Error::Other(e.into()))?;
        return rows
            .iter()
            .zip(first..)
            .map(|((values, _), id)| {
                let uuid = values.get("uuid").and_then(Value::as_str).and_then(|u| Uuid::parse_str(u).ok());
                uuid.map(|u| (u, id)).ok_or_else(|| Error::Other(anyhow::anyhow!("a new row without its uuid")))
            })
            .collect();
    }
    let mut ids = QueryBuilder::new(format!("SELECT uuid, id FROM {} WHERE uuid IN (", spec.table()));
    let mut list = ids.separated(", ");
    for (values, _) in rows {
        let uuid = values.get("uuid").and_then(Value::as_str).and_then(|u| Uuid::parse_str(u).ok()).unwrap_or_default();
        list.push_bind(uuid);
    }
    ids.push(")");
    Ok(ids.build_query_as().fetch_all(&mut *conn).await?)
}

/// Whether a multi-row `INSERT` gets consecutive ids, the first one reported as the last insert id:
/// so with InnoDB's "traditional" and "consecutive" auto-increment lock modes (0 and 1; MariaDB's
/// default), not with "interleaved" (2; MySQL 8's default), where the ids are read back instead.
/// A server setting that changes only with a restart, asked once per process.
async fn consecutive_ids(conn: &mut MySqlConnection) -> Result<bool> {
    static CONSECUTIVE: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    let mode = CONSECUTIVE
        .get_or_try_init(|| async {
            let mode: Option<i64> =
                sqlx::query_scalar("SELECT @@innodb_autoinc_lock_mode").fetch_one(&mut *conn).await?;
            Ok::<_, Error>(matches!(mode, Some(0 | 1)))
        })
        .await?;
    Ok(*mode)
}

/// Sets the given columns of a row and moves its `updated_at` to now.
pub async fn update(conn: &mut MySqlConnection, spec: &TableSpec, id: i64, values: &Map<String, Value>) -> Result<()> {
    update_at(conn, spec, id, values, None).await
}

/// Sets the given columns of a row, with `updated_at` set to `at` (a phone's version time) or now.
pub async fn update_at(
    conn: &mut MySqlConnection,
    spec: &TableSpec,
    id: i64,
    values: &Map<String, Value>,
    at: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut qb = QueryBuilder::new(format!("UPDATE {} SET updated_at = ", spec.table()));
    match at {
        Some(at) => qb.push_bind(at),
        None => qb.push("UTC_TIMESTAMP(6)"),
    };
    for c in spec.columns.iter().filter(|c| values.contains_key(c.name)) {
        qb.push(format!(", {} = ", c.name));
        push_value(&mut qb, c.name, c.kind, &values[c.name])?;
    }
    qb.push(" WHERE id = ");
    qb.push_bind(id);
    qb.build().execute(&mut *conn).await?;
    Ok(())
}

/// Soft-deletes (`false`) or restores (`true`) a row; whether it changed.
pub async fn set_active(conn: &mut MySqlConnection, spec: &TableSpec, id: i64, active: bool) -> Result<bool> {
    let mut qb = QueryBuilder::new(format!(
        "UPDATE {} SET is_active = {active}, updated_at = UTC_TIMESTAMP(6) WHERE is_active = {} AND id = ",
        spec.table(),
        !active
    ));
    qb.push_bind(id);
    Ok(qb.build().execute(&mut *conn).await?.rows_affected() == 1)
}

/// Whether an active row `id` of `resource` exists within `scope`.
pub async fn exists(conn: &mut MySqlConnection, resource: Resource, scope: Option<&Clause>, id: i64) -> Result<bool> {
    let mut qb = QueryBuilder::new(format!("SELECT COUNT(*) FROM {} t", resource.table()));
    push_where(&mut qb, scope, false);
    qb.push(" AND t.id = ");
    qb.push_bind(id);
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(n > 0)
}
