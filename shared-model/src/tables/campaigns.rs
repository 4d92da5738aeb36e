use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::optional_long_text;
use crate::enums::{CampaignStatus, CampaignType};
use crate::money::Money;
use crate::record::Record;
use crate::validate::{self as v, FieldErrors};

/// The writable fields of a marketing campaign. Its vendors are not a column: they are the
/// placeholder invoices that link campaign and vendor (seed, "Campaign-Vendor Relationship").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFields {
    /// Campaign name; at most 255 characters.
    pub name: String,
    /// Campaign details.
    pub description: Option<String>,
    /// The parent project.
    pub project_id: i64,
    /// L-shape, BTL, roadshow, sampling or other (`other` when not given).
    #[serde(default)]
    pub campaign_type: CampaignType,
    /// Where the campaign is in its life (`planning` when not given).
    #[serde(default)]
    pub status: CampaignStatus,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day, not before the first.
    pub end_date: Option<NaiveDate>,
    /// Campaign budget.
    pub budget: Option<Money>,
    /// Comma-separated locations.
    pub locations: Option<String>,
}

/// A campaign as the server sends it.
pub type Campaign = Record<CampaignFields>;

impl CampaignFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(optional_long_text("description", self.description.as_deref()));
        errors.check(v::id("project_id", self.project_id));
        errors.check(v::optional_calendar_date("start_date", self.start_date));
        errors.check(v::optional_calendar_date("end_date", self.end_date));
        errors.check(v::date_order("end_date", self.start_date, self.end_date));
        errors.check(v::non_negative_money("budget", self.budget));
        errors.check(optional_long_text("locations", self.locations.as_deref()));
        errors.into_result()
    }

    /// The locations as a list, blanks dropped.
    pub fn location_list(&self) -> Vec<&str> {
        self.locations.as_deref().unwrap_or_default().split(',').map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::code;

    fn campaign() -> CampaignFields {
        CampaignFields {
            name: "Monsoon Roadshow".into(),
            description: None,
            project_id: 5,
            campaign_type: CampaignType::Roadshow,
            status: CampaignStatus::Planning,
            start_date: NaiveDate::from_ymd_opt(2026, 6, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            budget: Some("250000.00".parse().expect("money")),
            locations: Some("Mysuru, Mandya,, Hassan ".into()),
        }
    }

    #[test]
    fn a_valid_campaign_passes_and_lists_its_locations() {
        assert_eq!(campaign().validate(), Ok(()));
        assert_eq!(campaign().location_list(), vec!["Mysuru", "Mandya", "Hassan"]);
    }

    #[test]
    fn a_negative_budget_is_out_of_range() {
        let c = CampaignFields { budget: Some("-1.00".parse().expect("money")), ..campaign() };
        let errors = c.validate().expect_err("negative");
        assert_eq!(errors.for_field("budget").map(|e| e.code.as_str()), Some(code::OUT_OF_RANGE));
    }

    #[test]
    fn the_wire_form_uses_the_seed_spellings() {
        let json = serde_json::to_value(campaign()).expect("serialise");
        assert_eq!(json["campaign_type"], "roadshow");
        assert_eq!(json["status"], "planning");
        assert_eq!(json["budget"], "250000.00");
        assert_eq!(json["start_date"], "2026-06-01");
        assert_eq!(serde_json::from_value::<CampaignFields>(json).expect("parse"), campaign());
    }
}
