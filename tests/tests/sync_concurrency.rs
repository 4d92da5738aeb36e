//! Many phones at once: 24 devices of five field users push and pull together for several rounds,
//! editing shared rows. Afterwards every device's view equals the server's for its scope, every
//! acknowledged mutation is in the database or the conflict log, and no device ever received a row
//! outside its scope.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use fleet_tests::demo;
use reqwest::Client;
use serde_json::{Value, json};
use uuid::Uuid;

const ROUNDS: usize = 4;

#[derive(Clone)]
struct Account {
    email: &'static str,
    token: String,
    table: &'static str,
    owner_column: &'static str,
    owner: i64,
}

struct Device {
    account: Account,
    id: Uuid,
    cursor: Option<String>,
    rows: BTreeMap<(String, i64), Value>,
    received: Vec<Value>,
    sent: Vec<(Value, Value)>,
}

fn data(table: &str, round: usize, n: usize) -> Value {
    let today = Utc::now().date_naive().to_string();
    match table {
        "expenses" => {
            json!({"campaign_id": 1, "expense_type": "fuel", "amount": format!("{}.{:02}", 100 + round, n % 100), "submitted_date": today,
                             "description": format!("round {round} edit {n}")})
        }
        _ => {
            json!({"campaign_id": 1, "village_name": format!("Village {round}-{n}"), "activity_date": today, "people_attended": n})
        }
    }
}

async fn push(base: &str, device: &mut Device, shared: &[Uuid], round: usize, seed: usize) -> anyhow::Result<()> {
    let start = Utc::now() - Duration::minutes(10);
    let mut mutations = Vec::new();
    for (n, uuid) in shared.iter().enumerate() {
        // Every device edits the shared rows with its own, jittered clock: real contests.
        let jitter = ((seed * 7919 + n * 104_729 + round * 1_299_709) % 5000) as i64;
        let at = start + Duration::seconds(round as i64 * 10) + Duration::milliseconds(jitter);
        let op = if (seed + n + round).is_multiple_of(11) { "delete" } else { "upsert" };
        let mut m = json!({"mutation_id": Uuid::now_v7(), "table": device.account.table, "op": op, "uuid": uuid, "updated_at": at.to_rfc3339()});
        if op == "upsert" {
            m["data"] = data(device.account.table, round, seed * 100 + n);
        }
        mutations.push(m);
    }
    // And one capture of its own.
    let mut own = json!({"mutation_id": Uuid::now_v7(), "table": device.account.table, "op": "upsert", "uuid": Uuid::now_v7(), "updated_at": Utc::now().to_rfc3339()});
    own["data"] = data(device.account.table, round, seed);
    mutations.push(own);
    let response = Client::new()
        .post(format!("{base}/api/v1/sync/push"))
        .bearer_auth(&device.account.token)
        .header("X-Sync-Protocol", "1")
        .json(&json!({"device_id": device.id, "mutations": mutations}))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "push: {}", response.status());
    let body: Value = response.json().await?;
    for (m, r) in mutations.into_iter().zip(body["results"].as_array().cloned().unwrap_or_default()) {
        device.sent.push((m, r));
    }
    Ok(())
}

async fn pull(base: &str, device: &mut Device) -> anyhow::Result<()> {
    loop {
        let mut url = format!("{base}/api/v1/sync/pull?limit=50");
        if let Some(cursor) = &device.cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let response =
            Client::new().get(url).bearer_auth(&device.account.token).header("X-Sync-Protocol", "1").send().await?;
        anyhow::ensure!(response.status() == 200, "pull: {}", response.status());
        let page: Value = response.json().await?;
        for change in page["changes"].as_array().cloned().unwrap_or_default() {
            let key =
                (change["table"].as_str().unwrap_or_default().to_owned(), change["id"].as_i64().unwrap_or_default());
            if change["op"] == "upsert" {
                device.rows.insert(key, change["row"].clone());
            } else {
                device.rows.remove(&key);
            }
            device.received.push(change);
        }
        device.cursor = page["cursor"].as_str().map(str::to_owned);
        if page["has_more"] != true {
            return Ok(());
        }
    }
}

/// What the server holds for an account, through the same scope as its phones: a fresh first sync.
async fn server_view(base: &str, account: &Account) -> anyhow::Result<BTreeMap<(String, i64), Value>> {
    let mut probe = Device {
        account: account.clone(),
        id: Uuid::now_v7(),
        cursor: None,
        rows: BTreeMap::new(),
        received: Vec::new(),
        sent: Vec::new(),
    };
    pull(base, &mut probe).await?;
    Ok(probe.rows)
}

#[tokio::test]
async fn twenty_four_devices_converge_and_lose_nothing() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let mut accounts = Vec::new();
    for (email, table, column) in [
        ("driver@demo.test", "expenses", "driver_id"),
        ("driver2@demo.test", "expenses", "driver_id"),
        ("promoter@demo.test", "promoter_activities", "promoter_id"),
        ("promoter2@demo.test", "promoter_activities", "promoter_id"),
        ("anchor@demo.test", "promoter_activities", "promoter_id"),
    ] {
        let session = server.login(email, "demo-pass").await?;
        let owner = if column == "driver_id" { session.user.driver_id } else { session.user.promoter_id };
        accounts.push(Account {
            email,
            token: session.access_token,
            table,
            owner_column: column,
            owner: owner.unwrap_or_default(),
        });
    }
    // Rows every device of one account edits.
    let shared: HashMap<&str, Vec<Uuid>> =
        accounts.iter().map(|a| (a.email, (0..3).map(|_| Uuid::now_v7()).collect())).collect();
    let mut devices: Vec<Device> = (0..24)
        .map(|i| Device {
            account: accounts[i % accounts.len()].clone(),
            id: Uuid::now_v7(),
            cursor: None,
            rows: BTreeMap::new(),
            received: Vec::new(),
            sent: Vec::new(),
        })
        .collect();

    for round in 0..ROUNDS {
        let mut tasks = Vec::new();
        for (seed, mut device) in devices.into_iter().enumerate() {
            let base = server.base_url.clone();
            let shared = shared[device.account.email].clone();
            tasks.push(tokio::spawn(async move {
                push(&base, &mut device, &shared, round, seed).await?;
                pull(&base, &mut device).await?;
                anyhow::Ok(device)
            }));
        }
        devices = Vec::new();
        for task in tasks {
            devices.push(task.await??);
        }
    }

    // A last pull each, then every view equals the server's.
    let mut views = HashMap::new();
    for account in &accounts {
        let view = server_view(&server.base_url, account).await?;
        // The pull's view of the account's own captures is exactly what the tables hold.
        let held: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM {} WHERE {} = ? AND is_active ORDER BY id",
            account.table, account.owner_column
        )))
        .bind(account.owner)
        .fetch_all(&db.pool)
        .await?;
        let pulled: Vec<i64> = view.keys().filter(|(t, _)| t == account.table).map(|(_, id)| *id).collect();
        assert_eq!(pulled, held, "{}", account.email);
        assert!(!held.is_empty());
        views.insert(account.email, view);
    }
    for device in &mut devices {
        pull(&server.base_url, device).await?;
        assert_eq!(
            device.rows, views[device.account.email],
            "device of {} differs from the server",
            device.account.email
        );
    }

    // Nothing outside the scope, ever.
    for device in &devices {
        for change in &device.received {
            if change["op"] == "upsert" && change["table"] == device.account.table {
                assert_eq!(
                    change["row"][device.account.owner_column], device.account.owner,
                    "{} received {change}",
                    device.account.email
                );
            }
            let foreign = ["drivers", "vehicles", "expenses", "reports"]
                .contains(&change["table"].as_str().unwrap_or_default())
                && device.account.table == "promoter_activities";
            assert!(!foreign, "{} received {change}", device.account.email);
        }
    }

    // Every acknowledged mutation is remembered, and each lost version is in the conflict log.
    let mut acknowledged = 0;
    for device in &devices {
        for (mutation, result) in &device.sent {
            acknowledged += 1;
            let id = Uuid::parse_str(mutation["mutation_id"].as_str().unwrap_or_default())?;
            let stored: Option<String> =
                sqlx::query_scalar("SELECT CAST(status AS CHAR) FROM sync_mutations WHERE mutation_id = ?")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?;
            assert_eq!(stored.as_deref(), result["status"].as_str(), "{mutation}");
            let uuid = Uuid::parse_str(mutation["uuid"].as_str().unwrap_or_default())?;
            let at = shared_model::time::parse(mutation["updated_at"].as_str().unwrap_or_default())?;
            let current: Option<(chrono::DateTime<Utc>, Option<Uuid>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT updated_at, device_id FROM {} WHERE uuid = ?",
                device.account.table
            )))
            .bind(uuid)
            .fetch_optional(&db.pool)
            .await?;
            let holds = current == Some((at, Some(device.id)));
            let logged: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sync_conflicts WHERE row_uuid = ? AND (mutation_id = ? OR (reason = 'overwritten' AND losing_updated_at = ?))",
            )
            .bind(uuid)
            .bind(id)
            .bind(at)
            .fetch_one(&db.pool)
            .await?;
            let delete_of_nothing = mutation["op"] == "delete" && result["id"].is_null();
            assert!(holds || logged > 0 || delete_of_nothing, "mutation lost: {mutation} -> {result}");
        }
    }
    assert_eq!(acknowledged, 24 * ROUNDS * 4);
    Ok(())
}
