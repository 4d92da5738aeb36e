//! The wire types of SYNC-PROTOCOL.md, version 1: login, push, pull and photo status.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::enums::Role;
use crate::error::ErrorInfo;

/// The header every `/api/v1/sync/...` request carries.
pub const PROTOCOL_HEADER: &str = "X-Sync-Protocol";
/// The protocol's major version, the header's value.
pub const PROTOCOL_VERSION: u32 = 1;
/// The most mutations one push may carry.
pub const MAX_PUSH_MUTATIONS: usize = 500;
/// The most bytes one push body may have, after decompression.
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
/// The page size of a pull when the phone names none.
pub const DEFAULT_PULL_LIMIT: u32 = 500;
/// The largest page a pull may ask for.
pub const MAX_PULL_LIMIT: u32 = 1000;
/// How far past server time an `updated_at` may be before it is clamped.
pub const MAX_CLOCK_AHEAD_SECONDS: i64 = 5 * 60;
/// The largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: u64 = 10 * 1024 * 1024;
/// The longest side of a photo accepted, in pixels.
pub const MAX_PHOTO_SIDE: u32 = 8000;
/// The longest side of a thumbnail.
pub const THUMB_SIDE: u32 = 320;

/// `POST /api/v1/auth/login`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
    /// The phone's id; absent for browsers and scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
}

/// `POST /api/v1/auth/refresh`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh; it stops working once used.
    pub refresh_token: String,
}

/// The answer to login and refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// Short-lived bearer token.
    pub access_token: String,
    /// Long-lived, single-use token for the next refresh.
    pub refresh_token: String,
    /// Seconds the access token stays valid.
    pub expires_in: u64,
    /// Who logged in.
    pub user: SessionUser,
}

/// The signed-in user and the rows its scope hangs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// User id.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Linked vendor.
    pub vendor_id: Option<i64>,
    /// Linked driver row.
    pub driver_id: Option<i64>,
    /// Linked promoter row.
    pub promoter_id: Option<i64>,
    /// Linked client.
    pub client_id: Option<i64>,
}

/// The tables phones write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushTable {
    /// Drivers' bills.
    Expenses,
    /// Promoters' village activities.
    PromoterActivities,
    /// Drivers' trips.
    Reports,
}

/// The tables phones receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PullTable {
    /// Campaigns in the user's scope.
    Campaigns,
    /// The driver's own row.
    Drivers,
    /// The vehicle assigned to the driver.
    Vehicles,
    /// The promoter's own row.
    Promoters,
    /// The driver's own expenses.
    Expenses,
    /// The promoter's own activities.
    PromoterActivities,
    /// The driver's own reports.
    Reports,
}

impl PushTable {
    /// The table's name in the database and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            PushTable::Expenses => "expenses",
            PushTable::PromoterActivities => "promoter_activities",
            PushTable::Reports => "reports",
        }
    }
}

impl PullTable {
    /// The table's name in the database and on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            PullTable::Campaigns => "campaigns",
            PullTable::Drivers => "drivers",
            PullTable::Vehicles => "vehicles",
            PullTable::Promoters => "promoters",
            PullTable::Expenses => "expenses",
            PullTable::PromoterActivities => "promoter_activities",
            PullTable::Reports => "reports",
        }
    }
}

/// Insert-or-update, or soft delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Create or replace the capture fields.
    Upsert,
    /// Soft delete; a later upsert brings the row back.
    Delete,
}

/// `POST /api/v1/sync/push`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The phone's id.
    pub device_id: Uuid,
    /// At most [`MAX_PUSH_MUTATIONS`].
    pub mutations: Vec<Mutation>,
}

/// One change a phone made to one of its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// Unique per change, made on the phone; replays are recognised by it.
    pub mutation_id: Uuid,
    /// Which table.
    pub table: PushTable,
    /// Upsert or delete.
    pub op: Op,
    /// The row's sync identity.
    pub uuid: Uuid,
    /// The version's time by the phone's hybrid logical clock.
    #[serde(with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Capture fields, for upserts. Kept as raw JSON so that unknown keys can be named back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
}

/// The answer to a push: one result per mutation, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The server's clock, for the phone's hybrid clock.
    #[serde(with = "crate::time::rfc3339")]
    pub server_time: DateTime<Utc>,
    /// One per mutation.
    pub results: Vec<MutationResult>,
}

/// What became of one mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationStatus {
    /// This version is now the server's.
    Applied,
    /// Seen before; `original_status` says what happened then.
    Duplicate,
    /// The server holds a later version; `row` is it.
    Superseded,
    /// Invalid, not allowed, or locked; `error` says why.
    Rejected,
}

/// The result of one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    /// The mutation answered.
    pub mutation_id: Uuid,
    /// What became of it.
    pub status: MutationStatus,
    /// For duplicates: the first answer's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_status: Option<MutationStatus>,
    /// The server id of the row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The winning server row, when superseded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<Value>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

/// `GET /api/v1/sync/pull`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// Changes since the cursor, oldest first.
    pub changes: Vec<Change>,
    /// Where the next pull starts; store it only after applying `changes`.
    pub cursor: String,
    /// Pull again at once when `true`.
    pub has_more: bool,
    /// The server's clock.
    #[serde(with = "crate::time::rfc3339")]
    pub server_time: DateTime<Utc>,
}

/// One row that changed, as the user may see it, or its removal from the user's view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Which table.
    pub table: PullTable,
    /// Upsert, or delete (also for rows that left the user's scope).
    pub op: Op,
    /// The row's server id.
    pub id: i64,
    /// The sync identity of phone-made rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<Uuid>,
    /// The whole row, for upserts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<Value>,
}

/// How much of a photo the server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaState {
    /// Every byte arrived, the hash matched and the image is valid.
    Complete,
    /// Some bytes arrived; send more from `received`.
    Partial,
    /// Nothing arrived yet.
    Missing,
}

/// `GET /api/v1/media/{sha256}/status`: always says how many bytes arrived (0 when missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaStatus {
    /// How much the server has.
    pub state: MediaState,
    /// Bytes received so far.
    pub received: u64,
}

/// The answer to `PUT /api/v1/media/{sha256}`: `200 {"state":"complete"}` or
/// `202 {"state":"partial","received":M}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAnswer {
    /// Complete or partial.
    pub state: MediaState,
    /// For a partial upload: where to send more from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_push_in_the_protocols_own_words_parses() {
        let body = json!({
            "device_id": "0190f5c2-0000-7000-8000-000000000001",
            "mutations": [
                {"mutation_id": "0190f5c3-0000-7000-8000-000000000002", "table": "expenses", "op": "upsert",
                 "uuid": "0190f5c1-0000-7000-8000-000000000003", "updated_at": "2026-01-09T08:15:30.123Z",
                 "data": {"campaign_id": 10, "expense_type": "fuel", "amount": "2450.00"}},
                {"mutation_id": "0190f5c3-0000-7000-8000-000000000004", "table": "reports", "op": "delete",
                 "uuid": "0190f5c1-0000-7000-8000-000000000005", "updated_at": "2026-01-09T08:15:31Z"}
            ]
        });
        let push: PushRequest = serde_json::from_value(body).expect("parse");
        assert_eq!(push.mutations.len(), 2);
        assert_eq!(push.mutations[0].table, PushTable::Expenses);
        assert_eq!(push.mutations[1].op, Op::Delete);
        assert!(push.mutations[1].data.is_none());
        let again: PushRequest = serde_json::from_value(serde_json::to_value(&push).expect("json")).expect("parse");
        assert_eq!(again, push);
    }

    #[test]
    fn results_carry_only_the_fields_that_apply() {
        let applied = MutationResult {
            mutation_id: Uuid::nil(),
            status: MutationStatus::Applied,
            original_status: None,
            id: Some(4711),
            row: None,
            error: None,
        };
        assert_eq!(
            serde_json::to_value(&applied).expect("json"),
            json!({"mutation_id": "00000000-0000-0000-0000-000000000000", "status": "applied", "id": 4711})
        );
        let duplicate = MutationResult {
            status: MutationStatus::Duplicate,
            original_status: Some(MutationStatus::Rejected),
            id: None,
            error: Some(ErrorInfo::new("expense_locked", "This expense was already approved.")),
            ..applied
        };
        let json = serde_json::to_value(&duplicate).expect("json");
        assert_eq!(json["original_status"], "rejected");
        assert_eq!(json["error"]["code"], "expense_locked");
        assert_eq!(serde_json::from_value::<MutationResult>(json).expect("parse"), duplicate);
    }

    #[test]
    fn a_pull_page_round_trips() {
        let page = PullResponse {
            changes: vec![
                Change {
                    table: PullTable::Campaigns,
                    op: Op::Upsert,
                    id: 10,
                    uuid: None,
                    row: Some(json!({"id": 10})),
                },
                Change { table: PullTable::Campaigns, op: Op::Delete, id: 9, uuid: None, row: None },
            ],
            cursor: "opaque".into(),
            has_more: false,
            server_time: crate::time::parse("2026-01-09T08:16:02.511Z").expect("time"),
        };
        let json = serde_json::to_value(&page).expect("json");
        assert_eq!(json["changes"][1], json!({"table": "campaigns", "op": "delete", "id": 9}));
        assert_eq!(json["server_time"], "2026-01-09T08:16:02.511000Z");
        assert_eq!(serde_json::from_value::<PullResponse>(json).expect("parse"), page);
    }

    #[test]
    fn media_status_and_session_shapes() {
        let status: MediaStatus =
            serde_json::from_value(json!({"state": "partial", "received": 12345})).expect("parse");
        assert_eq!(status, MediaStatus { state: MediaState::Partial, received: 12345 });
        let missing = MediaStatus { state: MediaState::Missing, received: 0 };
        assert_eq!(serde_json::to_value(missing).expect("json"), json!({"state": "missing", "received": 0}));
        let done = UploadAnswer { state: MediaState::Complete, received: None };
        assert_eq!(serde_json::to_value(done).expect("json"), json!({"state": "complete"}));
        let session: SessionResponse = serde_json::from_value(json!({
            "access_token": "a", "refresh_token": "r", "expires_in": 900,
            "user": {"id": 7, "name": "Ravi", "email": "ravi@demo.test", "role": "driver",
                     "vendor_id": 3, "driver_id": 12, "promoter_id": null, "client_id": null}
        }))
        .expect("parse");
        assert_eq!(session.user.role, Role::Driver);
        assert_eq!(session.user.driver_id, Some(12));
    }
}
