//! Batch hashing with runtime CPU dispatch.
