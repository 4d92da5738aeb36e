//! Accounts made by `create-user`: validated, hashed, and refused with a clear code when they point
//! at rows that do not exist or reuse an email.

use fleet_tests::TestDb;
use shared_model::Role;
use shared_model::tables::UserFields;
use sync_server::Error;
use sync_server::accounts::create_user;

fn driver(email: &str, driver_id: i64) -> UserFields {
    UserFields {
        email: email.into(),
        name: "Suresh Gowda".into(),
        phone: Some("+91 94480 77889".into()),
        password_hint: None,
        role: Role::Driver,
        vendor_id: None,
        driver_id: Some(driver_id),
        promoter_id: None,
        client_id: None,
    }
}

fn conflict_code(result: &sync_server::Result<i64>) -> Option<&'static str> {
    match result {
        Err(Error::Conflict { code, .. }) => Some(*code),
        _ => None,
    }
}

#[tokio::test]
async fn a_link_to_a_missing_driver_row_is_a_conflict_naming_the_link() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let result = create_user(&db.pool, &driver("suresh@demo.test", 999), "a-long-password").await;
    assert_eq!(conflict_code(&result), Some("link_not_found"));
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await?;
    assert_eq!(users, 0, "nothing was stored");
    Ok(())
}

#[tokio::test]
async fn a_second_account_with_the_same_email_is_refused() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    sync_server::demo::seed(&db.pool).await?;
    let driver_id: i64 = sqlx::query_scalar("SELECT id FROM drivers ORDER BY id LIMIT 1").fetch_one(&db.pool).await?;
    let result = create_user(&db.pool, &driver("driver@demo.test", driver_id), "a-long-password").await;
    assert_eq!(conflict_code(&result), Some("email_taken"));
    let id = create_user(&db.pool, &driver("suresh@demo.test", driver_id), "a-long-password").await?;
    assert!(id > 0);
    Ok(())
}

#[tokio::test]
async fn an_invalid_account_is_refused_before_touching_the_database() -> anyhow::Result<()> {
    let db = TestDb::migrated().await?;
    let mut user = driver("not-an-email", 1);
    user.driver_id = None;
    match create_user(&db.pool, &user, "a-long-password").await {
        Err(Error::Validation(errors)) => {
            assert!(errors.for_field("email").is_some());
            assert!(errors.for_field("driver_id").is_some());
        }
        other => anyhow::bail!("expected a validation error, got {other:?}"),
    }
    Ok(())
}
