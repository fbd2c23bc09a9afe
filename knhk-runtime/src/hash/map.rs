//! Compile-time perfect-hash maps.
