//! SYNC-PROTOCOL.md, "Photos", with the real photos of `../shared/fixtures/photos/`: resumable
//! uploads, deduplication, refusals with their codes, thumbnails, and who may see a photo.

use fleet_tests::{TestDb, TestServer, demo};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn fixture(name: &str) -> anyhow::Result<Vec<u8>> {
    Ok(std::fs::read(format!("{}/../../shared/fixtures/photos/{name}", env!("CARGO_MANIFEST_DIR")))?)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn put(
    server: &TestServer,
    token: &str,
    hash: &str,
    offset: usize,
    total: usize,
    body: Vec<u8>,
) -> anyhow::Result<(StatusCode, Value)> {
    let response = Client::new()
        .put(server.url(&format!("/api/v1/media/{hash}?offset={offset}")))
        .bearer_auth(token)
        .header("Upload-Length", total.to_string())
        .body(body)
        .send()
        .await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn status(server: &TestServer, token: &str, hash: &str) -> anyhow::Result<Value> {
    Ok(server.api(token, Method::GET, &format!("/media/{hash}/status"), None).await?.1)
}

async fn fetch(
    server: &TestServer,
    token: &str,
    hash: &str,
    query: &str,
) -> anyhow::Result<(StatusCode, Option<String>, Option<String>, Vec<u8>)> {
    let response =
        Client::new().get(server.url(&format!("/api/v1/media/{hash}{query}"))).bearer_auth(token).send().await?;
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (content_type, nosniff) = (header("content-type"), header("x-content-type-options"));
    let status = response.status();
    Ok((status, content_type, nosniff, response.bytes().await?.to_vec()))
}

#[tokio::test]
async fn a_whole_photo_uploads_once_and_is_deduplicated() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let token = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let photo = fixture("landscape_1.jpg")?;
    let hash = sha(&photo);
    assert_eq!(status(&server, &token, &hash).await?, json!({"state": "missing", "received": 0}));
    let (code, body) = put(&server, &token, &hash, 0, photo.len(), photo.clone()).await?;
    assert_eq!((code.as_u16(), body), (200, json!({"state": "complete"})));
    assert_eq!(status(&server, &token, &hash).await?, json!({"state": "complete", "received": photo.len()}));
    let (code, body) = put(&server, &token, &hash, 0, photo.len(), photo.clone()).await?;
    assert_eq!((code.as_u16(), body), (200, json!({"state": "complete"})), "already complete: at once");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media_objects").fetch_one(&db.pool).await?;
    assert_eq!(stored, 1);
    Ok(())
}

#[tokio::test]
async fn an_upload_cut_in_the_middle_resumes_from_the_servers_offset() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let token = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let photo = fixture("jolla.jpg")?;
    let hash = sha(&photo);
    let third = photo.len() / 3;
    let mut sent = 0;

    let (code, body) = put(&server, &token, &hash, 0, photo.len(), photo[..third].to_vec()).await?;
    sent += third;
    assert_eq!((code.as_u16(), &body["state"], &body["received"]), (202, &json!("partial"), &json!(third)));

    // The next chunk's connection breaks half-way: the body stream fails after some bytes.
    let half: Vec<u8> = photo[third..third + third / 2].to_vec();
    sent += half.len();
    let stream = futures::stream::iter(vec![
        Ok::<_, std::io::Error>(bytes::Bytes::from(half)),
        Err(std::io::Error::other("signal lost")),
    ]);
    let cut = Client::new()
        .put(server.url(&format!("/api/v1/media/{hash}?offset={third}")))
        .bearer_auth(&token)
        .header("Upload-Length", photo.len().to_string())
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await;
    assert!(cut.is_err() || cut.is_ok_and(|r| r.status() != 200 && r.status() != 202));

    // The phone asks where to resume, and sends the rest.
    let resume = status(&server, &token, &hash).await?;
    assert_eq!(resume, json!({"state": "partial", "received": third}), "nothing of the broken chunk is kept");
    let (code, body) = put(&server, &token, &hash, third, photo.len(), photo[third..].to_vec()).await?;
    sent += photo.len() - third;
    assert_eq!((code.as_u16(), body), (200, json!({"state": "complete"})));
    assert!(sent <= photo.len() * 2, "each byte sent at most twice ({sent} for {})", photo.len());

    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    let (code, _, _, bytes) = fetch(&server, &ops, &hash, "").await?;
    assert_eq!(code, 200);
    assert_eq!(sha(&bytes), hash, "the stored photo is the uploaded one");
    Ok(())
}

#[tokio::test]
async fn a_wrong_offset_is_409_with_where_to_resume() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let token = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let photo = fixture("landscape_2.jpg")?;
    let hash = sha(&photo);
    put(&server, &token, &hash, 0, photo.len(), photo[..1000].to_vec()).await?;
    let (code, body) = put(&server, &token, &hash, 5000, photo.len(), photo[5000..].to_vec()).await?;
    assert_eq!(
        (code.as_u16(), body["error"]["code"].as_str(), &body["error"]["details"]["received"]),
        (409, Some("offset_mismatch"), &json!(1000))
    );
    Ok(())
}

#[tokio::test]
async fn bad_files_are_refused_with_their_codes() -> anyhow::Result<()> {
    let (db, server) = demo().await?;
    let token = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let real = fixture("landscape_3.jpg")?;
    let other = fixture("landscape_4.jpg")?;
    let text = b"Diesel 2450 rupees, NH-48 (not a photo)".to_vec();
    let truncated = real[..200].to_vec();
    let bomb = {
        // A PNG header claiming 50000x50000 pixels, with no pixels at all.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]);
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32(&ihdr).to_be_bytes());
        png
    };
    for (name, hash, bytes, code, status) in [
        ("wrong hash", sha(&other), real.clone(), "hash_mismatch", 422),
        ("not an image", sha(&text), text.clone(), "not_an_image", 422),
        ("corrupted (cut short)", sha(&truncated), truncated.clone(), "not_an_image", 422),
        ("pixel bomb", sha(&bomb), bomb.clone(), "image_too_large", 422),
    ] {
        let (got, body) = put(&server, &token, &hash, 0, bytes.len(), bytes).await?;
        assert_eq!((got.as_u16(), body["error"]["code"].as_str()), (status, Some(code)), "{name}: {body}");
        assert_eq!(status_of(&server, &token, &hash).await?, "missing", "{name}: nothing kept");
    }
    let (got, body) = put(&server, &token, &sha(b"x"), 0, 11 * 1024 * 1024, b"x".to_vec()).await?;
    assert_eq!((got.as_u16(), body["error"]["code"].as_str()), (413, Some("file_too_large")));
    let (got, _) = put(&server, &token, "NOT-A-HASH", 0, 10, b"0123456789".to_vec()).await?;
    assert_eq!(got, 400);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media_objects").fetch_one(&db.pool).await?;
    assert_eq!(kept, 0);
    Ok(())
}

async fn status_of(server: &TestServer, token: &str, hash: &str) -> anyhow::Result<String> {
    Ok(status(server, token, hash).await?["state"].as_str().unwrap_or_default().to_owned())
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[tokio::test]
async fn a_photo_is_served_only_to_those_who_may_see_a_record_using_it() -> anyhow::Result<()> {
    let (_db, server) = demo().await?;
    let driver = server.login("driver@demo.test", "demo-pass").await?.access_token;
    let driver2 = server.login("driver2@demo.test", "demo-pass").await?.access_token;
    let ops = server.login("operations_manager@demo.test", "demo-pass").await?.access_token;
    let client = server.login("client@demo.test", "demo-pass").await?.access_token;
    let photo = fixture("DSCN0010.jpg")?;
    let hash = sha(&photo);
    put(&server, &driver, &hash, 0, photo.len(), photo.clone()).await?;
    assert_eq!(fetch(&server, &driver, &hash, "").await?.0, 404, "no record uses it yet");

    let push = json!({"device_id": Uuid::now_v7(), "mutations": [{"mutation_id": Uuid::now_v7(), "table": "expenses", "op": "upsert",
        "uuid": Uuid::now_v7(), "updated_at": chrono::Utc::now().to_rfc3339(),
        "data": {"campaign_id": 1, "expense_type": "fuel", "amount": "900.00", "submitted_date": chrono::Utc::now().date_naive().to_string(),
                 "bill_image": format!("media:{hash}")}}]});
    let response = Client::new()
        .post(server.url("/api/v1/sync/push"))
        .bearer_auth(&driver)
        .header("X-Sync-Protocol", "1")
        .json(&push)
        .send()
        .await?;
    assert_eq!(response.json::<Value>().await?["results"][0]["status"], "applied");

    let (code, content_type, nosniff, bytes) = fetch(&server, &driver, &hash, "").await?;
    assert_eq!(
        (code.as_u16(), content_type.as_deref(), nosniff.as_deref()),
        (200, Some("image/jpeg"), Some("nosniff"))
    );
    assert_eq!(sha(&bytes), hash);
    let (code, content_type, _, thumb) = fetch(&server, &ops, &hash, "?size=thumb").await?;
    assert_eq!((code.as_u16(), content_type.as_deref()), (200, Some("image/jpeg")));
    let thumb = image::load_from_memory(&thumb)?;
    assert_eq!(thumb.width().max(thumb.height()), 320);
    assert_eq!(fetch(&server, &driver2, &hash, "").await?.0, 404, "another driver");
    assert_eq!(fetch(&server, &client, &hash, "").await?.0, 404, "a client");
    Ok(())
}

#[tokio::test]
async fn uploads_abandoned_for_a_day_are_cleaned_up() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let server = TestServer::start(&db).await?;
    let token = server.login("promoter@demo.test", "demo-pass").await?.access_token;
    let photo = fixture("landscape_5.jpg")?;
    let hash = sha(&photo);
    put(&server, &token, &hash, 0, photo.len(), photo[..5000].to_vec()).await?;
    let fresh = fixture("landscape_6.jpg")?;
    put(&server, &token, &sha(&fresh), 0, fresh.len(), fresh[..5000].to_vec()).await?;
    sqlx::query("UPDATE media_uploads SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 2 DAY WHERE sha256 = ?")
        .bind(&hash)
        .execute(&db.pool)
        .await?;
    let data = tempfile::tempdir()?;
    let store = sync_server::media::storage::open(&db.config(data.path()))?;
    let removed =
        sync_server::media::uploads::clean_abandoned(&db.pool, &store, chrono::Utc::now() - chrono::Duration::days(1))
            .await?;
    assert_eq!(removed, 1);
    assert_eq!(status_of(&server, &token, &hash).await?, "missing");
    assert_eq!(status_of(&server, &token, &sha(&fresh)).await?, "partial", "a recent upload stays");
    Ok(())
}
