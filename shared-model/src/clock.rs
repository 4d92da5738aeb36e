//! The phone's hybrid logical clock for `updated_at` (SYNC-PROTOCOL.md, push): the next timestamp
//! is the later of the wall clock corrected by the offset learnt from the server's `server_time`,
//! and the previous timestamp plus one millisecond. So a phone whose clock is wrong neither wins
//! every conflict (its versions are stamped near server time) nor loses every one, and two edits
//! on one phone are always ordered.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The clock's whole state: persisted by the phone between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HybridClock {
    /// The last timestamp handed out.
    pub last: Option<DateTime<Utc>>,
    /// Server time minus the phone's wall clock, in milliseconds, as last learnt.
    pub offset_ms: i64,
}

impl HybridClock {
    /// A clock that has not heard from the server yet.
    pub const fn new() -> Self {
        HybridClock { last: None, offset_ms: 0 }
    }

    /// The next timestamp, given the wall clock now. Always later than the previous one.
    pub fn tick(&mut self, wall: DateTime<Utc>) -> DateTime<Utc> {
        let corrected = truncate_to_millis(wall + Duration::milliseconds(self.offset_ms));
        let next = match self.last {
            Some(last) if last + Duration::milliseconds(1) > corrected => last + Duration::milliseconds(1),
            _ => corrected,
        };
        self.last = Some(next);
        next
    }

    /// Learns the offset from a server answer: `server_time` as the server sent it, `wall` the
    /// phone's clock when the answer arrived. Later ticks stay after every earlier one.
    pub fn observe(&mut self, server_time: DateTime<Utc>, wall: DateTime<Utc>) {
        self.offset_ms = (server_time - wall).num_milliseconds();
    }
}

fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    let millis = at.timestamp_millis();
    DateTime::from_timestamp_millis(millis).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        crate::time::parse(text).unwrap_or_default()
    }

    #[test]
    fn ticks_follow_the_wall_clock_when_it_moves_forward() {
        let mut clock = HybridClock::new();
        assert_eq!(clock.tick(at("2026-01-09T08:15:30.123Z")), at("2026-01-09T08:15:30.123Z"));
        assert_eq!(clock.tick(at("2026-01-09T08:15:31.000Z")), at("2026-01-09T08:15:31.000Z"));
    }

    #[test]
    fn ticks_never_repeat_or_go_back_when_the_wall_clock_does() {
        let mut clock = HybridClock::new();
        let first = clock.tick(at("2026-01-09T08:15:30.123Z"));
        let same = clock.tick(at("2026-01-09T08:15:30.123Z"));
        let back = clock.tick(at("2026-01-09T07:00:00.000Z"));
        assert!(same > first && back > same);
        assert_eq!(back - first, Duration::milliseconds(2));
    }

    #[test]
    fn a_phone_a_day_fast_stamps_near_server_time_once_it_has_heard_from_the_server() {
        let mut clock = HybridClock::new();
        let phone = at("2026-01-10T08:00:00.000Z");
        clock.observe(at("2026-01-09T08:00:00.000Z"), phone);
        assert_eq!(clock.offset_ms, -86_400_000);
        let stamped = clock.tick(phone + Duration::seconds(5));
        assert_eq!(stamped, at("2026-01-09T08:00:05.000Z"));
    }

    #[test]
    fn a_fast_clock_corrected_backwards_still_orders_later_edits_after_earlier_ones() {
        let mut clock = HybridClock::new();
        let before = clock.tick(at("2026-01-10T08:00:00.000Z"));
        clock.observe(at("2026-01-09T08:00:00.000Z"), at("2026-01-10T08:00:00.000Z"));
        let after = clock.tick(at("2026-01-10T08:00:01.000Z"));
        assert!(after > before, "an edit made later must not lose to one made earlier on the same phone");
    }

    #[test]
    fn timestamps_carry_milliseconds_only() {
        let mut clock = HybridClock::new();
        let stamped = clock.tick(at("2026-01-09T08:15:30.123456Z"));
        assert_eq!(stamped, at("2026-01-09T08:15:30.123Z"));
    }
}
