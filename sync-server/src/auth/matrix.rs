//! The role matrix: who may do what to which rows. One table, [`MATRIX`]; the handlers ask it,
//! the scoping SQL reads its scopes, and the permission tests are generated from it.
//!
//! It is the seed's "Access Control Matrix", plus the least the other roles need to work
//! (DESIGN.md decision 3), written down in `docs/roles.md`:
//! - field staff read the campaigns they work on and their own driver, vehicle or promoter row;
//!   drivers also create and read their own trip reports (the phone pushes them);
//! - vendors read the campaigns they are assigned to (the seed's vendor dashboard), and clients
//!   their own vendor or client record; clients also read the activities of their campaigns (the
//!   photos are their proof of work);
//! - sales read clients, projects and campaigns; purchase read vendors, vehicles, invoices and
//!   payments; operators read campaigns, activities and reports; vehicle managers keep the fleet
//!   (vehicles, drivers' licences and assignments); godown managers read campaigns.
//!
//! Only an admin restores soft-deleted rows or lists them.

use shared_model::Role;
use shared_model::capture::capture_fields;
use shared_model::protocol::PushTable;

/// A table of the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// `users`
    Users,
    /// `clients`
    Clients,
    /// `projects`
    Projects,
    /// `campaigns`
    Campaigns,
    /// `vendors`
    Vendors,
    /// `vehicles`
    Vehicles,
    /// `drivers`
    Drivers,
    /// `promoters`
    Promoters,
    /// `promoter_activities`
    PromoterActivities,
    /// `expenses`
    Expenses,
    /// `invoices`
    Invoices,
    /// `payments`
    Payments,
    /// `reports`
    Reports,
}

impl Resource {
    /// Every resource.
    pub const ALL: [Resource; 13] = [
        Resource::Users,
        Resource::Clients,
        Resource::Projects,
        Resource::Campaigns,
        Resource::Vendors,
        Resource::Vehicles,
        Resource::Drivers,
        Resource::Promoters,
        Resource::PromoterActivities,
        Resource::Expenses,
        Resource::Invoices,
        Resource::Payments,
        Resource::Reports,
    ];

    /// The table.
    pub const fn table(self) -> &'static str {
        match self {
            Resource::Users => "users",
            Resource::Clients => "clients",
            Resource::Projects => "projects",
            Resource::Campaigns => "campaigns",
            Resource::Vendors => "vendors",
            Resource::Vehicles => "vehicles",
            Resource::Drivers => "drivers",
            Resource::Promoters => "promoters",
            Resource::PromoterActivities => "promoter_activities",
            Resource::Expenses => "expenses",
            Resource::Invoices => "invoices",
            Resource::Payments => "payments",
            Resource::Reports => "reports",
        }
    }

    /// The path under `/api/v1`.
    pub const fn path(self) -> &'static str {
        match self {
            Resource::PromoterActivities => "promoter-activities",
            other => other.table(),
        }
    }

    /// One row of it, in words.
    pub const fn noun(self) -> &'static str {
        match self {
            Resource::Users => "user",
            Resource::Clients => "client",
            Resource::Projects => "project",
            Resource::Campaigns => "campaign",
            Resource::Vendors => "vendor",
            Resource::Vehicles => "vehicle",
            Resource::Drivers => "driver",
            Resource::Promoters => "promoter",
            Resource::PromoterActivities => "promoter activity",
            Resource::Expenses => "expense",
            Resource::Invoices => "invoice",
            Resource::Payments => "payment",
            Resource::Reports => "report",
        }
    }
}

/// What a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// List and get.
    Read,
    /// Create.
    Create,
    /// Update (PATCH, and the state changes of the business processes).
    Update,
    /// Soft delete.
    Delete,
    /// Bring a soft-deleted row back, and see deleted rows.
    Restore,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 5] = [Read, Create, Update, Delete, Restore];
}

/// Which rows a grant reaches. What "own" means for each table is in `db::scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every active row.
    All,
    /// Rows of the user's vendor (`users.vendor_id`).
    OwnVendor,
    /// Rows of the user's client (`users.client_id`).
    OwnClient,
    /// Rows of the user's driver row (`users.driver_id`).
    OwnDriver,
    /// Rows of the user's promoter row (`users.promoter_id`).
    OwnPromoter,
}

/// Which fields a grant may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writable {
    /// Every writable field of the table.
    All,
    /// Only these.
    Only(&'static [&'static str]),
}

impl Writable {
    /// Whether `field` may be written.
    pub fn allows(self, field: &str) -> bool {
        match self {
            Writable::All => true,
            Writable::Only(fields) => fields.contains(&field),
        }
    }
}

/// One role's rights on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// Who.
    pub role: Role,
    /// On what.
    pub resource: Resource,
    /// Which rows.
    pub scope: Scope,
    /// What they may do.
    pub actions: &'static [Action],
    /// What they may write when creating or updating.
    pub writable: Writable,
}

impl Grant {
    /// Whether the grant includes `action`.
    pub fn allows(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

use Action::{Create, Delete, Read, Restore, Update};
use Resource as R;
use Role::*;
use Scope::*;

const CRUD: &[Action] = &[Read, Create, Update, Delete];
const EVERYTHING: &[Action] = &[Read, Create, Update, Delete, Restore];
const READ: &[Action] = &[Read];
const READ_UPDATE: &[Action] = &[Read, Update];
const CREATE_READ: &[Action] = &[Read, Create];

const fn g(role: Role, resource: Resource, scope: Scope, actions: &'static [Action]) -> Grant {
    Grant { role, resource, scope, actions, writable: Writable::All }
}

const fn limited(
    role: Role,
    resource: Resource,
    scope: Scope,
    actions: &'static [Action],
    fields: &'static [&'static str],
) -> Grant {
    Grant { role, resource, scope, actions, writable: Writable::Only(fields) }
}

/// What field staff write: the capture fields of SYNC-PROTOCOL.md, never `status`, `driver_id`
/// or `promoter_id` (the phone's own push reads the same lists).
const DRIVER_EXPENSE_FIELDS: &[&str] = capture_fields(PushTable::Expenses);
const DRIVER_REPORT_FIELDS: &[&str] = capture_fields(PushTable::Reports);
const PROMOTER_ACTIVITY_FIELDS: &[&str] = capture_fields(PushTable::PromoterActivities);
/// What a vendor keeps current on its vehicles: never the number or the owner.
const VENDOR_VEHICLE_FIELDS: &[&str] =
    &["vehicle_type", "capacity", "rc_validity", "insurance_validity", "permit_validity"];
/// What a vendor keeps current on its drivers: never the vendor.
const VENDOR_DRIVER_FIELDS: &[&str] = &["phone", "email", "license_number", "license_validity", "vehicle_id"];
/// What a vendor fills in when it submits an invoice: never the vendor or the campaign.
const VENDOR_INVOICE_FIELDS: &[&str] = &["invoice_number", "invoice_file", "amount", "invoice_date", "status"];
/// What a vehicle manager keeps current on drivers.
const FLEET_DRIVER_FIELDS: &[&str] = &["license_number", "license_validity", "vehicle_id"];

/// The whole matrix.
pub const MATRIX: &[Grant] = &[
    // Admin: all tables, all data, everything.
    g(Admin, R::Users, All, EVERYTHING),
    g(Admin, R::Clients, All, EVERYTHING),
    g(Admin, R::Projects, All, EVERYTHING),
    g(Admin, R::Campaigns, All, EVERYTHING),
    g(Admin, R::Vendors, All, EVERYTHING),
    g(Admin, R::Vehicles, All, EVERYTHING),
    g(Admin, R::Drivers, All, EVERYTHING),
    g(Admin, R::Promoters, All, EVERYTHING),
    g(Admin, R::PromoterActivities, All, EVERYTHING),
    g(Admin, R::Expenses, All, EVERYTHING),
    g(Admin, R::Invoices, All, EVERYTHING),
    g(Admin, R::Payments, All, EVERYTHING),
    g(Admin, R::Reports, All, EVERYTHING),
    // Operations manager: campaigns, projects, reports, expenses, promoter activities.
    g(OperationsManager, R::Campaigns, All, CRUD),
    g(OperationsManager, R::Projects, All, CRUD),
    g(OperationsManager, R::Reports, All, CRUD),
    g(OperationsManager, R::Expenses, All, CRUD),
    g(OperationsManager, R::PromoterActivities, All, CRUD),
    // Client servicing: clients, projects, campaigns.
    g(ClientServicing, R::Clients, All, CRUD),
    g(ClientServicing, R::Projects, All, CRUD),
    g(ClientServicing, R::Campaigns, All, CRUD),
    // Accounts: invoices, payments, expenses.
    g(Accounts, R::Invoices, All, CRUD),
    g(Accounts, R::Payments, All, CRUD),
    g(Accounts, R::Expenses, All, CRUD),
    // Vendor: own vehicles, drivers, invoices, payments; read + limited update.
    limited(Vendor, R::Vehicles, OwnVendor, READ_UPDATE, VENDOR_VEHICLE_FIELDS),
    limited(Vendor, R::Drivers, OwnVendor, READ_UPDATE, VENDOR_DRIVER_FIELDS),
    limited(Vendor, R::Invoices, OwnVendor, READ_UPDATE, VENDOR_INVOICE_FIELDS),
    g(Vendor, R::Payments, OwnVendor, READ),
    g(Vendor, R::Campaigns, OwnVendor, READ),
    g(Vendor, R::Vendors, OwnVendor, READ),
    // Client: own projects and campaigns, read-only, and the activities in them as proof of work.
    g(Client, R::Projects, OwnClient, READ),
    g(Client, R::Campaigns, OwnClient, READ),
    g(Client, R::Clients, OwnClient, READ),
    g(Client, R::PromoterActivities, OwnClient, READ),
    // Driver: own expenses, create + read; and what the phone needs.
    limited(Driver, R::Expenses, OwnDriver, CREATE_READ, DRIVER_EXPENSE_FIELDS),
    limited(Driver, R::Reports, OwnDriver, CREATE_READ, DRIVER_REPORT_FIELDS),
    g(Driver, R::Campaigns, OwnDriver, READ),
    g(Driver, R::Drivers, OwnDriver, READ),
    g(Driver, R::Vehicles, OwnDriver, READ),
    // Promoter and anchor: own activities, create + read; and what the phone needs.
    limited(Promoter, R::PromoterActivities, OwnPromoter, CREATE_READ, PROMOTER_ACTIVITY_FIELDS),
    g(Promoter, R::Campaigns, OwnPromoter, READ),
    g(Promoter, R::Promoters, OwnPromoter, READ),
    limited(Anchor, R::PromoterActivities, OwnPromoter, CREATE_READ, PROMOTER_ACTIVITY_FIELDS),
    g(Anchor, R::Campaigns, OwnPromoter, READ),
    g(Anchor, R::Promoters, OwnPromoter, READ),
    // Roles the seed names without rights: the least that lets them work.
    g(Sales, R::Clients, All, READ),
    g(Sales, R::Projects, All, READ),
    g(Sales, R::Campaigns, All, READ),
    g(Purchase, R::Vendors, All, READ),
    g(Purchase, R::Vehicles, All, READ),
    g(Purchase, R::Invoices, All, READ),
    g(Purchase, R::Payments, All, READ),
    g(Operator, R::Campaigns, All, READ),
    g(Operator, R::PromoterActivities, All, READ),
    g(Operator, R::Reports, All, READ),
    g(VehicleManager, R::Vehicles, All, &[Read, Create, Update]),
    limited(VehicleManager, R::Drivers, All, READ_UPDATE, FLEET_DRIVER_FIELDS),
    g(VehicleManager, R::Vendors, All, READ),
    g(GodownManager, R::Campaigns, All, READ),
];

/// The grant of `role` on `resource`, if it has one.
pub fn grant(role: Role, resource: Resource) -> Option<&'static Grant> {
    MATRIX.iter().find(|g| g.role == role && g.resource == resource)
}

/// Whether `role` may do `action` on `resource` (on some rows).
pub fn allows(role: Role, resource: Resource, action: Action) -> bool {
    grant(role, resource).is_some_and(|g| g.allows(action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_role_has_at_most_one_grant_per_resource() {
        let mut seen = HashSet::new();
        for grant in MATRIX {
            assert!(seen.insert((grant.role, grant.resource)), "{:?} on {:?} twice", grant.role, grant.resource);
        }
    }

    #[test]
    fn every_role_can_do_something() {
        for role in Role::ALL {
            assert!(MATRIX.iter().any(|g| g.role == *role), "{role} has no grant");
        }
    }

    #[test]
    fn the_admin_may_do_everything_everywhere() {
        for resource in Resource::ALL {
            for action in Action::ALL {
                assert!(allows(Admin, resource, action), "{resource:?} {action:?}");
            }
        }
    }

    #[test]
    fn only_the_admin_restores() {
        assert!(MATRIX.iter().filter(|g| g.allows(Restore)).all(|g| g.role == Admin));
    }

    #[test]
    fn clients_never_write_and_drivers_never_set_status() {
        for grant in MATRIX.iter().filter(|g| g.role == Client) {
            assert_eq!(grant.actions, READ, "{:?}", grant.resource);
        }
        for grant in MATRIX.iter().filter(|g| g.role == Driver) {
            assert!(!grant.writable.allows("status") || grant.actions == READ, "{:?}", grant.resource);
        }
    }

    #[test]
    fn vendors_never_write_a_vendor_id() {
        for grant in MATRIX.iter().filter(|g| g.role == Vendor && g.actions != READ) {
            assert!(!grant.writable.allows("vendor_id"), "{:?}", grant.resource);
        }
    }

    #[test]
    fn scoped_roles_only_have_scoped_grants() {
        for grant in MATRIX {
            let own = match grant.role {
                Vendor => Some(OwnVendor),
                Client => Some(OwnClient),
                Driver => Some(OwnDriver),
                Promoter | Anchor => Some(OwnPromoter),
                _ => None,
            };
            if let Some(own) = own {
                assert_eq!(grant.scope, own, "{:?} on {:?}", grant.role, grant.resource);
            }
        }
    }
}
