//! SYNC-PROTOCOL.md, "Pull: server → phone", over real HTTP against MariaDB: scopes, the first sync
//! in pages, changes since the cursor, rows leaving a scope, commits out of order, expired cursors.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use fleet_tests::{TestDb, TestServer, demo};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use shared_model::protocol::{Op, PullTable};
use sync_server::db::feed::{self, Audience};
use uuid::Uuid;

async fn get(server: &TestServer, token: &str, query: &str) -> anyhow::Result<(StatusCode, Value)> {
    let response = Client::new()
        .get(server.url(&format!("/api/v1/sync/pull{query}")))
        .bearer_auth(token)
        .header("X-Sync-Protocol", "1")
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// Pulls until `has_more` is false; returns every change and the last cursor.
async fn pull_all(
    server: &TestServer,
    token: &str,
    cursor: Option<&str>,
    limit: u32,
) -> anyhow::Result<(Vec<Value>, String)> {
    let mut cursor = cursor.map(str::to_owned);
    let mut all = Vec::new();
    for _ in 0..10_000 {
        let query = match &cursor {
            Some(c) => format!("?limit={limit}&cursor={c}"),
            None => format!("?limit={limit}"),
        };
        let (status, page) = get(server, token, &query).await?;
        anyhow::ensure!(status == 200, "pull: {status} {page}");
        let changes = page["changes"].as_array().cloned().unwrap_or_default();
        anyhow::ensure!(changes.len() <= limit as usize, "a page larger than its limit");
        all.extend(changes);
        cursor = page["cursor"].as_str().map(str::to_owned);
        if page["has_more"] != true {
            return Ok((all, cursor.unwrap_or_default()));
        }
    }
    anyhow::bail!("pull never ended")
}

fn ids(changes: &[Value], table: &str, op: &str) -> BTreeSet<i64> {
    changes.iter().filter(|c| c["table"] == table && c["op"] == op).filter_map(|c| c["id"].as_i64()).collect()
}

async fn push_expenses(server: &TestServer, token: &str, n: usize) -> anyhow::Result<Vec<(i64, Uuid)>> {
    let mutations: Vec<Value> = (0..n)
        .map(|i| {
            json!({"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "upsert", "uuid": Uuid::now_v7(),
                   "updated_at": "2026-11-20T08:00:00Z",
                   "data": {"campaign_id": 1, "expense_type": "toll", "amount": format!("{}.00", 10 + i), "submitted_date": chrono::Utc::now().date_naive().to_string()}})
        })
        .collect();
    let response = Client::new()
        .post(server.url("/api/v1/sync/push"))
        .bearer_auth(token)
        .header("X-Sync-Protocol", "1")
        .json(&json!({"device_id": Uuid::now_v7(), "mutations": mutations.clone()}))
        .send()
        .await?;
    let body: Value = response.json().await?;
    Ok(body["results"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(&mutations)
        .filter_map(|(r, m)| Some((r["id"].as_i64()?, Uuid::parse_str(m["uuid"].as_str()?).ok()?)))
        .collect())
}

async fn link(db: &TestDb, email: &str, column: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT {column} FROM users WHERE email = ?");
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(email).fetch_one(&db.pool).await?)
}

#[tokio::test]
async fn office_roles_do_not_pull_and_the_header_is_required() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    let (status, body) = get(&server, &ops, "").await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (403, Some("forbidden")));
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let response = Client::new().get(server.url("/api/v1/sync/pull")).bearer_auth(&driver).send().await?;
    assert_eq!(response.status(), 400);
    for query in ["?cursor=garbage", "?limit=0", "?limit=1001"] {
        assert_eq!(get(&server, &driver, query).await?.0, 400, "{query}");
    }
    Ok(())
}

#[tokio::test]
async fn a_first_sync_in_pages_brings_exactly_the_drivers_scope_once() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let driver2 = server.login("driver2@demo.test", "demo-pass").await?.access_token;
    let mine = push_expenses(&server, &driver, 4).await?;
    let theirs = push_expenses(&server, &driver2, 2).await?;

    let (changes, _) = pull_all(&server, &driver, None, 3).await?;
    let mut seen = BTreeMap::new();
    for change in &changes {
        *seen.entry((change["table"].to_string(), change["id"].as_i64())).or_insert(0) += 1;
        assert_eq!(change["op"], "upsert");
        assert_eq!(change["row"]["id"], change["id"]);
    }
    assert!(seen.values().all(|n| *n == 1), "each row once: {seen:?}");

    let driver_id = link(&db, "driver@demo.test", "driver_id").await?;
    let campaigns: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT c.id FROM campaigns c JOIN invoices i ON i.campaign_id = c.id JOIN drivers d ON d.vendor_id = i.vendor_id
         WHERE d.id = ? AND i.is_active AND c.is_active ORDER BY c.id",
    )
    .bind(driver_id)
    .fetch_all(&db.pool)
    .await?;
    let vehicle: i64 =
        sqlx::query_scalar("SELECT vehicle_id FROM drivers WHERE id = ?").bind(driver_id).fetch_one(&db.pool).await?;
    assert_eq!(ids(&changes, "campaigns", "upsert"), campaigns.into_iter().collect());
    assert_eq!(ids(&changes, "drivers", "upsert"), BTreeSet::from([driver_id]));
    assert_eq!(ids(&changes, "vehicles", "upsert"), BTreeSet::from([vehicle]));
    assert_eq!(ids(&changes, "expenses", "upsert"), mine.iter().map(|(id, _)| *id).collect());
    assert!(
        ids(&changes, "promoters", "upsert").is_empty() && ids(&changes, "promoter_activities", "upsert").is_empty()
    );
    let text = serde_json::to_string(&changes)?;
    for (_, uuid) in &theirs {
        assert!(!text.contains(&uuid.to_string()), "another driver's expense reached this phone");
    }
    let expense = changes.iter().find(|c| c["table"] == "expenses").cloned().unwrap_or_default();
    assert!(expense["uuid"].is_string() && expense["row"]["status"] == "pending", "{expense}");
    Ok(())
}

#[tokio::test]
async fn a_promoter_sees_running_and_upcoming_campaigns_and_its_own_row() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let promoter = server.login("promoter@demo.test", "demo-pass").await?.access_token;
    let (changes, _) = pull_all(&server, &promoter, None, 500).await?;
    let expected: BTreeSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM campaigns WHERE status IN ('upcoming', 'running') AND is_active")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    assert_eq!(ids(&changes, "campaigns", "upsert"), expected);
    assert_eq!(
        ids(&changes, "promoters", "upsert"),
        BTreeSet::from([link(&db, "promoter@demo.test", "promoter_id").await?])
    );
    assert!(ids(&changes, "drivers", "upsert").is_empty() && ids(&changes, "vehicles", "upsert").is_empty());
    Ok(())
}

#[tokio::test]
async fn changes_after_the_cursor_arrive_and_rows_leaving_the_scope_arrive_as_deletes() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let driver2 = server.login("driver2@demo.test", "demo-pass").await?.access_token;
    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    let admin = server.login("admin@demo.test", "demo-pass").await?.access_token;
    let mine = push_expenses(&server, &driver, 2).await?;
    let (_, cursor) = pull_all(&server, &driver, None, 500).await?;
    let (_, cursor2) = pull_all(&server, &driver2, None, 500).await?;

    // The office approves one expense and deletes the other.
    server.api(&ops, Method::POST, &format!("/expenses/{}/approve", mine[0].0), None).await?;
    server.api(&ops, Method::DELETE, &format!("/expenses/{}", mine[1].0), None).await?;
    let (changes, cursor) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    let approved =
        changes.iter().find(|c| c["id"] == mine[0].0 && c["table"] == "expenses").cloned().unwrap_or_default();
    assert_eq!((approved["op"].as_str(), approved["row"]["status"].as_str()), (Some("upsert"), Some("approved")));
    let deleted =
        changes.iter().find(|c| c["id"] == mine[1].0 && c["table"] == "expenses").cloned().unwrap_or_default();
    assert_eq!(deleted["op"], "delete");
    assert_eq!(deleted["uuid"], mine[1].1.to_string(), "deletes of phone-made rows carry the uuid");
    let (changes2, cursor2) = pull_all(&server, &driver2, Some(&cursor2), 500).await?;
    assert!(
        changes2.iter().all(|c| c["table"] != "expenses"),
        "driver2 learns nothing of driver1's expenses: {changes2:?}"
    );

    // Campaign 1 loses the driver's vendor: the driver's phone drops it, driver2's keeps it.
    let vendor2 = link(&db, "vendor2@demo.test", "vendor_id").await?;
    let (status, _) = server.api(&admin, Method::PATCH, "/campaigns/1", Some(json!({"vendor_ids": [vendor2]}))).await?;
    assert_eq!(status, 200);
    let (changes, cursor) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    assert!(ids(&changes, "campaigns", "delete").contains(&1), "{changes:?}");
    let (changes2, _) = pull_all(&server, &driver2, Some(&cursor2), 500).await?;
    assert!(ids(&changes2, "campaigns", "upsert").contains(&1));

    // The driver gets another vehicle: the old one leaves, the new one arrives.
    let manager = server.login("vehicle_manager@demo.test", "demo-pass").await?.access_token;
    let driver_id = link(&db, "driver@demo.test", "driver_id").await?;
    let old: i64 =
        sqlx::query_scalar("SELECT vehicle_id FROM drivers WHERE id = ?").bind(driver_id).fetch_one(&db.pool).await?;
    let new: i64 = sqlx::query_scalar("SELECT id FROM vehicles WHERE id <> ? ORDER BY id DESC LIMIT 1")
        .bind(old)
        .fetch_one(&db.pool)
        .await?;
    let (status, _) =
        server.api(&manager, Method::PATCH, &format!("/drivers/{driver_id}"), Some(json!({"vehicle_id": new}))).await?;
    assert_eq!(status, 200);
    let (changes, _) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    assert_eq!(ids(&changes, "vehicles", "delete"), BTreeSet::from([old]));
    assert_eq!(ids(&changes, "vehicles", "upsert"), BTreeSet::from([new]));
    assert!(ids(&changes, "drivers", "upsert").contains(&driver_id));
    Ok(())
}

#[tokio::test]
async fn commits_out_of_order_are_not_skipped() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let mine = push_expenses(&server, &driver, 2).await?;
    let (_, cursor) = pull_all(&server, &driver, None, 500).await?;
    let driver_id = Some(link(&db, "driver@demo.test", "driver_id").await?);
    let (a, b) = (mine[0], mine[1]);

    // T1 starts first and writes; T2 starts later, writes, records and commits first.
    let mut t1 = db.pool.begin().await?;
    sqlx::query("UPDATE expenses SET description = 'first to start' WHERE id = ?").bind(a.0).execute(&mut *t1).await?;
    let mut t2 = db.pool.begin().await?;
    sqlx::query("UPDATE expenses SET description = 'first to commit' WHERE id = ?").bind(b.0).execute(&mut *t2).await?;
    feed::record(&mut t2, PullTable::Expenses, b.0, Some(b.1), Op::Upsert, Audience::driver(driver_id)).await?;
    t2.commit().await?;

    let (between, cursor) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    assert_eq!(ids(&between, "expenses", "upsert"), BTreeSet::from([b.0]));

    feed::record(&mut t1, PullTable::Expenses, a.0, Some(a.1), Op::Upsert, Audience::driver(driver_id)).await?;
    t1.commit().await?;
    let (after, _) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    let row = after.iter().find(|c| c["id"] == a.0).cloned().unwrap_or_default();
    assert_eq!(row["row"]["description"], "first to start", "the later pull still delivers T1");
    Ok(())
}

#[tokio::test]
async fn a_transaction_holding_a_feed_number_makes_the_next_wait_until_it_commits() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let mine = push_expenses(&server, &driver, 2).await?;
    let (_, cursor) = pull_all(&server, &driver, None, 500).await?;
    let driver_id = Some(link(&db, "driver@demo.test", "driver_id").await?);
    let (a, b) = (mine[0], mine[1]);

    let mut t1 = db.pool.begin().await?;
    sqlx::query("UPDATE expenses SET description = 'held' WHERE id = ?").bind(a.0).execute(&mut *t1).await?;
    feed::record(&mut t1, PullTable::Expenses, a.0, Some(a.1), Op::Upsert, Audience::driver(driver_id)).await?;
    let pool = db.pool.clone();
    let second = tokio::spawn(async move {
        let mut t2 = pool.begin().await?;
        sqlx::query("UPDATE expenses SET description = 'waited' WHERE id = ?").bind(b.0).execute(&mut *t2).await?;
        feed::record(&mut t2, PullTable::Expenses, b.0, Some(b.1), Op::Upsert, Audience::driver(driver_id)).await?;
        t2.commit().await?;
        anyhow::Ok(())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!second.is_finished(), "the second writer waits for the feed number's holder");
    let (between, cursor) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    assert!(between.is_empty(), "nothing committed yet: {between:?}");
    t1.commit().await?;
    second.await??;
    let (after, _) = pull_all(&server, &driver, Some(&cursor), 500).await?;
    let order: Vec<i64> = after.iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(order, vec![a.0, b.0], "in commit order");
    Ok(())
}

#[tokio::test]
async fn a_pruned_cursor_is_410_and_a_fresh_start_works() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let (_, cursor) = pull_all(&server, &driver, None, 500).await?;
    // More changes, then everything up to the newest is pruned away.
    push_expenses(&server, &driver, 1).await?;
    sqlx::query(
        "UPDATE sync_sequences SET value = (SELECT MAX(seq) FROM change_feed) WHERE name = 'change_feed_pruned'",
    )
    .execute(&db.pool)
    .await?;
    let (status, body) = get(&server, &driver, &format!("?cursor={cursor}")).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (410, Some("cursor_expired")));
    assert_eq!(get(&server, &driver, "").await?.0, 200);
    Ok(())
}

#[tokio::test]
async fn pruning_drops_old_entries_and_expires_the_cursors_behind_them() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let (_, old_cursor) = pull_all(&server, &driver, None, 500).await?;
    push_expenses(&server, &driver, 2).await?;
    sqlx::query("UPDATE change_feed SET changed_at = UTC_TIMESTAMP(6) - INTERVAL 100 DAY").execute(&db.pool).await?;
    push_expenses(&server, &driver, 1).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_feed").fetch_one(&db.pool).await?;
    let removed = feed::prune(&db.pool, chrono::Utc::now() - chrono::Duration::days(60)).await?;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_feed").fetch_one(&db.pool).await?;
    assert_eq!((i64::try_from(removed)?, left), (total - 1, 1), "only the recent entry stays");
    let (status, body) = get(&server, &driver, &format!("?cursor={old_cursor}")).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (410, Some("cursor_expired")));
    let (changes, _) = pull_all(&server, &driver, None, 500).await?;
    assert_eq!(ids(&changes, "expenses", "upsert").len(), 3, "a new first sync brings everything");
    assert_eq!(
        feed::prune(&db.pool, chrono::Utc::now() - chrono::Duration::days(60)).await?,
        0,
        "pruning again removes nothing"
    );
    Ok(())
}
