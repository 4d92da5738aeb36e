//! The manager pages' reads, one module per page family. Every query takes the user's scope
//! (`db::scope`) on its main table aliased `t`, so a page never shows a row the API would not.

pub mod campaigns;
pub mod conflicts;
pub mod expenses;
pub mod field;
pub mod overview;
pub mod partners;

use sqlx::{MySql, QueryBuilder};

/// `(id, name)` for a filter's choices.
pub type Choice = (i64, String);

/// Appends ` AND <column> = ?` when `value` is set.
pub(crate) fn and_eq<T>(qb: &mut QueryBuilder<MySql>, column: &str, value: Option<T>)
where
    T: for<'t> sqlx::Encode<'t, MySql> + sqlx::Type<MySql>,
{
    if let Some(value) = value {
        qb.push(format!(" AND {column} = "));
        qb.push_bind(value);
    }
}
