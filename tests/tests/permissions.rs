//! The role matrix, tried call by call: for every role, resource and action of
//! `sync_server::auth::matrix::MATRIX`, the allowed calls succeed and the others are refused
//! (403, or 404 where a row outside the user's scope must not be revealed), and a refused call
//! changes nothing in the database. Scoped roles also try the other tenant's rows: vendor A on
//! vendor B's vehicles, invoices and payments, client A on client B's projects, driver A on
//! driver B's expenses, promoter A on promoter B's activities.

use std::collections::BTreeMap;

use fleet_tests::{TestDb, TestServer};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Map, Value, json};
use shared_model::Role;
use sqlx::Row;
use sync_server::auth::matrix::{self, Action, Resource, Scope, Writable};

/// One signed-in demo user and the rows its scope hangs on.
#[derive(Debug, Clone)]
struct Login {
    role: Role,
    token: String,
    vendor_id: Option<i64>,
    client_id: Option<i64>,
    driver_id: Option<i64>,
    promoter_id: Option<i64>,
}

struct World {
    db: TestDb,
    server: TestServer,
    http: Client,
    counter: std::cell::Cell<u32>,
}

impl World {
    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    async fn call(
        &self,
        login: &Login,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request =
            self.http.request(method, self.server.url(&format!("/api/v1{path}"))).bearer_auth(&login.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    async fn id(&self, sql: &'static str, bind: i64) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(sql).bind(bind).fetch_one(&self.db.pool).await?)
    }

    async fn insert(&self, sql: String) -> anyhow::Result<i64> {
        let result = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&self.db.pool).await?;
        Ok(i64::try_from(result.last_insert_id())?)
    }

    /// A checksum of every table the API writes, and of the change feed.
    async fn fingerprint(&self) -> anyhow::Result<Vec<(String, Option<i64>)>> {
        let rows = sqlx::query(
            "CHECKSUM TABLE users, clients, projects, campaigns, vendors, vehicles, drivers, promoters,
             promoter_activities, expenses, invoices, payments, reports, change_feed, auth_sessions",
        )
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<Option<i64>, _>(1)?))).collect()
    }
}

/// The tenant links of the other account of the same kind (vendor2, client2, ...).
struct Others {
    vendor_id: i64,
    client_id: i64,
    driver_id: i64,
    promoter_id: i64,
}

/// Who a fixture row belongs to.
#[derive(Clone, Copy)]
struct Owner {
    vendor_id: i64,
    client_id: i64,
    driver_id: i64,
    promoter_id: i64,
}

impl Owner {
    fn of(login: &Login, fallback: &Owner) -> Owner {
        Owner {
            vendor_id: login.vendor_id.unwrap_or(fallback.vendor_id),
            client_id: login.client_id.unwrap_or(fallback.client_id),
            driver_id: login.driver_id.unwrap_or(fallback.driver_id),
            promoter_id: login.promoter_id.unwrap_or(fallback.promoter_id),
        }
    }
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// A fresh row of `resource` belonging to `owner`, made directly in the database. Rows that are
/// the owner's own record (its client, driver, vehicle, promoter) are returned as they are.
async fn fixture(world: &World, resource: Resource, owner: Owner, own_record: bool) -> anyhow::Result<i64> {
    let n = world.next();
    let t = today();
    let campaign_for = |owner: Owner| {
        format!(
            "INSERT INTO campaigns (name, project_id, campaign_type, status) VALUES ('Fixture campaign {n}', \
             (SELECT id FROM projects WHERE client_id = {} ORDER BY id LIMIT 1), 'btl', 'running')",
            owner.client_id
        )
    };
    Ok(match resource {
        Resource::Clients if own_record => owner.client_id,
        Resource::Vendors if own_record => owner.vendor_id,
        Resource::Drivers if own_record => owner.driver_id,
        Resource::Promoters if own_record => owner.promoter_id,
        Resource::Vehicles if own_record => {
            world.id("SELECT vehicle_id FROM drivers WHERE id = ?", owner.driver_id).await?
        }
        Resource::Users => {
            world
                .insert(format!(
                    "INSERT INTO users (email, name, password_hash, role) VALUES ('fixture{n}@demo.test', 'Fixture {n}', 'x', 'sales')"
                ))
                .await?
        }
        Resource::Clients => world.insert(format!("INSERT INTO clients (name) VALUES ('Fixture client {n}')")).await?,
        Resource::Vendors => world.insert(format!("INSERT INTO vendors (name) VALUES ('Fixture vendor {n}')")).await?,
        Resource::Promoters => world.insert(format!("INSERT INTO promoters (name) VALUES ('Fixture promoter {n}')")).await?,
        Resource::Projects => {
            world.insert(format!("INSERT INTO projects (name, client_id) VALUES ('Fixture project {n}', {})", owner.client_id)).await?
        }
        Resource::Campaigns => {
            let campaign = world.insert(campaign_for(owner)).await?;
            world
                .insert(format!(
                    "INSERT INTO invoices (invoice_number, vendor_id, campaign_id) VALUES ('PLACEHOLDER-{campaign}-{0}', {0}, {campaign})",
                    owner.vendor_id
                ))
                .await?;
            campaign
        }
        Resource::Vehicles => {
            world
                .insert(format!("INSERT INTO vehicles (vehicle_number, vendor_id) VALUES ('FX-{n}', {})", owner.vendor_id))
                .await?
        }
        Resource::Drivers => {
            world.insert(format!("INSERT INTO drivers (name, vendor_id) VALUES ('Fixture driver {n}', {})", owner.vendor_id)).await?
        }
        Resource::Invoices => {
            world
                .insert(format!("INSERT INTO invoices (invoice_number, vendor_id, amount) VALUES ('FX-INV-{n}', {}, 10)", owner.vendor_id))
                .await?
        }
        Resource::Payments => {
            let invoice = world
                .insert(format!(
                    "INSERT INTO invoices (invoice_number, vendor_id, amount, status) VALUES ('FX-PAID-{n}', {}, 10, 'approved')",
                    owner.vendor_id
                ))
                .await?;
            world
                .insert(format!("INSERT INTO payments (amount, invoice_id, vendor_id) VALUES (10, {invoice}, {})", owner.vendor_id))
                .await?
        }
        Resource::PromoterActivities => {
            world
                .insert(format!(
                    "INSERT INTO promoter_activities (uuid, promoter_id, campaign_id, village_name, activity_date) \
                     VALUES (UNHEX(REPLACE(UUID(), '-', '')), {}, (SELECT MIN(c.id) FROM campaigns c JOIN projects p \
                     ON p.id = c.project_id WHERE p.client_id = {}), 'Fixture village {n}', '{t}')",
                    owner.promoter_id, owner.client_id
                ))
                .await?
        }
        Resource::Expenses => {
            world
                .insert(format!(
                    "INSERT INTO expenses (uuid, campaign_id, driver_id, expense_type, amount, submitted_date) \
                     VALUES (UNHEX(REPLACE(UUID(), '-', '')), (SELECT MIN(id) FROM campaigns), {}, 'toll', 55, '{t}')",
                    owner.driver_id
                ))
                .await?
        }
        Resource::Reports => {
            world
                .insert(format!(
                    "INSERT INTO reports (uuid, campaign_id, driver_id, report_date) \
                     VALUES (UNHEX(REPLACE(UUID(), '-', '')), (SELECT MIN(id) FROM campaigns), {}, '{t}')",
                    owner.driver_id
                ))
                .await?
        }
    })
}

/// Rows that are a scoped user's own record rather than something it owns.
fn is_own_record(resource: Resource, scope: Scope) -> bool {
    matches!(
        (resource, scope),
        (Resource::Clients, Scope::OwnClient)
            | (Resource::Vendors, Scope::OwnVendor)
            | (Resource::Drivers | Resource::Vehicles, Scope::OwnDriver)
            | (Resource::Promoters, Scope::OwnPromoter)
    )
}

/// A valid body to create a `resource` as `login` (only the fields its grant may write).
async fn create_body(world: &World, login: &Login, resource: Resource, owner: Owner) -> anyhow::Result<Value> {
    let n = world.next();
    let t = today();
    // A running campaign every field user can work on: assigned to the owner's vendor.
    let campaign = fixture(world, Resource::Campaigns, owner, false).await?;
    let mut body = match resource {
        Resource::Users => {
            json!({"email": format!("new{n}@demo.test"), "name": "New Person", "role": "sales", "password": "a-long-password"})
        }
        Resource::Clients => json!({"name": format!("New client {n}")}),
        Resource::Vendors => json!({"name": format!("New vendor {n}")}),
        Resource::Promoters => json!({"name": format!("New promoter {n}")}),
        Resource::Projects => json!({"name": format!("New project {n}"), "client_id": owner.client_id}),
        Resource::Campaigns => json!({"name": format!("New campaign {n}"),
            "project_id": world.id("SELECT id FROM projects WHERE client_id = ? ORDER BY id LIMIT 1", owner.client_id).await?}),
        Resource::Vehicles => json!({"vehicle_number": format!("NEW-{n}"), "vendor_id": owner.vendor_id}),
        Resource::Drivers => json!({"name": format!("New driver {n}"), "vendor_id": owner.vendor_id}),
        Resource::Invoices => {
            json!({"invoice_number": format!("NEW-INV-{n}"), "vendor_id": owner.vendor_id, "amount": "10.00"})
        }
        Resource::Payments => {
            let invoice = world
                .insert(format!(
                    "INSERT INTO invoices (invoice_number, vendor_id, amount, status) VALUES ('TO-PAY-{n}', {}, 10, 'approved')",
                    owner.vendor_id
                ))
                .await?;
            json!({"invoice_id": invoice, "vendor_id": owner.vendor_id, "amount": "10.00"})
        }
        Resource::PromoterActivities => json!({"campaign_id": campaign, "village_name": format!("Village {n}"),
            "activity_date": t, "promoter_id": owner.promoter_id}),
        Resource::Expenses => json!({"campaign_id": campaign, "expense_type": "toll", "amount": "45.00",
            "submitted_date": t, "driver_id": owner.driver_id}),
        Resource::Reports => json!({"campaign_id": campaign, "report_date": t, "driver_id": owner.driver_id}),
    };
    // Keys the role may not write are left out: the server sets them from the user's links.
    if let (Some(grant), Value::Object(map)) = (matrix::grant(login.role, resource), &mut body)
        && let Writable::Only(_) = grant.writable
    {
        map.retain(|k, _| grant.writable.allows(k));
    }
    Ok(body)
}

/// A change to one field the role may write (or, for roles that may not write, any field).
fn patch_body(login: &Login, resource: Resource) -> Value {
    let options: Vec<(&str, Value)> = match resource {
        Resource::Users => vec![("name", json!("Renamed Person"))],
        Resource::Clients | Resource::Vendors | Resource::Promoters => vec![("phone", json!("+91 99999 00000"))],
        Resource::Projects | Resource::Campaigns => vec![("description", json!("Changed by the permission test"))],
        Resource::Vehicles => vec![("capacity", json!("2 t")), ("vehicle_type", json!("van"))],
        Resource::Drivers => vec![("phone", json!("+91 99999 00000")), ("license_number", json!("KA99 2026000001"))],
        Resource::Invoices => vec![("invoice_date", json!(today()))],
        Resource::Payments => vec![("remarks", json!("Changed by the permission test"))],
        Resource::PromoterActivities => vec![("remarks", json!("Changed by the permission test"))],
        Resource::Expenses => vec![("description", json!("Changed by the permission test"))],
        Resource::Reports => vec![("notes", json!("Changed by the permission test"))],
    };
    let grant = matrix::grant(login.role, resource);
    let chosen = options
        .iter()
        .find(|(field, _)| grant.is_some_and(|g| g.writable.allows(field)))
        .or_else(|| options.first())
        .cloned();
    let mut map = Map::new();
    if let Some((field, value)) = chosen {
        map.insert(field.to_owned(), value);
    }
    Value::Object(map)
}

fn expected(login: &Login, resource: Resource, action: Action, success: StatusCode) -> StatusCode {
    if matrix::allows(login.role, resource, action) { success } else { StatusCode::FORBIDDEN }
}

/// Rows of another tenant of the same kind: the second demo accounts' for the first ones, and
/// the first ones' for everybody else.
fn other_tenant(login: &Login, others: &Others, base: Owner) -> Option<Owner> {
    let second = |mine: Option<i64>, theirs: i64| mine == Some(theirs);
    match login.role {
        Role::Vendor if second(login.vendor_id, others.vendor_id) => Some(base),
        Role::Vendor => Some(Owner { vendor_id: others.vendor_id, ..base }),
        Role::Client if second(login.client_id, others.client_id) => Some(base),
        Role::Client => Some(Owner { client_id: others.client_id, ..base }),
        Role::Driver if second(login.driver_id, others.driver_id) => Some(base),
        Role::Driver => Some(Owner { driver_id: others.driver_id, vendor_id: others.vendor_id, ..base }),
        Role::Promoter | Role::Anchor if second(login.promoter_id, others.promoter_id) => Some(base),
        Role::Promoter | Role::Anchor => Some(Owner { promoter_id: others.promoter_id, ..base }),
        _ => None,
    }
}

/// Counts checks and collects the failures, so that one run reports all of them.
#[derive(Default)]
struct Tally {
    checked: usize,
    failures: Vec<String>,
}

impl Tally {
    fn expect(&mut self, email: &str, what: &str, got: StatusCode, want: StatusCode, changed: Option<bool>) {
        self.checked += 1;
        if got != want {
            self.failures.push(format!("{email} {what}: got {got}, expected {want}"));
        }
        if changed == Some(true) {
            self.failures.push(format!("{email} {what}: refused, yet the database changed"));
        }
    }
}

async fn links_of(world: &World, email: &str) -> anyhow::Result<(Option<i64>, Option<i64>, Option<i64>, Option<i64>)> {
    Ok(sqlx::query_as("SELECT vendor_id, client_id, driver_id, promoter_id FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(&world.db.pool)
        .await?)
}

/// Tries every resource and action as the demo account `email`.
async fn check_account(email: &'static str) -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let server = TestServer::start(&db).await?;
    let world = World { db, server, http: Client::new(), counter: std::cell::Cell::new(0) };

    let session = world.server.login(email, sync_server::demo::DEMO_PASSWORD).await?;
    let mut logins = BTreeMap::new();
    logins.insert(
        email,
        Login {
            role: session.user.role,
            token: session.access_token,
            vendor_id: session.user.vendor_id,
            client_id: session.user.client_id,
            driver_id: session.user.driver_id,
            promoter_id: session.user.promoter_id,
        },
    );
    let first = |links: (Option<i64>, Option<i64>, Option<i64>, Option<i64>)| links;
    let (vendor, client, driver, promoter) = (
        first(links_of(&world, "vendor@demo.test").await?).0,
        first(links_of(&world, "client@demo.test").await?).1,
        first(links_of(&world, "driver@demo.test").await?).2,
        first(links_of(&world, "promoter@demo.test").await?).3,
    );
    let base = Owner {
        vendor_id: vendor.unwrap_or_default(),
        client_id: client.unwrap_or_default(),
        driver_id: driver.unwrap_or_default(),
        promoter_id: promoter.unwrap_or_default(),
    };
    let others = Others {
        vendor_id: links_of(&world, "vendor2@demo.test").await?.0.unwrap_or_default(),
        client_id: links_of(&world, "client2@demo.test").await?.1.unwrap_or_default(),
        driver_id: links_of(&world, "driver2@demo.test").await?.2.unwrap_or_default(),
        promoter_id: links_of(&world, "promoter2@demo.test").await?.3.unwrap_or_default(),
    };

    let mut tally = Tally::default();
    for (email, login) in &logins {
        let owner = Owner::of(login, &base);
        for resource in Resource::ALL {
            let grant = matrix::grant(login.role, resource);
            let own_record = grant.is_some_and(|g| is_own_record(resource, g.scope));
            let mut expect = |what: String, got: StatusCode, want: StatusCode, changed: Option<bool>| {
                tally.expect(email, &what, got, want, changed);
            };

            // Read: one row and the list.
            let row = fixture(&world, resource, owner, own_record).await?;
            let (got, _) = world.call(login, Method::GET, &format!("/{}/{row}", resource.path()), None).await?;
            expect(
                format!("GET {}/{row}", resource.path()),
                got,
                expected(login, resource, Action::Read, StatusCode::OK),
                None,
            );
            let (got, body) = world.call(login, Method::GET, &format!("/{}?limit=1000", resource.path()), None).await?;
            expect(
                format!("GET {}", resource.path()),
                got,
                expected(login, resource, Action::Read, StatusCode::OK),
                None,
            );

            // Create.
            let body_in = create_body(&world, login, resource, owner).await?;
            let before = world.fingerprint().await?;
            let (got, created) =
                world.call(login, Method::POST, &format!("/{}", resource.path()), Some(&body_in)).await?;
            let want = expected(login, resource, Action::Create, StatusCode::CREATED);
            let changed = (want != StatusCode::CREATED).then_some(before != world.fingerprint().await?);
            expect(format!("POST {} {body_in} -> {created}", resource.path()), got, want, changed);

            // Update.
            let target = if own_record { row } else { fixture(&world, resource, owner, false).await? };
            let patch = patch_body(login, resource);
            let before = world.fingerprint().await?;
            let (got, answer) =
                world.call(login, Method::PATCH, &format!("/{}/{target}", resource.path()), Some(&patch)).await?;
            let want = expected(login, resource, Action::Update, StatusCode::OK);
            let changed = (want != StatusCode::OK).then_some(before != world.fingerprint().await?);
            expect(format!("PATCH {}/{target} {patch} -> {answer}", resource.path()), got, want, changed);

            // Delete.
            let target = if own_record { row } else { fixture(&world, resource, owner, false).await? };
            let before = world.fingerprint().await?;
            let (got, _) = world.call(login, Method::DELETE, &format!("/{}/{target}", resource.path()), None).await?;
            let want = expected(login, resource, Action::Delete, StatusCode::NO_CONTENT);
            let changed = (want != StatusCode::NO_CONTENT).then_some(before != world.fingerprint().await?);
            expect(format!("DELETE {}/{target}", resource.path()), got, want, changed);

            // Restore a deleted row.
            let target = fixture(&world, resource, owner, false).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {} SET is_active = FALSE WHERE id = {target}",
                resource.table()
            )))
            .execute(&world.db.pool)
            .await?;
            let before = world.fingerprint().await?;
            let (got, _) =
                world.call(login, Method::POST, &format!("/{}/{target}/restore", resource.path()), None).await?;
            let want = expected(login, resource, Action::Restore, StatusCode::OK);
            let changed = (want != StatusCode::OK).then_some(before != world.fingerprint().await?);
            expect(format!("POST {}/{target}/restore", resource.path()), got, want, changed);

            // The other tenant's rows: invisible (404) to a scoped role, and absent from its lists.
            let Some(grant) = grant else { continue };
            if grant.scope == Scope::All {
                continue;
            }
            let Some(other) = other_tenant(login, &others, base) else { continue };
            let foreign = fixture(&world, resource, other, own_record).await?;
            if foreign == row {
                continue;
            }
            if resource == Resource::Campaigns {
                // Running campaigns are every promoter's to see (SYNC-PROTOCOL.md, scope): the
                // other tenant's campaign is a finished one that only its own activity uses.
                sqlx::query("UPDATE campaigns SET status = 'completed' WHERE id = ?")
                    .bind(foreign)
                    .execute(&world.db.pool)
                    .await?;
                world
                    .insert(format!(
                        "INSERT INTO promoter_activities (uuid, promoter_id, campaign_id, village_name, activity_date) \
                         VALUES (UNHEX(REPLACE(UUID(), '-', '')), {}, {foreign}, 'Elsewhere', '{}')",
                        other.promoter_id,
                        today()
                    ))
                    .await?;
            }
            let (got, _) = world.call(login, Method::GET, &format!("/{}/{foreign}", resource.path()), None).await?;
            expect(format!("GET other tenant's {}/{foreign}", resource.path()), got, StatusCode::NOT_FOUND, None);
            if body["items"].is_array() {
                let (_, list) =
                    world.call(login, Method::GET, &format!("/{}?limit=1000", resource.path()), None).await?;
                let leaked = list["items"].as_array().is_some_and(|l| l.iter().any(|i| i["id"] == foreign));
                let what = format!("list of {} hides the other tenant's row {foreign}", resource.path());
                expect(what, if leaked { StatusCode::IM_A_TEAPOT } else { StatusCode::OK }, StatusCode::OK, None);
            }
            for (method, action, path, body) in [
                (
                    Method::PATCH,
                    Action::Update,
                    format!("/{}/{foreign}", resource.path()),
                    Some(patch_body(login, resource)),
                ),
                (Method::DELETE, Action::Delete, format!("/{}/{foreign}", resource.path()), None),
            ] {
                let before = world.fingerprint().await?;
                let (got, _) = world.call(login, method.clone(), &path, body.as_ref()).await?;
                let want = if grant.allows(action) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
                let changed = Some(before != world.fingerprint().await?);
                expect(format!("{method} other tenant's {path}"), got, want, changed);
            }
        }
    }
    assert!(tally.checked >= Resource::ALL.len() * 6, "only {} checks ran", tally.checked);
    assert!(
        tally.failures.is_empty(),
        "{} of {} checks failed:\n{}",
        tally.failures.len(),
        tally.checked,
        tally.failures.join("\n")
    );
    Ok(())
}

macro_rules! account_tests {
    ($($name:ident => $email:literal),+ $(,)?) => {$(
        #[tokio::test]
        async fn $name() -> anyhow::Result<()> {
            check_account($email).await
        }
    )+};
}

account_tests! {
    admin_gets_exactly_what_the_matrix_grants => "admin@demo.test",
    operations_manager_gets_exactly_what_the_matrix_grants => "operations_manager@demo.test",
    client_servicing_gets_exactly_what_the_matrix_grants => "client_servicing@demo.test",
    accounts_gets_exactly_what_the_matrix_grants => "accounts@demo.test",
    vendor_gets_exactly_what_the_matrix_grants => "vendor@demo.test",
    second_vendor_gets_exactly_what_the_matrix_grants => "vendor2@demo.test",
    client_gets_exactly_what_the_matrix_grants => "client@demo.test",
    second_client_gets_exactly_what_the_matrix_grants => "client2@demo.test",
    driver_gets_exactly_what_the_matrix_grants => "driver@demo.test",
    second_driver_gets_exactly_what_the_matrix_grants => "driver2@demo.test",
    promoter_gets_exactly_what_the_matrix_grants => "promoter@demo.test",
    second_promoter_gets_exactly_what_the_matrix_grants => "promoter2@demo.test",
    anchor_gets_exactly_what_the_matrix_grants => "anchor@demo.test",
    sales_gets_exactly_what_the_matrix_grants => "sales@demo.test",
    purchase_gets_exactly_what_the_matrix_grants => "purchase@demo.test",
    operator_gets_exactly_what_the_matrix_grants => "operator@demo.test",
    vehicle_manager_gets_exactly_what_the_matrix_grants => "vehicle_manager@demo.test",
    godown_manager_gets_exactly_what_the_matrix_grants => "godown_manager@demo.test",
}

#[test]
fn every_role_has_an_account_under_test() {
    let tested = [
        "admin",
        "operations_manager",
        "client_servicing",
        "accounts",
        "vendor",
        "client",
        "driver",
        "promoter",
        "anchor",
        "sales",
        "purchase",
        "operator",
        "vehicle_manager",
        "godown_manager",
    ];
    for role in Role::ALL {
        assert!(tested.contains(&role.as_str()), "{role} has no permission test");
    }
}
