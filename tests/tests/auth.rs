//! Sign-in, tokens and sessions over real HTTP (SYNC-PROTOCOL.md, "Login"; docs/authentication.md).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fleet_tests::{TestDb, TestServer};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sync_server::auth::tokens::{AUDIENCE, Claims, ISSUER};

/// The secret `TestDb::config` gives the server.
const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

async fn demo_server() -> anyhow::Result<(TestDb, TestServer)> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let server = TestServer::start(&db).await?;
    Ok((db, server))
}

async fn post(server: &TestServer, path: &str, body: Value) -> anyhow::Result<(StatusCode, Value)> {
    let response = Client::new().post(server.url(path)).json(&body).send().await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn me(server: &TestServer, token: &str) -> anyhow::Result<(StatusCode, Value)> {
    let response = Client::new().get(server.url("/api/v1/auth/me")).bearer_auth(token).send().await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

fn signed(claims: &Claims, secret: &str) -> anyhow::Result<String> {
    Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes()))?)
}

fn claims_for(user_id: i64, session_id: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: user_id.to_string(),
        sid: session_id,
        typ: "access".into(),
        iat: now,
        exp: now + 600,
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
    }
}

#[tokio::test]
async fn a_driver_signs_in_and_sees_their_links() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let device = uuid::Uuid::now_v7();
    let (status, body) = post(
        &server,
        "/api/v1/auth/login",
        json!({"email": "driver@demo.test", "password": "demo-pass", "device_id": device}),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["role"], "driver");
    assert!(body["user"]["driver_id"].as_i64().is_some() && body["user"]["vendor_id"].as_i64().is_some());
    assert!(body["user"]["promoter_id"].is_null() && body["user"]["client_id"].is_null());
    let token = body["access_token"].as_str().unwrap_or_default();
    let (status, who) = me(&server, token).await?;
    assert_eq!(status, 200);
    assert_eq!(who, body["user"]);
    Ok(())
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let (s1, b1) =
        post(&server, "/api/v1/auth/login", json!({"email": "nobody@demo.test", "password": "demo-pass"})).await?;
    let (s2, b2) =
        post(&server, "/api/v1/auth/login", json!({"email": "driver@demo.test", "password": "wrong-pass"})).await?;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(b1["error"]["code"], "invalid_credentials");
    assert_eq!(b1, b2);
    Ok(())
}

#[tokio::test]
async fn email_case_does_not_matter_at_sign_in() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    server.login("Driver@Demo.TEST", "demo-pass").await?;
    Ok(())
}

#[tokio::test]
async fn no_token_and_a_malformed_header_are_401_with_a_bearer_challenge() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let response = Client::new().get(server.url("/api/v1/auth/me")).send().await?;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    assert_eq!(response.json::<Value>().await?["error"]["code"], "unauthorized");
    let response =
        Client::new().get(server.url("/api/v1/auth/me")).header("Authorization", "Basic YTpi").send().await?;
    assert_eq!(response.status(), 401);
    Ok(())
}

#[tokio::test]
async fn forged_tokens_are_refused() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let session = server.login("admin@demo.test", "demo-pass").await?;
    let good = session.access_token.clone();
    let (user, sid) = {
        let parts: Vec<&str> = good.split('.').collect();
        let payload: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1])?)?;
        (payload.sub.parse::<i64>()?, payload.sid)
    };
    assert_eq!(me(&server, &good).await?.0, 200, "the genuine token works");

    // alg: none, no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims_for(user, sid))?);
    let none = format!("{header}.{payload}.");
    // A tampered payload under the genuine signature: another user id.
    let parts: Vec<&str> = good.split('.').collect();
    let tampered_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims_for(user + 1, sid))?);
    let tampered = format!("{}.{tampered_payload}.{}", parts[0], parts[2]);
    // Properly signed, but expired, for another audience, another issuer, or another type.
    let expired = signed(&Claims { iat: 1_000_000, exp: 1_000_900, ..claims_for(user, sid) }, TEST_SECRET)?;
    let audience = signed(&Claims { aud: "someone-else".into(), ..claims_for(user, sid) }, TEST_SECRET)?;
    let issuer = signed(&Claims { iss: "someone-else".into(), ..claims_for(user, sid) }, TEST_SECRET)?;
    let refresh_typed = signed(&Claims { typ: "refresh".into(), ..claims_for(user, sid) }, TEST_SECRET)?;
    let other_key = signed(&claims_for(user, sid), "a-different-secret-a-different-secret")?;
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims_for(user, sid),
        &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )?;

    for (name, token) in [
        ("alg none", none),
        ("tampered payload", tampered),
        ("expired", expired),
        ("wrong audience", audience),
        ("wrong issuer", issuer),
        ("not an access token", refresh_typed),
        ("signed with another key", other_key),
        ("another algorithm", hs512),
    ] {
        let (status, body) = me(&server, &token).await?;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(body["error"]["code"], "unauthorized", "{name}");
    }
    Ok(())
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_ends_the_session() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let first = server.login("promoter@demo.test", "demo-pass").await?;
    let (status, second) = post(&server, "/api/v1/auth/refresh", json!({"refresh_token": first.refresh_token})).await?;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], Value::String(first.refresh_token.clone()));
    assert_eq!(second["user"]["role"], "promoter");
    let new_access = second["access_token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(me(&server, &new_access).await?.0, 200);

    // The spent token is presented again: someone else has a copy. The whole session ends.
    let (status, body) = post(&server, "/api/v1/auth/refresh", json!({"refresh_token": first.refresh_token})).await?;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "session_revoked");
    let (status, body) =
        post(&server, "/api/v1/auth/refresh", json!({"refresh_token": second["refresh_token"]})).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("session_revoked")));
    assert_eq!(me(&server, &new_access).await?.1["error"]["code"], "session_revoked");
    // Another session of the same user is untouched.
    let other = server.login("promoter@demo.test", "demo-pass").await?;
    assert_eq!(me(&server, &other.access_token).await?.0, 200);
    Ok(())
}

#[tokio::test]
async fn an_unknown_refresh_token_is_401() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let (status, body) = post(&server, "/api/v1/auth/refresh", json!({"refresh_token": "made-up"})).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    Ok(())
}

#[tokio::test]
async fn logout_ends_the_session_at_once() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    let session = server.login("accounts@demo.test", "demo-pass").await?;
    let response =
        Client::new().post(server.url("/api/v1/auth/logout")).bearer_auth(&session.access_token).send().await?;
    assert_eq!(response.status(), 204);
    assert_eq!(me(&server, &session.access_token).await?.1["error"]["code"], "session_revoked");
    let (status, _) = post(&server, "/api/v1/auth/refresh", json!({"refresh_token": session.refresh_token})).await?;
    assert_eq!(status, 401);
    Ok(())
}

#[tokio::test]
async fn deactivating_a_user_or_changing_their_role_applies_to_the_next_request() -> anyhow::Result<()> {
    let (db, server) = demo_server().await?;
    let session = server.login("operator@demo.test", "demo-pass").await?;
    sqlx::query("UPDATE users SET role = 'sales' WHERE email = 'operator@demo.test'").execute(&db.pool).await?;
    assert_eq!(me(&server, &session.access_token).await?.1["role"], "sales");

    sqlx::query("UPDATE users SET is_active = FALSE WHERE email = 'operator@demo.test'").execute(&db.pool).await?;
    let (status, body) = me(&server, &session.access_token).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("session_revoked")));
    let (status, _) = post(&server, "/api/v1/auth/refresh", json!({"refresh_token": session.refresh_token})).await?;
    assert_eq!(status, 401);
    let (status, body) =
        post(&server, "/api/v1/auth/login", json!({"email": "operator@demo.test", "password": "demo-pass"})).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    Ok(())
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while_with_retry_after() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    for _ in 0..5 {
        let (status, _) =
            post(&server, "/api/v1/auth/login", json!({"email": "vendor@demo.test", "password": "guess-1234"})).await?;
        assert_eq!(status, 401);
    }
    let response = Client::new()
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": "vendor@demo.test", "password": "demo-pass"}))
        .send()
        .await?;
    assert_eq!(response.status(), 429, "even the right password waits");
    let retry: u64 = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).unwrap_or("0").parse()?;
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    assert_eq!(response.json::<Value>().await?["error"]["code"], "too_many_attempts");
    // Other accounts are not locked by it.
    server.login("vendor2@demo.test", "demo-pass").await?;
    Ok(())
}

#[tokio::test]
async fn one_address_guessing_across_accounts_is_limited() -> anyhow::Result<()> {
    let (_db, server) = demo_server().await?;
    for i in 0..30 {
        let (status, _) = post(
            &server,
            "/api/v1/auth/login",
            json!({"email": format!("guess{i}@demo.test"), "password": "x-123456"}),
        )
        .await?;
        assert_eq!(status, 401);
    }
    let (status, body) =
        post(&server, "/api/v1/auth/login", json!({"email": "admin@demo.test", "password": "demo-pass"})).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")));
    Ok(())
}

#[tokio::test]
async fn a_legacy_bcrypt_password_signs_in_and_is_rehashed() -> anyhow::Result<()> {
    let (db, server) = demo_server().await?;
    let legacy = bcrypt::hash("old-system-pass", 4)?;
    sqlx::query("UPDATE users SET password_hash = ? WHERE email = 'sales@demo.test'")
        .bind(&legacy)
        .execute(&db.pool)
        .await?;
    server.login("sales@demo.test", "old-system-pass").await?;
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'sales@demo.test'")
        .fetch_one(&db.pool)
        .await?;
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    server.login("sales@demo.test", "old-system-pass").await?;
    Ok(())
}
