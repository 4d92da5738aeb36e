//! Every table of the API in one place: its columns, filters and sorts, the `shared-model` type
//! its fields are read into, and the extra keys its bodies may carry.

use chrono::NaiveDate;
use shared_model::tables::{
    ActivityFields, CampaignFields, ClientFields, DriverFields, ExpenseFields, InvoiceFields, PaymentFields,
    ProjectFields, PromoterFields, ReportFields, UserFields, VehicleFields, VendorFields,
};
use shared_model::validate::FieldErrors;

use super::resources::{Fields, ResourceDef, parse_as};
use crate::auth::matrix::Resource as R;
use crate::db::records::{Column, Filter, FilterOp, Kind, TableSpec, field, hidden, reference, server};

const fn eq(param: &'static str, kind: Kind) -> Filter {
    Filter { param, column: param, op: FilterOp::Eq, kind }
}

const fn from(param: &'static str, column: &'static str) -> Filter {
    Filter { param, column, op: FilterOp::From, kind: Kind::Date }
}

const fn to(param: &'static str, column: &'static str) -> Filter {
    Filter { param, column, op: FilterOp::To, kind: Kind::Date }
}

/// The closed sets of values, as stored (checked against `shared-model`'s enums in the tests below).
pub const ROLES: &[&str] = &[
    "admin",
    "client_servicing",
    "operations_manager",
    "accounts",
    "vendor",
    "client",
    "sales",
    "purchase",
    "operator",
    "driver",
    "promoter",
    "anchor",
    "vehicle_manager",
    "godown_manager",
];
const PROJECT_STATUSES: &[&str] = &["active", "completed", "cancelled"];
const CAMPAIGN_TYPES: &[&str] = &["l_shape", "btl", "roadshow", "sampling", "other"];
const CAMPAIGN_STATUSES: &[&str] = &["planning", "upcoming", "running", "hold", "completed", "cancelled"];
const EXPENSE_STATUSES: &[&str] = &["pending", "approved", "rejected"];
const INVOICE_STATUSES: &[&str] = &["pending", "submitted", "approved", "rejected", "paid"];
const PAYMENT_STATUSES: &[&str] = &["pending", "processing", "completed", "failed"];
const PAYMENT_METHODS: &[&str] = &["bank_transfer", "cheque", "upi", "cash", "other"];

const CONTACT: [Column; 6] = [
    field("name", Kind::Text),
    field("company", Kind::Text),
    field("email", Kind::Text),
    field("phone", Kind::Text),
    field("address", Kind::Text),
    field("contact_person", Kind::Text),
];

/// `users`
pub static USERS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Users,
        columns: &[
            field("email", Kind::Text),
            field("name", Kind::Text),
            field("phone", Kind::Text),
            field("password_hint", Kind::Text),
            field("role", Kind::Enum(ROLES)),
            reference("vendor_id", R::Vendors),
            reference("driver_id", R::Drivers),
            reference("promoter_id", R::Promoters),
            reference("client_id", R::Clients),
            hidden("password_hash", Kind::Text),
        ],
        search: &["name", "email"],
        filters: &[
            eq("role", Kind::Enum(ROLES)),
            eq("vendor_id", Kind::Int),
            eq("driver_id", Kind::Int),
            eq("promoter_id", Kind::Int),
            eq("client_id", Kind::Int),
        ],
        sorts: &["name", "email", "role"],
    },
    parse: parse_as::<UserFields>,
    extras: &["password"],
};

/// `clients`
pub static CLIENTS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Clients,
        columns: &CONTACT,
        search: &["name", "company", "contact_person"],
        filters: &[],
        sorts: &["name", "company"],
    },
    parse: parse_as::<ClientFields>,
    extras: &[],
};

/// `projects`
pub static PROJECTS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Projects,
        columns: &[
            field("name", Kind::Text),
            field("description", Kind::Text),
            reference("client_id", R::Clients),
            field("budget", Kind::Money),
            field("start_date", Kind::Date),
            field("end_date", Kind::Date),
            field("status", Kind::Enum(PROJECT_STATUSES)),
            field("assigned_cs", Kind::Text),
        ],
        search: &["name", "assigned_cs"],
        filters: &[
            eq("client_id", Kind::Int),
            eq("status", Kind::Enum(PROJECT_STATUSES)),
            from("start_date_from", "start_date"),
            to("start_date_to", "start_date"),
        ],
        sorts: &["name", "start_date", "end_date", "budget", "status"],
    },
    parse: parse_as::<ProjectFields>,
    extras: &[],
};

/// `campaigns`
pub static CAMPAIGNS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Campaigns,
        columns: &[
            field("name", Kind::Text),
            field("description", Kind::Text),
            reference("project_id", R::Projects),
            field("campaign_type", Kind::Enum(CAMPAIGN_TYPES)),
            field("status", Kind::Enum(CAMPAIGN_STATUSES)),
            field("start_date", Kind::Date),
            field("end_date", Kind::Date),
            field("budget", Kind::Money),
            field("locations", Kind::Text),
        ],
        search: &["name", "locations"],
        filters: &[
            eq("project_id", Kind::Int),
            eq("status", Kind::Enum(CAMPAIGN_STATUSES)),
            eq("campaign_type", Kind::Enum(CAMPAIGN_TYPES)),
            from("start_date_from", "start_date"),
            to("start_date_to", "start_date"),
        ],
        sorts: &["name", "start_date", "end_date", "budget", "status"],
    },
    parse: parse_as::<CampaignFields>,
    extras: &["vendor_ids"],
};

/// `vendors`
pub static VENDORS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Vendors,
        columns: &CONTACT,
        search: &["name", "company", "contact_person"],
        filters: &[],
        sorts: &["name", "company"],
    },
    parse: parse_as::<VendorFields>,
    extras: &[],
};

/// `vehicles`
pub static VEHICLES: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Vehicles,
        columns: &[
            field("vehicle_number", Kind::Text),
            field("vehicle_type", Kind::Text),
            field("capacity", Kind::Text),
            reference("vendor_id", R::Vendors),
            field("rc_validity", Kind::Date),
            field("insurance_validity", Kind::Date),
            field("permit_validity", Kind::Date),
        ],
        search: &["vehicle_number", "vehicle_type"],
        filters: &[eq("vendor_id", Kind::Int), eq("vehicle_type", Kind::Text)],
        sorts: &["vehicle_number", "rc_validity", "insurance_validity", "permit_validity"],
    },
    parse: parse_as::<VehicleFields>,
    extras: &[],
};

/// `drivers`
pub static DRIVERS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Drivers,
        columns: &[
            field("name", Kind::Text),
            field("phone", Kind::Text),
            field("email", Kind::Text),
            field("license_number", Kind::Text),
            field("license_validity", Kind::Date),
            reference("vendor_id", R::Vendors),
            reference("vehicle_id", R::Vehicles),
        ],
        search: &["name", "license_number", "phone"],
        filters: &[eq("vendor_id", Kind::Int), eq("vehicle_id", Kind::Int)],
        sorts: &["name", "license_validity"],
    },
    parse: parse_as::<DriverFields>,
    extras: &[],
};

/// `promoters`
pub static PROMOTERS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Promoters,
        columns: &[
            field("name", Kind::Text),
            field("phone", Kind::Text),
            field("email", Kind::Text),
            field("specialty", Kind::Text),
            field("language", Kind::Text),
        ],
        search: &["name", "specialty", "language"],
        filters: &[eq("language", Kind::Text)],
        sorts: &["name", "language"],
    },
    parse: parse_as::<PromoterFields>,
    extras: &[],
};

/// `promoter_activities`
pub static ACTIVITIES: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::PromoterActivities,
        columns: &[
            server("uuid", Kind::Uuid),
            reference("promoter_id", R::Promoters),
            server("promoter_name", Kind::Text),
            reference("campaign_id", R::Campaigns),
            field("village_name", Kind::Text),
            field("activity_date", Kind::Date),
            field("people_attended", Kind::Int),
            field("activity_count", Kind::Int),
            field("before_image", Kind::Text),
            field("during_image", Kind::Text),
            field("after_image", Kind::Text),
            field("specialty", Kind::Text),
            field("language", Kind::Text),
            field("remarks", Kind::Text),
            server("created_by_id", Kind::Int),
            server("device_id", Kind::Uuid),
        ],
        search: &["village_name", "promoter_name", "remarks"],
        filters: &[
            eq("promoter_id", Kind::Int),
            eq("campaign_id", Kind::Int),
            from("activity_date_from", "activity_date"),
            to("activity_date_to", "activity_date"),
        ],
        sorts: &["activity_date", "village_name", "people_attended"],
    },
    parse: parse_as::<ActivityFields>,
    extras: &[],
};

/// `expenses`
pub static EXPENSES: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Expenses,
        columns: &[
            server("uuid", Kind::Uuid),
            reference("campaign_id", R::Campaigns),
            reference("driver_id", R::Drivers),
            field("expense_type", Kind::Text),
            field("amount", Kind::Money),
            field("description", Kind::Text),
            field("bill_url", Kind::Text),
            field("bill_image", Kind::Text),
            server("status", Kind::Enum(EXPENSE_STATUSES)),
            field("submitted_date", Kind::Date),
            server("approved_date", Kind::Date),
            server("review_note", Kind::Text),
            server("reviewed_by_id", Kind::Int),
            server("created_by_id", Kind::Int),
            server("device_id", Kind::Uuid),
        ],
        search: &["expense_type", "description"],
        filters: &[
            eq("status", Kind::Enum(EXPENSE_STATUSES)),
            eq("campaign_id", Kind::Int),
            eq("driver_id", Kind::Int),
            eq("expense_type", Kind::Text),
            from("submitted_date_from", "submitted_date"),
            to("submitted_date_to", "submitted_date"),
        ],
        sorts: &["submitted_date", "amount", "status"],
    },
    parse: parse_as::<ExpenseFields>,
    extras: &[],
};

/// `invoices`
pub static INVOICES: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Invoices,
        columns: &[
            field("invoice_number", Kind::Text),
            field("invoice_file", Kind::Text),
            field("amount", Kind::Money),
            field("invoice_date", Kind::Date),
            field("status", Kind::Enum(INVOICE_STATUSES)),
            reference("vendor_id", R::Vendors),
            reference("campaign_id", R::Campaigns),
        ],
        search: &["invoice_number"],
        filters: &[
            eq("status", Kind::Enum(INVOICE_STATUSES)),
            eq("vendor_id", Kind::Int),
            eq("campaign_id", Kind::Int),
            from("invoice_date_from", "invoice_date"),
            to("invoice_date_to", "invoice_date"),
        ],
        sorts: &["invoice_number", "invoice_date", "amount", "status"],
    },
    parse: parse_as::<InvoiceFields>,
    extras: &[],
};

/// `payments`
pub static PAYMENTS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Payments,
        columns: &[
            field("amount", Kind::Money),
            field("payment_date", Kind::Date),
            field("status", Kind::Enum(PAYMENT_STATUSES)),
            field("payment_method", Kind::Enum(PAYMENT_METHODS)),
            field("transaction_reference", Kind::Text),
            field("remarks", Kind::Text),
            reference("invoice_id", R::Invoices),
            reference("vendor_id", R::Vendors),
        ],
        search: &["transaction_reference", "remarks"],
        filters: &[
            eq("status", Kind::Enum(PAYMENT_STATUSES)),
            eq("vendor_id", Kind::Int),
            eq("invoice_id", Kind::Int),
            eq("payment_method", Kind::Enum(PAYMENT_METHODS)),
            from("payment_date_from", "payment_date"),
            to("payment_date_to", "payment_date"),
        ],
        sorts: &["payment_date", "amount", "status"],
    },
    parse: parse_as::<PaymentFields>,
    extras: &[],
};

/// `reports`
pub static REPORTS: ResourceDef = ResourceDef {
    spec: TableSpec {
        resource: R::Reports,
        columns: &[
            server("uuid", Kind::Uuid),
            reference("campaign_id", R::Campaigns),
            reference("driver_id", R::Drivers),
            field("report_date", Kind::Date),
            field("locations_covered", Kind::Text),
            field("km_travelled", Kind::Float),
            field("photos_url", Kind::Json),
            field("gps_data", Kind::Json),
            field("notes", Kind::Text),
            server("created_by_id", Kind::Int),
            server("device_id", Kind::Uuid),
        ],
        search: &["locations_covered", "notes"],
        filters: &[
            eq("campaign_id", Kind::Int),
            eq("driver_id", Kind::Int),
            from("report_date_from", "report_date"),
            to("report_date_to", "report_date"),
        ],
        sorts: &["report_date", "km_travelled"],
    },
    parse: parse_as::<ReportFields>,
    extras: &[],
};

/// Every table, for the router and the tests.
pub static ALL: [&ResourceDef; 13] = [
    &USERS,
    &CLIENTS,
    &PROJECTS,
    &CAMPAIGNS,
    &VENDORS,
    &VEHICLES,
    &DRIVERS,
    &PROMOTERS,
    &ACTIVITIES,
    &EXPENSES,
    &INVOICES,
    &PAYMENTS,
    &REPORTS,
];

macro_rules! fields_without_dates {
    ($($ty:ty),+) => {$(
        impl Fields for $ty {
            fn check(&self, _today: NaiveDate) -> Result<(), FieldErrors> {
                self.validate()
            }
        }
    )+};
}

macro_rules! fields_with_dates {
    ($($ty:ty),+) => {$(
        impl Fields for $ty {
            fn check(&self, today: NaiveDate) -> Result<(), FieldErrors> {
                self.validate(today)
            }
        }
    )+};
}

fields_without_dates!(
    UserFields,
    ClientFields,
    ProjectFields,
    CampaignFields,
    VendorFields,
    VehicleFields,
    DriverFields,
    PromoterFields,
    InvoiceFields,
    PaymentFields
);
fields_with_dates!(ActivityFields, ExpenseFields, ReportFields);

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::{
        CampaignStatus, CampaignType, ExpenseStatus, InvoiceStatus, PaymentMethod, PaymentStatus, ProjectStatus, Role,
    };

    fn texts<T: Copy>(all: &[T], text: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| text(*v)).collect()
    }

    #[test]
    fn the_value_lists_are_the_enums_of_the_shared_model() {
        assert_eq!(ROLES, texts(Role::ALL, Role::as_str));
        assert_eq!(PROJECT_STATUSES, texts(ProjectStatus::ALL, ProjectStatus::as_str));
        assert_eq!(CAMPAIGN_TYPES, texts(CampaignType::ALL, CampaignType::as_str));
        assert_eq!(CAMPAIGN_STATUSES, texts(CampaignStatus::ALL, CampaignStatus::as_str));
        assert_eq!(EXPENSE_STATUSES, texts(ExpenseStatus::ALL, ExpenseStatus::as_str));
        assert_eq!(INVOICE_STATUSES, texts(InvoiceStatus::ALL, InvoiceStatus::as_str));
        assert_eq!(PAYMENT_STATUSES, texts(PaymentStatus::ALL, PaymentStatus::as_str));
        assert_eq!(PAYMENT_METHODS, texts(PaymentMethod::ALL, PaymentMethod::as_str));
    }

    #[test]
    fn every_table_has_fields_and_no_column_twice() {
        for def in ALL {
            assert!(def.spec.fields().next().is_some(), "{:?}", def.spec.resource);
            for column in def.spec.columns {
                assert!(
                    def.spec.columns.iter().filter(|c| c.name == column.name).count() == 1,
                    "{} twice in {:?}",
                    column.name,
                    def.spec.resource
                );
            }
        }
    }
}
