//! The checker, in the manner of Jepsen's set checker: once the faults have stopped and every
//! phone has synced, every capture a phone made must be on the server exactly once with the
//! phone's last version (or in the conflict log with a reason), every phone must hold exactly the
//! rows of its scope and nothing else, and every photo must match its hash.

use std::collections::{HashMap, HashSet};
use std::fmt;

use mobile::store::CaptureState;
use serde_json::Value;
use sha2::Digest;
use shared_model::protocol::{PullTable, PushTable};
use uuid::Uuid;

use super::actor::SimPhone;
use super::people::Kind;

/// The checker's counts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Captures the phones made.
    pub made: u64,
    /// Of those, deleted before they left the phone.
    pub withdrawn: u64,
    /// Acknowledged by the server (applied, or refused and logged).
    pub acknowledged: u64,
    /// On the server with the phone's last version.
    pub applied: u64,
    /// Refused by the server and kept in the conflict log with a reason.
    pub in_conflict_log: u64,
    /// Still waiting on a phone after the final syncs.
    pub unacknowledged: u64,
    /// Made, not withdrawn, and neither on the server nor in the conflict log.
    pub lost: u64,
    /// Server rows of the simulated users no phone made, or one capture on the server twice.
    pub duplicated: u64,
    /// On the server, but with other values than the phone's last version.
    pub diverged: u64,
    /// Rows a phone held outside its user's scope (at the end; the run's samples are counted apart).
    pub out_of_scope: u64,
    /// Phones whose rows differ from what the server shows their user.
    pub views_differing: u64,
    /// Photos on the server.
    pub photos: u64,
    /// Photos whose bytes do not hash to their name.
    pub photos_bad: u64,
    /// Photos a phone uploaded that the server does not have.
    pub photos_missing: u64,
    /// What went wrong, for people (the first few of each kind).
    pub notes: Vec<String>,
}

impl Verdict {
    /// Nothing lost, doubled, diverged, leaked or corrupted.
    pub fn clean(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.diverged == 0
            && self.out_of_scope == 0
            && self.views_differing == 0
            && self.photos_bad == 0
            && self.photos_missing == 0
            && self.unacknowledged == 0
    }

    fn note(&mut self, line: String) {
        if self.notes.len() < 30 {
            self.notes.push(line);
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "captures made: {} (withdrawn on the phone before sync: {}); acknowledged: {} (applied {}, refused and in the conflict log {}); unacknowledged: {}",
            self.made, self.withdrawn, self.acknowledged, self.applied, self.in_conflict_log, self.unacknowledged
        )?;
        writeln!(
            f,
            "lost: {} (must be 0); duplicated: {} (must be 0); diverged from the phone: {}",
            self.lost, self.duplicated, self.diverged
        )?;
        writeln!(
            f,
            "out-of-scope rows on phones: {} (must be 0); phones whose view differs from the server's: {}",
            self.out_of_scope, self.views_differing
        )?;
        write!(
            f,
            "photos on the server: {}, not matching their hash: {}, uploaded but missing: {}",
            self.photos, self.photos_bad, self.photos_missing
        )?;
        for note in &self.notes {
            write!(f, "\n  ! {note}")?;
        }
        Ok(())
    }
}

/// Reads the server through its REST API as `token`.
struct Api<'a> {
    http: reqwest::Client,
    base: &'a str,
}

impl Api<'_> {
    async fn token(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let answer: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await?
            .json()
            .await?;
        answer["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("sign-in of {email}: {answer}"))
    }

    /// Every row of `path` the token may see (with deleted ones when `deleted`).
    async fn all(&self, token: &str, path: &str, deleted: bool) -> anyhow::Result<Vec<Value>> {
        let mut rows = Vec::new();
        loop {
            let url = format!(
                "{}/api/v1/{path}?limit=1000&offset={}&sort=id{}",
                self.base,
                rows.len(),
                if deleted { "&include_deleted=true" } else { "" }
            );
            let answer = self.http.get(url).bearer_auth(token).send().await?;
            anyhow::ensure!(answer.status() == 200, "GET {path}: {}", answer.status());
            let page: Value = answer.json().await?;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            let done = items.len() < 1000;
            rows.extend(items);
            if done {
                return Ok(rows);
            }
        }
    }
}

fn path_of(table: PushTable) -> &'static str {
    match table {
        PushTable::Expenses => "expenses",
        PushTable::PromoterActivities => "promoter-activities",
        PushTable::Reports => "reports",
    }
}

fn uuid_of(row: &Value) -> Option<Uuid> {
    row["uuid"].as_str().and_then(|u| Uuid::parse_str(u).ok())
}

/// Whether two values of a field are the same: numbers and decimal strings by value.
fn same(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(1.0),
        _ => match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
            _ => a == b,
        },
    }
}

/// Checks everything once the phones have synced.
pub async fn check(base: &str, pool: &sqlx::MySqlPool, phones: &[std::sync::Arc<SimPhone>]) -> anyhow::Result<Verdict> {
    let api = Api { http: reqwest::Client::new(), base };
    let admin = api.token("admin@demo.test", "demo-pass").await?;
    let mut verdict = Verdict::default();

    // The server's rows of the three capture tables, by uuid, deleted ones too.
    let sim_users: HashSet<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email LIKE 'sim-%'")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let mut server: HashMap<Uuid, (PushTable, Value)> = HashMap::new();
    for table in [PushTable::Expenses, PushTable::PromoterActivities, PushTable::Reports] {
        for row in api.all(&admin, path_of(table), true).await? {
            let by_sim = row["created_by_id"].as_i64().is_some_and(|u| sim_users.contains(&u));
            if let Some(uuid) = uuid_of(&row).filter(|_| by_sim)
                && server.insert(uuid, (table, row)).is_some()
            {
                verdict.duplicated += 1;
                verdict.note(format!("{uuid} is on the server twice"));
            }
        }
    }
    let rejected: HashSet<Uuid> =
        sqlx::query_scalar::<_, Uuid>("SELECT DISTINCT row_uuid FROM sync_conflicts WHERE reason = 'rejected'")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();

    let mut made_anywhere = HashSet::new();
    for phone in phones {
        let made = phone.made.lock().map(|m| m.clone()).unwrap_or_default();
        let withdrawn = phone.withdrawn.lock().map(|w| w.clone()).unwrap_or_default();
        for (uuid, table) in made {
            made_anywhere.insert(uuid);
            verdict.made += 1;
            if withdrawn.contains(&uuid) {
                verdict.withdrawn += 1;
                if server.contains_key(&uuid) {
                    verdict.duplicated += 1;
                    verdict.note(format!("{uuid} was withdrawn on the phone but is on the server"));
                }
                continue;
            }
            let Some(local) = phone.store.capture(uuid)? else {
                verdict.lost += 1;
                verdict.note(format!("{uuid} vanished from the phone of {}", phone.person.email));
                continue;
            };
            match local.state {
                CaptureState::Waiting => {
                    verdict.unacknowledged += 1;
                    verdict.note(format!("{uuid} still waits on the phone of {}", phone.person.email));
                }
                CaptureState::Rejected if rejected.contains(&uuid) => {
                    verdict.acknowledged += 1;
                    verdict.in_conflict_log += 1;
                }
                CaptureState::Rejected => {
                    verdict.lost += 1;
                    verdict.note(format!("{uuid} refused but not in the conflict log"));
                }
                CaptureState::Synced => match server.get(&uuid) {
                    None => {
                        verdict.lost += 1;
                        verdict.note(format!("{uuid} ({}) synced on the phone but not on the server", table.as_str()));
                    }
                    Some((_, row)) => {
                        verdict.acknowledged += 1;
                        verdict.applied += 1;
                        let active = row["is_active"].as_bool().unwrap_or(false);
                        // A deleted capture's fields no longer matter (an edit folded into its delete
                        // never left the phone): only that the server's row is deleted too.
                        let differing: Vec<String> = local
                            .data
                            .iter()
                            .filter(|_| !local.deleted)
                            .filter(|(field, value)| !same(value, &row[field.as_str()]))
                            .map(|(field, value)| format!("{field}: phone {value}, server {}", row[field.as_str()]))
                            .collect();
                        if active == local.deleted || !differing.is_empty() {
                            verdict.diverged += 1;
                            verdict.note(format!(
                                "{uuid}: the server's row differs from the phone's last version (active on the server {active}, deleted on the phone {}; {})",
                                local.deleted,
                                differing.join("; ")
                            ));
                        }
                    }
                },
            }
        }
    }
    for uuid in server.keys().filter(|u| !made_anywhere.contains(*u)) {
        verdict.duplicated += 1;
        verdict.note(format!("{uuid} is on the server but no phone made it"));
    }

    for phone in phones {
        check_scope(&api, phone, &mut verdict).await?;
    }
    check_photos(&api, &admin, pool, phones, &mut verdict).await?;
    Ok(verdict)
}

/// Rows a phone holds that its user may not see, and differences from the server's view.
pub fn out_of_scope(phone: &SimPhone) -> anyhow::Result<Vec<String>> {
    let own = phone.person.link_id;
    let mut found = Vec::new();
    let (own_table, owner_field, own_rows) = match phone.person.kind {
        Kind::Driver => (vec![PushTable::Expenses, PushTable::Reports], "driver_id", PullTable::Drivers),
        Kind::Promoter => (vec![PushTable::PromoterActivities], "promoter_id", PullTable::Promoters),
    };
    for table in [PushTable::Expenses, PushTable::PromoterActivities, PushTable::Reports] {
        for capture in phone.store.captures(table)? {
            let owner = capture.server_row.as_ref().and_then(|r| r[owner_field].as_i64());
            if !own_table.contains(&table) || owner.is_some_and(|o| o != own) {
                found.push(format!("{} holds {} {} of someone else", phone.person.email, table.as_str(), capture.uuid));
            }
        }
    }
    for table in [PullTable::Drivers, PullTable::Promoters, PullTable::Vehicles] {
        for row in phone.store.server_rows(table)? {
            let mine = table == own_rows && row["id"].as_i64() == Some(own);
            if !mine {
                found.push(format!("{} holds {} row {}", phone.person.email, table.as_str(), row["id"]));
            }
        }
    }
    Ok(found)
}

async fn check_scope(api: &Api<'_>, phone: &SimPhone, verdict: &mut Verdict) -> anyhow::Result<()> {
    let leaks = out_of_scope(phone)?;
    verdict.out_of_scope += leaks.len() as u64;
    for leak in leaks {
        verdict.note(leak);
    }
    let token = api.token(&phone.person.email, super::people::PASSWORD).await?;
    let tables: &[(PushTable, &str)] = match phone.person.kind {
        Kind::Driver => &[(PushTable::Expenses, "expenses"), (PushTable::Reports, "reports")],
        Kind::Promoter => &[(PushTable::PromoterActivities, "promoter-activities")],
    };
    let mut differs = false;
    for (table, path) in tables {
        let server_rows = api.all(&token, path, false).await?;
        let on_server: HashSet<i64> = server_rows.iter().filter_map(|r| r["id"].as_i64()).collect();
        // What the phone knows of the server: the rows it last received, live ones (a local edit
        // the server refused leaves the phone's own version apart, with the server's row beside it).
        let on_phone: HashSet<i64> = phone
            .store
            .captures(*table)?
            .iter()
            .filter(|c| c.server_row.as_ref().is_some_and(|r| r["is_active"].as_bool() != Some(false)))
            .filter(|c| !(c.deleted && c.state == CaptureState::Synced))
            .filter_map(|c| c.server_id)
            .collect();
        if on_server != on_phone {
            differs = true;
            let held = phone.store.captures(*table)?;
            let uuid_of_id = |id: i64| server_rows.iter().find(|r| r["id"].as_i64() == Some(id)).and_then(uuid_of);
            let describe = |id: &i64| {
                held.iter().find(|c| c.server_id == Some(*id) || Some(c.uuid) == uuid_of_id(*id)).map_or_else(
                    || {
                        let uuid = uuid_of_id(*id);
                        let made = phone.made.lock().is_ok_and(|m| m.iter().any(|(u, _)| Some(*u) == uuid));
                        let withdrawn = phone.withdrawn.lock().is_ok_and(|w| uuid.is_some_and(|u| w.contains(&u)));
                        format!("{id}: not on the phone (uuid {uuid:?}, made here {made}, withdrawn here {withdrawn})")
                    },
                    |c| {
                        format!(
                            "{id}: phone state {:?}, server id {:?}, deleted {}, server row live {:?}, refusal {:?}",
                            c.state,
                            c.server_id,
                            c.deleted,
                            c.server_row.as_ref().map(|r| r["is_active"].clone()),
                            c.error.as_ref().map(|e| e.code.clone())
                        )
                    },
                )
            };
            verdict.note(format!(
                "{}: {} on the server but not the phone [{}], on the phone but not the server [{}]",
                phone.person.email,
                path,
                on_server.difference(&on_phone).take(5).map(describe).collect::<Vec<_>>().join("; "),
                on_phone.difference(&on_server).take(5).map(describe).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    let campaigns_server: HashSet<i64> =
        api.all(&token, "campaigns", false).await?.iter().filter_map(|r| r["id"].as_i64()).collect();
    let campaigns_phone: HashSet<i64> =
        phone.store.server_rows(PullTable::Campaigns)?.iter().filter_map(|r| r["id"].as_i64()).collect();
    if campaigns_server != campaigns_phone {
        differs = true;
        verdict.note(format!("{}: campaigns differ from the server's", phone.person.email));
    }
    let extra = campaigns_phone.difference(&campaigns_server).count() as u64;
    if extra > 0 {
        verdict.out_of_scope += extra;
        verdict.note(format!("{} holds {extra} campaigns it may not see", phone.person.email));
    }
    if differs {
        verdict.views_differing += 1;
    }
    Ok(())
}

async fn check_photos(
    api: &Api<'_>,
    admin: &str,
    pool: &sqlx::MySqlPool,
    phones: &[std::sync::Arc<SimPhone>],
    verdict: &mut Verdict,
) -> anyhow::Result<()> {
    let stored: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM media_objects").fetch_all(pool).await?;
    let stored_set: HashSet<&str> = stored.iter().map(String::as_str).collect();
    verdict.photos = stored.len() as u64;
    for sha in &stored {
        let bytes =
            api.http.get(format!("{}/api/v1/media/{sha}", api.base)).bearer_auth(admin).send().await?.bytes().await?;
        if hex::encode(sha2::Sha256::digest(&bytes)) != *sha {
            verdict.photos_bad += 1;
            verdict.note(format!("photo {sha} does not match its hash"));
        }
    }
    for phone in phones {
        let made = phone.made.lock().map(|m| m.clone()).unwrap_or_default();
        for (uuid, _) in made {
            let Some(capture) = phone.store.capture(uuid)? else { continue };
            if capture.state != CaptureState::Synced || capture.deleted {
                continue;
            }
            for reference in references(&capture.data) {
                let local = phone.store.photo(&reference)?;
                let uploaded = local.as_ref().is_some_and(|p| p.state == "uploaded");
                if !uploaded || !stored_set.contains(reference.as_str()) {
                    verdict.photos_missing += 1;
                    verdict.note(format!(
                        "photo {reference} of {uuid}: on the phone {:?}, on the server {}",
                        local.map(|p| (p.state, p.received, p.bytes, p.error)),
                        stored_set.contains(reference.as_str())
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The photos a capture refers to.
fn references(data: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut found = Vec::new();
    let mut take = |value: &Value| {
        if let Some(sha) = value.as_str().and_then(|s| s.strip_prefix("media:")) {
            found.push(sha.to_owned());
        }
    };
    for value in data.values() {
        match value {
            Value::Array(items) => items.iter().for_each(&mut take),
            other => take(other),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_compare_by_value_and_objects_by_content() {
        assert!(same(&json!("450.00"), &json!("450.0")));
        assert!(same(&json!(2.5), &json!("2.50")));
        assert!(!same(&json!("450.00"), &json!("450.01")));
        assert!(same(&json!({"a": [1, "x"]}), &json!({"a": [1.0, "x"]})));
        assert!(!same(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    }

    #[test]
    fn photo_references_are_found_in_fields_and_lists() {
        let Value::Object(data) =
            json!({"bill_image": "media:abc", "photos_url": ["media:def", "x"], "notes": "media"})
        else {
            return;
        };
        let mut found = references(&data);
        found.sort();
        assert_eq!(found, vec!["abc".to_owned(), "def".to_owned()]);
    }
}
