//! Spans with no heap parts: ids, context, status, inline attributes, an ordered
//! builder and a fixed-capacity buffer.
//!
//! ```
//! use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, SpanStatus, TraceId};
//!
//! let mut spans = SpanBuffer::<4>::new();
//! let trace = TraceId::new(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736).unwrap();
//! let root = spans.start_span("request", trace, None).unwrap();
//! let child = spans.start_span("db.query", trace, Some(root.span_id)).unwrap();
//! assert!(spans.end_span(child.span_id, SpanStatus::Ok));
//! assert!(spans.end_span(root.span_id, SpanStatus::Ok));
//! assert_eq!(spans.get_span(child.span_id).unwrap().parent(), Some(root.span_id));
//! ```

mod attribute;
mod buffer;
mod builder;
mod id;
mod iter;
mod record;

pub use attribute::{Attribute, AttributeValue, Attributes, CapacityError};
pub use buffer::{HotPathTelemetry, SpanBuffer};
pub use builder::{AttributeOverflow, SpanBuilder, state};
pub use id::{SpanId, TraceId};
pub use iter::{FilterZeroCopy, MapZeroCopy, SpanBufferIter, ZeroCopyIterator};
pub use record::{
    DEFAULT_ATTRIBUTE_CAPACITY, Span, SpanContext, SpanStatus, TraceFlags, Traceparent,
};
