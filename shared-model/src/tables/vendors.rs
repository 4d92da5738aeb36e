use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::optional_long_text;
use crate::record::Record;
use crate::validate::{self as v, FieldErrors};

/// The writable fields of a vendor (a supplier of vehicles and drivers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorFields {
    /// Vendor name; at most 255 characters.
    pub name: String,
    /// Company name; at most 255 characters.
    pub company: Option<String>,
    /// Contact email.
    pub email: Option<String>,
    /// Contact number; at most 20 characters.
    pub phone: Option<String>,
    /// Full address.
    pub address: Option<String>,
    /// Key contact's name; at most 255 characters.
    pub contact_person: Option<String>,
}

/// A vendor as the server sends it.
pub type Vendor = Record<VendorFields>;

impl VendorFields {
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

/// The writable fields of a fleet vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleFields {
    /// Registration number, unique; at most 50 characters.
    pub vehicle_number: String,
    /// Truck, van, car, ...; at most 100 characters.
    pub vehicle_type: Option<String>,
    /// Load capacity; at most 100 characters.
    pub capacity: Option<String>,
    /// The owning vendor.
    pub vendor_id: Option<i64>,
    /// Registration certificate expiry.
    pub rc_validity: Option<NaiveDate>,
    /// Insurance expiry.
    pub insurance_validity: Option<NaiveDate>,
    /// Permit expiry.
    pub permit_validity: Option<NaiveDate>,
}

/// A vehicle as the server sends it.
pub type Vehicle = Record<VehicleFields>;

impl VehicleFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("vehicle_number", &self.vehicle_number, 50));
        errors.check(v::optional_text("vehicle_type", self.vehicle_type.as_deref(), 100));
        errors.check(v::optional_text("capacity", self.capacity.as_deref(), 100));
        errors.check(v::optional_id("vendor_id", self.vendor_id));
        errors.check(v::optional_calendar_date("rc_validity", self.rc_validity));
        errors.check(v::optional_calendar_date("insurance_validity", self.insurance_validity));
        errors.check(v::optional_calendar_date("permit_validity", self.permit_validity));
        errors.into_result()
    }
}

/// The writable fields of a driver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverFields {
    /// Driver's name; at most 255 characters.
    pub name: String,
    /// Contact number; at most 20 characters.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Driving licence number; at most 100 characters.
    pub license_number: Option<String>,
    /// Licence expiry.
    pub license_validity: Option<NaiveDate>,
    /// The vendor the driver works for.
    pub vendor_id: Option<i64>,
    /// The vehicle assigned to the driver.
    pub vehicle_id: Option<i64>,
}

/// A driver as the server sends it.
pub type Driver = Record<DriverFields>;

impl DriverFields {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(v::optional_phone("phone", self.phone.as_deref()));
        errors.check(v::optional_email("email", self.email.as_deref()));
        errors.check(v::optional_text("license_number", self.license_number.as_deref(), 100));
        errors.check(v::optional_calendar_date("license_validity", self.license_validity));
        errors.check(v::optional_id("vendor_id", self.vendor_id));
        errors.check(v::optional_id("vehicle_id", self.vehicle_id));
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::code;

    #[test]
    fn a_vehicle_number_longer_than_the_column_is_refused() {
        let vehicle = VehicleFields {
            vehicle_number: "KA".repeat(26),
            vehicle_type: Some("van".into()),
            capacity: None,
            vendor_id: Some(1),
            rc_validity: None,
            insurance_validity: NaiveDate::from_ymd_opt(2027, 1, 1),
            permit_validity: None,
        };
        let errors = vehicle.validate().expect_err("52 characters");
        assert_eq!(errors.for_field("vehicle_number").map(|e| e.code.as_str()), Some(code::TOO_LONG));
    }

    #[test]
    fn a_driver_with_a_zero_vehicle_id_is_refused() {
        let driver = DriverFields {
            name: "Ramesh Kumar".into(),
            phone: Some("+91 98450 12345".into()),
            email: None,
            license_number: Some("KA01 20190012345".into()),
            license_validity: NaiveDate::from_ymd_opt(2030, 5, 1),
            vendor_id: Some(1),
            vehicle_id: Some(0),
        };
        let errors = driver.validate().expect_err("id 0");
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "vehicle_id");
    }
}
