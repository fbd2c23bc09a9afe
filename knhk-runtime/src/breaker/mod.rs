//! A circuit breaker with resilience4j's semantics (in progress).
