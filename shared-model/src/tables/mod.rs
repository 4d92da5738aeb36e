//! One type pair per table of the seed: `Xxx` is a whole row as the server sends it, `XxxFields`
//! the fields a writer sets, with `validate()`. Rows carry the seed's common fields (`id`,
//! `is_active`, `created_at`, `updated_at`); phone-made rows also carry `uuid`, `device_id` and
//! `created_by_id` (DESIGN.md decision 2).
//!
//! Lengths are the seed's (`String(255)` is at most 255 characters). `Text` columns take at most
//! [`TEXT_MAX_CHARS`] characters, which always fit a MySQL `TEXT` in utf8mb4.

mod campaigns;
mod clients;
mod expenses;
mod invoices;
mod promoters;
mod reports;
mod users;
mod vendors;

pub use campaigns::{Campaign, CampaignFields};
pub use clients::{Client, ClientFields, Project, ProjectFields};
pub use expenses::{Expense, ExpenseCapture, ExpenseFields, MAX_EXPENSE_AMOUNT};
pub use invoices::{Invoice, InvoiceFields, PLACEHOLDER_PREFIX, Payment, PaymentFields};
pub use promoters::{ActivityCapture, ActivityFields, MAX_COUNT, Promoter, PromoterActivity, PromoterFields};
pub use reports::{MAX_PHOTOS_PER_REPORT, Report, ReportCapture, ReportFields};
pub use users::{User, UserFields};
pub use vendors::{Driver, DriverFields, Vehicle, VehicleFields, Vendor, VendorFields};

/// The most characters a `Text` column takes from any writer.
pub const TEXT_MAX_CHARS: usize = 10_000;

/// The seed's `Text` column rule.
pub(crate) fn optional_long_text(field: &str, value: Option<&str>) -> Result<(), crate::validate::FieldError> {
    crate::validate::optional_text(field, value, TEXT_MAX_CHARS)
}
