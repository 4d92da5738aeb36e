use serde::{Deserialize, Serialize};

use crate::enums::{Role, UserLink};
use crate::validate::{self as v, FieldError, FieldErrors, code};

/// The writable fields of a user account. The password hash never leaves the server, so it is not
/// here; `password_hint` is shown to admins only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFields {
    /// Login email, unique; at most 255 characters.
    pub email: String,
    /// Full name; at most 255 characters.
    pub name: String,
    /// Contact number; at most 20 characters.
    pub phone: Option<String>,
    /// Admin reference for password recovery; at most 255 characters.
    pub password_hint: Option<String>,
    /// What the user may do.
    pub role: Role,
    /// The vendor a vendor user (or a driver) belongs to.
    pub vendor_id: Option<i64>,
    /// The driver row a driver user is.
    pub driver_id: Option<i64>,
    /// The promoter row a promoter or anchor user is.
    pub promoter_id: Option<i64>,
    /// The client a client user works for.
    pub client_id: Option<i64>,
}

/// A user account as the server sends it.
pub type User = crate::record::Record<UserFields>;

impl UserFields {
    fn link(&self, link: UserLink) -> Option<i64> {
        match link {
            UserLink::Vendor => self.vendor_id,
            UserLink::Client => self.client_id,
            UserLink::Driver => self.driver_id,
            UserLink::Promoter => self.promoter_id,
        }
    }

    /// Checks every field, and that the links fit the role: a vendor, client, driver, promoter or
    /// anchor must be linked to its row; a user may carry no link its role does not use (drivers may
    /// also name their vendor).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        errors.check(v::email("email", &self.email));
        errors.check(v::required_text("name", &self.name, 255));
        errors.check(v::optional_phone("phone", self.phone.as_deref()));
        errors.check(v::optional_text("password_hint", self.password_hint.as_deref(), 255));
        for link in [UserLink::Vendor, UserLink::Client, UserLink::Driver, UserLink::Promoter] {
            let field = link.column();
            errors.check(v::optional_id(field, self.link(link)));
            let needed = self.role.required_link() == Some(link);
            let allowed = needed || (link == UserLink::Vendor && self.role == Role::Driver);
            if needed && self.link(link).is_none() {
                errors.check(Err(FieldError::new(
                    field,
                    code::LINK_MISMATCH,
                    format!("a {} account must be linked with {field}", self.role),
                )));
            } else if !allowed && self.link(link).is_some() {
                errors.check(Err(FieldError::new(
                    field,
                    code::LINK_MISMATCH,
                    format!("a {} account cannot carry {field}", self.role),
                )));
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> UserFields {
        UserFields {
            email: "someone@demo.test".into(),
            name: "Someone".into(),
            phone: None,
            password_hint: None,
            role,
            vendor_id: None,
            driver_id: None,
            promoter_id: None,
            client_id: None,
        }
    }

    #[test]
    fn a_driver_account_needs_its_driver_row() {
        let errors = user(Role::Driver).validate().expect_err("unlinked driver");
        assert_eq!(errors.for_field("driver_id").map(|e| e.code.as_str()), Some(code::LINK_MISMATCH));
        let linked = UserFields { driver_id: Some(12), vendor_id: Some(3), ..user(Role::Driver) };
        assert_eq!(linked.validate(), Ok(()));
    }

    #[test]
    fn an_admin_cannot_carry_a_client_link() {
        let errors = UserFields { client_id: Some(1), ..user(Role::Admin) }.validate().expect_err("stray link");
        assert_eq!(errors.for_field("client_id").map(|e| e.code.as_str()), Some(code::LINK_MISMATCH));
    }

    #[test]
    fn an_anchor_is_linked_like_a_promoter() {
        assert!(user(Role::Anchor).validate().is_err());
        assert_eq!(UserFields { promoter_id: Some(2), ..user(Role::Anchor) }.validate(), Ok(()));
    }

    #[test]
    fn rows_round_trip_through_json_with_flat_fields() {
        let row = User {
            id: 7,
            fields: UserFields { driver_id: Some(12), ..user(Role::Driver) },
            is_active: true,
            created_at: crate::time::parse("2026-01-09T08:15:30.123Z").expect("time"),
            updated_at: crate::time::parse("2026-01-09T08:15:31Z").expect("time"),
        };
        let json = serde_json::to_value(&row).expect("serialise");
        assert_eq!(json["role"], "driver");
        assert_eq!(json["driver_id"], 12);
        assert_eq!(json["created_at"], "2026-01-09T08:15:30.123000Z");
        assert!(json.get("password_hash").is_none());
        assert_eq!(serde_json::from_value::<User>(json).expect("parse"), row);
    }
}
