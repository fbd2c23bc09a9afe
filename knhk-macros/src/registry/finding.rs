//! A broken rule: which one (its id), where, and what to do about it.

use super::model::Location;
use std::fmt;

/// One finding of the loader or the checker.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Finding {
    pub(crate) at: Location,
    /// The rule, as a stable id (`missing_stability`, `unresolved_ref`, ...).
    pub(crate) id: &'static str,
    pub(crate) message: String,
}

impl Finding {
    pub(crate) fn new(id: &'static str, at: &Location, message: impl Into<String>) -> Finding {
        Finding {
            at: at.clone(),
            id,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] {}", self.at, self.id, self.message)
    }
}
