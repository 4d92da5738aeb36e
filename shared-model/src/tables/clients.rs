use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::optional_long_text;
use crate::enums::ProjectStatus;
use crate::money::Money;
use crate::record::Record;
use crate::validate::{self as v, FieldErrors};

/// The writable fields of a client company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFields {
    /// Client or company name; at most 255 characters.
    pub name: String,
    /// Legal company name; at most 255 characters.
    pub company: Option<String>,
    /// Primary contact email.
    pub email: Option<String>,
    /// Contact number; at most 20 characters.
    pub phone: Option<String>,
    /// Full address.
    pub address: Option<String>,
    /// Key contact's name; at most 255 characters.
    pub contact_person: Option<String>,
}

/// A client as the server sends it.
pub type Client = Record<ClientFields>;

impl ClientFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(v::optional_text("company", self.company.as_deref(), 255));
        errors.check(v::optional_email("email", self.email.as_deref()));
        errors.check(v::optional_phone("phone", self.phone.as_deref()));
        errors.check(optional_long_text("address", self.address.as_deref()));
        errors.check(v::optional_text("contact_person", self.contact_person.as_deref(), 255));
        errors.into_result()
    }
}

/// The writable fields of a client project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFields {
    /// Project name; at most 255 characters.
    pub name: String,
    /// Project details.
    pub description: Option<String>,
    /// The client the project is for.
    pub client_id: i64,
    /// Project budget.
    pub budget: Option<Money>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date, not before the start.
    pub end_date: Option<NaiveDate>,
    /// Active, completed or cancelled (`active` when not given).
    #[serde(default)]
    pub status: ProjectStatus,
    /// Name of the client servicing manager; at most 255 characters.
    pub assigned_cs: Option<String>,
}

/// A project as the server sends it.
pub type Project = Record<ProjectFields>;

impl ProjectFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(optional_long_text("description", self.description.as_deref()));
        errors.check(v::id("client_id", self.client_id));
        errors.check(v::non_negative_money("budget", self.budget));
        errors.check(v::optional_calendar_date("start_date", self.start_date));
        errors.check(v::optional_calendar_date("end_date", self.end_date));
        errors.check(v::date_order("end_date", self.start_date, self.end_date));
        errors.check(v::optional_text("assigned_cs", self.assigned_cs.as_deref(), 255));
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::code;

    #[test]
    fn a_project_cannot_end_before_it_starts() {
        let project = ProjectFields {
            name: "Rural reach".into(),
            description: None,
            client_id: 1,
            budget: Some(Money::from_cents(50_000_000).expect("money")),
            start_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 2, 1),
            status: ProjectStatus::Active,
            assigned_cs: None,
        };
        let errors = project.validate().expect_err("ends before start");
        assert_eq!(errors.for_field("end_date").map(|e| e.code.as_str()), Some(code::DATE_ORDER));
    }

    #[test]
    fn a_client_needs_a_name_and_a_real_email() {
        let client = ClientFields {
            name: String::new(),
            company: None,
            email: Some("not-an-email".into()),
            phone: None,
            address: None,
            contact_person: None,
        };
        let errors = client.validate().expect_err("two faults");
        assert_eq!(errors.for_field("name").map(|e| e.code.as_str()), Some(code::REQUIRED));
        assert_eq!(errors.for_field("email").map(|e| e.code.as_str()), Some(code::INVALID_FORMAT));
    }
}
