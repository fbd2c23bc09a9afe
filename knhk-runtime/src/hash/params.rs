//! Pluggable const hashing.
