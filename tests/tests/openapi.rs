//! `GET /api/v1/openapi.json` describes every route the server answers, and nothing else.

use std::collections::BTreeSet;

use fleet_tests::{TestDb, TestServer};
use reqwest::{Client, Method};
use serde_json::Value;

fn documented(document: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, operations) in paths {
            for method in operations.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                all.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    all
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    let response = reqwest::get(server.url("/api/v1/openapi.json")).await?;
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await?;
    assert_eq!(document["openapi"], "3.1.0");
    let routes: BTreeSet<(String, String)> =
        sync_server::api::route_table().into_iter().map(|r| (r.method.as_str().to_owned(), r.path)).collect();
    assert_eq!(documented(&document), routes);
    // Six per table, four of sign-in, two of health, three dashboards, two expense reviews, push and pull, three of photos, this one.
    assert_eq!(routes.len(), 13 * 6 + 4 + 2 + 3 + 2 + 1 + 2 + 3);

    for (method, path) in &routes {
        let operation = &document["paths"][path][method.to_lowercase()];
        let responses =
            operation["responses"].as_object().map(|r| r.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        assert!(responses.iter().any(|s| s.starts_with('2')), "{method} {path} has no success answer");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path} has no summary");
        for placeholder in path.split('/').filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}'))) {
            let declared = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == placeholder && p["in"] == "path"));
            assert!(declared, "{method} {path} does not declare {placeholder}");
        }
        if operation["security"].is_array() {
            assert!(responses.contains(&"401".to_owned()), "{method} {path} needs a token but documents no 401");
        }
    }
    let errors = &document["components"]["schemas"]["Error"]["properties"]["error"]["required"];
    assert_eq!(errors, &serde_json::json!(["code", "message"]));
    Ok(())
}

#[tokio::test]
async fn every_documented_route_answers() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let server = TestServer::start(&db).await?;
    let response = reqwest::get(server.url("/api/v1/openapi.json")).await?;
    let document: Value = response.json().await?;
    let client = Client::new();
    for (method, path) in documented(&document) {
        let url = server.url(&path.replace("{id}", "1"));
        let method = Method::from_bytes(method.as_bytes())?;
        let answer = client.request(method.clone(), &url).header("X-Sync-Protocol", "1").send().await?;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        assert_ne!(status, 405, "{method} {path} is documented but not routed");
        assert!(status != 404 || body["error"]["code"].is_string(), "{method} {path} is documented but not routed");
        let needs_token = document["paths"][&path][method.as_str().to_lowercase()]["security"].is_array();
        if needs_token {
            assert_eq!(status, 401, "{method} {path} answered without a token");
        }
    }
    Ok(())
}

#[test]
fn routes_are_only_made_in_the_route_table() -> anyhow::Result<()> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../sync-server/src");
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("api/routes.rs")
                && !path.ends_with("dashboard/mod.rs")
            {
                let text = std::fs::read_to_string(&path)?;
                if text.contains(".route(")
                    || text.contains(".nest(")
                    || text.contains(".merge(") && text.contains("Router")
                {
                    offenders.push(path.display().to_string());
                }
            }
        }
    }
    assert!(offenders.is_empty(), "routes made outside api/routes.rs, so undocumented: {offenders:?}");
    // The manager pages have their own table (HTML, documented in docs/manager-pages.md): none of
    // them may hide under /api.
    let pages = std::fs::read_to_string(format!("{root}/dashboard/mod.rs"))?;
    for route in pages.split(".route(\"").skip(1) {
        assert!(!route.starts_with("/api"), "a page route under /api: {}", route.split('"').next().unwrap_or(""));
    }
    assert!(pages.contains(".route(\"/login\""), "the page table was read");
    Ok(())
}
