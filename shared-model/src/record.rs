//! The fields every table of the seed has, around a table's own fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A whole row as the server sends it: the seed's common fields and the table's own fields,
/// side by side in one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record<F> {
    /// Primary key.
    pub id: i64,
    /// The table's own fields.
    #[serde(flatten)]
    pub fields: F,
    /// `false` once deleted (soft delete).
    pub is_active: bool,
    /// When the row was made.
    #[serde(with = "crate::time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When the row last changed.
    #[serde(with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
}
