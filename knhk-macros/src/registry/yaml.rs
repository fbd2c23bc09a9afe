//! YAML with line numbers: saphyr's marked tree, copied into a small owned tree that
//! the rest of the loader reads, so the parser's API shows up in this file only.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

/// A YAML node and the line (1-based) it starts on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) line: u32,
    pub(crate) value: Value,
}

/// What a node holds. Mapping keys are kept in file order, as strings.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_line: u32,
    pub(crate) value: Node,
}

/// Why a file is not YAML: the parser's message and where.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SyntaxError {
    pub(crate) line: u32,
    pub(crate) message: String,
}

/// Parses the first document of `source` (an empty file is a null node on line 1).
///
/// One leniency of libyaml (which Weaver's parser uses) is kept: a flow collection's
/// closing `]` or `}` on a line of its own at the indentation of the `- [` that opened
/// it, which YAML 1.2 (and so saphyr) calls invalid indentation. The semantic
/// conventions write examples that way. Such a line is indented by two more spaces and
/// the file parsed again; lines keep their numbers.
pub(crate) fn parse(source: &str) -> Result<Node, SyntaxError> {
    let mut text = std::borrow::Cow::Borrowed(source);
    for _ in 0..64 {
        match MarkedYaml::load_from_str(&text) {
            Ok(docs) => {
                return Ok(docs.first().map_or(
                    Node {
                        line: 1,
                        value: Value::Null,
                    },
                    convert,
                ));
            }
            Err(e) => {
                let line = e.marker().line();
                let closing = |l: &str| matches!(l.trim_start().chars().next(), Some(']' | '}'));
                let fixable = e.info() == "invalid indentation"
                    && text.lines().nth(line.wrapping_sub(1)).is_some_and(closing);
                if !fixable {
                    return Err(SyntaxError {
                        line: line_of(line),
                        message: e.info().to_owned(),
                    });
                }
                let fixed: Vec<String> = text
                    .lines()
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 == line {
                            format!("  {l}")
                        } else {
                            l.to_owned()
                        }
                    })
                    .collect();
                text = std::borrow::Cow::Owned(fixed.join("\n"));
            }
        }
    }
    Err(SyntaxError {
        line: 1,
        message: "too many closing brackets at the indentation of their opening line".to_owned(),
    })
}

fn line_of(line: usize) -> u32 {
    u32::try_from(line.max(1)).unwrap_or(u32::MAX)
}

fn convert(node: &MarkedYaml<'_>) -> Node {
    let line = line_of(node.span.start.line());
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_value(scalar),
        YamlData::Representation(text, ..) => Value::Str(text.to_string()),
        YamlData::Sequence(items) => Value::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Entry {
                    key: key_text(k),
                    key_line: line_of(k.span.start.line()),
                    value: convert(v),
                })
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert(inner),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node { line, value }
}

fn scalar_value(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

fn key_text(key: &MarkedYaml<'_>) -> String {
    match &key.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(Scalar::Integer(i)) => i.to_string(),
        YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
        YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
        YamlData::Value(Scalar::Null) => "null".to_owned(),
        YamlData::Representation(text, ..) => text.to_string(),
        _ => String::from("<complex key>"),
    }
}

impl Node {
    /// The value at `key` of a mapping (`None` for a missing key or a non-mapping).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The entries of a mapping.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// What the node is, for an error message: "a string", "a list", ...
    pub(crate) fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar as text (strings as they are, numbers and booleans as YAML writes them).
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_values() {
        let n = parse("a: 1\nb:\n  - x\n  - 2.5\n  - true\nc: {d: ~}\n").unwrap();
        let entries = n.entries();
        assert_eq!(entries.len(), 3);
        assert_eq!((entries[0].key.as_str(), entries[0].key_line), ("a", 1));
        assert_eq!(n.get("a").unwrap().value, Value::Int(1));
        let b = n.get("b").unwrap().as_seq().unwrap();
        assert_eq!(b[0].line, 3);
        assert_eq!(b[0].as_str(), Some("x"));
        assert_eq!(b[1].value, Value::Float(2.5));
        assert_eq!((b[2].line, &b[2].value), (5, &Value::Bool(true)));
        assert_eq!(n.get("c").unwrap().get("d").unwrap().value, Value::Null);
        assert_eq!(n.get("missing"), None);
    }

    #[test]
    fn folded_scalars_and_quotes_are_strings() {
        let n = parse("brief: >\n  one\n  two\nq: '8'\n").unwrap();
        assert_eq!(n.get("brief").unwrap().as_str(), Some("one two\n"));
        assert_eq!(n.get("q").unwrap().as_str(), Some("8"));
    }

    #[test]
    fn a_closing_bracket_at_the_opening_indentation_is_read_as_libyaml_reads_it() {
        let n = parse("a:\n  examples:\n    - [\n      'x',\n      'y'\n    ]\n  b: 1\n").unwrap();
        let a = n.get("a").unwrap();
        let list = a.get("examples").unwrap().as_seq().unwrap();
        assert_eq!(list[0].as_seq().unwrap()[1].as_str(), Some("y"));
        assert_eq!(a.get("b").unwrap().line, 7, "lines keep their numbers");
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let e = parse("a: 1\nb: [unclosed\nc: 2\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.is_empty());
        assert_eq!(parse("").unwrap().value, Value::Null);
    }
}
