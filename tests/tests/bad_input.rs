//! Input a new user gets wrong: each answer is a 4xx with a stable code, and nothing is written.

use fleet_tests::{TestDb, TestServer, demo};
use reqwest::{Client, Method};
use serde_json::{Value, json};
use sqlx::Row;

async fn fingerprint(db: &TestDb) -> anyhow::Result<Vec<Option<i64>>> {
    let rows = sqlx::query("CHECKSUM TABLE campaigns, expenses, invoices, payments, vehicles, users, change_feed")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok(r.try_get::<Option<i64>, _>(1)?)).collect()
}

struct Case {
    what: &'static str,
    method: Method,
    path: &'static str,
    body: Body,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
}

enum Body {
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

async fn send(server: &TestServer, token: &str, case: &Case) -> anyhow::Result<(u16, Value)> {
    let request =
        Client::new().request(case.method.clone(), server.url(&format!("/api/v1{}", case.path))).bearer_auth(token);
    let request = match &case.body {
        Body::Json(value) => request.json(value),
        Body::Raw(content_type, bytes) => request.header("content-type", *content_type).body(bytes.clone()),
    };
    let response = request.send().await?;
    let status = response.status().as_u16();
    let body = response.bytes().await;
    Ok((
        status,
        body.map_or_else(
            |e| json!({"unreadable": e.to_string()}),
            |b| serde_json::from_slice(&b).unwrap_or(Value::Null),
        ),
    ))
}

#[tokio::test]
async fn bad_bodies_get_a_4xx_with_a_stable_code_and_change_nothing() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let admin = server.login("admin@demo.test", "demo-pass").await?.access_token;
    let expense = |extra: Value| {
        let mut body = json!({"campaign_id": 1, "expense_type": "fuel", "amount": "100.00", "submitted_date": today()});
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        Body::Json(body)
    };
    let cases = vec![
        Case {
            what: "malformed JSON",
            method: Method::POST,
            path: "/expenses",
            body: Body::Raw("application/json", b"{\"amount\": ".to_vec()),
            status: 400,
            code: "malformed_json",
            field: None,
        },
        Case {
            what: "not an object",
            method: Method::POST,
            path: "/expenses",
            body: Body::Json(json!([1, 2, 3])),
            status: 400,
            code: "malformed_json",
            field: None,
        },
        Case {
            what: "not JSON at all",
            method: Method::POST,
            path: "/expenses",
            body: Body::Raw("text/plain", b"amount=100".to_vec()),
            status: 415,
            code: "unsupported_media_type",
            field: None,
        },
        Case {
            what: "amount as a number",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"amount": 100})),
            status: 422,
            code: "validation_failed",
            field: Some("amount"),
        },
        Case {
            what: "amount with three places",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"amount": "10.005"})),
            status: 422,
            code: "validation_failed",
            field: Some("amount"),
        },
        Case {
            what: "negative amount",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"amount": "-50.00"})),
            status: 422,
            code: "validation_failed",
            field: Some("amount"),
        },
        Case {
            what: "campaign id as text",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"campaign_id": "ten"})),
            status: 422,
            code: "validation_failed",
            field: Some("campaign_id"),
        },
        Case {
            what: "missing expense type",
            method: Method::POST,
            path: "/expenses",
            body: Body::Json(json!({"campaign_id": 1, "amount": "1.00", "submitted_date": today()})),
            status: 422,
            code: "validation_failed",
            field: Some("expense_type"),
        },
        Case {
            what: "date in the wrong format",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"submitted_date": "25/11/2026"})),
            status: 422,
            code: "validation_failed",
            field: Some("submitted_date"),
        },
        Case {
            what: "date next year",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"submitted_date": "2099-01-01"})),
            status: 422,
            code: "validation_failed",
            field: Some("submitted_date"),
        },
        Case {
            what: "a huge string",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"expense_type": "x".repeat(5000)})),
            status: 422,
            code: "validation_failed",
            field: Some("expense_type"),
        },
        Case {
            what: "a campaign outside the driver's scope",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"campaign_id": 3})),
            status: 422,
            code: "validation_failed",
            field: Some("campaign_id"),
        },
        Case {
            what: "a campaign that does not exist",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"campaign_id": 99999})),
            status: 422,
            code: "validation_failed",
            field: Some("campaign_id"),
        },
        Case {
            what: "status set by a driver",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"status": "approved"})),
            status: 403,
            code: "forbidden_field",
            field: None,
        },
        Case {
            what: "a field that does not exist",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"colour": "red"})),
            status: 422,
            code: "validation_failed",
            field: Some("colour"),
        },
        Case {
            what: "SQL in a string",
            method: Method::POST,
            path: "/expenses",
            body: expense(json!({"expense_type": "fuel'); DROP TABLE expenses; --", "amount": "-1.00"})),
            status: 422,
            code: "validation_failed",
            field: Some("amount"),
        },
        Case {
            what: "a 10 MB body",
            method: Method::POST,
            path: "/expenses",
            body: Body::Raw("application/json", {
                let mut big = b"{\"description\": \"".to_vec();
                big.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
                big.extend(b"\"}");
                big
            }),
            status: 413,
            code: "payload_too_large",
            field: None,
        },
    ];
    for case in &cases {
        let before = fingerprint(&db).await?;
        let (status, body) = send(&server, &driver, case).await?;
        assert_eq!(status, case.status, "{}: {body}", case.what);
        assert_eq!(body["error"]["code"], case.code, "{}: {body}", case.what);
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", case.what);
        if let Some(field) = case.field {
            assert_eq!(body["error"]["details"]["fields"][0]["field"], field, "{}: {body}", case.what);
        }
        assert_eq!(before, fingerprint(&db).await?, "{} changed the database", case.what);
    }

    let admin_cases = [
        Case {
            what: "unknown enum value",
            method: Method::POST,
            path: "/campaigns",
            body: Body::Json(json!({"name": "X", "project_id": 1, "status": "launched"})),
            status: 422,
            code: "validation_failed",
            field: Some("status"),
        },
        Case {
            what: "unknown role",
            method: Method::POST,
            path: "/users",
            body: Body::Json(
                json!({"email": "x@demo.test", "name": "X", "role": "superuser", "password": "a-long-password"}),
            ),
            status: 422,
            code: "validation_failed",
            field: Some("role"),
        },
        Case {
            what: "duplicate vehicle number",
            method: Method::POST,
            path: "/vehicles",
            body: Body::Json(json!({"vehicle_number": "KA-01-AB-1234"})),
            status: 409,
            code: "already_exists",
            field: None,
        },
    ];
    for case in &admin_cases {
        let before = fingerprint(&db).await?;
        let (status, body) = send(&server, &admin, case).await?;
        assert_eq!(status, case.status, "{}: {body}", case.what);
        assert_eq!(body["error"]["code"], case.code, "{}: {body}", case.what);
        if let Some(field) = case.field {
            assert_eq!(body["error"]["details"]["fields"][0]["field"], field, "{}: {body}", case.what);
        }
        assert_eq!(before, fingerprint(&db).await?, "{} changed the database", case.what);
    }

    // Markup and SQL in text are data: stored and returned exactly, never run.
    let name = "<script>alert(1)</script>'; DROP TABLE campaigns; --";
    let (status, created) =
        server.api(&admin, Method::POST, "/campaigns", Some(json!({"name": name, "project_id": 1}))).await?;
    assert_eq!(status, 201, "{created}");
    let (_, read) = server.api(&admin, Method::GET, &format!("/campaigns/{}", created["id"]), None).await?;
    assert_eq!(read["name"], name);
    Ok(())
}

#[tokio::test]
async fn bad_list_parameters_are_400_invalid_query() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let admin = server.login("admin@demo.test", "demo-pass").await?.access_token;
    for path in [
        "/expenses?limit=5000",
        "/expenses?limit=0",
        "/expenses?offset=-1",
        "/expenses?sort=password_hash",
        "/users?sort=password_hash",
        "/expenses?colour=red",
        "/expenses?campaign_id=one",
        "/expenses?submitted_date_from=yesterday",
        "/expenses?include_deleted=maybe",
    ] {
        let (status, body) = server.api(&admin, Method::GET, path, None).await?;
        assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (400, Some("invalid_query")), "{path}: {body}");
    }
    Ok(())
}

#[tokio::test]
async fn lists_page_filter_search_and_sort() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let admin = server.login("admin@demo.test", "demo-pass").await?.access_token;
    let (_, page) = server.api(&admin, Method::GET, "/vehicles?limit=4&offset=8&sort=vehicle_number", None).await?;
    assert_eq!((page["total"].as_i64(), page["limit"].as_i64(), page["offset"].as_i64()), (Some(10), Some(4), Some(8)));
    let numbers: Vec<&str> = page["items"]
        .as_array()
        .map(|i| i.iter().filter_map(|v| v["vehicle_number"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(numbers, vec!["KA-19-V-1200", "KA-51-R-1090"]);
    let (_, running) = server.api(&admin, Method::GET, "/campaigns?status=running&sort=-name", None).await?;
    let names: Vec<&str> =
        running["items"].as_array().map(|i| i.iter().filter_map(|c| c["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, vec!["SIM Sampling at Shandies", "Milk Quality Village Camps", "Mandya Seed Roadshow"]);
    let (_, found) = server.api(&admin, Method::GET, "/drivers?q=shetty", None).await?;
    assert_eq!(found["total"], 1);
    let (_, literal) = server.api(&admin, Method::GET, "/drivers?q=%25", None).await?;
    assert_eq!(literal["total"], 0, "% is searched for, not a wildcard");
    let (_, users) = server.api(&admin, Method::GET, "/users?role=driver", None).await?;
    assert_eq!(users["total"], 2);
    assert!(users["items"][0].get("password_hash").is_none(), "hashes never leave the server");
    Ok(())
}
