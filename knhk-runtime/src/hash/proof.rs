//! Hash values checked by the compiler.
