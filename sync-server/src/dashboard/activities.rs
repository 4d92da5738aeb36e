//! `/activities`: promoter activities per campaign or promoter, each with its before, during and
//! after photos side by side, village, date and attendance.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};

use super::PageResult;
use super::layout::{self, link, media_sha};
use super::params::Params;
use super::session::Signed;
use crate::api::v1::resources::{authorize, scope_of};
use crate::auth::matrix::{Action, Resource};
use crate::db::pages::field::{self, Activity};
use crate::state::AppState;

const PAGE_SIZE: i64 = 30;

/// `GET /activities`.
pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    let user = &signed.user;
    let grant = authorize(user, Resource::PromoterActivities, Action::Read)?;
    let scope = scope_of(grant, user);
    let params = Params::new(query);
    let (campaign_id, promoter_id, before) =
        (params.id("campaign_id")?, params.id("promoter_id")?, params.id("before")?);
    let mut conn = state.pool.acquire().await?;
    let rows = field::activities(&mut conn, scope.as_ref(), campaign_id, promoter_id, before, PAGE_SIZE + 1).await?;
    let (campaigns, promoters) = field::activity_choices(&mut conn, scope.as_ref()).await?;
    let more = rows.len() > usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    let shown = &rows[..rows.len().min(usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX))];
    let body = html! {
        form #filters .filters method="get" action="/activities" {
            (layout::choice("campaign_id", "Campaign", &campaigns, campaign_id))
            (layout::choice("promoter_id", "Promoter", &promoters, promoter_id))
            button type="submit" { "Show" }
            a href="/activities" { "Clear" }
        }
        (list(shown))
        @if more {
            @if let Some(last) = shown.last() {
                nav.paging { a #older href=(link("/activities", &[
                    ("campaign_id", campaign_id.map(|v| v.to_string()).unwrap_or_default()),
                    ("promoter_id", promoter_id.map(|v| v.to_string()).unwrap_or_default()),
                    ("before", last.id.to_string()),
                ])) { "Older →" } }
            }
        }
    };
    Ok(layout::page(&signed, "/activities", "Activities", &body).into_response())
}

/// Activities as cards with their three photos side by side.
pub fn list(rows: &[Activity]) -> Markup {
    html! {
        div.activities {
            @for a in rows {
                article.activity data-activity-id=(a.id) {
                    header {
                        h3.village { (a.village_name) }
                        span.date { (layout::date(a.activity_date)) }
                        " · "
                        span.attendance { (a.people_attended.map_or_else(|| "attendance not given".to_owned(), |n| format!("{n} people"))) }
                        @if let Some(n) = a.activity_count { " · " span.sessions { (n) (if n == 1 { " session" } else { " sessions" }) } }
                    }
                    p.meta {
                        a href={ "/activities?promoter_id=" (a.promoter_id) } { (a.promoter) }
                        " for "
                        a href={ "/campaigns/" (a.campaign_id) } { (a.campaign) }
                        @if let Some(language) = &a.language { " · in " (language) }
                    }
                    div.photos {
                        (stage("before", "Before", a.before_image.as_deref()))
                        (stage("during", "During", a.during_image.as_deref()))
                        (stage("after", "After", a.after_image.as_deref()))
                    }
                    @if let Some(remarks) = &a.remarks { p.remarks { (remarks) } }
                }
            }
            @if rows.is_empty() { p.empty { "No activities yet." } }
        }
    }
}

fn stage(class: &str, label: &str, reference: Option<&str>) -> Markup {
    html! {
        figure class=(class) {
            @if let Some(sha) = reference.and_then(media_sha) {
                a href={ "/media/" (sha) } target="_blank" {
                    img src={ "/media/" (sha) "/thumb" } alt={ (label) " photo" } loading="lazy";
                }
            } @else {
                div.missing { "no photo" }
            }
            figcaption { (label) }
        }
    }
}
