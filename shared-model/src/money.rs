//! Money: `DECIMAL(12,2)` in the database, [`Decimal`] in Rust, and a decimal string with two
//! places on the wire (`"1250.50"`). Never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money with at most two decimal places that fits `DECIMAL(12,2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a text or number is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a plain decimal number.
    #[error("not a decimal amount")]
    NotDecimal,
    /// More than two places after the point.
    #[error("more than two decimal places")]
    TooPrecise,
    /// Outside what `DECIMAL(12,2)` holds.
    #[error("outside the range a DECIMAL(12,2) column can hold")]
    OutOfRange,
}

impl Money {
    /// The largest amount a `DECIMAL(12,2)` column holds: 9999999999.99.
    pub const MAX: Money = Money::from_cents_const(999_999_999_999);
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from a decimal, refusing more than two places or more than `DECIMAL(12,2)` holds.
    pub fn new(value: Decimal) -> Result<Self, MoneyError> {
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let value = value.round_dp(2);
        if value.abs() > Self::max_decimal() {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Money(value))
    }

    /// An amount from whole currency units and hundredths (`from_cents(125050)` is `1250.50`).
    pub fn from_cents(cents: i64) -> Result<Self, MoneyError> {
        Self::new(Decimal::new(cents, 2))
    }

    /// An amount known at compile time to be in range; for constants only.
    pub(crate) const fn from_cents_const(cents: u64) -> Self {
        Money(Decimal::from_parts(cents as u32, (cents >> 32) as u32, 0, false, 2))
    }

    /// The amount as a decimal.
    pub const fn get(self) -> Decimal {
        self.0
    }

    fn max_decimal() -> Decimal {
        Self::MAX.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let plain = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && s.bytes().filter(|b| *b == b'.').count() <= 1
            && !s[1..].contains('-');
        if !plain {
            return Err(MoneyError::NotDecimal);
        }
        let value = Decimal::from_str_exact(s).map_err(|_| MoneyError::NotDecimal)?;
        Money::new(value)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Money::new(value)
    }
}

impl From<Money> for Decimal {
    fn from(value: Money) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_written_with_exactly_two_places() {
        assert_eq!("1250.5".parse::<Money>().map(|m| m.to_string()), Ok("1250.50".into()));
        assert_eq!("7".parse::<Money>().map(|m| m.to_string()), Ok("7.00".into()));
        assert_eq!(serde_json::to_string(&"2450.00".parse::<Money>().expect("money")).expect("json"), "\"2450.00\"");
    }

    #[test]
    fn refuses_floats_exponents_and_extra_places() {
        assert_eq!("12.345".parse::<Money>(), Err(MoneyError::TooPrecise));
        assert_eq!("1e3".parse::<Money>(), Err(MoneyError::NotDecimal));
        assert_eq!(" 12".parse::<Money>(), Err(MoneyError::NotDecimal));
        assert_eq!("".parse::<Money>(), Err(MoneyError::NotDecimal));
        assert_eq!("1-2".parse::<Money>(), Err(MoneyError::NotDecimal));
        assert!(serde_json::from_str::<Money>("12.5").is_err(), "a JSON number is not money");
        assert_eq!("12.340".parse::<Money>().map(|m| m.to_string()), Ok("12.34".into()));
    }

    #[test]
    fn the_range_is_that_of_decimal_12_2() {
        assert_eq!("9999999999.99".parse::<Money>().map(|m| m.to_string()), Ok("9999999999.99".into()));
        assert_eq!("10000000000.00".parse::<Money>(), Err(MoneyError::OutOfRange));
        assert_eq!(Money::MAX.to_string(), "9999999999.99");
    }

    proptest! {
        #[test]
        fn any_cent_amount_round_trips_through_json(cents in -999_999_999_999i64..=999_999_999_999) {
            let money = Money::from_cents(cents).expect("in range");
            let json = serde_json::to_string(&money).expect("serialise");
            let back: Money = serde_json::from_str(&json).expect("parse");
            prop_assert_eq!(back, money);
            prop_assert_eq!(back.get().mantissa(), i128::from(cents));
        }
    }
}
