use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::optional_long_text;
use crate::enums::{InvoiceStatus, PaymentMethod, PaymentStatus};
use crate::money::Money;
use crate::record::Record;
use crate::validate::{self as v, FieldError, FieldErrors, code};

/// Invoice numbers of the invoices that only link a vendor to a campaign start with this.
pub const PLACEHOLDER_PREFIX: &str = "PLACEHOLDER-";

/// The writable fields of a vendor invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFields {
    /// Invoice number, unique; at most 100 characters.
    pub invoice_number: String,
    /// The invoice document: a photo reference or an http(s) address.
    pub invoice_file: Option<String>,
    /// Invoice amount (0.00 when not given, as for placeholders).
    #[serde(default)]
    pub amount: Money,
    /// Invoice date.
    pub invoice_date: Option<NaiveDate>,
    /// Pending, submitted, approved, rejected or paid (`pending` when not given).
    #[serde(default)]
    pub status: InvoiceStatus,
    /// The billing vendor.
    pub vendor_id: i64,
    /// The campaign billed.
    pub campaign_id: Option<i64>,
}

/// An invoice as the server sends it.
pub type Invoice = Record<InvoiceFields>;

impl InvoiceFields {
    /// Whether this invoice only links its vendor to its campaign.
    pub fn is_placeholder(&self) -> bool {
        self.invoice_number.starts_with(PLACEHOLDER_PREFIX)
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("invoice_number", &self.invoice_number, 100));
        errors.check(v::optional_document("invoice_file", self.invoice_file.as_deref()));
        errors.check(v::non_negative_money("amount", Some(self.amount)));
        errors.check(v::optional_calendar_date("invoice_date", self.invoice_date));
        errors.check(v::id("vendor_id", self.vendor_id));
        errors.check(v::optional_id("campaign_id", self.campaign_id));
        errors.into_result()
    }
}

/// The writable fields of a payment against an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFields {
    /// Amount paid, more than zero.
    pub amount: Money,
    /// The day it was paid.
    pub payment_date: Option<NaiveDate>,
    /// Pending, processing, completed or failed (`pending` when not given).
    #[serde(default)]
    pub status: PaymentStatus,
    /// Bank transfer, cheque, UPI, cash or other.
    pub payment_method: Option<PaymentMethod>,
    /// Transaction id for reconciliation; at most 255 characters.
    pub transaction_reference: Option<String>,
    /// Notes.
    pub remarks: Option<String>,
    /// The invoice paid (one payment per invoice).
    pub invoice_id: i64,
    /// The vendor paid.
    pub vendor_id: i64,
}

/// A payment as the server sends it.
pub type Payment = Record<PaymentFields>;

impl PaymentFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.amount <= Money::ZERO {
            errors.check(Err(FieldError::new("amount", code::OUT_OF_RANGE, "amount must be more than 0.00")));
        }
        errors.check(v::optional_calendar_date("payment_date", self.payment_date));
        errors.check(v::optional_text("transaction_reference", self.transaction_reference.as_deref(), 255));
        errors.check(optional_long_text("remarks", self.remarks.as_deref()));
        errors.check(v::id("invoice_id", self.invoice_id));
        errors.check(v::id("vendor_id", self.vendor_id));
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised_by_their_number() {
        let invoice = InvoiceFields {
            invoice_number: format!("{PLACEHOLDER_PREFIX}10-5"),
            invoice_file: None,
            amount: Money::ZERO,
            invoice_date: None,
            status: InvoiceStatus::Pending,
            vendor_id: 5,
            campaign_id: Some(10),
        };
        assert!(invoice.is_placeholder());
        assert_eq!(invoice.validate(), Ok(()));
    }

    #[test]
    fn a_payment_of_nothing_is_refused() {
        let payment = PaymentFields {
            amount: Money::ZERO,
            payment_date: None,
            status: PaymentStatus::Pending,
            payment_method: Some(PaymentMethod::Upi),
            transaction_reference: None,
            remarks: None,
            invoice_id: 1,
            vendor_id: 1,
        };
        let errors = payment.validate().expect_err("zero");
        assert_eq!(errors.for_field("amount").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
    }
}
