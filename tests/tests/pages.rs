//! The manager pages over plain HTTP against the real server on MariaDB: sign-in and sessions,
//! CSRF refusals that change nothing, escaping of what phones send, tenants kept apart, the CSV
//! export. The browser walk through the same pages is `manager_pages.rs` (Playwright).

use fleet_tests::{TestDb, TestServer, cookie_of, demo};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

/// A browser without cookies of its own: the session cookie is carried by hand.
struct Browser {
    http: reqwest::Client,
    base: String,
    session: Option<String>,
}

impl Browser {
    fn new(server: &TestServer) -> anyhow::Result<Browser> {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(Browser { http, base: server.base_url.clone(), session: None })
    }

    /// Signs in through the form; returns the answer to the form's POST.
    async fn sign_in(&mut self, email: &str) -> anyhow::Result<reqwest::Response> {
        let form = self.http.get(format!("{}/login", self.base)).send().await?;
        let token = cookie_of(&form, "fleet_login").ok_or_else(|| anyhow::anyhow!("no sign-in cookie"))?;
        let answer = self
            .http
            .post(format!("{}/login", self.base))
            .header(COOKIE, format!("fleet_login={token}"))
            .form(&[("csrf", token.as_str()), ("email", email), ("password", "demo-pass")])
            .send()
            .await?;
        self.session = cookie_of(&answer, "fleet_session").filter(|s| !s.is_empty());
        Ok(answer)
    }

    async fn get(&self, path: &str) -> anyhow::Result<(StatusCode, String)> {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(session) = &self.session {
            request = request.header(COOKIE, format!("fleet_session={session}"));
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> anyhow::Result<reqwest::Response> {
        let mut request = self.http.post(format!("{}{path}", self.base)).form(fields);
        if let Some(session) = &self.session {
            request = request.header(COOKIE, format!("fleet_session={session}"));
        }
        Ok(request.send().await?)
    }

    /// The page's CSRF token.
    async fn csrf(&self) -> anyhow::Result<String> {
        let (_, page) = self.get("/expenses").await?;
        let token = page
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or_else(|| anyhow::anyhow!("no csrf meta"))?;
        Ok(token.to_owned())
    }
}

async fn scalar(db: &TestDb, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&db.pool).await?)
}

/// A pending expense of driver@demo.test, made in the database.
async fn pending_expense(db: &TestDb, description: &str) -> anyhow::Result<i64> {
    let result = sqlx::query(
        "INSERT INTO expenses (uuid, campaign_id, driver_id, expense_type, amount, description, submitted_date)
         VALUES (UNHEX(REPLACE(UUID(), '-', '')), (SELECT MIN(id) FROM campaigns),
                 (SELECT driver_id FROM users WHERE email = 'driver@demo.test'), 'fuel', 1234.50, ?, UTC_DATE())",
    )
    .bind(description)
    .execute(&db.pool)
    .await?;
    Ok(i64::try_from(result.last_insert_id())?)
}

#[tokio::test]
async fn a_page_without_a_session_sends_to_sign_in_and_comes_back() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let mut browser = Browser::new(&server)?;
    let response = browser.http.get(format!("{}/expenses?status=pending", server.base_url)).send().await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/login?next=%2Fexpenses%3Fstatus%3Dpending");

    let answer = browser.sign_in("operations_manager@demo.test").await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let cookie = answer
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("fleet_session="));
    let cookie = cookie.unwrap_or_default();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP on a LAN: {cookie}");
    let (status, page) = browser.get("/").await?;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Vikram Rao"), "the signed-in name shows");
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_and_a_driver_are_refused_the_pages() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let mut browser = Browser::new(&server)?;
    let form = browser.http.get(format!("{}/login", server.base_url)).send().await?;
    let token = cookie_of(&form, "fleet_login").unwrap_or_default();
    let wrong = browser
        .http
        .post(format!("{}/login", server.base_url))
        .header(COOKIE, format!("fleet_login={token}"))
        .form(&[("csrf", token.as_str()), ("email", "accounts@demo.test"), ("password", "not-it")])
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(cookie_of(&wrong, "fleet_session").is_none());
    assert!(wrong.text().await?.contains("Wrong email or password"));

    let driver = browser.sign_in("driver@demo.test").await?;
    assert_eq!(driver.status(), StatusCode::FORBIDDEN);
    assert!(browser.session.is_none(), "no session cookie for field staff");
    assert!(driver.text().await?.contains("phone app"));
    Ok(())
}

#[tokio::test]
async fn a_sign_in_form_posted_from_elsewhere_is_refused() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let browser = Browser::new(&server)?;
    let answer =
        browser.post("/login", &[("csrf", "guessed"), ("email", "admin@demo.test"), ("password", "demo-pass")]).await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(cookie_of(&answer, "fleet_session").is_none());
    Ok(())
}

#[tokio::test]
async fn a_review_posted_without_the_csrf_token_is_refused_and_changes_nothing() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let expense = pending_expense(&db, "Diesel").await?;
    let mut browser = Browser::new(&server)?;
    browser.sign_in("operations_manager@demo.test").await?;
    let id = expense.to_string();

    for fields in [
        vec![("ids", id.as_str()), ("action", "approve")],
        vec![("ids", id.as_str()), ("action", "approve"), ("csrf", "0000")],
    ] {
        let answer = browser.post("/expenses/review", &fields).await?;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
        assert!(answer.text().await?.contains("security token"));
    }
    let status =
        scalar(&db, &format!("SELECT CAST(status = 'pending' AS SIGNED) FROM expenses WHERE id = {expense}")).await?;
    assert_eq!(status, 1, "still pending");

    let csrf = browser.csrf().await?;
    let answer = browser.post("/expenses/review", &[("csrf", &csrf), ("ids", &id), ("action", "approve")]).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let status =
        scalar(&db, &format!("SELECT CAST(status = 'approved' AS SIGNED) FROM expenses WHERE id = {expense}")).await?;
    assert_eq!(status, 1, "approved with the token");
    let feed =
        scalar(&db, &format!("SELECT COUNT(*) FROM change_feed WHERE table_name = 'expenses' AND row_id = {expense}"))
            .await?;
    assert_eq!(feed, 1, "the approval is in the feed the driver's phone pulls");
    Ok(())
}

#[tokio::test]
async fn a_rejection_needs_a_note_and_an_already_reviewed_expense_is_left_as_it_is() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let first = pending_expense(&db, "Toll").await?;
    let second = pending_expense(&db, "Lunch").await?;
    let mut browser = Browser::new(&server)?;
    browser.sign_in("accounts@demo.test").await?;
    let csrf = browser.csrf().await?;
    let (a, b) = (first.to_string(), second.to_string());

    let no_note = browser.post("/expenses/review", &[("csrf", &csrf), ("ids", &a), ("action", "reject")]).await?;
    assert_eq!(no_note.status(), StatusCode::BAD_REQUEST);
    browser.post("/expenses/review", &[("csrf", &csrf), ("ids", &a), ("action", "approve")]).await?;
    let both = browser
        .post(
            "/expenses/review",
            &[("csrf", &csrf), ("ids", &a), ("ids", &b), ("action", "reject"), ("note", "No bill")],
        )
        .await?;
    let location = both.headers()[LOCATION].to_str()?.to_owned();
    assert!(location.contains("done=1") && location.contains("skipped=1"), "{location}");
    let states = scalar(
        &db,
        &format!(
            "SELECT CAST(SUM(id = {first} AND status = 'approved') + SUM(id = {second} AND status = 'rejected' AND review_note = 'No bill') AS SIGNED) FROM expenses"
        ),
    )
    .await?;
    assert_eq!(states, 2);
    let (_, page) = browser.get(&location).await?;
    assert!(page.contains("1 expense rejected."), "the notice says what happened");
    Ok(())
}

#[tokio::test]
async fn text_from_phones_is_shown_as_text() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    sqlx::query(
        "INSERT INTO promoter_activities (uuid, promoter_id, campaign_id, village_name, activity_date, remarks)
         VALUES (UNHEX(REPLACE(UUID(), '-', '')), (SELECT promoter_id FROM users WHERE email = 'promoter@demo.test'),
                 (SELECT MIN(id) FROM campaigns), '<script>alert(1)</script>', UTC_DATE(), '<b>bold</b> \" onmouseover=x')",
    )
    .execute(&db.pool)
    .await?;
    pending_expense(&db, "<img src=x onerror=alert(2)>").await?;
    let mut browser = Browser::new(&server)?;
    browser.sign_in("admin@demo.test").await?;
    let (_, activities) = browser.get("/activities").await?;
    assert!(activities.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!activities.contains("<script>alert(1)"));
    assert!(activities.contains("&lt;b&gt;bold&lt;/b&gt; &quot; onmouseover=x"));
    let (_, expenses) = browser.get("/expenses").await?;
    assert!(expenses.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(!expenses.contains("<img src=x"));
    Ok(())
}

#[tokio::test]
async fn a_vendor_sees_its_own_page_and_not_another_vendors() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let own = scalar(&db, "SELECT vendor_id FROM users WHERE email = 'vendor@demo.test'").await?;
    let other = scalar(&db, "SELECT vendor_id FROM users WHERE email = 'vendor2@demo.test'").await?;
    let foreign_campaign = scalar(
        &db,
        &format!(
            "SELECT MIN(c.id) FROM campaigns c WHERE c.id NOT IN (SELECT campaign_id FROM invoices WHERE vendor_id = {own} AND campaign_id IS NOT NULL)"
        ),
    )
    .await?;
    let mut browser = Browser::new(&server)?;
    let landed = browser.sign_in("vendor@demo.test").await?;
    assert_eq!(landed.headers()[LOCATION], "/vendor");

    let (status, page) = browser.get(&format!("/vendors/{own}")).await?;
    assert_eq!(status, StatusCode::OK);
    for section in ["id=\"vehicles\"", "id=\"drivers\"", "id=\"invoices\"", "id=\"payments\""] {
        assert!(page.contains(section), "{section}");
    }
    assert!(!page.contains("href=\"/expenses\""), "no expenses link for a vendor");
    assert_eq!(browser.get(&format!("/vendors/{other}")).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(browser.get(&format!("/campaigns/{foreign_campaign}")).await?.0, StatusCode::NOT_FOUND);
    assert_eq!(browser.get("/expenses").await?.0, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/conflicts").await?.0, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn the_csv_export_holds_the_filtered_rows() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let kept = pending_expense(&db, "=HYPERLINK(\"http://x\")").await?;
    let approved = pending_expense(&db, "Toll").await?;
    sqlx::query("UPDATE expenses SET status = 'approved' WHERE id = ?").bind(approved).execute(&db.pool).await?;
    let mut browser = Browser::new(&server)?;
    browser.sign_in("accounts@demo.test").await?;
    let (status, csv) = browser.get("/expenses.csv?status=pending").await?;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,submitted_date,driver"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with(&format!("{kept},"))));
    assert!(!lines.iter().any(|l| l.starts_with(&format!("{approved},"))), "approved left out by the filter");
    assert!(csv.contains("'=HYPERLINK"), "a formula stays text");
    let pending = scalar(&db, "SELECT COUNT(*) FROM expenses WHERE status = 'pending' AND is_active").await?;
    assert_eq!(i64::try_from(lines.len() - 1)?, pending);
    Ok(())
}

#[tokio::test]
async fn sign_out_ends_the_session() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let mut browser = Browser::new(&server)?;
    browser.sign_in("client@demo.test").await?;
    assert_eq!(browser.get("/client").await?.0, StatusCode::OK);
    let csrf = {
        let (_, page) = browser.get("/client").await?;
        page.split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let out = browser.post("/logout", &[("csrf", &csrf)]).await?;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/client").await?.0, StatusCode::SEE_OTHER, "the old cookie no longer works");
    Ok(())
}
