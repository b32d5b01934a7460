//! The tree of `%if`/`%elif`/`%else`/`%endif` blocks, kept unevaluated.
//!
//! Conditionals and sections overlap freely in real specs (an `%if` often wraps a whole
//! `%package`, `%description` and `%files`), so conditionals are a tree of their own over the
//! spec's lines rather than children of sections.

use serde::Serialize;

use crate::line::DirectiveKind;
use crate::spec::LineId;

/// Index of a conditional in [`crate::Spec::conditionals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ConditionalId(pub u32);

impl ConditionalId {
    /// The index as `usize`.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// One branch of one conditional: the branch's lines are those between its directive and the
/// next directive of the same conditional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct BranchRef {
    /// The conditional.
    pub conditional: ConditionalId,
    /// The branch's index in [`Conditional::branches`].
    pub branch: u32,
}

/// An `%if` ... `%endif` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conditional {
    /// The `%if` branch first, then every `%elif` and the `%else`.
    pub branches: Vec<Branch>,
    /// The `%endif` line; `None` when the file ends first.
    pub end: Option<LineId>,
    /// The branch this conditional is nested in.
    pub parent: Option<BranchRef>,
    /// Nesting depth: 0 for a top-level conditional.
    pub depth: u32,
}

impl Conditional {
    /// The `%if` (or `%ifarch`...) line.
    #[must_use]
    pub fn start(&self) -> LineId {
        self.branches[0].directive
    }

    /// The line after the last line of the block (after the `%endif`), given the number of
    /// lines in the spec for an unclosed block.
    #[must_use]
    pub fn end_exclusive(&self, line_count: u32) -> LineId {
        self.end.map_or(LineId(line_count), |end| LineId(end.0 + 1))
    }
}

/// One branch: its directive line and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Branch {
    /// The directive kind (`%if`, `%elifarch`, `%else`...).
    pub kind: DirectiveKind,
    /// The directive line.
    pub directive: LineId,
    /// One past the last line of the branch body (the next directive of this conditional).
    pub body_end: LineId,
}

/// Builds the tree while lines are read in order.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub conditionals: Vec<Conditional>,
    open: Vec<ConditionalId>,
}

/// What a directive did to the tree.
pub(crate) enum Applied {
    /// It belongs to this conditional.
    Attached(ConditionalId),
    /// An `%elif`/`%else`/`%endif` with nothing open.
    Unmatched,
    /// An `%elif`/`%else` after `%else`: attached, but rpm rejects it.
    AfterElse(ConditionalId),
}

impl Builder {
    /// The innermost open branch: the context of the next line.
    pub fn current(&self) -> Option<BranchRef> {
        let id = *self.open.last()?;
        let branch = self.conditionals[id.index()].branches.len() - 1;
        Some(BranchRef {
            conditional: id,
            branch: crate::span::to_u32(branch),
        })
    }

    /// Applies a directive found on `line`.
    pub fn apply(&mut self, kind: DirectiveKind, line: LineId) -> Applied {
        if kind.opens() {
            let id = ConditionalId(crate::span::to_u32(self.conditionals.len()));
            let depth = crate::span::to_u32(self.open.len());
            let parent = self.current();
            self.conditionals.push(Conditional {
                branches: vec![Branch {
                    kind,
                    directive: line,
                    body_end: line,
                }],
                end: None,
                parent,
                depth,
            });
            self.open.push(id);
            return Applied::Attached(id);
        }
        let Some(&id) = self.open.last() else {
            return Applied::Unmatched;
        };
        let conditional = &mut self.conditionals[id.index()];
        if let Some(last) = conditional.branches.last_mut() {
            last.body_end = line;
        }
        let after_else = conditional
            .branches
            .iter()
            .any(|branch| branch.kind == DirectiveKind::Else);
        if kind == DirectiveKind::Endif {
            conditional.end = Some(line);
            self.open.pop();
            return Applied::Attached(id);
        }
        conditional.branches.push(Branch {
            kind,
            directive: line,
            body_end: line,
        });
        if after_else {
            Applied::AfterElse(id)
        } else {
            Applied::Attached(id)
        }
    }

    /// Closes what is still open at the end of the file (`line_count` lines); returns the
    /// unclosed conditionals.
    pub fn finish(&mut self, line_count: u32) -> Vec<ConditionalId> {
        let unclosed = std::mem::take(&mut self.open);
        for id in &unclosed {
            if let Some(last) = self.conditionals[id.index()].branches.last_mut() {
                last.body_end = LineId(line_count);
            }
        }
        unclosed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_and_branches() {
        let mut builder = Builder::default();
        assert!(matches!(
            builder.apply(DirectiveKind::If, LineId(0)),
            Applied::Attached(ConditionalId(0))
        ));
        assert!(matches!(
            builder.apply(DirectiveKind::IfArch, LineId(2)),
            Applied::Attached(ConditionalId(1))
        ));
        assert_eq!(
            builder.current(),
            Some(BranchRef {
                conditional: ConditionalId(1),
                branch: 0
            })
        );
        builder.apply(DirectiveKind::Endif, LineId(4));
        builder.apply(DirectiveKind::Elif, LineId(5));
        builder.apply(DirectiveKind::Else, LineId(6));
        assert!(matches!(
            builder.apply(DirectiveKind::Else, LineId(7)),
            Applied::AfterElse(_)
        ));
        builder.apply(DirectiveKind::Endif, LineId(8));
        assert!(matches!(
            builder.apply(DirectiveKind::Endif, LineId(9)),
            Applied::Unmatched
        ));
        assert!(builder.finish(10).is_empty());
        let outer = &builder.conditionals[0];
        assert_eq!(outer.branches.len(), 4);
        assert_eq!(outer.branches[0].body_end, LineId(5));
        assert_eq!(outer.end, Some(LineId(8)));
        let inner = &builder.conditionals[1];
        assert_eq!(
            inner.parent,
            Some(BranchRef {
                conditional: ConditionalId(0),
                branch: 0
            })
        );
        assert_eq!(inner.depth, 1);
    }

    #[test]
    fn unclosed_conditionals_are_returned() {
        let mut builder = Builder::default();
        builder.apply(DirectiveKind::If, LineId(0));
        assert_eq!(builder.finish(3), vec![ConditionalId(0)]);
        assert_eq!(builder.conditionals[0].branches[0].body_end, LineId(3));
        assert_eq!(builder.conditionals[0].end_exclusive(3), LineId(3));
    }
}
