//! SYNC-PROTOCOL.md, "Push: phone → server", walked through over real HTTP against MariaDB.

use std::io::Write;

use fleet_tests::{TestDb, TestServer, demo};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;
use uuid::Uuid;

struct Phone<'a> {
    server: &'a TestServer,
    token: String,
    device: Uuid,
}

impl<'a> Phone<'a> {
    async fn new(server: &'a TestServer, email: &str) -> anyhow::Result<Phone<'a>> {
        Ok(Phone { server, token: server.login(email, "demo-pass").await?.access_token, device: Uuid::now_v7() })
    }

    fn with_device(mut self, device: &str) -> Self {
        self.device = Uuid::parse_str(device).unwrap_or_default();
        self
    }

    async fn push(&self, mutations: Vec<Value>) -> anyhow::Result<(StatusCode, Value)> {
        let response = Client::new()
            .post(self.server.url("/api/v1/sync/push"))
            .bearer_auth(&self.token)
            .header("X-Sync-Protocol", "1")
            .json(&json!({"device_id": self.device, "mutations": mutations}))
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

fn expense(uuid: Uuid, at: &str, data: Value) -> Value {
    let mut mutation =
        json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "upsert", "uuid": uuid, "updated_at": at});
    mutation["data"] = data;
    mutation
}

fn fuel(amount: &str) -> Value {
    json!({"campaign_id": 1, "expense_type": "fuel", "amount": amount, "submitted_date": today(), "description": "Diesel, NH-48"})
}

async fn count(db: &TestDb, sql: &'static str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(&db.pool).await?)
}

async fn fingerprint(db: &TestDb) -> anyhow::Result<Vec<Option<i64>>> {
    let rows =
        sqlx::query("CHECKSUM TABLE expenses, reports, promoter_activities, change_feed").fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok(r.try_get::<Option<i64>, _>(1)?)).collect()
}

#[tokio::test]
async fn the_protocol_header_is_required() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    for header in [None, Some("2"), Some("one")] {
        let mut request = Client::new().post(server.url("/api/v1/sync/push")).bearer_auth(&phone.token);
        if let Some(value) = header {
            request = request.header("X-Sync-Protocol", value);
        }
        let response = request.json(&json!({"device_id": phone.device, "mutations": []})).send().await?;
        assert_eq!(response.status(), 400, "{header:?}");
        assert_eq!(response.json::<Value>().await?["error"]["code"], "unsupported_protocol");
    }
    Ok(())
}

#[tokio::test]
async fn a_new_expense_is_applied_with_the_server_set_fields() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    let at = "2026-11-20T08:15:30.123Z";
    let mutation = expense(uuid, at, fuel("2450.00"));
    let (status, body) = phone.push(vec![mutation.clone()]).await?;
    assert_eq!(status, 200, "{body}");
    assert!(body["server_time"].is_string());
    let result = &body["results"][0];
    assert_eq!(
        (result["mutation_id"].clone(), result["status"].as_str()),
        (mutation["mutation_id"].clone(), Some("applied"))
    );
    let id = result["id"].as_i64().unwrap_or_default();
    let row = sqlx::query("SELECT driver_id, CAST(status AS CHAR) AS s, device_id, created_by_id, updated_at, amount FROM expenses WHERE id = ?")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let driver: i64 =
        sqlx::query_scalar("SELECT driver_id FROM users WHERE email = 'driver@demo.test'").fetch_one(&db.pool).await?;
    assert_eq!(row.try_get::<i64, _>("driver_id")?, driver);
    assert_eq!(row.try_get::<String, _>("s")?, "pending");
    assert_eq!(row.try_get::<Uuid, _>("device_id")?, phone.device);
    assert_eq!(shared_model::time::format(&row.try_get("updated_at")?), "2026-11-20T08:15:30.123000Z");
    assert_eq!(row.try_get::<rust_decimal::Decimal, _>("amount")?.to_string(), "2450.00");
    let feed = count(&db, "SELECT COUNT(*) FROM change_feed WHERE table_name = 'expenses'").await?;
    assert_eq!(feed, 1);
    let device = count(&db, "SELECT COUNT(*) FROM devices WHERE last_push_at IS NOT NULL").await?;
    assert_eq!(device, 1, "the device is known with its last push");
    Ok(())
}

#[tokio::test]
async fn a_replayed_batch_changes_nothing_and_gets_the_same_answers() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    let batch = vec![
        expense(uuid, "2026-11-20T08:00:00Z", fuel("100.00")),
        expense(uuid, "2026-11-20T07:00:00Z", fuel("90.00")),
        expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", json!({"status": "approved"})),
    ];
    let (_, first) = phone.push(batch.clone()).await?;
    assert_eq!(
        first["results"][0]["id"], first["results"][1]["id"],
        "the second edit of a row new in this batch finds it"
    );
    let statuses: Vec<&str> = first["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses, vec!["applied", "superseded", "rejected"]);
    let before = fingerprint(&db).await?;
    let (status, again) = phone.push(batch).await?;
    assert_eq!(status, 200);
    assert_eq!(before, fingerprint(&db).await?, "a replay changes nothing");
    for (first, again) in
        first["results"].as_array().into_iter().flatten().zip(again["results"].as_array().into_iter().flatten())
    {
        assert_eq!(again["status"], "duplicate");
        assert_eq!(again["original_status"], first["status"]);
        assert_eq!(again["id"], first["id"]);
        assert_eq!(again["error"], first["error"]);
        assert_eq!(again["row"].is_object(), first["status"] == "superseded", "{again}");
    }
    Ok(())
}

#[tokio::test]
async fn a_mutation_id_twice_in_one_batch_is_a_duplicate_the_second_time() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let mutation = expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", fuel("100.00"));
    let (_, body) = phone.push(vec![mutation.clone(), mutation]).await?;
    assert_eq!(body["results"][0]["status"], "applied");
    assert_eq!(body["results"][1]["status"], "duplicate");
    assert_eq!(body["results"][1]["original_status"], "applied");
    assert!(body["results"][0]["id"].as_i64().is_some_and(|id| id > 0), "{body}");
    assert_eq!(body["results"][1]["id"], body["results"][0]["id"], "the same row's id both times");
    Ok(())
}

#[tokio::test]
async fn capture_fields_only_and_each_fault_is_named() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let cases = [
        (
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": "10.00", "submitted_date": today(), "status": "approved"}),
            "forbidden_field",
            "status",
        ),
        (
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": "10.00", "submitted_date": today(), "driver_id": 7}),
            "forbidden_field",
            "driver_id",
        ),
        (
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": "0.00", "submitted_date": today()}),
            "invalid_field",
            "amount",
        ),
        (
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": "1000000.01", "submitted_date": today()}),
            "invalid_field",
            "amount",
        ),
        (json!({"campaign_id": 1, "amount": "10.00", "submitted_date": today()}), "invalid_field", "expense_type"),
        (
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": "10.00", "submitted_date": "2099-01-01"}),
            "invalid_field",
            "submitted_date",
        ),
        (
            json!({"campaign_id": 3, "expense_type": "fuel", "amount": "10.00", "submitted_date": today()}),
            "invalid_field",
            "campaign_id",
        ),
    ];
    let before = fingerprint(&db).await?;
    let mutations: Vec<Value> =
        cases.iter().map(|(data, _, _)| expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", data.clone())).collect();
    let (status, body) = phone.push(mutations).await?;
    assert_eq!(status, 200, "a mutation's own fault is not the batch's");
    for (i, (_, code, field)) in cases.iter().enumerate() {
        let result = &body["results"][i];
        assert_eq!(result["status"], "rejected", "case {i}: {result}");
        assert_eq!(result["error"]["code"], *code, "case {i}: {result}");
        assert_eq!(result["error"]["details"]["field"], *field, "case {i}: {result}");
        assert!(result["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(before, fingerprint(&db).await?, "nothing stored but the log");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sync_conflicts WHERE reason = 'rejected'").await?, 7);
    Ok(())
}

#[tokio::test]
async fn malformed_envelopes_are_rejected_per_mutation_or_the_whole_request() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let base = expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", fuel("1.00"));
    let mut bad_time = base.clone();
    bad_time["updated_at"] = json!("yesterday");
    let mut bad_table = base.clone();
    bad_table["mutation_id"] = json!(Uuid::now_v7());
    bad_table["table"] = json!("users");
    let mut no_data = base.clone();
    no_data["mutation_id"] = json!(Uuid::now_v7());
    no_data.as_object_mut().map(|m| m.remove("data"));
    let (_, body) = phone.push(vec![bad_time, bad_table, no_data]).await?;
    for (i, field) in ["updated_at", "table", "data"].iter().enumerate() {
        assert_eq!(body["results"][i]["error"]["code"], "invalid_field", "{body}");
        assert_eq!(body["results"][i]["error"]["details"]["field"], *field);
    }
    let mut no_id = base;
    no_id["mutation_id"] = json!("not-a-uuid");
    let (status, body) = phone.push(vec![no_id]).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (400, Some("bad_request")));
    Ok(())
}

#[tokio::test]
async fn roles_and_owners_are_enforced_per_mutation() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let driver = Phone::new(&server, "driver@demo.test").await?;
    let driver2 = Phone::new(&server, "driver2@demo.test").await?;
    let promoter = Phone::new(&server, "promoter@demo.test").await?;
    let uuid = Uuid::now_v7();
    driver.push(vec![expense(uuid, "2026-11-20T08:00:00Z", fuel("10.00"))]).await?;
    let (_, body) = driver2.push(vec![expense(uuid, "2026-11-20T09:00:00Z", fuel("99.00"))]).await?;
    assert_eq!(body["results"][0]["error"]["code"], "forbidden", "another driver's row");
    let (_, body) = promoter.push(vec![expense(Uuid::now_v7(), "2026-11-20T09:00:00Z", fuel("5.00"))]).await?;
    assert_eq!(body["results"][0]["error"]["code"], "forbidden", "promoters do not write expenses");
    let activity = json!({"mutation_id": Uuid::now_v7(), "table": "promoter_activities", "op": "upsert", "uuid": Uuid::now_v7(),
        "updated_at": "2026-11-20T09:00:00Z", "data": {"campaign_id": 1, "village_name": "Hosahalli", "activity_date": today(), "people_attended": 120}});
    let (_, body) = promoter.push(vec![activity.clone()]).await?;
    assert_eq!(body["results"][0]["status"], "applied", "{body}");
    let (_, body) = driver.push(vec![json!({"mutation_id": Uuid::now_v7(), "table": "promoter_activities", "op": "upsert", "uuid": Uuid::now_v7(),
        "updated_at": "2026-11-20T09:00:00Z", "data": activity["data"]})]).await?;
    assert_eq!(body["results"][0]["error"]["code"], "forbidden", "drivers do not write activities");
    Ok(())
}

#[tokio::test]
async fn the_later_version_wins_and_the_loser_is_logged() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    phone.push(vec![expense(uuid, "2026-11-20T08:00:00Z", fuel("100.00"))]).await?;
    let (_, older) = phone.push(vec![expense(uuid, "2026-11-20T07:59:59.999Z", fuel("80.00"))]).await?;
    assert_eq!(older["results"][0]["status"], "superseded");
    assert_eq!(older["results"][0]["row"]["amount"], "100.00", "the winning server row comes back");
    let (_, newer) = phone.push(vec![expense(uuid, "2026-11-20T08:00:00.001Z", fuel("120.00"))]).await?;
    assert_eq!(newer["results"][0]["status"], "applied");
    let amount: rust_decimal::Decimal =
        sqlx::query_scalar("SELECT amount FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
    assert_eq!(amount.to_string(), "120.00");
    let log: Vec<(String, String)> =
        sqlx::query_as("SELECT CAST(reason AS CHAR), losing_data FROM sync_conflicts WHERE row_uuid = ? ORDER BY id")
            .bind(uuid)
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].0, "superseded");
    assert!(log[0].1.contains("80.00"), "the losing version is kept: {}", log[0].1);
    assert_eq!(log[1].0, "overwritten");
    assert!(log[1].1.contains("100.00"), "the replaced version is kept: {}", log[1].1);
    Ok(())
}

#[tokio::test]
async fn equal_times_go_to_the_greater_device_id() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let low = Phone::new(&server, "driver@demo.test").await?.with_device("0190f5c2-0000-7000-8000-00000000000a");
    let high = Phone::new(&server, "driver@demo.test").await?.with_device("0190f5c2-0000-7000-8000-00000000000b");
    let uuid = Uuid::now_v7();
    let at = "2026-11-20T08:00:00Z";
    assert_eq!(low.push(vec![expense(uuid, at, fuel("1.00"))]).await?.1["results"][0]["status"], "applied");
    assert_eq!(high.push(vec![expense(uuid, at, fuel("2.00"))]).await?.1["results"][0]["status"], "applied");
    assert_eq!(low.push(vec![expense(uuid, at, fuel("3.00"))]).await?.1["results"][0]["status"], "superseded");
    Ok(())
}

#[tokio::test]
async fn a_clock_far_ahead_is_clamped_to_server_time() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    let (_, body) = phone.push(vec![expense(uuid, "2099-01-01T00:00:00Z", fuel("50.00"))]).await?;
    let server_time = shared_model::time::parse(body["server_time"].as_str().unwrap_or_default())?;
    let stored: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT updated_at FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
    assert_eq!(stored, server_time);
    let honest = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    assert_eq!(
        phone.push(vec![expense(uuid, &honest, fuel("55.00"))]).await?.1["results"][0]["status"],
        "applied",
        "a later honest edit still wins"
    );
    Ok(())
}

#[tokio::test]
async fn a_reviewed_expense_is_locked_against_edits_and_deletes() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    let (_, body) = phone.push(vec![expense(uuid, "2026-11-20T08:00:00Z", fuel("70.00"))]).await?;
    let id = body["results"][0]["id"].as_i64().unwrap_or_default();
    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    assert_eq!(server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?.0, 200);
    let delete = json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "delete", "uuid": uuid, "updated_at": "2026-11-21T08:00:00Z"});
    let (_, body) = phone
        .push(vec![
            expense(uuid, "2026-11-21T08:00:00Z", fuel("75.00")),
            delete,
            expense(uuid, "2026-11-19T08:00:00Z", fuel("60.00")),
        ])
        .await?;
    for i in 0..3 {
        assert_eq!(body["results"][i]["error"]["code"], "expense_locked", "{body}");
        assert!(body["results"][i]["error"]["message"].as_str().is_some_and(|m| m.contains("approved")));
    }
    Ok(())
}

#[tokio::test]
async fn a_delete_is_a_version_and_a_later_upsert_brings_the_row_back() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let uuid = Uuid::now_v7();
    phone.push(vec![expense(uuid, "2026-11-20T08:00:00Z", fuel("10.00"))]).await?;
    let delete = json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "delete", "uuid": uuid, "updated_at": "2026-11-20T09:00:00Z"});
    assert_eq!(phone.push(vec![delete]).await?.1["results"][0]["status"], "applied");
    let active: bool =
        sqlx::query_scalar("SELECT is_active FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
    assert!(!active);
    assert_eq!(
        phone.push(vec![expense(uuid, "2026-11-20T08:30:00Z", fuel("11.00"))]).await?.1["results"][0]["status"],
        "superseded"
    );
    assert_eq!(
        phone.push(vec![expense(uuid, "2026-11-20T10:00:00Z", fuel("12.00"))]).await?.1["results"][0]["status"],
        "applied"
    );
    let active: bool =
        sqlx::query_scalar("SELECT is_active FROM expenses WHERE uuid = ?").bind(uuid).fetch_one(&db.pool).await?;
    assert!(active);
    Ok(())
}

#[tokio::test]
async fn reports_get_their_distance_from_the_track_and_activities_their_promoter() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = Phone::new(&server, "driver@demo.test").await?;
    let report = json!({"mutation_id": Uuid::now_v7(), "table": "reports", "op": "upsert", "uuid": Uuid::now_v7(), "updated_at": "2026-11-20T09:00:00Z",
        "data": {"campaign_id": 1, "report_date": today(), "km_travelled": 999.0,
                 "gps_data": {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[77.0, 12.0], [77.0, 12.5]]},
                              "properties": {"times": [0, 60000]}}}});
    let (_, body) = driver.push(vec![report]).await?;
    let id = body["results"][0]["id"].as_i64().unwrap_or_default();
    let km: f64 =
        sqlx::query_scalar("SELECT km_travelled FROM reports WHERE id = ?").bind(id).fetch_one(&db.pool).await?;
    assert!((km - 55.6).abs() < 0.1, "{km}");
    let promoter = Phone::new(&server, "promoter@demo.test").await?;
    let activity = json!({"mutation_id": Uuid::now_v7(), "table": "promoter_activities", "op": "upsert", "uuid": Uuid::now_v7(),
        "updated_at": "2026-11-20T09:00:00Z", "data": {"campaign_id": 1, "village_name": "Hosahalli", "activity_date": today()}});
    let (_, body) = promoter.push(vec![activity]).await?;
    let id = body["results"][0]["id"].as_i64().unwrap_or_default();
    let name: String = sqlx::query_scalar("SELECT promoter_name FROM promoter_activities WHERE id = ?")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    assert_eq!(name, "Lakshmi Devi");
    Ok(())
}

#[tokio::test]
async fn too_many_mutations_or_bytes_are_413_batch_too_large() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let many: Vec<Value> = (0..501).map(|_| expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", fuel("1.00"))).collect();
    let (status, body) = phone.push(many).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (413, Some("batch_too_large")));
    let mut big = fuel("1.00");
    big["description"] = json!("x".repeat(5 * 1024 * 1024));
    let (status, body) = phone.push(vec![expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", big)]).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (413, Some("batch_too_large")));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM expenses").await?, 0);
    Ok(())
}

#[tokio::test]
async fn a_server_fault_mid_batch_keeps_nothing_of_it() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    // A fault the server cannot foresee: the database refuses one row.
    sqlx::query(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON expenses FOR EACH ROW
         BEGIN IF NEW.description = 'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk on fire'; END IF; END",
    )
    .execute(&db.pool)
    .await?;
    let mut boom = fuel("2.00");
    boom["description"] = json!("boom");
    let batch = vec![
        expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", fuel("1.00")),
        expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", boom),
    ];
    let (status, body) = phone.push(batch.clone()).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (500, Some("internal")));
    assert!(!body.to_string().contains("disk on fire"), "5xx bodies carry no internal details");
    for sql in [
        "SELECT COUNT(*) FROM expenses",
        "SELECT COUNT(*) FROM sync_mutations",
        "SELECT COUNT(*) FROM change_feed WHERE table_name = 'expenses'",
    ] {
        assert_eq!(count(&db, sql).await?, 0, "{sql}");
    }
    sqlx::query("DROP TRIGGER refuse_boom").execute(&db.pool).await?;
    let (_, body) = phone.push(batch).await?;
    assert_eq!(body["results"][0]["status"], "applied", "the same batch, sent again, goes through");
    assert_eq!(body["results"][1]["status"], "applied");
    Ok(())
}

#[tokio::test]
async fn compressed_bodies_are_accepted_and_answers_compressed() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let phone = Phone::new(&server, "driver@demo.test").await?;
    let body = serde_json::to_vec(
        &json!({"device_id": phone.device, "mutations": [expense(Uuid::now_v7(), "2026-11-20T08:00:00Z", fuel("1.00"))]}),
    )?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&body)?;
    let zstd_body = zstd::encode_all(&body[..], 3)?;
    // A client that leaves the answer as it came, to see that it came compressed.
    let raw = Client::builder().no_gzip().build()?;
    for (encoding, bytes) in [("gzip", gzip.finish()?), ("zstd", zstd_body)] {
        let response = raw
            .post(server.url("/api/v1/sync/push"))
            .bearer_auth(&phone.token)
            .header("X-Sync-Protocol", "1")
            .header("Content-Type", "application/json")
            .header("Content-Encoding", encoding)
            .header("Accept-Encoding", "gzip")
            .body(bytes)
            .send()
            .await?;
        assert_eq!(response.status(), 200, "{encoding}");
        assert_eq!(response.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
        let compressed = response.bytes().await?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut text)?;
        let answer: Value = serde_json::from_str(&text)?;
        assert!(
            answer["results"][0]["status"] == "applied" || answer["results"][0]["status"] == "duplicate",
            "{answer}"
        );
    }
    Ok(())
}
