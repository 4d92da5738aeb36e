//! Reading a page's query string: numbers, dates and fixed choices, each refused with a clear
//! 400 (`invalid_query`) naming the parameter, never guessed.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::Error;

/// A page's query parameters.
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

fn invalid(name: &str, what: &str) -> Error {
    Error::BadRequest { code: "invalid_query", message: format!("{name} must be {what}.") }
}

impl Params {
    /// From the parsed query.
    pub fn new(map: HashMap<String, String>) -> Self {
        Params(map)
    }

    /// The trimmed text of `name`, when given and not empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A positive id.
    pub fn id(&self, name: &str) -> Result<Option<i64>, Error> {
        self.text(name)
            .map(|v| v.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| invalid(name, "a positive whole number")))
            .transpose()
    }

    /// A date written YYYY-MM-DD.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, Error> {
        self.text(name)
            .map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| invalid(name, "a date written YYYY-MM-DD")))
            .transpose()
    }

    /// One of `allowed`.
    pub fn choice(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, Error> {
        self.text(name)
            .map(|v| {
                allowed
                    .iter()
                    .find(|a| **a == v)
                    .map(|a| (*a).to_owned())
                    .ok_or_else(|| invalid(name, &format!("one of {}", allowed.join(", "))))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn empty_values_count_as_absent() {
        let p = params(&[("status", ""), ("campaign_id", "  ")]);
        assert_eq!(p.choice("status", &["pending"]).ok().flatten(), None);
        assert_eq!(p.id("campaign_id").ok().flatten(), None);
    }

    #[test]
    fn bad_values_are_refused_with_the_parameter_named() {
        let p = params(&[("campaign_id", "1 OR 1=1"), ("from", "2026-13-40"), ("status", "paid")]);
        for error in [p.id("campaign_id").err(), p.date("from").err(), p.choice("status", &["pending"]).err()] {
            let error = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("must be"), "{error}");
        }
        assert!(params(&[("id", "-3")]).id("id").is_err());
    }

    #[test]
    fn good_values_are_read() {
        let p = params(&[("campaign_id", "12"), ("from", "2026-11-01"), ("status", "approved")]);
        assert_eq!(p.id("campaign_id").ok().flatten(), Some(12));
        assert_eq!(p.date("from").ok().flatten(), NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(p.choice("status", &["pending", "approved"]).ok().flatten().as_deref(), Some("approved"));
    }
}
