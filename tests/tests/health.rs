//! The server answers `/healthz` and `/readyz` over real HTTP, and stops gracefully.

use fleet_tests::{TestDb, TestServer};
use serde_json::Value;

#[tokio::test]
async fn readyz_reports_the_connected_database_and_its_schema() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    let response = reqwest::get(server.url("/readyz")).await?;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"), "every answer carries a request id");
    let body: Value = response.json().await?;
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], "connected");
    assert_eq!(body["schema_version"], sync_server::db::latest_migration());
    server.stop().await
}

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    let response = reqwest::get(server.url("/healthz")).await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await?["status"], "ok");
    server.stop().await
}

#[tokio::test]
async fn readyz_is_503_with_the_error_body_when_the_database_is_gone() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    db.pool.close().await;
    let response = reqwest::get(server.url("/readyz")).await?;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await?;
    assert_eq!(body["error"]["code"], "unavailable");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    server.stop().await
}

#[tokio::test]
async fn an_unknown_path_is_404() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    assert_eq!(reqwest::get(server.url("/no/such/page")).await?.status(), 404);
    server.stop().await
}

#[tokio::test]
async fn after_stop_the_port_no_longer_answers() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    let url = server.url("/healthz");
    server.stop().await?;
    assert!(reqwest::get(&url).await.is_err());
    Ok(())
}
