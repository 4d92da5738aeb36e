//! The test harness itself: every test's database is dropped, whatever the test left behind.

use fleet_tests::{TestDb, server_url};
use sqlx::{Connection, MySqlConnection};

#[tokio::test]
async fn a_database_is_dropped_even_with_a_transaction_left_open() -> anyhow::Result<()> {
    let name = {
        let db = TestDb::migrated().await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query("INSERT INTO vendors (name) VALUES ('Half-Done Travels')").execute(&mut *tx).await?;
        // Neither committed nor rolled back: the connection keeps its locks on `vendors`.
        std::mem::forget(tx);
        db.name.clone()
    };
    let mut admin = MySqlConnection::connect(&format!("{}/mysql", server_url())).await?;
    let left: Option<String> =
        sqlx::query_scalar("SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?")
            .bind(&name)
            .fetch_optional(&mut admin)
            .await?;
    assert_eq!(left, None, "the test database {name} was not dropped");
    Ok(())
}
