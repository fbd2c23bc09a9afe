//! XXH3 as const fn.
