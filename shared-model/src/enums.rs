//! The closed sets of values the seed defines (roles, statuses, types), as Rust enums that
//! serialise to the same snake_case strings the database stores.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A string did not name any value of the enum it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind}")]
pub struct UnknownVariant {
    /// What was being parsed (`role`, `campaign status`, ...).
    pub kind: &'static str,
    /// The text that was given.
    pub value: String,
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in the order the seed lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text stored in the database and sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(UnknownVariant { kind: $kind, value: other.to_owned() }),
                }
            }
        }
    };
}

string_enum! {
    /// What a user may do; see the access matrix of the seed and DESIGN.md decision 3.
    Role, "role" {
        /// Full system access.
        Admin => "admin",
        /// Client relationship management.
        ClientServicing => "client_servicing",
        /// Campaign and operations oversight.
        OperationsManager => "operations_manager",
        /// Financial operations.
        Accounts => "accounts",
        /// Vendor portal, linked to `vendor_id`.
        Vendor => "vendor",
        /// Client portal, linked to `client_id`.
        Client => "client",
        /// Extended role.
        Sales => "sales",
        /// Extended role.
        Purchase => "purchase",
        /// Extended role.
        Operator => "operator",
        /// Field staff, linked to `driver_id`.
        Driver => "driver",
        /// Field staff, linked to `promoter_id`.
        Promoter => "promoter",
        /// Field staff who act as promoters, linked to `promoter_id`.
        Anchor => "anchor",
        /// Resource management.
        VehicleManager => "vehicle_manager",
        /// Resource management.
        GodownManager => "godown_manager",
    }
}

impl Role {
    /// The link a user of this role must carry to be scoped, if any.
    pub const fn required_link(self) -> Option<UserLink> {
        match self {
            Role::Vendor => Some(UserLink::Vendor),
            Role::Client => Some(UserLink::Client),
            Role::Driver => Some(UserLink::Driver),
            Role::Promoter | Role::Anchor => Some(UserLink::Promoter),
            _ => None,
        }
    }

    /// Field staff sync with the phone app; everyone else uses the API and the manager pages.
    pub const fn is_field_role(self) -> bool {
        matches!(self, Role::Driver | Role::Promoter | Role::Anchor)
    }
}

/// The row a user account is linked to, for roles whose scope is "own ... only".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserLink {
    /// `users.vendor_id`
    Vendor,
    /// `users.client_id`
    Client,
    /// `users.driver_id`
    Driver,
    /// `users.promoter_id`
    Promoter,
}

impl UserLink {
    /// The column of `users` holding the link.
    pub const fn column(self) -> &'static str {
        match self {
            UserLink::Vendor => "vendor_id",
            UserLink::Client => "client_id",
            UserLink::Driver => "driver_id",
            UserLink::Promoter => "promoter_id",
        }
    }
}

string_enum! {
    /// The kind of marketing campaign.
    CampaignType, "campaign type" {
        LShape => "l_shape",
        Btl => "btl",
        Roadshow => "roadshow",
        Sampling => "sampling",
        Other => "other",
    }
}

string_enum! {
    /// Where a campaign is in its life.
    CampaignStatus, "campaign status" {
        Planning => "planning",
        Upcoming => "upcoming",
        Running => "running",
        Hold => "hold",
        Completed => "completed",
        Cancelled => "cancelled",
    }
}

string_enum! {
    /// Where a project is in its life (stored as `VARCHAR(50)`, as the seed has it).
    ProjectStatus, "project status" {
        Active => "active",
        Completed => "completed",
        Cancelled => "cancelled",
    }
}

string_enum! {
    /// The approval state of an expense. Only `pending` expenses may change.
    ExpenseStatus, "expense status" {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}

string_enum! {
    /// Where a vendor invoice is, from upload to payment.
    InvoiceStatus, "invoice status" {
        Pending => "pending",
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        Paid => "paid",
    }
}

string_enum! {
    /// Where a payment is.
    PaymentStatus, "payment status" {
        Pending => "pending",
        Processing => "processing",
        Completed => "completed",
        Failed => "failed",
    }
}

string_enum! {
    /// How a vendor is paid.
    PaymentMethod, "payment method" {
        BankTransfer => "bank_transfer",
        Cheque => "cheque",
        Upi => "upi",
        Cash => "cash",
        Other => "other",
    }
}

#[allow(clippy::derivable_impls, reason = "string_enum! derives no Default")]
impl Default for CampaignType {
    fn default() -> Self {
        CampaignType::Other
    }
}

#[allow(clippy::derivable_impls, reason = "string_enum! derives no Default")]
impl Default for CampaignStatus {
    fn default() -> Self {
        CampaignStatus::Planning
    }
}

#[allow(clippy::derivable_impls, reason = "string_enum! derives no Default")]
impl Default for ProjectStatus {
    fn default() -> Self {
        ProjectStatus::Active
    }
}

#[allow(clippy::derivable_impls, reason = "string_enum! derives no Default")]
impl Default for InvoiceStatus {
    fn default() -> Self {
        InvoiceStatus::Pending
    }
}

#[allow(clippy::derivable_impls, reason = "string_enum! derives no Default")]
impl Default for PaymentStatus {
    fn default() -> Self {
        PaymentStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_text_and_json() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
            let json = serde_json::to_string(role).expect("serialise role");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).expect("parse role"), *role);
        }
        assert_eq!(Role::ALL.len(), 14);
    }

    #[test]
    fn unknown_text_names_the_kind_in_its_error() {
        let err = "superuser".parse::<Role>().expect_err("not a role");
        assert_eq!(err.to_string(), "`superuser` is not a valid role");
        assert!("L_SHAPE".parse::<CampaignType>().is_err());
    }

    #[test]
    fn seed_values_are_exactly_the_enum_values() {
        let texts = |all: &[&str]| all.join(",");
        assert_eq!(
            texts(&CampaignType::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "l_shape,btl,roadshow,sampling,other"
        );
        assert_eq!(
            texts(&CampaignStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "planning,upcoming,running,hold,completed,cancelled"
        );
        assert_eq!(
            texts(&InvoiceStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "pending,submitted,approved,rejected,paid"
        );
        assert_eq!(
            texts(&PaymentMethod::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "bank_transfer,cheque,upi,cash,other"
        );
    }

    #[test]
    fn only_linked_roles_require_a_link() {
        assert_eq!(Role::Driver.required_link(), Some(UserLink::Driver));
        assert_eq!(Role::Anchor.required_link(), Some(UserLink::Promoter));
        assert_eq!(Role::Admin.required_link(), None);
        assert!(Role::Anchor.is_field_role());
        assert!(!Role::Accounts.is_field_role());
    }
}
