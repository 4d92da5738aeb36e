//! `GET /api/v1/sync/pull`: a first sync in pages of every row the user may see, then the
//! changes since the cursor.
//!
//! The cursor is opaque to phones: `s.<head>.<table>.<last id>` while the first sync walks the
//! tables, `c.<seq>` afterwards, base64url-encoded. `head` is the newest feed number when the first
//! sync began; its changes phase starts there, so a row changed during the first sync arrives
//! again afterwards (allowed by the protocol), and nothing committed is skipped: feed numbers are
//! handed out in commit order (`db::feed`).
//!
//! A change to a row the user can see arrives as an upsert with the whole row. A change to a row
//! it can no longer see arrives as a delete, but only to the user the change concerned (the row's
//! driver or promoter when written); campaign removals go to every field user, since a campaign
//! leaves a scope through its vendors or its status.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde_json::{Map, Value};
use shared_model::Role;
use shared_model::error::codes;
use shared_model::protocol::{Change, Op, PullResponse, PullTable};
use sqlx::{MySqlConnection, MySqlPool};

use crate::api::v1::resources::{ResourceDef, scope_of};
use crate::api::v1::tables::{ACTIVITIES, CAMPAIGNS, DRIVERS, EXPENSES, PROMOTERS, REPORTS, VEHICLES};
use crate::auth::AuthUser;
use crate::auth::matrix;
use crate::db::records;
use crate::db::scope::Clause;
use crate::error::{Error, Result};

/// Where a pull stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Walking table `table` of the user's tables, after row `after`; the changes start at `head`.
    Snapshot {
        /// The feed number the first sync began at.
        head: i64,
        /// Index into the user's tables.
        table: usize,
        /// The last id sent of that table.
        after: i64,
    },
    /// Every change up to `seq` was sent.
    Changes {
        /// The last feed number sent.
        seq: i64,
    },
}

impl Cursor {
    /// The text handed to the phone.
    pub fn encode(self) -> String {
        let plain = match self {
            Cursor::Snapshot { head, table, after } => format!("s.{head}.{table}.{after}"),
            Cursor::Changes { seq } => format!("c.{seq}"),
        };
        URL_SAFE_NO_PAD.encode(plain)
    }

    /// Reads a cursor the server handed out.
    pub fn decode(text: &str) -> Option<Cursor> {
        let plain = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let parts: Vec<&str> = plain.split('.').collect();
        match parts.as_slice() {
            ["s", head, table, after] => Some(Cursor::Snapshot {
                head: head.parse().ok()?,
                table: table.parse().ok()?,
                after: after.parse().ok()?,
            }),
            ["c", seq] => Some(Cursor::Changes { seq: seq.parse().ok()? }),
            _ => None,
        }
    }

    fn feed_position(self) -> i64 {
        match self {
            Cursor::Snapshot { head, .. } => head,
            Cursor::Changes { seq } => seq,
        }
    }
}

/// The tables a field role pulls, in the order a first sync sends them.
fn tables_of(role: Role) -> Option<&'static [(PullTable, &'static ResourceDef)]> {
    const DRIVER: &[(PullTable, &ResourceDef)] = &[
        (PullTable::Campaigns, &CAMPAIGNS),
        (PullTable::Drivers, &DRIVERS),
        (PullTable::Vehicles, &VEHICLES),
        (PullTable::Expenses, &EXPENSES),
        (PullTable::Reports, &REPORTS),
    ];
    const PROMOTER: &[(PullTable, &ResourceDef)] = &[
        (PullTable::Campaigns, &CAMPAIGNS),
        (PullTable::Promoters, &PROMOTERS),
        (PullTable::PromoterActivities, &ACTIVITIES),
    ];
    match role {
        Role::Driver => Some(DRIVER),
        Role::Promoter | Role::Anchor => Some(PROMOTER),
        _ => None,
    }
}

fn scope(user: &AuthUser, def: &ResourceDef) -> Result<Option<Clause>> {
    let grant = matrix::grant(user.role, def.spec.resource).ok_or_else(|| {
        Error::Other(anyhow::anyhow!("{:?} pulls {:?} without a grant", user.role, def.spec.resource))
    })?;
    Ok(scope_of(grant, user))
}

fn upsert(table: PullTable, row: Map<String, Value>) -> Change {
    let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
    let uuid = row.get("uuid").and_then(Value::as_str).and_then(|u| uuid::Uuid::parse_str(u).ok());
    Change { table, op: Op::Upsert, id, uuid, row: Some(Value::Object(row)) }
}

/// One page for `user`, from `cursor` (none: a first sync).
pub async fn pull(pool: &MySqlPool, user: &AuthUser, cursor: Option<&str>, limit: i64) -> Result<PullResponse> {
    let Some(tables) = tables_of(user.role) else {
        return Err(Error::Forbidden(format!("A {} does not sync; use the API and the manager pages.", user.role)));
    };
    let mut conn = pool.acquire().await?;
    let pruned: i64 = sqlx::query_scalar("SELECT value FROM sync_sequences WHERE name = 'change_feed_pruned'")
        .fetch_one(&mut *conn)
        .await?;
    let mut position = match cursor {
        None => Cursor::Snapshot { head: feed_head(&mut conn).await?, table: 0, after: 0 },
        Some(text) => Cursor::decode(text).ok_or_else(|| Error::BadRequest {
            code: codes::BAD_REQUEST,
            message: "This cursor was not made by this server; start again without one.".into(),
        })?,
    };
    if position.feed_position() < pruned {
        return Err(Error::Gone {
            code: codes::CURSOR_EXPIRED,
            message: "This cursor is too old to continue from; start again without one.".into(),
        });
    }

    let mut changes = Vec::new();
    while let Cursor::Snapshot { head, table, after } = position {
        let Some((pull_table, def)) = tables.get(table) else {
            position = Cursor::Changes { seq: head };
            break;
        };
        let room = limit - i64::try_from(changes.len()).unwrap_or(limit);
        if room <= 0 {
            break;
        }
        let rows = records::page_after(&mut conn, &def.spec, scope(user, def)?.as_ref(), after, room).await?;
        let last = rows.last().and_then(|r| r.get("id")).and_then(Value::as_i64);
        let full = i64::try_from(rows.len()).unwrap_or(0) == room;
        changes.extend(rows.into_iter().map(|row| upsert(*pull_table, row)));
        position = match (full, last) {
            (true, Some(last)) => Cursor::Snapshot { head, table, after: last },
            _ => Cursor::Snapshot { head, table: table + 1, after: 0 },
        };
    }

    let mut has_more = matches!(position, Cursor::Snapshot { .. });
    if let Cursor::Changes { seq } = position {
        let room = limit - i64::try_from(changes.len()).unwrap_or(limit);
        if room > 0 {
            let (more, last) = changes_since(&mut conn, user, tables, seq, room, &mut changes).await?;
            has_more = more;
            position = Cursor::Changes { seq: last };
        } else {
            has_more = feed_head(&mut conn).await? > seq;
        }
    }
    note_pull(&mut conn, user.session_id).await;
    Ok(PullResponse { changes, cursor: position.encode(), has_more, server_time: Utc::now() })
}

/// Notes the pull for the office's list of devices. Two pulls of one phone at once (a retry while
/// the first still runs) can deadlock on its row; the note is then made again, and a pull never
/// fails for the sake of this bookkeeping.
async fn note_pull(conn: &mut MySqlConnection, session_id: i64) {
    for attempt in 1..=3u64 {
        match crate::db::sync::note_pull(conn, session_id).await {
            Ok(()) => return,
            Err(Error::Database(e)) if attempt < 3 && crate::db::is_transient(&e) => {
                tokio::time::sleep(std::time::Duration::from_millis(10 * attempt)).await;
            }
            Err(error) => {
                tracing::warn!(%error, session_id, "could not note the pull; the pull goes on");
                return;
            }
        }
    }
}

async fn feed_head(conn: &mut MySqlConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_feed").fetch_one(conn).await?)
}

#[derive(sqlx::FromRow)]
struct FeedEntry {
    seq: i64,
    table_name: String,
    row_id: i64,
    row_uuid: Option<uuid::Uuid>,
    audience_driver_id: Option<i64>,
    audience_promoter_id: Option<i64>,
}

/// Appends the user's view of the feed entries after `seq`; returns whether more remain and the
/// last feed number read.
async fn changes_since(
    conn: &mut MySqlConnection,
    user: &AuthUser,
    tables: &[(PullTable, &'static ResourceDef)],
    seq: i64,
    room: i64,
    changes: &mut Vec<Change>,
) -> Result<(bool, i64)> {
    let entries: Vec<FeedEntry> = sqlx::query_as(
        "SELECT seq, table_name, row_id, row_uuid, audience_driver_id, audience_promoter_id
         FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?",
    )
    .bind(seq)
    .bind(room + 1)
    .fetch_all(&mut *conn)
    .await?;
    let more = i64::try_from(entries.len()).unwrap_or(0) > room;
    let mut last = seq;
    let mut seen = std::collections::HashSet::new();
    for entry in entries.into_iter().take(usize::try_from(room).unwrap_or(0)) {
        last = entry.seq;
        let Some((table, def)) = tables.iter().find(|(t, _)| t.as_str() == entry.table_name) else { continue };
        if !seen.insert((entry.table_name.clone(), entry.row_id)) {
            continue;
        }
        match records::get(conn, &def.spec, scope(user, def)?.as_ref(), entry.row_id, false, false).await? {
            Some(row) => changes.push(upsert(*table, row)),
            None => {
                let concerned = *table == PullTable::Campaigns
                    || (entry.audience_driver_id.is_some() && entry.audience_driver_id == user.driver_id)
                    || (entry.audience_promoter_id.is_some() && entry.audience_promoter_id == user.promoter_id);
                if concerned {
                    changes.push(Change {
                        table: *table,
                        op: Op::Delete,
                        id: entry.row_id,
                        uuid: entry.row_uuid,
                        row: None,
                    });
                }
            }
        }
    }
    Ok((more, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        for cursor in [Cursor::Snapshot { head: 42, table: 3, after: 977 }, Cursor::Changes { seq: 123_456 }] {
            assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
        assert_eq!(Cursor::decode("not-ours"), None);
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode("c.x")), None);
    }
}
