//! Checks across an [`Item`]: the declared type, each key against the key type, and
//! duplicate keys. Produces, when every item passes, each with its keys as the hash
//! sees them; otherwise the declared types, for stubs.

use super::hash::KeyBits;
use super::parse::{Entries, Item, Kind};
use crate::diag::{Errors, did_you_mean};
use proc_macro2::Span;
use quote::ToTokens;
use std::collections::HashMap;
use std::fmt;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, GenericArgument, Lit, PathArguments, Type, UnOp};

/// A key type the macro can hash.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    Str,
    Bytes,
    Int(IntType),
    Char,
    Bool,
}

/// An integer key type: its name, signedness and width in bits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct IntType {
    name: &'static str,
    signed: bool,
    bits: u32,
}

const INT_TYPES: [IntType; 12] = [
    IntType::new("u8", false, 8),
    IntType::new("u16", false, 16),
    IntType::new("u32", false, 32),
    IntType::new("u64", false, 64),
    IntType::new("u128", false, 128),
    IntType::new("usize", false, usize::BITS),
    IntType::new("i8", true, 8),
    IntType::new("i16", true, 16),
    IntType::new("i32", true, 32),
    IntType::new("i64", true, 64),
    IntType::new("i128", true, 128),
    IntType::new("isize", true, usize::BITS),
];

impl IntType {
    const fn new(name: &'static str, signed: bool, bits: u32) -> IntType {
        IntType { name, signed, bits }
    }

    fn named(name: &str) -> Option<IntType> {
        INT_TYPES.iter().copied().find(|t| t.name == name)
    }

    /// The smallest and largest values, as (negative, magnitude) bounds.
    fn range(self) -> String {
        if self.signed {
            let max = (1u128 << (self.bits - 1)) - 1;
            format!("-{}..={max}", max + 1)
        } else {
            let max = if self.bits == 128 {
                u128::MAX
            } else {
                (1u128 << self.bits) - 1
            };
            format!("0..={max}")
        }
    }

    /// Whether `magnitude` (negated if `negative`) is a value of this type.
    fn fits(self, negative: bool, magnitude: u128) -> bool {
        match (self.signed, negative) {
            (false, true) => false,
            (false, false) => self.bits == 128 || magnitude >> self.bits == 0,
            (true, false) => magnitude < 1u128 << (self.bits - 1),
            (true, true) => magnitude <= 1u128 << (self.bits - 1),
        }
    }

    /// The value as the runtime hashes it: values of types up to 64 bits widened to 64
    /// bits (sign-extended when signed), 128-bit values split in halves.
    fn bits_of(self, negative: bool, magnitude: u128) -> KeyBits {
        let value = if negative {
            magnitude.wrapping_neg()
        } else {
            magnitude
        };
        if self.bits == 128 {
            KeyBits::Int {
                low: value as u64,
                high: (value >> 64) as u64,
            }
        } else {
            // `value` is the two's complement of the number in 128 bits, so its low 64
            // bits are the number sign-extended to 64 bits, as `x as u64` gives.
            KeyBits::Int {
                low: value as u64,
                high: 0,
            }
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Str => f.write_str("&'static str"),
            KeyType::Bytes => f.write_str("&'static [u8]"),
            KeyType::Int(int) => f.write_str(int.name),
            KeyType::Char => f.write_str("char"),
            KeyType::Bool => f.write_str("bool"),
        }
    }
}

/// The declared type of an item, as far as a stub needs it.
pub(crate) struct Declared<'a> {
    pub(crate) item: &'a Item,
    /// The key type as written.
    pub(crate) key_ty: &'a Type,
    pub(crate) shape: Shape<'a>,
}

/// A map, with its value type as written, or a set.
#[derive(Clone, Copy)]
pub(crate) enum Shape<'a> {
    Map { value_ty: &'a Type },
    Set,
}

/// An item that passed every check, ready for the table search and expansion.
pub(crate) struct Valid<'a> {
    pub(crate) declared: Declared<'a>,
    pub(crate) contents: Contents<'a>,
    /// Every key as the hash sees it, in entry order.
    pub(crate) keys: Vec<KeyBits>,
}

/// The entries of a valid item, in the shape its type declares.
pub(crate) enum Contents<'a> {
    Map {
        value_ty: &'a Type,
        entries: &'a [(Expr, Expr)],
    },
    Set(&'a [Expr]),
}

/// Every item valid, or the declared types of those a stub can stand for.
pub(crate) enum Outcome<'a> {
    Valid(Vec<Valid<'a>>),
    Invalid(Vec<Declared<'a>>),
}

/// Checks every item, reporting into `errors`.
pub(crate) fn items<'a>(kind: Kind, items: &'a [Item], errors: &mut Errors) -> Outcome<'a> {
    let checked: Vec<_> = items.iter().map(|i| item(kind, i, errors)).collect();
    let all_valid =
        errors.is_empty() && checked.iter().all(|c| matches!(c, Some(Checked::Valid(_))));
    let mut valid = Vec::new();
    let mut stubs = Vec::new();
    for checked in checked.into_iter().flatten() {
        match checked {
            Checked::Valid(item) if all_valid => valid.push(item),
            Checked::Valid(item) => stubs.push(item.declared),
            Checked::Declared(declared) => stubs.push(declared),
        }
    }
    if all_valid {
        Outcome::Valid(valid)
    } else {
        Outcome::Invalid(stubs)
    }
}

/// One item after its checks.
enum Checked<'a> {
    Valid(Valid<'a>),
    /// A key, the key type or the entries' shape was rejected (reported).
    Declared(Declared<'a>),
}

/// Checks `item`: `None` when the declared type is unusable even for a stub.
fn item<'a>(kind: Kind, item: &'a Item, errors: &mut Errors) -> Option<Checked<'a>> {
    let DeclaredType {
        key_ty,
        key_type,
        shape,
    } = declared_type(kind, &item.ty, errors)?;
    let declared = Declared {
        item,
        key_ty,
        shape,
    };
    let keys = key_type.and_then(|key_type| keys(key_type, &item.entries.keys(), errors));
    // The entries were read in the shape of the type written, which is another only
    // when the written type names the other macro's (reported, with no key type).
    let contents = match (shape, &item.entries) {
        (Shape::Map { value_ty }, Entries::Map(entries)) => {
            Some(Contents::Map { value_ty, entries })
        }
        (Shape::Set, Entries::Set(keys)) => Some(Contents::Set(keys)),
        _ => None,
    };
    Some(match (keys, contents) {
        (Some(keys), Some(contents)) => Checked::Valid(Valid {
            declared,
            contents,
            keys,
        }),
        _ => Checked::Declared(declared),
    })
}

/// The key of every entry, or `None` if any is rejected (all are checked).
fn keys(key_type: KeyType, entries: &[&Expr], errors: &mut Errors) -> Option<Vec<KeyBits>> {
    let mut keys = Vec::with_capacity(entries.len());
    let mut first_seen: HashMap<KeyBits, usize> = HashMap::new();
    let mut failed = false;
    for (index, entry) in entries.iter().enumerate() {
        let Some(bits) = key(key_type, entry, errors) else {
            failed = true;
            continue;
        };
        if let Some(&first) = first_seen.get(&bits) {
            duplicate(entries, first, index, errors);
            failed = true;
            continue;
        }
        first_seen.insert(bits.clone(), index);
        keys.push(bits);
    }
    (!failed).then_some(keys)
}

/// The declared type's arguments.
struct DeclaredType<'a> {
    key_ty: &'a Type,
    /// `None` when unsupported (reported).
    key_type: Option<KeyType>,
    shape: Shape<'a>,
}

fn declared_type<'a>(kind: Kind, ty: &'a Type, errors: &mut Errors) -> Option<DeclaredType<'a>> {
    let ty = ungroup(ty);
    let wanted = kind.type_name();
    let example = match kind {
        Kind::Map => "StaticMap<&'static str, V>",
        Kind::Set => "StaticSet<&'static str>",
    };
    let Type::Path(path) = ty else {
        errors.spanned(
            ty,
            format_args!(
                "a `{}` declares a `{wanted}`, not `{}`; write the type as `{example}`",
                kind.macro_name(),
                ty.to_token_stream()
            ),
        );
        return None;
    };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    if name != wanted {
        let message = match (kind, name.as_str()) {
            (Kind::Map, "StaticSet") => {
                "`static_map!` declares a `StaticMap<K, V>`; for a `StaticSet<K>` use `static_set!`"
                    .to_owned()
            }
            (Kind::Set, "StaticMap") => {
                "`static_set!` declares a `StaticSet<K>`; for a `StaticMap<K, V>` use `static_map!`"
                    .to_owned()
            }
            _ => match did_you_mean(&name, &[wanted]) {
                Some(guess) => format!("unknown type `{name}`; did you mean `{guess}`?"),
                None => format!(
                    "`{}` declares a `{wanted}`, not a `{name}`; write the type as `{example}`",
                    kind.macro_name()
                ),
            },
        };
        errors.at(last.ident.span(), message);
    }
    let args: Vec<&Type> = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (key_ty, shape) = match (kind, args.as_slice()) {
        (Kind::Map, [key, value]) => (*key, Shape::Map { value_ty: value }),
        (Kind::Set, [key]) => (*key, Shape::Set),
        _ => {
            if name == wanted {
                let shape = match kind {
                    Kind::Map => "a key type and a value type: `StaticMap<K, V>`",
                    Kind::Set => "one key type: `StaticSet<K>`",
                };
                errors.spanned(last, format_args!("`{wanted}` takes {shape}"));
            }
            return None;
        }
    };
    if name != wanted {
        // Reported above; the arguments are still good for the stub.
        return Some(DeclaredType {
            key_ty,
            key_type: None,
            shape,
        });
    }
    let key_type = key_type(key_ty, errors);
    Some(DeclaredType {
        key_ty,
        key_type,
        shape,
    })
}

/// A type passed through `macro_rules!` as `$t:ty` arrives in an invisible group.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup(&group.elem),
        Type::Paren(paren) => ungroup(&paren.elem),
        other => other,
    }
}

const SUPPORTED: &str = "`&'static str`, `&'static [u8]`, an integer type, `char` or `bool`";

fn key_type(ty: &Type, errors: &mut Errors) -> Option<KeyType> {
    let written = ty.to_token_stream().to_string();
    let unsupported = |errors: &mut Errors, hint: &str| {
        errors.spanned(
            ty,
            format_args!(
                "unsupported key type `{written}`: keys are literals of {SUPPORTED}, hashed by the macro at compile time{hint}"
            ),
        );
        None
    };
    match ungroup(ty) {
        Type::Reference(reference) => {
            if let Some(lifetime) = &reference.lifetime
                && lifetime.ident != "static"
            {
                errors.spanned(
                    lifetime,
                    format_args!("the keys live in the binary, so their lifetime is `'static`, not `{lifetime}`; write `'static` or leave it out"),
                );
                return None;
            }
            if let Some(mutability) = reference.mutability {
                errors.at(
                    mutability.span,
                    "keys are shared references to literals; remove `mut`",
                );
                return None;
            }
            match ungroup(&reference.elem) {
                Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => Some(KeyType::Str),
                Type::Slice(slice) if is_ident(&slice.elem, "u8") => Some(KeyType::Bytes),
                Type::Array(array) if is_ident(&array.elem, "u8") => unsupported(
                    errors,
                    "; for byte-string keys of any length write `&'static [u8]`",
                ),
                _ => unsupported(errors, ""),
            }
        }
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return unsupported(errors, "");
            };
            let name = last.ident.to_string();
            // `u8`, or `core::primitive::u8` and the like; not an alias, which the
            // macro cannot see through.
            let primitive = p.path.segments.len() == 1
                || p.path
                    .segments
                    .iter()
                    .rev()
                    .nth(1)
                    .is_some_and(|s| s.ident == "primitive");
            match name.as_str() {
                _ if !primitive || !last.arguments.is_none() => unsupported(errors, ""),
                "char" => Some(KeyType::Char),
                "bool" => Some(KeyType::Bool),
                "String" => unsupported(errors, "; for string keys write `&'static str`"),
                "f32" | "f64" => unsupported(
                    errors,
                    "; floating-point keys are not supported, since `NaN != NaN`; store the bits as a `u32` or `u64`",
                ),
                "str" => unsupported(errors, "; write `&'static str`"),
                _ => match IntType::named(&name) {
                    Some(int) => Some(KeyType::Int(int)),
                    None => unsupported(
                        errors,
                        "; the macro reads the key type as written, so write the primitive type rather than an alias",
                    ),
                },
            }
        }
        Type::Path(_) => unsupported(errors, ""),
        _ => unsupported(errors, ""),
    }
}

fn is_ident(ty: &Type, name: &str) -> bool {
    matches!(ungroup(ty), Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// A literal as the key of a map with keys of `key_type`.
fn key(key_type: KeyType, expr: &Expr, errors: &mut Errors) -> Option<KeyBits> {
    let (negative, lit) = match ungroup_expr(expr) {
        Expr::Lit(ExprLit { lit, .. }) => (false, lit),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match ungroup_expr(inner) {
            Expr::Lit(ExprLit { lit, .. }) => (true, lit),
            _ => return not_a_literal(key_type, expr, errors),
        },
        _ => return not_a_literal(key_type, expr, errors),
    };
    if negative && !matches!(lit, Lit::Int(_)) {
        errors.spanned(
            expr,
            format_args!("a `-` applies to integer keys only; the keys are `{key_type}`"),
        );
        return None;
    }
    match (key_type, lit) {
        (KeyType::Str, Lit::Str(s)) => Some(KeyBits::Bytes(s.value().into_bytes())),
        (KeyType::Bytes, Lit::ByteStr(b)) => Some(KeyBits::Bytes(b.value())),
        (KeyType::Char, Lit::Char(c)) => Some(KeyBits::Int {
            low: u64::from(c.value()),
            high: 0,
        }),
        (KeyType::Bool, Lit::Bool(b)) => Some(KeyBits::Int {
            low: u64::from(b.value),
            high: 0,
        }),
        (KeyType::Int(int), Lit::Byte(b)) if int.name == "u8" => {
            Some(int.bits_of(false, u128::from(b.value())))
        }
        (KeyType::Int(int), Lit::Int(lit)) => {
            let suffix = lit.suffix();
            if !suffix.is_empty() && suffix != int.name {
                errors.spanned(
                    expr,
                    format_args!(
                        "the key `{}` is a `{suffix}`, but the keys are `{}`; write `{}` or `{}{}`",
                        expr.to_token_stream(),
                        int.name,
                        lit.base10_digits(),
                        lit.base10_digits(),
                        int.name
                    ),
                );
                return None;
            }
            let Ok(magnitude) = lit.base10_parse::<u128>() else {
                errors.spanned(
                    expr,
                    format_args!(
                        "the key `{}` does not fit in `{}` ({})",
                        expr.to_token_stream(),
                        int.name,
                        int.range()
                    ),
                );
                return None;
            };
            if !int.fits(negative, magnitude) {
                errors.spanned(
                    expr,
                    format_args!(
                        "the key `{}` does not fit in `{}` ({})",
                        expr.to_token_stream().to_string().replace("- ", "-"),
                        int.name,
                        int.range()
                    ),
                );
                return None;
            }
            Some(int.bits_of(negative, magnitude))
        }
        (_, lit) => {
            mismatch(key_type, lit, expr, errors);
            None
        }
    }
}

fn ungroup_expr(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup_expr(&group.expr),
        other => other,
    }
}

fn not_a_literal(key_type: KeyType, expr: &Expr, errors: &mut Errors) -> Option<KeyBits> {
    errors.spanned(
        expr,
        format_args!(
            "keys must be literals: the macro hashes each key at compile time, so it cannot evaluate `{}`; write the {} itself",
            expr.to_token_stream(),
            literal_name(key_type)
        ),
    );
    None
}

fn literal_name(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::Str => "string literal",
        KeyType::Bytes => "byte-string literal",
        KeyType::Int(_) => "integer literal",
        KeyType::Char => "character literal",
        KeyType::Bool => "`true` or `false`",
    }
}

/// A literal of the wrong kind for the key type, with the fix when it is obvious.
fn mismatch(key_type: KeyType, lit: &Lit, expr: &Expr, errors: &mut Errors) {
    let found = match lit {
        Lit::Str(_) => "a string literal",
        Lit::ByteStr(_) => "a byte-string literal",
        Lit::CStr(_) => "a C-string literal",
        Lit::Byte(_) => "a byte literal",
        Lit::Char(_) => "a character literal",
        Lit::Int(_) => "an integer literal",
        Lit::Float(_) => "a floating-point literal",
        Lit::Bool(_) => "a `bool`",
        _ => "a literal",
    };
    let fix = match (key_type, lit) {
        (KeyType::Str, Lit::ByteStr(b)) => String::from_utf8(b.value())
            .ok()
            .map(|s| format!("; write `{s:?}`")),
        (KeyType::Str, Lit::Int(i)) => Some(format!("; write `\"{}\"`", i.base10_digits())),
        (KeyType::Str, Lit::Char(c)) => Some(format!("; write `{:?}`", c.value().to_string())),
        (KeyType::Bytes, Lit::Str(s)) => Some(format!("; write `b{:?}`", s.value())),
        (KeyType::Char, Lit::Str(s)) if s.value().chars().count() == 1 => Some(format!(
            "; write `{:?}`",
            s.value().chars().next().unwrap_or_default()
        )),
        (KeyType::Int(_), Lit::Str(s)) if s.value().trim().parse::<i128>().is_ok() => {
            Some(format!("; write `{}`", s.value().trim()))
        }
        _ => None,
    }
    .unwrap_or_default();
    errors.spanned(
        expr,
        format_args!(
            "expected a {} key, since the keys are `{key_type}`; found {found}{fix}",
            literal_name(key_type).trim_start_matches("a ")
        ),
    );
}

/// The error on the second of two equal keys, naming the first.
fn duplicate(entries: &[&Expr], first: usize, second: usize, errors: &mut Errors) {
    let written = |i: usize| entries[i].to_token_stream().to_string().replace("- ", "-");
    let (first_text, second_text) = (written(first), written(second));
    let place = match line_of(entries[first].span()) {
        Some(line) => format!("entry {} (line {line})", first + 1),
        None => format!("entry {}", first + 1),
    };
    let same = if first_text == second_text {
        String::new()
    } else {
        format!(", as `{first_text}`")
    };
    errors.spanned(
        entries[second],
        format_args!(
            "duplicate key `{second_text}`: {place} has it already{same}; remove one of the two"
        ),
    );
}

/// The line of `span` in its file, inside a macro invocation (not in unit tests).
fn line_of(span: Span) -> Option<usize> {
    proc_macro::is_available().then(|| span.unwrap().line())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::static_map::parse;
    use quote::quote;

    fn check(kind: Kind, tokens: proc_macro2::TokenStream) -> (Option<Vec<KeyBits>>, String) {
        let mut errors = Errors::default();
        let input = parse::input(kind, tokens, &mut errors);
        let keys = match super::items(kind, &input.items, &mut errors) {
            Outcome::Valid(mut valid) => Some(valid.remove(0).keys),
            Outcome::Invalid(_) => None,
        };
        (
            keys,
            errors
                .into_compile_errors()
                .to_string()
                .replace("\\\"", "\""),
        )
    }

    #[test]
    fn integer_keys_are_widened_as_the_runtime_widens_them() {
        let (keys, errors) = check(
            Kind::Map,
            quote!(static M: StaticMap<i8, u8> = { -1 => 0, -128 => 1, 127 => 2 };),
        );
        assert_eq!(errors, "");
        let keys = keys.unwrap();
        assert_eq!(
            keys[0],
            KeyBits::Int {
                low: (-1i8) as u64,
                high: 0
            }
        );
        assert_eq!(
            keys[1],
            KeyBits::Int {
                low: (-128i8) as u64,
                high: 0
            }
        );
        let (keys, _) = check(
            Kind::Set,
            quote!(static S: StaticSet<i128> = { -1, 170141183460469231731687303715884105727 };),
        );
        let keys = keys.unwrap();
        assert_eq!(
            keys[0],
            KeyBits::Int {
                low: u64::MAX,
                high: u64::MAX
            }
        );
        assert_eq!(
            keys[1],
            KeyBits::Int {
                low: u64::MAX,
                high: u64::MAX >> 1
            }
        );
        let (keys, errors) = check(
            Kind::Set,
            quote!(
                static S: StaticSet<u128> = { 340282366920938463463374607431768211455 };
            ),
        );
        assert_eq!(errors, "");
        assert_eq!(
            keys.unwrap()[0],
            KeyBits::Int {
                low: u64::MAX,
                high: u64::MAX
            }
        );
    }

    #[test]
    fn out_of_range_and_mistyped_keys_are_reported() {
        for (tokens, message) in [
            (
                quote!(
                    static S: StaticSet<u8> = { 256 };
                ),
                "does not fit in `u8` (0..=255)",
            ),
            (
                quote!(
                    static S: StaticSet<i8> = { -129 };
                ),
                "does not fit in `i8` (-128..=127)",
            ),
            (
                quote!(
                    static S: StaticSet<u32> = { -1 };
                ),
                "does not fit in `u32`",
            ),
            (
                quote!(
                    static S: StaticSet<u32> = { 1u16 };
                ),
                "is a `u16`, but the keys are `u32`",
            ),
            (
                quote!(
                    static S: StaticSet<&'static str> = { 42 };
                ),
                "write `\"42\"`",
            ),
            (
                quote!(
                    static S: StaticSet<&'static [u8]> = { "ab" };
                ),
                "write `b\"ab\"`",
            ),
            (
                quote!(
                    static S: StaticSet<char> = { "x" };
                ),
                "write `'x'`",
            ),
            (
                quote!(
                    static S: StaticSet<u8> = { FOO };
                ),
                "keys must be literals",
            ),
            (
                quote!(
                    static S: StaticSet<String> = { "a" };
                ),
                "write `&'static str`",
            ),
            (
                quote!(
                    static S: StaticSet<f64> = { 1.0 };
                ),
                "floating-point keys",
            ),
            (
                quote!(
                    static S: StaticSet<Id> = { 1 };
                ),
                "rather than an alias",
            ),
            (
                quote!(
                    static S: StaticSet<&'a str> = { "a" };
                ),
                "lifetime is `'static`",
            ),
            (
                quote!(
                    static S: HashSet<u8> = { 1 };
                ),
                "not a `HashSet`",
            ),
            (
                quote!(
                    static S: StaticMap<u8, u8> = { 1 };
                ),
                "use `static_map!`",
            ),
            (
                quote!(
                    static S: StaticSte<u8> = { 1 };
                ),
                "did you mean `StaticSet`?",
            ),
            (
                quote!(
                    static S: StaticSet<u8, u8> = { 1 };
                ),
                "takes one key type",
            ),
        ] {
            let (keys, errors) = check(Kind::Set, tokens);
            assert!(keys.is_none());
            assert!(errors.contains(message), "{message} in {errors}");
        }
    }

    #[test]
    fn duplicates_are_reported_on_the_second_with_the_first() {
        let (keys, errors) = check(
            Kind::Map,
            quote!(static M: StaticMap<u16, u8> = { 1 => 0, 2 => 0, 0x1 => 0 };),
        );
        assert!(keys.is_none());
        assert!(
            errors.contains("duplicate key `0x1`: entry 1 has it already, as `1`"),
            "{errors}"
        );
    }

    #[test]
    fn supported_key_types() {
        for tokens in [
            quote!(
                static S: StaticSet<&'static str> = { "a" };
            ),
            quote!(
                static S: StaticSet<&str> = { "a" };
            ),
            quote!(
                static S: StaticSet<&'static [u8]> = { b"a" };
            ),
            quote!(
                static S: StaticSet<core::primitive::u64> = { 1 };
            ),
            quote!(
                static S: StaticSet<usize> = { 1 };
            ),
            quote!(
                static S: StaticSet<u8> = { b'a' };
            ),
            quote!(
                static S: StaticSet<char> = { 'a' };
            ),
            quote!(static S: StaticSet<bool> = { true, false };),
        ] {
            let (keys, errors) = check(Kind::Set, tokens);
            assert_eq!(errors, "");
            assert!(keys.is_some());
        }
    }
}
