//! Span attributes: a fixed-capacity list stored inline, with no heap.

use std::fmt;

/// An attribute value: an integer, a float, a bool or a static string.
///
/// ```
/// use knhk_runtime::span::AttributeValue;
/// assert_eq!(AttributeValue::from(200), AttributeValue::Int(200));
/// assert_eq!(AttributeValue::from("GET"), AttributeValue::Str("GET"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttributeValue {
    /// A signed 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A bool.
    Bool(bool),
    /// A static string.
    Str(&'static str),
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for AttributeValue {
            fn from(v: $t) -> Self {
                AttributeValue::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for AttributeValue {
    fn from(v: f64) -> Self {
        AttributeValue::Float(v)
    }
}

impl From<f32> for AttributeValue {
    fn from(v: f32) -> Self {
        AttributeValue::Float(f64::from(v))
    }
}

impl From<bool> for AttributeValue {
    fn from(v: bool) -> Self {
        AttributeValue::Bool(v)
    }
}

impl From<&'static str> for AttributeValue {
    fn from(v: &'static str) -> Self {
        AttributeValue::Str(v)
    }
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::Int(v) => write!(f, "{v}"),
            AttributeValue::Float(v) => write!(f, "{v}"),
            AttributeValue::Bool(v) => write!(f, "{v}"),
            AttributeValue::Str(v) => write!(f, "{v:?}"),
        }
    }
}

/// One attribute: a static key and its value.
///
/// ```
/// use knhk_runtime::span::{Attribute, AttributeValue};
/// let a = Attribute { key: "http.response.status_code", value: AttributeValue::Int(200) };
/// assert_eq!(a.to_string(), "http.response.status_code=200");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attribute {
    /// The attribute's name, e.g. `"http.request.method"`.
    pub key: &'static str,
    /// Its value.
    pub value: AttributeValue,
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// Adding an attribute to a list that is full: nothing was changed.
///
/// ```
/// use knhk_runtime::span::{Attributes, CapacityError};
/// let mut list = Attributes::<1>::new();
/// list.set("a", 1)?;
/// let error = list.set("b", 2).unwrap_err();
/// assert_eq!(error, CapacityError { key: "b", capacity: 1 });
/// assert_eq!(error.to_string(), "cannot add attribute `b`: the list is full (capacity 1)");
/// # Ok::<(), CapacityError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot add attribute `{key}`: the list is full (capacity {capacity})")]
pub struct CapacityError {
    /// The key that did not fit.
    pub key: &'static str,
    /// The list's capacity.
    pub capacity: usize,
}

/// Up to `N` attributes with distinct keys, stored inline in insertion order.
///
/// [`set`](Attributes::set) replaces the value of a key already present (as
/// OpenTelemetry does) and otherwise appends; appending to a full list returns a
/// [`CapacityError`] and changes nothing. Lookups scan the list: `N` is meant to be
/// small.
///
/// ```
/// use knhk_runtime::span::{Attributes, AttributeValue};
/// let mut list = Attributes::<4>::new();
/// list.set("http.request.method", "GET")?;
/// list.set("http.response.status_code", 200)?;
/// list.set("http.response.status_code", 404)?; // replaces
/// assert_eq!(list.len(), 2);
/// assert_eq!(list.get("http.response.status_code"), Some(AttributeValue::Int(404)));
/// # Ok::<(), knhk_runtime::span::CapacityError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Attributes<const N: usize> {
    slots: [Attribute; N],
    len: usize,
}

/// What unused slots hold; never visible through the API.
const EMPTY: Attribute = Attribute {
    key: "",
    value: AttributeValue::Bool(false),
};

impl<const N: usize> Attributes<N> {
    /// An empty list.
    pub const fn new() -> Self {
        Attributes {
            slots: [EMPTY; N],
            len: 0,
        }
    }

    /// How many attributes the list holds.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds none.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many it can hold: `N`.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Whether another new key would be rejected.
    pub const fn is_full(&self) -> bool {
        self.len == N
    }

    /// The attributes, in the order their keys were first set.
    pub fn as_slice(&self) -> &[Attribute] {
        &self.slots[..self.len]
    }

    /// The attributes, in the order their keys were first set.
    pub fn iter(&self) -> std::slice::Iter<'_, Attribute> {
        self.as_slice().iter()
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<AttributeValue> {
        self.iter().find(|a| a.key == key).map(|a| a.value)
    }

    /// Sets `key` to `value`: replaces the value if `key` is present, else appends, or,
    /// when the list is full, changes nothing and returns [`CapacityError`].
    pub fn set(
        &mut self,
        key: &'static str,
        value: impl Into<AttributeValue>,
    ) -> Result<(), CapacityError> {
        let value = value.into();
        if let Some(slot) = self.slots[..self.len].iter_mut().find(|a| a.key == key) {
            slot.value = value;
            return Ok(());
        }
        match self.slots.get_mut(self.len) {
            Some(slot) => {
                *slot = Attribute { key, value };
                self.len += 1;
                Ok(())
            }
            None => Err(CapacityError { key, capacity: N }),
        }
    }

    /// Removes every attribute.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl<const N: usize> Default for Attributes<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> PartialEq for Attributes<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<const N: usize> fmt::Debug for Attributes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|a| (a.key, a.value)))
            .finish()
    }
}

impl<'a, const N: usize> IntoIterator for &'a Attributes<N> {
    type Item = &'a Attribute;
    type IntoIter = std::slice::Iter<'a, Attribute>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_list_rejects_new_keys_and_changes_nothing() {
        let mut list = Attributes::<2>::new();
        list.set("a", 1).unwrap();
        list.set("b", true).unwrap();
        let before = list;
        assert_eq!(
            list.set("c", 2.5),
            Err(CapacityError {
                key: "c",
                capacity: 2
            })
        );
        assert_eq!(list, before);
        assert_eq!(list.get("c"), None);
        // Replacing an existing key still works when full.
        list.set("a", "x").unwrap();
        assert_eq!(list.get("a"), Some(AttributeValue::Str("x")));
        assert_eq!(list.len(), 2);
        assert!(list.is_full());
    }

    #[test]
    fn zero_capacity_rejects_everything() {
        let mut list = Attributes::<0>::new();
        assert!(list.set("a", 1).is_err());
        assert!(list.is_empty());
    }

    #[test]
    fn keeps_insertion_order_and_debug_shows_only_set_entries() {
        let mut list = Attributes::<4>::new();
        list.set("z", 1).unwrap();
        list.set("a", 2).unwrap();
        let keys: Vec<_> = list.iter().map(|a| a.key).collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(format!("{list:?}"), r#"{"z": Int(1), "a": Int(2)}"#);
        list.clear();
        assert!(list.is_empty());
        assert_eq!(list.get("z"), None);
    }
}
