//! What promoters and drivers report from the field, as the pages list it: activities with their
//! photos, and trip reports with their tracks.

use chrono::NaiveDate;
use sqlx::{MySqlConnection, QueryBuilder};

use super::{Choice, and_eq};
use crate::db::records::push_where;
use crate::db::scope::Clause;
use crate::error::Result;

/// One promoter activity.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Activity {
    /// Id.
    pub id: i64,
    /// Promoter.
    pub promoter_id: i64,
    /// Promoter's name.
    pub promoter: String,
    /// Campaign.
    pub campaign_id: i64,
    /// Campaign's name.
    pub campaign: String,
    /// Where.
    pub village_name: String,
    /// When.
    pub activity_date: NaiveDate,
    /// How many came.
    pub people_attended: Option<i32>,
    /// How many sessions.
    pub activity_count: Option<i32>,
    /// `media:` reference.
    pub before_image: Option<String>,
    /// `media:` reference.
    pub during_image: Option<String>,
    /// `media:` reference.
    pub after_image: Option<String>,
    /// Language used.
    pub language: Option<String>,
    /// The promoter's words.
    pub remarks: Option<String>,
}

/// Activities in `scope`, newest first, of one campaign and/or promoter, older than `before`.
pub async fn activities(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    campaign_id: Option<i64>,
    promoter_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Activity>> {
    let mut qb = QueryBuilder::new(
        "SELECT t.id, t.promoter_id, p.name AS promoter, t.campaign_id, c.name AS campaign, t.village_name, t.activity_date,
                t.people_attended, t.activity_count, t.before_image, t.during_image, t.after_image, t.language, t.remarks
         FROM promoter_activities t JOIN promoters p ON p.id = t.promoter_id JOIN campaigns c ON c.id = t.campaign_id",
    );
    push_where(&mut qb, scope, false);
    and_eq(&mut qb, "t.campaign_id", campaign_id);
    and_eq(&mut qb, "t.promoter_id", promoter_id);
    if let Some(before) = before {
        qb.push(" AND t.id < ");
        qb.push_bind(before);
    }
    qb.push(" ORDER BY t.id DESC LIMIT ");
    qb.push_bind(limit);
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// The campaigns and promoters that have activities in `scope`, for the filters.
pub async fn activity_choices(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
) -> Result<(Vec<Choice>, Vec<Choice>)> {
    let mut qb = QueryBuilder::new(
        "SELECT c.id, c.name FROM campaigns c WHERE c.id IN (SELECT t.campaign_id FROM promoter_activities t",
    );
    push_where(&mut qb, scope, false);
    qb.push(") ORDER BY c.name");
    let campaigns = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut qb = QueryBuilder::new(
        "SELECT p.id, p.name FROM promoters p WHERE p.id IN (SELECT t.promoter_id FROM promoter_activities t",
    );
    push_where(&mut qb, scope, false);
    qb.push(") ORDER BY p.name");
    let promoters = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok((campaigns, promoters))
}

/// One trip report; `gps_data` only when read one at a time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    /// Id.
    pub id: i64,
    /// Campaign.
    pub campaign_id: i64,
    /// Campaign's name.
    pub campaign: String,
    /// Driver's name.
    pub driver: Option<String>,
    /// The day.
    pub report_date: NaiveDate,
    /// Places, in the driver's words.
    pub locations_covered: Option<String>,
    /// Kilometres (from the track when there is one).
    pub km_travelled: Option<f64>,
    /// JSON array of `media:` references.
    pub photos_url: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// The GeoJSON track.
    pub gps_data: Option<String>,
}

const REPORT_COLUMNS: &str =
    "t.id, t.campaign_id, c.name AS campaign, d.name AS driver, t.report_date, t.locations_covered,
    t.km_travelled, t.photos_url, t.notes";
const REPORT_FROM: &str =
    " FROM reports t JOIN campaigns c ON c.id = t.campaign_id LEFT JOIN drivers d ON d.id = t.driver_id";

/// Reports in `scope`, newest first, optionally of one campaign, older than `before`.
pub async fn reports(
    conn: &mut MySqlConnection,
    scope: Option<&Clause>,
    campaign_id: Option<i64>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Report>> {
    let mut qb = QueryBuilder::new(format!("SELECT {REPORT_COLUMNS}, NULL AS gps_data{REPORT_FROM}"));
    push_where(&mut qb, scope, false);
    and_eq(&mut qb, "t.campaign_id", campaign_id);
    if let Some(before) = before {
        qb.push(" AND t.id < ");
        qb.push_bind(before);
    }
    qb.push(" ORDER BY t.id DESC LIMIT ");
    qb.push_bind(limit);
    Ok(qb.build_query_as().fetch_all(conn).await?)
}

/// Report `id` with its track, if it is in `scope`.
pub async fn report(conn: &mut MySqlConnection, scope: Option<&Clause>, id: i64) -> Result<Option<Report>> {
    let mut qb = QueryBuilder::new(format!("SELECT {REPORT_COLUMNS}, t.gps_data{REPORT_FROM}"));
    push_where(&mut qb, scope, false);
    qb.push(" AND t.id = ");
    qb.push_bind(id);
    Ok(qb.build_query_as().fetch_optional(conn).await?)
}
