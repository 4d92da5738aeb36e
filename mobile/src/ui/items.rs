//! What a list shows for one capture: its state in the user's words.

use crate::store::{CaptureState, LocalCapture};

/// A capture's state as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemState {
    /// Saved on the phone, not yet on the server.
    Waiting,
    /// On the server; an expense waits for the office.
    PendingApproval,
    /// On the server (activities and trips need no approval).
    Synced,
    /// The office approved the expense.
    Approved,
    /// The office rejected the expense, with its note.
    RejectedByOffice(Option<String>),
    /// The server refused this version, with its message: fix and send again.
    Refused(String),
}

/// The state of `capture` for its list.
pub fn item_state(capture: &LocalCapture) -> ItemState {
    match capture.state {
        CaptureState::Rejected => {
            ItemState::Refused(capture.error.as_ref().map(|e| e.message.clone()).unwrap_or_default())
        }
        CaptureState::Waiting => ItemState::Waiting,
        CaptureState::Synced => match capture.review("status") {
            Some("approved") => ItemState::Approved,
            Some("rejected") => ItemState::RejectedByOffice(capture.review("review_note").map(str::to_owned)),
            Some(_) => ItemState::PendingApproval,
            None => ItemState::Synced,
        },
    }
}
