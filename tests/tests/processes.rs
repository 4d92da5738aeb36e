//! The seed's business processes end to end through HTTP: campaigns and their vendors, cascading
//! deletes, expense approval, invoice to payment, the dashboards, and the change feed behind them.

use fleet_tests::{TestDb, TestServer, demo};
use reqwest::Method;
use serde_json::{Value, json};

async fn token(server: &TestServer, email: &str) -> anyhow::Result<String> {
    Ok(server.login(email, "demo-pass").await?.access_token)
}

async fn scalar(db: &TestDb, sql: &'static str, id: i64) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).bind(id).fetch_one(&db.pool).await?)
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[tokio::test]
async fn a_campaign_with_vendors_gets_placeholders_and_follows_its_vendor_list() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    let (status, campaign) = server
        .api(
            &ops,
            Method::POST,
            "/campaigns",
            Some(json!({"name": "Summer Campaign", "project_id": 1, "vendor_ids": [1, 2], "status": "planning"})),
        )
        .await?;
    assert_eq!(status, 201, "{campaign}");
    let id = campaign["id"].as_i64().unwrap_or_default();
    assert_eq!(campaign["vendor_names"], json!(["Nandi Fleet Services", "Shree Balaji Travels"]));
    let placeholders: Vec<String> = sqlx::query_scalar(
        "SELECT invoice_number FROM invoices WHERE campaign_id = ? AND is_active = TRUE ORDER BY vendor_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    assert_eq!(placeholders, vec![format!("PLACEHOLDER-{id}-1"), format!("PLACEHOLDER-{id}-2")]);

    // Vendor 1 out, vendor 3 in.
    let (status, changed) =
        server.api(&ops, Method::PATCH, &format!("/campaigns/{id}"), Some(json!({"vendor_ids": [2, 3]}))).await?;
    assert_eq!(status, 200, "{changed}");
    // Listed by vendor name, ids in the same order.
    assert_eq!(changed["vendor_names"], json!(["Malnad Roadways", "Nandi Fleet Services"]));
    assert_eq!(changed["vendor_ids"], json!([3, 2]));
    let active = scalar(&db, "SELECT COUNT(*) FROM invoices WHERE campaign_id = ? AND is_active = TRUE", id).await?;
    let kept = scalar(&db, "SELECT COUNT(*) FROM invoices WHERE campaign_id = ?", id).await?;
    assert_eq!((active, kept), (2, 3), "the removed vendor's placeholder is soft-deleted, not dropped");

    // Vendor 1 no longer sees it; vendor 2 does.
    let vendor = token(&server, "vendor@demo.test").await?;
    let vendor2 = token(&server, "vendor2@demo.test").await?;
    assert_eq!(server.api(&vendor, Method::GET, &format!("/campaigns/{id}"), None).await?.0, 404);
    assert_eq!(server.api(&vendor2, Method::GET, &format!("/campaigns/{id}"), None).await?.0, 200);

    // Deleting the campaign takes its placeholders with it.
    assert_eq!(server.api(&ops, Method::DELETE, &format!("/campaigns/{id}"), None).await?.0, 204);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invoices WHERE campaign_id = ? AND is_active = TRUE", id).await?, 0);
    assert_eq!(server.api(&ops, Method::GET, &format!("/campaigns/{id}"), None).await?.0, 404);
    let feed = scalar(
        &db,
        "SELECT COUNT(*) FROM change_feed WHERE table_name = 'campaigns' AND row_id = ? AND op = 'delete'",
        id,
    )
    .await?;
    assert_eq!(feed, 1, "phones learn the campaign is gone");
    Ok(())
}

#[tokio::test]
async fn unknown_vendors_are_refused_and_nothing_is_made() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    let before = scalar(&db, "SELECT COUNT(*) FROM campaigns WHERE id > ?", 0).await?;
    let (status, body) = server
        .api(&ops, Method::POST, "/campaigns", Some(json!({"name": "Ghost", "project_id": 1, "vendor_ids": [999]})))
        .await?;
    assert_eq!((status.as_u16(), body["error"]["details"]["fields"][0]["field"].as_str()), (422, Some("vendor_ids")));
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM campaigns WHERE id > ?", 0).await?, before);
    Ok(())
}

#[tokio::test]
async fn deleting_a_client_soft_deletes_its_projects_and_their_campaigns() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let cs = token(&server, "client_servicing@demo.test").await?;
    let other_campaigns = scalar(&db, "SELECT COUNT(*) FROM campaigns c JOIN projects p ON p.id = c.project_id WHERE p.client_id <> ? AND c.is_active", 1).await?;
    assert_eq!(server.api(&cs, Method::DELETE, "/clients/1", None).await?.0, 204);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM projects WHERE client_id = ? AND is_active", 1).await?, 0);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM campaigns c JOIN projects p ON p.id = c.project_id WHERE p.client_id = ? AND c.is_active", 1).await?,
        0
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM invoices i JOIN campaigns c ON c.id = i.campaign_id JOIN projects p ON p.id = c.project_id WHERE p.client_id = ? AND i.is_active", 1).await?,
        0,
        "their placeholders go too"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM campaigns c JOIN projects p ON p.id = c.project_id WHERE p.client_id <> ? AND c.is_active", 1).await?,
        other_campaigns,
        "other clients keep theirs"
    );
    assert!(
        scalar(&db, "SELECT COUNT(*) FROM clients WHERE id = ? AND is_active = FALSE", 1).await? == 1,
        "soft, not hard"
    );

    // An admin sees it among deleted rows and brings it back.
    let admin = token(&server, "admin@demo.test").await?;
    let (_, deleted) = server.api(&admin, Method::GET, "/clients?include_deleted=true", None).await?;
    assert!(deleted["items"].as_array().is_some_and(|i| i.iter().any(|c| c["id"] == 1 && c["is_active"] == false)));
    let (status, restored) = server.api(&admin, Method::POST, "/clients/1/restore", None).await?;
    assert_eq!((status.as_u16(), &restored["is_active"]), (200, &Value::Bool(true)));
    assert_eq!(
        server.api(&cs, Method::GET, "/clients?include_deleted=true", None).await?.0,
        403,
        "only admins see deleted rows"
    );
    Ok(())
}

#[tokio::test]
async fn an_expense_is_approved_once_and_then_locked() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let driver = token(&server, "driver@demo.test").await?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    let (status, expense) = server
        .api(&driver, Method::POST, "/expenses", Some(json!({"campaign_id": 1, "expense_type": "fuel", "amount": "2450.00", "submitted_date": today(), "description": "Diesel, NH-48"})))
        .await?;
    assert_eq!(status, 201, "{expense}");
    assert_eq!(expense["status"], "pending");
    let id = expense["id"].as_i64().unwrap_or_default();

    assert_eq!(
        server.api(&driver, Method::POST, &format!("/expenses/{id}/approve"), None).await?.0,
        403,
        "a driver cannot approve"
    );
    let (status, approved) = server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (approved["status"].as_str(), approved["approved_date"].as_str()),
        (Some("approved"), Some(today().as_str()))
    );

    for action in ["approve", "reject"] {
        let (status, body) = server.api(&ops, Method::POST, &format!("/expenses/{id}/{action}"), None).await?;
        assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("expense_not_pending")), "{action}");
    }
    let (status, body) =
        server.api(&ops, Method::PATCH, &format!("/expenses/{id}"), Some(json!({"amount": "1.00"}))).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("expense_locked")));

    // The summary counts it.
    let (_, summary) = server.api(&ops, Method::GET, "/summary", None).await?;
    assert_eq!(summary["approved_expenses_today"], json!({"count": 1, "amount": "2450.00"}));
    Ok(())
}

#[tokio::test]
async fn a_rejected_expense_carries_the_reason_to_the_driver() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let driver = token(&server, "driver@demo.test").await?;
    let accounts = token(&server, "accounts@demo.test").await?;
    let (_, expense) = server
        .api(
            &driver,
            Method::POST,
            "/expenses",
            Some(json!({"campaign_id": 1, "expense_type": "food", "amount": "300.00", "submitted_date": today()})),
        )
        .await?;
    let id = expense["id"].as_i64().unwrap_or_default();
    let (status, rejected) = server
        .api(&accounts, Method::POST, &format!("/expenses/{id}/reject"), Some(json!({"note": "No bill photo"})))
        .await?;
    assert_eq!(status, 200, "{rejected}");
    let (_, seen) = server.api(&driver, Method::GET, &format!("/expenses/{id}"), None).await?;
    assert_eq!((seen["status"].as_str(), seen["review_note"].as_str()), (Some("rejected"), Some("No bill photo")));
    assert!(seen["approved_date"].is_null());
    let (status, body) = server.api(&accounts, Method::POST, &format!("/expenses/{id}/approve"), None).await?;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("expense_not_pending")),
        "approving a rejected expense"
    );
    Ok(())
}

#[tokio::test]
async fn an_invoice_goes_from_placeholder_to_paid() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let vendor = token(&server, "vendor@demo.test").await?;
    let accounts = token(&server, "accounts@demo.test").await?;
    let (_, invoices) = server.api(&vendor, Method::GET, "/invoices?campaign_id=1", None).await?;
    let placeholder = invoices["items"][0].clone();
    let id = placeholder["id"].as_i64().unwrap_or_default();
    assert!(placeholder["invoice_number"].as_str().is_some_and(|n| n.starts_with("PLACEHOLDER-")));

    let (status, body) =
        server.api(&vendor, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"status": "submitted"}))).await?;
    assert_eq!(
        (status.as_u16(), body["error"]["details"]["fields"][0]["field"].as_str()),
        (422, Some("invoice_number")),
        "a real number first"
    );
    let (status, body) =
        server.api(&vendor, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"vendor_id": 2}))).await?;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (403, Some("forbidden_field")),
        "a vendor never moves an invoice"
    );
    let (status, submitted) = server
        .api(&vendor, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"invoice_number": "SBT-2026-0042", "amount": "48500.00", "invoice_date": today(), "status": "submitted"})))
        .await?;
    assert_eq!((status.as_u16(), submitted["status"].as_str()), (200, Some("submitted")), "{submitted}");

    let pay = json!({"invoice_id": id, "vendor_id": 1, "amount": "48500.00", "payment_method": "upi"});
    let (status, body) = server.api(&accounts, Method::POST, "/payments", Some(pay.clone())).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("invoice_not_approved")));
    let (status, _) =
        server.api(&vendor, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"status": "approved"}))).await?;
    assert_eq!(status, 403, "a vendor cannot approve its own invoice");
    let (status, _) =
        server.api(&accounts, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"status": "approved"}))).await?;
    assert_eq!(status, 200);
    let (status, body) =
        server.api(&accounts, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"status": "paid"}))).await?;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("invoice_locked")),
        "paid only through a payment"
    );
    let (status, body) =
        server.api(&vendor, Method::PATCH, &format!("/invoices/{id}"), Some(json!({"amount": "99999.00"}))).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("invoice_locked")));

    let (status, payment) = server.api(&accounts, Method::POST, "/payments", Some(pay.clone())).await?;
    assert_eq!((status.as_u16(), payment["status"].as_str()), (201, Some("pending")), "{payment}");
    let (status, body) = server.api(&accounts, Method::POST, "/payments", Some(pay)).await?;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (409, Some("payment_exists")),
        "one payment per invoice"
    );
    let payment_id = payment["id"].as_i64().unwrap_or_default();
    let (status, done) = server
        .api(
            &accounts,
            Method::PATCH,
            &format!("/payments/{payment_id}"),
            Some(json!({"status": "completed", "transaction_reference": "UPI-77812"})),
        )
        .await?;
    assert_eq!((status.as_u16(), done["payment_date"].as_str()), (200, Some(today().as_str())));
    let (_, invoice) = server.api(&vendor, Method::GET, &format!("/invoices/{id}"), None).await?;
    assert_eq!(invoice["status"], "paid");
    let (status, body) = server
        .api(&accounts, Method::PATCH, &format!("/payments/{payment_id}"), Some(json!({"status": "failed"})))
        .await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("payment_locked")));

    // The vendor's dashboard shows its payment.
    let (_, dashboard) = server.api(&vendor, Method::GET, "/vendor-dashboard", None).await?;
    assert!(dashboard["payments"].as_array().is_some_and(|p| p.iter().any(|p| p["id"] == payment_id)));
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM payments WHERE invoice_id = ?", id).await?, 1);
    Ok(())
}

#[tokio::test]
async fn paying_an_unapproved_invoice_directly_is_refused() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let accounts = token(&server, "accounts@demo.test").await?;
    let (status, invoice) = server
        .api(
            &accounts,
            Method::POST,
            "/invoices",
            Some(json!({"invoice_number": "MR-7781", "vendor_id": 3, "amount": "1200.00", "status": "paid"})),
        )
        .await?;
    assert_eq!((status.as_u16(), invoice["error"]["code"].as_str()), (409, Some("invalid_transition")));
    Ok(())
}

#[tokio::test]
async fn the_vendor_dashboard_shows_only_the_vendors_own_work() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let vendor = token(&server, "vendor@demo.test").await?;
    let (status, dashboard) = server.api(&vendor, Method::GET, "/vendor-dashboard", None).await?;
    assert_eq!(status, 200, "{dashboard}");
    let expected: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT campaign_id FROM invoices WHERE vendor_id = 1 AND is_active ORDER BY campaign_id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    let shown: Vec<i64> = dashboard["campaigns"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(shown, expected);
    assert!(dashboard["invoices"].as_array().is_some_and(|i| !i.is_empty() && i.iter().all(|i| i["vendor_id"] == 1)));
    assert_eq!(dashboard["vehicles"], 3);
    assert_eq!(dashboard["drivers"], 3);
    let admin = token(&server, "admin@demo.test").await?;
    assert_eq!(server.api(&admin, Method::GET, "/vendor-dashboard", None).await?.0, 403);
    Ok(())
}

#[tokio::test]
async fn expiring_documents_are_listed_within_the_window_and_in_scope() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let admin = token(&server, "admin@demo.test").await?;
    let (status, month) = server.api(&admin, Method::GET, "/compliance/expiring?days=30", None).await?;
    assert_eq!(status, 200);
    let vehicles = month["vehicles"].as_array().map(Vec::len).unwrap_or_default();
    assert_eq!(vehicles, 6, "{month}");
    assert_eq!(month["drivers"].as_array().map(Vec::len), Some(2));
    let (_, week) = server.api(&admin, Method::GET, "/compliance/expiring?days=7", None).await?;
    assert_eq!(week["vehicles"].as_array().map(Vec::len), Some(1), "only KA-19-U-8876's permit (4 days)");
    assert_eq!(
        week["vehicles"][0]["documents"],
        json!([{"document": "permit", "expires_on": (chrono::Utc::now().date_naive() + chrono::Duration::days(4)).to_string()}])
    );
    let (status, body) = server.api(&admin, Method::GET, "/compliance/expiring?days=soon", None).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (400, Some("invalid_query")));
    let vendor2 = token(&server, "vendor2@demo.test").await?;
    let (_, theirs) = server.api(&vendor2, Method::GET, "/compliance/expiring?days=30", None).await?;
    assert!(theirs["vehicles"].as_array().is_some_and(|v| !v.is_empty() && v.iter().all(|v| v["vendor_id"] == 2)));
    Ok(())
}

#[tokio::test]
async fn every_write_to_a_pulled_table_is_in_the_change_feed() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let before = scalar(&db, "SELECT COALESCE(MAX(seq), 0) FROM change_feed WHERE seq > ?", -1).await?;
    let driver = token(&server, "driver@demo.test").await?;
    let ops = token(&server, "operations_manager@demo.test").await?;
    let (_, expense) = server
        .api(
            &driver,
            Method::POST,
            "/expenses",
            Some(json!({"campaign_id": 1, "expense_type": "toll", "amount": "85.00", "submitted_date": today()})),
        )
        .await?;
    let id = expense["id"].as_i64().unwrap_or_default();
    server.api(&ops, Method::POST, &format!("/expenses/{id}/approve"), None).await?;
    server.api(&ops, Method::PATCH, "/campaigns/1", Some(json!({"description": "Extended to Malavalli"}))).await?;
    let changes: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT table_name, row_id, CAST(op AS CHAR) FROM change_feed WHERE seq > ? ORDER BY seq")
            .bind(before)
            .fetch_all(&db.pool)
            .await?;
    assert_eq!(
        changes,
        vec![
            ("expenses".to_owned(), id, "upsert".to_owned()),
            ("expenses".to_owned(), id, "upsert".to_owned()),
            ("campaigns".to_owned(), 1, "upsert".to_owned())
        ]
    );
    let uuid: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT row_uuid FROM change_feed WHERE table_name = 'expenses' AND seq > ? LIMIT 1")
            .bind(before)
            .fetch_one(&db.pool)
            .await?;
    assert_eq!(
        uuid.map(|u| uuid::Uuid::from_slice(&u).map(|u| u.to_string()).unwrap_or_default()).as_deref(),
        expense["uuid"].as_str()
    );
    Ok(())
}

#[tokio::test]
async fn an_invoice_that_links_a_vendor_to_a_campaign_puts_the_campaign_in_the_feed() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let accounts = token(&server, "accounts@demo.test").await?;
    let campaign_changes = |db: &TestDb| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM change_feed WHERE table_name = 'campaigns' AND row_id = 2",
            )
            .fetch_one(&pool)
            .await
        }
    };
    let start = campaign_changes(&db).await?;
    let (status, invoice) = server
        .api(
            &accounts,
            Method::POST,
            "/invoices",
            Some(json!({"invoice_number": "CC-1207", "vendor_id": 4, "campaign_id": 2, "amount": "5200.00"})),
        )
        .await?;
    assert_eq!(status, 201, "{invoice}");
    assert_eq!(campaign_changes(&db).await?, start + 1, "the campaign now reaches vendor 4's drivers");
    let id = invoice["id"].as_i64().unwrap_or_default();
    server
        .api(
            &accounts,
            Method::PATCH,
            &format!("/invoices/{id}"),
            Some(json!({"invoice_file": "https://files.example/cc-1207.pdf"})),
        )
        .await?;
    assert_eq!(campaign_changes(&db).await?, start + 1, "a change that moves nothing records nothing");
    assert_eq!(server.api(&accounts, Method::DELETE, &format!("/invoices/{id}"), None).await?.0, 204);
    assert_eq!(campaign_changes(&db).await?, start + 2, "and leaves them again");
    Ok(())
}

#[tokio::test]
async fn an_admin_deleting_a_user_or_changing_a_role_applies_to_their_next_request() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let admin = token(&server, "admin@demo.test").await?;
    let sales = token(&server, "sales@demo.test").await?;
    let operator = token(&server, "operator@demo.test").await?;
    let id_of = |email: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = ?").bind(email).fetch_one(&pool).await
        }
    };

    assert_eq!(server.api(&sales, Method::GET, "/invoices", None).await?.0, 403);
    let sales_id = id_of("sales@demo.test").await?;
    let (status, changed) =
        server.api(&admin, Method::PATCH, &format!("/users/{sales_id}"), Some(json!({"role": "accounts"}))).await?;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(server.api(&sales, Method::GET, "/invoices", None).await?.0, 200, "the new role applies at once");

    let operator_id = id_of("operator@demo.test").await?;
    assert_eq!(server.api(&admin, Method::DELETE, &format!("/users/{operator_id}"), None).await?.0, 204);
    let (status, body) = server.api(&operator, Method::GET, "/auth/me", None).await?;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (401, Some("session_revoked")));
    let (status, _) =
        server.api(&admin, Method::PATCH, &format!("/users/{sales_id}"), Some(json!({"role": "driver"}))).await?;
    assert_eq!(status, 422, "a driver account needs its driver row");
    Ok(())
}
