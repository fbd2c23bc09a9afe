//! Error context (in progress).
