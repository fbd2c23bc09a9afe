//! XXH3 for runtime use.
