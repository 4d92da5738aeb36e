//! What "own" means for each table: the SQL that limits a query to the rows a user may see
//! (the role matrix's scopes), over the table aliased `t`. Scoping always happens here, in the
//! query, never by filtering results afterwards.

use crate::auth::AuthUser;
use crate::auth::matrix::{Resource, Scope};

/// A condition on `t` and its bound values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// SQL over the alias `t`, with `?` placeholders.
    pub sql: &'static str,
    /// One value per placeholder.
    pub binds: Vec<i64>,
}

/// Matches nothing: a scope the table does not have, or a user without the link it needs.
const NOTHING: &str = "1 = 0";

/// The condition for `scope` on `resource` for `user`; `None` when every row is in scope.
pub fn clause(resource: Resource, scope: Scope, user: &AuthUser) -> Option<Clause> {
    use Resource as R;
    let (link, sql) = match scope {
        Scope::All => return None,
        Scope::OwnVendor => (
            user.vendor_id,
            match resource {
                R::Vehicles | R::Drivers | R::Invoices | R::Payments => "t.vendor_id = ?",
                R::Vendors => "t.id = ?",
                R::Campaigns => {
                    "t.id IN (SELECT i.campaign_id FROM invoices i WHERE i.vendor_id = ? AND i.is_active = TRUE)"
                }
                _ => NOTHING,
            },
        ),
        Scope::OwnClient => (
            user.client_id,
            match resource {
                R::Clients => "t.id = ?",
                R::Projects => "t.client_id = ?",
                R::Campaigns => {
                    "t.project_id IN (SELECT p.id FROM projects p WHERE p.client_id = ? AND p.is_active = TRUE)"
                }
                R::PromoterActivities => {
                    "t.campaign_id IN (SELECT c.id FROM campaigns c JOIN projects p ON p.id = c.project_id \
                     WHERE p.client_id = ? AND c.is_active = TRUE AND p.is_active = TRUE)"
                }
                _ => NOTHING,
            },
        ),
        Scope::OwnDriver => (
            user.driver_id,
            match resource {
                R::Drivers => "t.id = ?",
                R::Expenses | R::Reports => "t.driver_id = ?",
                R::Vehicles => "t.id IN (SELECT d.vehicle_id FROM drivers d WHERE d.id = ?)",
                R::Campaigns => {
                    "t.id IN (SELECT i.campaign_id FROM invoices i JOIN drivers d ON d.vendor_id = i.vendor_id \
                     WHERE d.id = ? AND i.is_active = TRUE)"
                }
                _ => NOTHING,
            },
        ),
        Scope::OwnPromoter => (
            user.promoter_id,
            match resource {
                R::Promoters => "t.id = ?",
                R::PromoterActivities => "t.promoter_id = ?",
                R::Campaigns => {
                    "(t.status IN ('upcoming', 'running') OR t.id IN \
                     (SELECT a.campaign_id FROM promoter_activities a WHERE a.promoter_id = ? AND a.is_active = TRUE))"
                }
                _ => NOTHING,
            },
        ),
    };
    match link {
        Some(id) if sql != NOTHING => Some(Clause { sql, binds: vec![id] }),
        _ => Some(Clause { sql: NOTHING, binds: Vec::new() }),
    }
}
