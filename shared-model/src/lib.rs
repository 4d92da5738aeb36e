//! Shared model of the Fleet Operations Platform: the domain types of every table of the seed,
//! their enums and validation rules, the sync protocol's wire types, the error body, the phone's
//! hybrid clock, and the GPS track maths. Both the phone app and the sync server use it, so both apply the same rules.
//!
//! Pure: no I/O, no async, no database, no HTTP, no UI. What talks to SQL lives in `sync-server`,
//! what talks to SQLite or the screen lives in `mobile`.
#![forbid(unsafe_code)]

pub mod capture;
pub mod clock;
pub mod enums;
pub mod error;
pub mod geo;
pub mod money;
pub mod protocol;
pub mod record;
pub mod tables;
pub mod time;
pub mod validate;

pub use enums::{
    CampaignStatus, CampaignType, ExpenseStatus, InvoiceStatus, PaymentMethod, PaymentStatus, ProjectStatus, Role,
    UserLink,
};
pub use error::{ErrorBody, ErrorInfo};
pub use money::Money;
pub use record::Record;
