//! The frame every page shares (header, navigation by role, sign-out), the sign-in and error
//! pages, and small pieces the pages reuse: money, dates, photos, links that keep filters.

use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use maud::{DOCTYPE, Markup, html};
use rust_decimal::Decimal;
use shared_model::Role;

use super::session::{Signed, is_office};
use crate::auth::matrix::{self, Action, Resource, Scope};

/// One entry of the navigation.
struct NavItem {
    path: &'static str,
    label: &'static str,
    shown: fn(Role) -> bool,
}

fn reads(role: Role, resource: Resource) -> bool {
    matrix::allows(role, resource, Action::Read)
}

/// Whether `role` reads every row of `resource`.
pub fn reads_all(role: Role, resource: Resource) -> bool {
    matrix::grant(role, resource).is_some_and(|g| g.scope == Scope::All && g.allows(Action::Read))
}

/// Whether `role` sees the conflict log: it reads every row of a table phones write.
pub fn sees_conflicts(role: Role) -> bool {
    [Resource::Expenses, Resource::PromoterActivities, Resource::Reports].iter().any(|r| reads_all(role, *r))
}

const NAV: &[NavItem] = &[
    NavItem { path: "/", label: "Overview", shown: is_office },
    NavItem { path: "/expenses", label: "Expenses", shown: |r| reads_all(r, Resource::Expenses) },
    NavItem { path: "/activities", label: "Activities", shown: |r| reads_all(r, Resource::PromoterActivities) },
    NavItem { path: "/reports", label: "Trips & reports", shown: |r| reads_all(r, Resource::Reports) },
    NavItem { path: "/campaigns", label: "Campaigns", shown: |r| reads(r, Resource::Campaigns) },
    NavItem { path: "/vendors", label: "Vendors", shown: |r| reads_all(r, Resource::Vendors) },
    NavItem { path: "/conflicts", label: "Conflicts", shown: sees_conflicts },
    NavItem { path: "/vendor", label: "My company", shown: |r| r == Role::Vendor },
    NavItem { path: "/client", label: "Our campaigns", shown: |r| r == Role::Client },
];

/// Whether the navigation offers `path` to `role` (pages check their own rights too).
pub fn offers(role: Role, path: &str) -> bool {
    NAV.iter().any(|item| item.path == path && (item.shown)(role))
}

fn head(title: &str, csrf: Option<&str>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            @if let Some(csrf) = csrf { meta name="csrf-token" content=(csrf); }
            title { (title) " · Fleet Operations" }
            link rel="stylesheet" href="/static/fleet.css";
            script src="/static/fleet.js" defer {}
        }
    }
}

/// A whole page for a signed-in user: header, navigation (`active` is the current entry's path),
/// the page's title and body.
pub fn page(signed: &Signed, active: &str, title: &str, body: &Markup) -> Markup {
    let user = &signed.user;
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, Some(&signed.csrf)))
            body {
                header {
                    a.brand href=(super::session::home_of(user.role)) { "Fleet Operations" }
                    nav {
                        @for item in NAV.iter().filter(|i| (i.shown)(user.role)) {
                            a href=(item.path) aria-current=[(item.path == active).then_some("page")] { (item.label) }
                        }
                    }
                    span.who { (user.name) " · " (role_name(user.role)) }
                    form #logout method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button type="submit" { "Sign out" }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The sign-in page. `token` is the form's double-submit token (also set as a cookie).
pub fn login(token: &str, error: Option<&str>, email: &str, next: Option<&str>) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head("Sign in", None))
            body.login {
                main {
                    h1 { "Fleet Operations" }
                    p { "Sign in with your office, vendor or client account." }
                    @if let Some(error) = error { p.error role="alert" { (error) } }
                    form #login method="post" action="/login" {
                        input type="hidden" name="csrf" value=(token);
                        @if let Some(next) = next { input type="hidden" name="next" value=(next); }
                        label { "Email" input type="email" name="email" value=(email) autocomplete="username" required autofocus; }
                        label { "Password" input type="password" name="password" autocomplete="current-password" required; }
                        button type="submit" { "Sign in" }
                    }
                }
            }
        }
    }
}

/// A refusal or failure, as a page.
pub fn error_page(status: StatusCode, code: &str, message: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(status.canonical_reason().unwrap_or("Error"), None))
            body.login {
                main {
                    h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) }
                    p.error role="alert" data-code=(code) { (message) }
                    p { a href="/" { "Back to the start" } }
                }
            }
        }
    }
}

/// How a role is named on the pages.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::OperationsManager => "Operations manager",
        Role::ClientServicing => "Client servicing",
        Role::Accounts => "Accounts",
        Role::Vendor => "Vendor",
        Role::Client => "Client",
        Role::Sales => "Sales",
        Role::Purchase => "Purchase",
        Role::Operator => "Operator",
        Role::VehicleManager => "Vehicle manager",
        Role::GodownManager => "Godown manager",
        Role::Driver => "Driver",
        Role::Promoter => "Promoter",
        Role::Anchor => "Anchor",
    }
}

/// Rupees with two decimals and Indian digit grouping: ₹1,23,456.50.
pub fn money(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let digits: Vec<char> = whole.chars().collect();
    let mut grouped = String::new();
    let len = digits.len();
    for (i, digit) in digits.iter().enumerate() {
        let left = len - i;
        if i > 0 && (left == 3 || (left > 3 && (left - 3).is_multiple_of(2))) {
            grouped.push(',');
        }
        grouped.push(*digit);
    }
    format!("{}₹{grouped}.{cents}", if negative { "-" } else { "" })
}

/// A date as "25 Nov 2026".
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

/// A time as "25 Nov 2026 14:05 UTC".
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y %H:%M UTC").to_string()
}

/// How long ago, in words: "3 h ago", "2 days ago".
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    match minutes {
        ..1 => "just now".to_owned(),
        1..60 => format!("{minutes} min ago"),
        60..2880 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

/// The SHA-256 of a `media:<sha256>` reference, if it is one.
pub fn media_sha(reference: &str) -> Option<&str> {
    reference.strip_prefix("media:").filter(|sha| crate::media::uploads::valid_sha(sha))
}

/// A photo's thumbnail linking to its full size, or a dash when there is none.
pub fn photo(reference: Option<&str>, alt: &str) -> Markup {
    match reference.and_then(media_sha) {
        Some(sha) => html! {
            a.photo href={ "/media/" (sha) } target="_blank" {
                img.thumb src={ "/media/" (sha) "/thumb" } alt=(alt) loading="lazy";
            }
        },
        None => html! { span.none { "no photo" } },
    }
}

/// A link to `path` with the query `pairs` (empty values left out).
pub fn link(path: &str, pairs: &[(&str, String)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(key, value);
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// A filter's drop-down of `(id, name)` choices, with "All" first and `chosen` selected.
pub fn choice(name: &str, label: &str, choices: &[(i64, String)], chosen: Option<i64>) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" { "All" }
                @for (id, text) in choices {
                    option value=(id) selected[chosen == Some(*id)] { (text) }
                }
            }
        }
    }
}

/// A status as a coloured label.
pub fn status(text: &str) -> Markup {
    html! { span class={ "status s-" (text) } { (text) } }
}

/// A flash line after an action.
pub fn notice(text: Option<&str>) -> Markup {
    html! { @if let Some(text) = text { p.notice role="status" { (text) } } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn money_is_grouped_the_indian_way() {
        let m = |s: &str| money(Decimal::from_str(s).unwrap_or_default());
        assert_eq!(m("0"), "₹0.00");
        assert_eq!(m("999.5"), "₹999.50");
        assert_eq!(m("1000"), "₹1,000.00");
        assert_eq!(m("123456.5"), "₹1,23,456.50");
        assert_eq!(m("12345678"), "₹1,23,45,678.00");
        assert_eq!(m("-1500"), "-₹1,500.00");
    }

    #[test]
    fn text_from_phones_is_escaped() {
        let markup = photo(Some("<script>"), "<b>x</b>").into_string();
        assert!(!markup.contains("<script>"));
        let user_text = html! { p { ("<script>alert(1)</script>") } }.into_string();
        assert_eq!(user_text, "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    }

    #[test]
    fn links_keep_filters_and_drop_empty_ones() {
        let url = link("/expenses", &[("status", "pending".into()), ("from", String::new()), ("q", "a&b".into())]);
        assert_eq!(url, "/expenses?status=pending&q=a%26b");
        assert_eq!(link("/expenses", &[]), "/expenses");
    }

    #[test]
    fn ages_read_naturally() {
        let now = Utc::now();
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now - chrono::Duration::minutes(5), now), "5 min ago");
        assert_eq!(ago(now - chrono::Duration::hours(3), now), "3 h ago");
        assert_eq!(ago(now - chrono::Duration::days(3), now), "3 days ago");
    }
}
