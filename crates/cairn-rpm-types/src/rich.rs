//! Rich (boolean) dependencies: `(foo >= 2 or bar)`, `(langpack-de if (foo and de-locale))`.
//!
//! The grammar and its error cases follow rpm's `rpmrichParseInternal()` (rpm 4.18
//! `lib/rpmds.c`), the parser rpm applies to dependencies read from package headers:
//!
//! - a rich dependency is `(` operand (op operand)* `)`; an operand is a nested rich dependency
//!   or a simple `name [OP version]`, whose name may itself contain balanced parentheses
//!   (`pkgconfig(zlib)`);
//! - `and`, `or` and `with` may be chained (`(a and b and c)`), but different operators never
//!   mix without parentheses;
//! - `if` and `unless` take one condition and an optional `else` branch;
//! - the operands of `with` and `without` may not contain `and`, `if`, `unless` or `else`.

use std::fmt;

use crate::Evr;
use crate::dependency::{Comparison, Dependency};

/// Nesting deeper than this is rejected; real dependencies nest two or three levels.
const MAX_DEPTH: usize = 64;

/// A dependency that may be a boolean expression of simple dependencies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RichDependency {
    /// `name [OP version]`.
    Simple(Dependency),
    /// All operands (`a and b and c`).
    And(Vec<RichDependency>),
    /// At least one operand (`a or b`).
    Or(Vec<RichDependency>),
    /// `then` when `condition` holds, otherwise `otherwise` (or nothing).
    If {
        /// What is required when the condition holds.
        then: Box<RichDependency>,
        /// The condition.
        condition: Box<RichDependency>,
        /// What is required when it does not (`else`).
        otherwise: Option<Box<RichDependency>>,
    },
    /// `then` while `condition` does not hold; when it holds, `otherwise`, or nothing can satisfy
    /// it. rpm implements `A unless B` as `A and not B` (`lib/depends.c`), and libsolv agrees.
    Unless {
        /// What is required while the condition does not hold.
        then: Box<RichDependency>,
        /// The condition.
        condition: Box<RichDependency>,
        /// What is required when it holds (`else`).
        otherwise: Option<Box<RichDependency>>,
    },
    /// One package that satisfies every operand (`a with b`).
    With(Vec<RichDependency>),
    /// One package that satisfies the first operand and not the second (`a without b`).
    Without(Box<RichDependency>, Box<RichDependency>),
}

/// What is wrong with a rich dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RichErrorKind {
    /// The text does not start with `(`.
    NotParenthesized,
    /// `()`.
    Empty,
    /// An operator with nothing after it (`(a and )`).
    MissingOperand,
    /// The text ends before the closing `)`.
    Unterminated,
    /// A word where an operator was expected.
    UnknownOperator(String),
    /// Two different operators in one group (`(a and b or c)`).
    MixedOperators,
    /// `if`, `unless`, `else` or `without` used twice in one group.
    NotChainable,
    /// `else` after something other than `if`/`unless`.
    ElseWithoutIf,
    /// `and`, `if`, `unless` or `else` inside a `with`/`without` operand.
    IllegalInWith,
    /// A simple dependency with an empty name.
    MissingName,
    /// An operator without a version (`foo >=`).
    MissingVersion,
    /// Text after the closing `)`.
    TrailingText,
    /// Parentheses nested more than 64 deep.
    TooDeep,
}

/// A rich dependency that rpm would refuse, with the byte position of the problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column {column} of `{text}`: {}", describe(.kind))]
pub struct ParseRichDependencyError {
    /// The dependency as given.
    pub text: String,
    /// 1-based byte column of the problem.
    pub column: usize,
    /// What is wrong.
    pub kind: RichErrorKind,
}

fn describe(kind: &RichErrorKind) -> String {
    match kind {
        RichErrorKind::NotParenthesized => "a rich dependency starts with `(`".into(),
        RichErrorKind::Empty => "empty rich dependency `()`".into(),
        RichErrorKind::MissingOperand => "an operator needs a dependency after it".into(),
        RichErrorKind::Unterminated => "missing `)`".into(),
        RichErrorKind::UnknownOperator(word) => {
            format!("`{word}` is not an operator; use and, or, if, unless, else, with or without")
        }
        RichErrorKind::MixedOperators => {
            "different operators in one group; add parentheses, as in `(a and (b or c))`".into()
        }
        RichErrorKind::NotChainable => "only and/or/with can be chained; add parentheses".into(),
        RichErrorKind::ElseWithoutIf => "`else` must follow `if` or `unless`".into(),
        RichErrorKind::IllegalInWith => {
            "the operands of with/without may not use and/if/unless/else".into()
        }
        RichErrorKind::MissingName => "a dependency name is missing".into(),
        RichErrorKind::MissingVersion => "an operator needs a version after it".into(),
        RichErrorKind::TrailingText => "unexpected text after the closing `)`".into(),
        RichErrorKind::TooDeep => format!("parentheses nest more than {MAX_DEPTH} deep"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    And,
    Or,
    If,
    Unless,
    Else,
    With,
    Without,
}

impl Operator {
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "and" => Self::And,
            "or" => Self::Or,
            "if" => Self::If,
            "unless" => Self::Unless,
            "else" => Self::Else,
            "with" => Self::With,
            "without" => Self::Without,
            _ => return None,
        })
    }
}

/// rpm's `risspace()`.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, kind: RichErrorKind) -> ParseRichDependencyError {
        self.error_at(self.position, kind)
    }

    fn error_at(&self, position: usize, kind: RichErrorKind) -> ParseRichDependencyError {
        ParseRichDependencyError {
            text: self.text.into(),
            column: position + 1,
            kind,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.position += 1;
        }
    }

    /// rpm's `SKIPNONWHITEX`: up to white space, `,`, or a `)` that closes nothing opened here.
    fn word(&mut self) -> &'a str {
        let start = self.position;
        let mut depth = 0usize;
        while let Some(byte) = self.peek() {
            if is_space(byte) || byte == b',' {
                break;
            }
            if byte == b')' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            if byte == b'(' {
                depth += 1;
            }
            self.position += 1;
        }
        &self.text[start..self.position]
    }

    /// rpm's `parseSimpleDep()`.
    fn simple(&mut self) -> Result<Dependency, ParseRichDependencyError> {
        let name = self.word();
        if name.is_empty() {
            return Err(self.error(RichErrorKind::MissingName));
        }
        let after_name = self.position;
        self.skip_space();
        let operator_start = self.position;
        let operator = self.word();
        let Some(comparison) = Comparison::from_operator(operator) else {
            // Not an operator: leave it for the caller (it is `and`, `or`... or an error).
            self.position = if operator.is_empty() {
                after_name
            } else {
                operator_start
            };
            return Ok(Dependency::unversioned(name));
        };
        self.skip_space();
        let version = self.word();
        if version.is_empty() {
            return Err(self.error(RichErrorKind::MissingVersion));
        }
        Ok(Dependency::versioned(name, comparison, Evr::parse(version)))
    }

    /// rpm's `rpmrichParseInternal()`. Returns the group and whether it used an operator that
    /// may not appear inside `with`/`without` (rpm's `RICHPARSE_NO_WITH`).
    fn group(&mut self, depth: usize) -> Result<(RichDependency, bool), ParseRichDependencyError> {
        if depth > MAX_DEPTH {
            return Err(self.error(RichErrorKind::TooDeep));
        }
        if self.peek() != Some(b'(') {
            return Err(self.error(RichErrorKind::NotParenthesized));
        }
        self.position += 1;
        let mut operands = Vec::new();
        let mut operators = Vec::new();
        let mut chained: Option<Operator> = None;
        let mut no_with = false;
        loop {
            self.skip_space();
            match self.peek() {
                Some(b')') => {
                    let kind = if chained.is_some() {
                        RichErrorKind::MissingOperand
                    } else {
                        RichErrorKind::Empty
                    };
                    return Err(self.error(kind));
                }
                Some(b'(') => {
                    let (operand, operand_no_with) = self.group(depth + 1)?;
                    no_with |= operand_no_with;
                    operands.push(operand);
                }
                _ => operands.push(RichDependency::Simple(self.simple()?)),
            }
            self.skip_space();
            match self.peek() {
                None => return Err(self.error(RichErrorKind::Unterminated)),
                Some(b')') => break,
                Some(_) => {}
            }
            let word_start = self.position;
            while self.peek().is_some_and(|b| !is_space(b) && b != b')') {
                self.position += 1;
            }
            let word = &self.text[word_start..self.position];
            let operator = Operator::from_word(word).ok_or_else(|| {
                self.error_at(word_start, RichErrorKind::UnknownOperator(word.into()))
            })?;
            if operator == Operator::Else {
                match chained {
                    Some(Operator::If | Operator::Unless) => chained = None,
                    // rpm accepts a leading `else` here and fails later, building the dependency.
                    None => return Err(self.error_at(word_start, RichErrorKind::ElseWithoutIf)),
                    Some(_) => {}
                }
            }
            if let Some(previous) = chained {
                if previous != operator {
                    return Err(self.error_at(word_start, RichErrorKind::MixedOperators));
                }
                if !matches!(operator, Operator::And | Operator::Or | Operator::With) {
                    return Err(self.error_at(word_start, RichErrorKind::NotChainable));
                }
            }
            chained = Some(operator);
            operators.push(operator);
        }
        let first = operators.first().copied();
        if matches!(first, Some(Operator::With | Operator::Without)) && no_with {
            return Err(self.error(RichErrorKind::IllegalInWith));
        }
        let last = operators.last().copied();
        let no_with = no_with
            || matches!(
                last,
                Some(Operator::And | Operator::If | Operator::Unless | Operator::Else)
            );
        self.position += 1;
        Ok((build(operands, &operators), no_with))
    }
}

/// Builds the tree of one parenthesized group from its operands and the operators between them.
fn build(mut operands: Vec<RichDependency>, operators: &[Operator]) -> RichDependency {
    let boxed = |dependency: RichDependency| Box::new(dependency);
    match operators {
        [] => operands
            .pop()
            .expect("a group has one operand per operator plus one"),
        [Operator::If | Operator::Unless, rest @ ..] => {
            let otherwise =
                (rest == [Operator::Else]).then(|| boxed(operands.pop().expect("else operand")));
            let condition = boxed(operands.pop().expect("condition operand"));
            let then = boxed(operands.pop().expect("then operand"));
            if operators[0] == Operator::If {
                RichDependency::If {
                    then,
                    condition,
                    otherwise,
                }
            } else {
                RichDependency::Unless {
                    then,
                    condition,
                    otherwise,
                }
            }
        }
        [Operator::Without] => {
            let right = operands.pop().expect("right operand");
            RichDependency::Without(boxed(operands.pop().expect("left operand")), boxed(right))
        }
        [Operator::And, ..] => RichDependency::And(operands),
        [Operator::Or, ..] => RichDependency::Or(operands),
        _ => RichDependency::With(operands),
    }
}

impl RichDependency {
    /// Parses a dependency: rich when it starts with `(`, simple otherwise.
    ///
    /// # Errors
    ///
    /// When rpm would reject the dependency; the error names the column and the fix.
    pub fn parse(text: &str) -> Result<Self, ParseRichDependencyError> {
        let trimmed = text.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
        if !trimmed.starts_with('(') {
            return Dependency::parse(text).map(Self::Simple).map_err(|_| {
                let kind = if trimmed.is_empty() {
                    RichErrorKind::MissingName
                } else {
                    RichErrorKind::MissingVersion
                };
                ParseRichDependencyError {
                    text: text.into(),
                    column: 1,
                    kind,
                }
            });
        }
        let mut parser = Parser {
            text,
            bytes: text.as_bytes(),
            position: text.len() - trimmed.len(),
        };
        let (dependency, _) = parser.group(0)?;
        parser.skip_space();
        if parser.position < text.len() {
            return Err(parser.error(RichErrorKind::TrailingText));
        }
        Ok(dependency)
    }

    /// Whether this is a simple dependency.
    #[must_use]
    pub fn is_simple(&self) -> bool {
        matches!(self, Self::Simple(_))
    }

    /// Every simple dependency in the expression, left to right.
    #[must_use]
    pub fn simple_dependencies(&self) -> Vec<&Dependency> {
        let mut found = Vec::new();
        self.collect_simple(&mut found);
        found
    }

    fn collect_simple<'a>(&'a self, found: &mut Vec<&'a Dependency>) {
        match self {
            Self::Simple(dependency) => found.push(dependency),
            Self::And(operands) | Self::Or(operands) | Self::With(operands) => {
                operands
                    .iter()
                    .for_each(|operand| operand.collect_simple(found));
            }
            Self::If {
                then,
                condition,
                otherwise,
            }
            | Self::Unless {
                then,
                condition,
                otherwise,
            } => {
                then.collect_simple(found);
                condition.collect_simple(found);
                if let Some(otherwise) = otherwise {
                    otherwise.collect_simple(found);
                }
            }
            Self::Without(left, right) => {
                left.collect_simple(found);
                right.collect_simple(found);
            }
        }
    }

    /// Evaluates the expression against an installed set described by `installed`, which says
    /// whether some installed package satisfies a simple dependency. `with`/`without` need to know
    /// that one package satisfies several dependencies at once, so `installed_together` answers
    /// for those groups.
    pub fn evaluate(
        &self,
        installed: &mut impl FnMut(&Dependency) -> bool,
        installed_together: &mut impl FnMut(&RichDependency) -> bool,
    ) -> bool {
        match self {
            Self::Simple(dependency) => installed(dependency),
            Self::And(operands) => operands
                .iter()
                .all(|operand| operand.evaluate(installed, installed_together)),
            Self::Or(operands) => operands
                .iter()
                .any(|operand| operand.evaluate(installed, installed_together)),
            Self::If {
                then,
                condition,
                otherwise,
            } => {
                if condition.evaluate(installed, installed_together) {
                    then.evaluate(installed, installed_together)
                } else {
                    otherwise
                        .as_ref()
                        .is_none_or(|otherwise| otherwise.evaluate(installed, installed_together))
                }
            }
            // rpm's depends.c: A UNLESS B is A AND NOT(B), and A UNLESS B ELSE C is
            // (A AND NOT(B)) OR (C AND B).
            Self::Unless {
                then,
                condition,
                otherwise,
            } => {
                if condition.evaluate(installed, installed_together) {
                    otherwise
                        .as_ref()
                        .is_some_and(|otherwise| otherwise.evaluate(installed, installed_together))
                } else {
                    then.evaluate(installed, installed_together)
                }
            }
            Self::With(_) | Self::Without(..) => installed_together(self),
        }
    }
}

impl RichDependency {
    /// Whether printing this operand right before a `)` would let the `)` join it: a simple
    /// dependency whose last word opens more parentheses than it closes (rpm's `SKIPNONWHITEX`
    /// reads a `)` as part of such a word).
    fn open_at_end(&self) -> bool {
        let Self::Simple(dependency) = self else {
            return false;
        };
        let last = dependency
            .constraint
            .as_ref()
            .map_or(dependency.name.clone(), |c| c.evr.to_string());
        last.matches('(').count() > last.matches(')').count()
    }
}

/// Closes a group, with a space first when the last operand would swallow the `)`.
fn close(f: &mut fmt::Formatter<'_>, last: &RichDependency) -> fmt::Result {
    f.write_str(if last.open_at_end() { " )" } else { ")" })
}

impl fmt::Display for RichDependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chain = |f: &mut fmt::Formatter<'_>, operands: &[RichDependency], word: &str| {
            f.write_str("(")?;
            for (index, operand) in operands.iter().enumerate() {
                if index > 0 {
                    write!(f, " {word} ")?;
                }
                write!(f, "{operand}")?;
            }
            close(f, operands.last().expect("a chain has operands"))
        };
        match self {
            Self::Simple(dependency) => write!(f, "{dependency}"),
            Self::And(operands) => chain(f, operands, "and"),
            Self::Or(operands) => chain(f, operands, "or"),
            Self::With(operands) => chain(f, operands, "with"),
            Self::Without(left, right) => {
                write!(f, "({left} without {right}")?;
                close(f, right)
            }
            Self::If {
                then,
                condition,
                otherwise,
            }
            | Self::Unless {
                then,
                condition,
                otherwise,
            } => {
                let word = if matches!(self, Self::If { .. }) {
                    "if"
                } else {
                    "unless"
                };
                write!(f, "({then} {word} {condition}")?;
                match otherwise {
                    Some(otherwise) => {
                        write!(f, " else {otherwise}")?;
                        close(f, otherwise)
                    }
                    None => close(f, condition),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        RichDependency::parse(text)
            .unwrap_or_else(|error| panic!("{error}"))
            .to_string()
    }

    fn error(text: &str) -> (usize, RichErrorKind) {
        let error = RichDependency::parse(text).unwrap_err();
        (error.column, error.kind)
    }

    #[test]
    fn parses_every_operator() {
        for text in [
            "(foo >= 1.0 or bar)",
            "(a and b and c)",
            "(pkgconfig(zlib) >= 1.2 with pkgconfig(zlib) < 2)",
            "(a if b)",
            "(a if b else c)",
            "(a unless (b and c) else d)",
            "(a without b)",
            "((a and b) or c)",
            "(a with (b or c))",
        ] {
            assert_eq!(round_trip(text), text);
        }
        assert_eq!(round_trip("  ( foo  ==  1:2-3 )"), "foo = 1:2-3");
        assert_eq!(round_trip("bar"), "bar");
        assert_eq!(
            round_trip("(font(:lang=de) and x)"),
            "(font(:lang=de) and x)"
        );
    }

    #[test]
    fn builds_the_expected_tree() {
        let parsed = RichDependency::parse("(a if b else (c or d))").unwrap();
        let RichDependency::If {
            then,
            condition,
            otherwise: Some(otherwise),
        } = parsed
        else {
            panic!("not an if/else: {parsed:?}");
        };
        assert_eq!(*then, RichDependency::Simple(Dependency::unversioned("a")));
        assert_eq!(
            *condition,
            RichDependency::Simple(Dependency::unversioned("b"))
        );
        assert!(matches!(*otherwise, RichDependency::Or(ref operands) if operands.len() == 2));
    }

    #[test]
    fn rejects_what_rpm_rejects() {
        assert_eq!(error("()"), (2, RichErrorKind::Empty));
        assert_eq!(error("(a and )"), (8, RichErrorKind::MissingOperand));
        assert_eq!(error("(a and b"), (9, RichErrorKind::Unterminated));
        assert_eq!(
            error("(a nand b)"),
            (4, RichErrorKind::UnknownOperator("nand".into()))
        );
        assert_eq!(error("(a and b or c)"), (10, RichErrorKind::MixedOperators));
        assert_eq!(error("(a if b if c)"), (9, RichErrorKind::NotChainable));
        assert_eq!(
            error("(a if b else c else d)"),
            (16, RichErrorKind::NotChainable)
        );
        assert_eq!(
            error("(a without b without c)"),
            (14, RichErrorKind::NotChainable)
        );
        assert_eq!(error("(a else b)"), (4, RichErrorKind::ElseWithoutIf));
        assert_eq!(error("(a with (b and c))").1, RichErrorKind::IllegalInWith);
        assert_eq!(error("(a >= )").1, RichErrorKind::MissingVersion);
        assert_eq!(error("(a) b").1, RichErrorKind::TrailingText);
        assert_eq!(
            error(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).1,
            RichErrorKind::TooDeep
        );
        let message = RichDependency::parse("(a and b or c)")
            .unwrap_err()
            .to_string();
        assert!(message.contains("column 10"), "{message}");
    }

    #[test]
    fn evaluates_conditions() {
        let dependency = RichDependency::parse("(a if b else c)").unwrap();
        let evaluate = |installed: &[&str]| {
            dependency.evaluate(
                &mut |d: &Dependency| installed.contains(&d.name.as_str()),
                &mut |_| false,
            )
        };
        assert!(evaluate(&["a", "b"]));
        assert!(!evaluate(&["b"]));
        assert!(evaluate(&["c"]));
        assert!(!evaluate(&[]));
        let unless = RichDependency::parse("(a unless b)").unwrap();
        let evaluate = |installed: &[&str]| {
            unless.evaluate(
                &mut |d: &Dependency| installed.contains(&d.name.as_str()),
                &mut |_| false,
            )
        };
        assert!(evaluate(&["a"]));
        assert!(!evaluate(&["a", "b"]), "rpm: A unless B is A and not B");
        assert!(!evaluate(&[]));
    }
}
