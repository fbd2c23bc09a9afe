//! Attribute arguments -> [`Args`], checking each argument as it is read.

use crate::diag::{Errors, code_list, did_you_mean, first_seen};
use crate::krate::CRATE;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Block, Expr, ExprLit, Ident, Lit, LitInt, LitStr, Token};

/// Which attribute is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Hot,
    Warm,
}

impl Kind {
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Kind::Hot => "hot_path",
            Kind::Warm => "warm_path",
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Hot => &[BUDGET, NAME, ALLOW_ALLOC, MEASURE, CRATE],
            Kind::Warm => &[BUDGET, NAME, MEASURE, CRATE],
        }
    }
}

pub(crate) const BUDGET: &str = "budget";
pub(crate) const NAME: &str = "name";
pub(crate) const ALLOW_ALLOC: &str = "allow_alloc";
pub(crate) const MEASURE: &str = "measure";
/// Hidden: the type of the `impl` the function is in, which `#[impl_paths]` passes on
/// (`__impl = "Bids"`); the default name is then `module::Bids::function`.
pub(crate) const IMPL: &str = "__impl";
/// Hidden: the `impl` has type or const parameters (`#[impl_paths]` passes it on), so
/// every instantiation of the method shares the path.
pub(crate) const IMPL_GENERIC: &str = "__impl_generic";

/// When the generated code measures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Measured when the user's crate has debug assertions or knhk-runtime has feature `measure`.
    Auto,
    Always,
    Never,
}

/// A budget as the user wrote it.
pub(crate) enum Budget {
    Ticks(u64),
    Nanos(u64),
}

/// The arguments of one `#[hot_path]` / `#[warm_path]` as read: `budget` is `None` when
/// it is missing or was rejected, and then an error says so.
pub(crate) struct Args {
    pub(crate) kind: Kind,
    pub(crate) budget: Option<Budget>,
    pub(crate) name: Option<LitStr>,
    pub(crate) allow_alloc: bool,
    pub(crate) measure: Measure,
    /// `crate = path`: where generated code finds knhk-runtime.
    pub(crate) krate: syn::Path,
    /// The `impl`'s type as `#[impl_paths]` passes it on (hidden `__impl = ".."`).
    pub(crate) impl_type: Option<LitStr>,
    /// The `impl` is generic (hidden `__impl_generic`).
    pub(crate) impl_generic: bool,
}

/// One comma-separated argument, before its meaning is checked.
enum RawArg {
    /// A bare value: the budget, written first.
    Value(Expr),
    /// A bare word: a flag such as `allow_alloc`.
    Flag(Ident),
    KeyValue(Ident, Expr),
}

fn parse_raw_arg(input: ParseStream<'_>) -> syn::Result<RawArg> {
    // `crate` is a keyword, and the one a key may be.
    let word = input.peek(Ident) || input.peek(Token![crate]);
    if word && input.peek2(Token![=]) && !input.peek2(Token![==]) {
        let key = input.call(Ident::parse_any)?;
        input.parse::<Token![=]>()?;
        return Ok(RawArg::KeyValue(key, input.parse()?));
    }
    if word && (input.peek2(Token![,]) || is_last(input)) {
        return Ok(RawArg::Flag(input.call(Ident::parse_any)?));
    }
    Ok(RawArg::Value(input.parse()?))
}

fn is_last(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    fork.call(Ident::parse_any).is_ok() && fork.is_empty()
}

impl Args {
    pub(crate) fn from_attribute(kind: Kind, tokens: TokenStream, errors: &mut Errors) -> Args {
        let parser = |input: ParseStream<'_>| {
            Punctuated::<_, Token![,]>::parse_terminated_with(input, parse_raw_arg)
        };
        match parser.parse2(tokens) {
            Ok(raw) => Args::from_raw(kind, raw.into_iter().collect(), errors),
            Err(e) => {
                // Unreadable arguments: that error alone, not a "missing budget" after it.
                errors.push(e);
                Args::empty(kind)
            }
        }
    }

    /// Reads `args.., statements` from a block macro. Arguments lead, each followed by a
    /// comma: the budget as a literal, a flag, or `key = value`. A `key = value` with
    /// one of the known keys also ends the arguments when nothing follows it, so that a
    /// forgotten comma is not silently read as an assignment in the code.
    pub(crate) fn from_block(
        kind: Kind,
        tokens: TokenStream,
        errors: &mut Errors,
    ) -> Option<(Args, Vec<syn::Stmt>)> {
        let parser = |input: ParseStream<'_>| {
            let mut raw = Vec::new();
            loop {
                let fork = input.fork();
                let Ok(arg) = parse_raw_arg(&fork) else { break };
                let is_argument = match &arg {
                    RawArg::Value(expr) => raw.is_empty() && matches!(expr, Expr::Lit(_)),
                    RawArg::Flag(_) | RawArg::KeyValue(..) => true,
                };
                let known_key = match &arg {
                    RawArg::KeyValue(key, _) | RawArg::Flag(key) => {
                        kind.keys().contains(&key.to_string().as_str())
                    }
                    RawArg::Value(_) => raw.is_empty(),
                };
                let ends_here = fork.peek(Token![,]) || (fork.is_empty() && known_key);
                if !is_argument || !ends_here {
                    break;
                }
                syn::parse::discouraged::Speculative::advance_to(input, &fork);
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                raw.push(arg);
            }
            let stmts = Block::parse_within(input)?;
            Ok((raw, stmts))
        };
        match parser.parse2(tokens) {
            Ok((raw, stmts)) => {
                let args = Args::from_raw(kind, raw, errors);
                if stmts.is_empty() {
                    errors.at(
                        Span::call_site(),
                        format_args!(
                            "`block::{}!` has nothing to measure; write the code after the arguments: `{{ budget = .., name = \"..\", <code> }}`",
                            kind.attribute()
                        ),
                    );
                }
                Some((args, stmts))
            }
            Err(e) => {
                errors.push(e);
                None
            }
        }
    }

    fn empty(kind: Kind) -> Args {
        Args {
            kind,
            budget: None,
            name: None,
            allow_alloc: false,
            measure: Measure::Auto,
            krate: crate::krate::default_path(),
            impl_type: None,
            impl_generic: false,
        }
    }

    fn from_raw(kind: Kind, raw: Vec<RawArg>, errors: &mut Errors) -> Args {
        let mut args = Args::empty(kind);
        let mut seen: Vec<&'static str> = Vec::new();
        // Set when an argument was reported; a missing budget is then not reported too,
        // since the argument in error is most likely the budget.
        let mut reported = false;
        let attr = kind.attribute();
        for (position, arg) in raw.into_iter().enumerate() {
            match arg {
                RawArg::Value(expr) if position == 0 => {
                    if first_seen(&mut seen, BUDGET, expr.span(), errors) {
                        args.budget = read_budget(kind, &expr, errors);
                    }
                }
                RawArg::Value(expr) => {
                    errors.spanned(
                        &expr,
                        format_args!(
                            "the budget comes first when written without a key: `#[{attr}({}, ..)]`, or write `budget = {}`",
                            quote::ToTokens::to_token_stream(&expr),
                            quote::ToTokens::to_token_stream(&expr),
                        ),
                    );
                    seen.push(BUDGET);
                    reported = true;
                }
                RawArg::KeyValue(key, value) => match key.to_string().as_str() {
                    BUDGET => {
                        if first_seen(&mut seen, BUDGET, key.span(), errors) {
                            args.budget = read_budget(kind, &value, errors);
                        }
                    }
                    NAME => {
                        if first_seen(&mut seen, NAME, key.span(), errors) {
                            args.name = read_name(&value, errors);
                        }
                    }
                    MEASURE => {
                        if first_seen(&mut seen, MEASURE, key.span(), errors) {
                            args.measure = read_measure(&value, errors);
                        }
                    }
                    CRATE => {
                        if first_seen(&mut seen, CRATE, key.span(), errors) {
                            match crate::krate::from_value(&value) {
                                Ok(path) => args.krate = path,
                                Err(e) => errors.push(e),
                            }
                        }
                    }
                    IMPL => {
                        if first_seen(&mut seen, IMPL, key.span(), errors) {
                            args.impl_type = read_name(&value, errors);
                        }
                    }
                    ALLOW_ALLOC if kind == Kind::Hot => {
                        errors.at(
                            key.span(),
                            "`allow_alloc` is a flag and takes no value; write `allow_alloc` alone",
                        );
                        // Meant as allowed: do not also report the allocations it allows.
                        args.allow_alloc = true;
                    }
                    _ => {
                        unknown_key(kind, &key, errors);
                        reported = true;
                    }
                },
                RawArg::Flag(flag) => match flag.to_string().as_str() {
                    IMPL_GENERIC => args.impl_generic = true,
                    ALLOW_ALLOC if kind == Kind::Hot => {
                        if first_seen(&mut seen, ALLOW_ALLOC, flag.span(), errors) {
                            args.allow_alloc = true;
                        }
                    }
                    CRATE => {
                        errors.push(crate::krate::missing_value(flag.span()));
                        seen.push(CRATE);
                    }
                    key @ (BUDGET | NAME | MEASURE) => {
                        errors.at(
                            flag.span(),
                            format_args!("`{key}` needs a value: `{key} = ..`"),
                        );
                        seen.push(key_const(key));
                    }
                    // A lone identifier first is most likely a budget held in a constant.
                    word if position == 0 && did_you_mean(word, kind.keys()).is_none() => {
                        errors.at(flag.span(), budget_not_literal(kind));
                        seen.push(BUDGET);
                    }
                    _ => {
                        unknown_key(kind, &flag, errors);
                        reported = true;
                    }
                },
            }
        }
        if args.budget.is_none() && !seen.contains(&BUDGET) && !reported {
            errors.at(Span::call_site(), missing_budget(kind));
        }
        args
    }
}

/// The `'static` constant for a key already known to be one of them.
fn key_const(key: &str) -> &'static str {
    [BUDGET, NAME, MEASURE, ALLOW_ALLOC]
        .into_iter()
        .find(|k| *k == key)
        .unwrap_or(BUDGET)
}

fn unknown_key(kind: Kind, key: &Ident, errors: &mut Errors) {
    let word = key.to_string();
    let attr = kind.attribute();
    if kind == Kind::Warm && word == ALLOW_ALLOC {
        errors.at(
            key.span(),
            "`#[warm_path]` does not check allocations, so `allow_alloc` means nothing there; remove it",
        );
        return;
    }
    let known = code_list(kind.keys());
    match did_you_mean(&word, kind.keys()) {
        Some(guess) => errors.at(
            key.span(),
            format_args!("unknown argument `{word}` for `#[{attr}]`; did you mean `{guess}`?"),
        ),
        None => errors.at(
            key.span(),
            format_args!("unknown argument `{word}` for `#[{attr}]`; the arguments are {known}"),
        ),
    }
}

fn missing_budget(kind: Kind) -> String {
    match kind {
        Kind::Hot => "missing tick budget; write it first, as in `#[hot_path(8)]`, or as `#[hot_path(budget = 8)]`".into(),
        Kind::Warm => "missing budget; write it first, in ticks or as a duration, as in `#[warm_path(500)]` or `#[warm_path(\"2us\")]`".into(),
    }
}

fn budget_not_literal(kind: Kind) -> String {
    match kind {
        Kind::Hot => "hot-path budget must be an integer literal number of ticks, like `8`: the macro reads the number itself, so it cannot be a constant or an expression".into(),
        Kind::Warm => "warm-path budget must be an integer literal number of ticks, like `500`, or a duration string, like `\"2us\"`: the macro reads it itself, so it cannot be a constant or an expression".into(),
    }
}

fn read_budget(kind: Kind, expr: &Expr, errors: &mut Errors) -> Option<Budget> {
    match (kind, expr) {
        (
            _,
            Expr::Lit(ExprLit {
                lit: Lit::Int(lit), ..
            }),
        ) => read_ticks(kind, lit, errors),
        (
            Kind::Warm,
            Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }),
        ) => read_duration(lit, errors),
        (
            Kind::Hot,
            Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }),
        ) => {
            let text = lit.value();
            let message = if text.trim().parse::<u64>().is_ok() {
                format!(
                    "hot-path budget is a number of ticks, not a string; write it without quotes: `{}`",
                    text.trim()
                )
            } else if parse_duration_nanos(&text).is_some() {
                format!(
                    "hot-path budget is a number of ticks, like `8`, not a duration; use `#[warm_path(\"{text}\")]` for a budget in time"
                )
            } else {
                "hot-path budget is a number of ticks, like `8`".to_owned()
            };
            errors.at(lit.span(), message);
            None
        }
        _ => {
            errors.spanned(expr, budget_not_literal(kind));
            None
        }
    }
}

fn read_ticks(kind: Kind, lit: &LitInt, errors: &mut Errors) -> Option<Budget> {
    let Ok(ticks) = lit.base10_parse::<u64>() else {
        errors.at(lit.span(), "budget does not fit in a u64 number of ticks");
        return None;
    };
    let attr = kind.attribute();
    if ticks < super::MIN_TICKS {
        errors.at(
            lit.span(),
            format_args!(
                "a budget of {ticks} ticks can never be met; give `#[{attr}]` at least {} tick",
                super::MIN_TICKS
            ),
        );
        return None;
    }
    if kind == Kind::Hot && ticks > super::MAX_HOT_PATH_TICKS {
        errors.at(
            lit.span(),
            format_args!(
                "hot-path budget {ticks} exceeds the maximum of {} ticks; lower it, or use `#[warm_path]` for code that needs more",
                super::MAX_HOT_PATH_TICKS
            ),
        );
        return None;
    }
    Some(Budget::Ticks(ticks))
}

/// Reads `"250ns"`, `"2us"`, `"2µs"`, `"1.5ms"`, `"1s"` as whole nanoseconds.
fn read_duration(lit: &LitStr, errors: &mut Errors) -> Option<Budget> {
    let text = lit.value();
    match parse_duration_nanos(&text) {
        Some(0) => {
            errors.at(
                lit.span(),
                format_args!(
                    "a budget of \"{text}\" can never be met; give it more than zero time"
                ),
            );
            None
        }
        Some(nanos) => Some(Budget::Nanos(nanos)),
        None => {
            errors.at(
                lit.span(),
                format_args!(
                    "cannot read \"{text}\" as a duration; write a number and a unit (ns, us, ms or s), like \"2us\" or \"1.5ms\""
                ),
            );
            None
        }
    }
}

pub(crate) fn parse_duration_nanos(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let scale: u64 = match unit.trim() {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        _ => return None,
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(scale)?;
    let mut place = scale;
    for digit in fraction.chars() {
        place /= 10;
        let d = u64::from(digit.to_digit(10)?);
        if place == 0 {
            // Finer than a nanosecond: a budget is whole nanoseconds.
            if d != 0 {
                return None;
            }
            continue;
        }
        nanos = nanos.checked_add(d * place)?;
    }
    Some(nanos)
}

fn read_name(expr: &Expr, errors: &mut Errors) -> Option<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) if !lit.value().trim().is_empty() => Some(lit.clone()),
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            errors.at(
                lit.span(),
                "the name is empty; give the path a name, like `name = \"orders.match\"`",
            );
            None
        }
        _ => {
            errors.at(
                expr.span(),
                "`name` takes a string literal, like `name = \"orders.match\"`",
            );
            None
        }
    }
}

fn read_measure(expr: &Expr, errors: &mut Errors) -> Measure {
    if let Expr::Lit(ExprLit {
        lit: Lit::Str(lit), ..
    }) = expr
    {
        match lit.value().as_str() {
            "always" => return Measure::Always,
            "never" => return Measure::Never,
            _ => {}
        }
    }
    errors.at(
        expr.span(),
        "`measure` is \"always\" or \"never\"; leave it out to measure with debug assertions or knhk-runtime's feature `measure`",
    );
    Measure::Auto
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(kind: Kind, tokens: TokenStream) -> (Args, bool) {
        let mut errors = Errors::default();
        let args = Args::from_attribute(kind, tokens, &mut errors);
        (args, errors.is_empty())
    }

    #[test]
    fn durations_read_in_whole_nanoseconds() {
        assert_eq!(parse_duration_nanos("250ns"), Some(250));
        assert_eq!(parse_duration_nanos("2us"), Some(2_000));
        assert_eq!(parse_duration_nanos("2µs"), Some(2_000));
        assert_eq!(parse_duration_nanos("1.5ms"), Some(1_500_000));
        assert_eq!(parse_duration_nanos("1 s"), Some(1_000_000_000));
        assert_eq!(parse_duration_nanos(".5us"), Some(500));
        assert_eq!(parse_duration_nanos("1.0001ns"), None);
        assert_eq!(parse_duration_nanos("2 sec"), None);
        assert_eq!(parse_duration_nanos("us"), None);
        assert_eq!(parse_duration_nanos("99999999999999999999s"), None);
    }

    #[test]
    fn positional_and_keyed_budgets_agree() {
        let (a, a_ok) = parse(Kind::Hot, quote!(8));
        let (b, b_ok) = parse(
            Kind::Hot,
            quote!(budget = 8, allow_alloc, measure = "never"),
        );
        assert!(a_ok && b_ok);
        assert!(matches!(a.budget, Some(Budget::Ticks(8))));
        assert!(matches!(b.budget, Some(Budget::Ticks(8))));
        assert!(b.allow_alloc);
        assert!(matches!(b.measure, Measure::Never));
    }

    #[test]
    fn warm_budget_accepts_durations() {
        let (a, ok) = parse(Kind::Warm, quote!("2us", name = "x"));
        assert!(ok);
        assert!(matches!(a.budget, Some(Budget::Nanos(2_000))));
        assert_eq!(a.name.map(|n| n.value()).as_deref(), Some("x"));
    }

    #[test]
    fn crate_is_read_as_a_key_and_rejected_when_malformed() {
        let path = |args: &Args| quote::ToTokens::to_token_stream(&args.krate).to_string();
        let (a, ok) = parse(Kind::Hot, quote!(8));
        assert!(ok);
        assert_eq!(path(&a), ":: knhk_runtime");
        let (a, ok) = parse(Kind::Warm, quote!("2us", crate = crate::facade::knhk));
        assert!(ok);
        assert_eq!(path(&a), "crate :: facade :: knhk");
        assert!(!parse(Kind::Hot, quote!(8, crate = "knhk_runtime")).1);
        assert!(!parse(Kind::Hot, quote!(8, crate)).1);
        assert!(!parse(Kind::Hot, quote!(8, crate = a, crate = b)).1);
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let mut errors = Errors::default();
        let _ = Args::from_attribute(
            Kind::Hot,
            quote!(9, nmae = "x", measure = "often"),
            &mut errors,
        );
        let count = errors
            .into_compile_errors()
            .to_string()
            .matches("compile_error")
            .count();
        assert_eq!(count, 3);
    }
}
