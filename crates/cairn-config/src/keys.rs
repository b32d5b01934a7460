//! Unknown-key detection: walks a parsed file against the JSON Schema of the types.
//!
//! serde alone stops at the first unknown field and loses its position inside arrays of
//! tables; walking the spanned tree reports every unknown key with its line and column and
//! the closest valid key, and lets `--permissive-config` strip them and carry on.

use std::ops::Range;

use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};

use crate::location::KeyPath;

/// An unknown key found by [`check`].
pub(crate) struct UnknownKey {
    /// The table that holds the key.
    pub(crate) table: KeyPath,
    pub(crate) key: String,
    pub(crate) span: Range<usize>,
    pub(crate) suggestion: Option<String>,
    pub(crate) expected: Vec<String>,
}

impl UnknownKey {
    pub(crate) fn message(&self) -> String {
        let place = if self.table.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in `{}`", self.table)
        };
        let mut message = format!("unknown key `{}` {place}", self.key);
        if let Some(suggestion) = &self.suggestion {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        } else if !self.expected.is_empty() && self.expected.len() <= 16 {
            message.push_str(&format!("; expected one of: {}", self.expected.join(", ")));
        }
        message
    }
}

/// Finds keys of `table` that `schema` does not allow; removes them when `strip` is set.
pub(crate) fn check(table: &mut DeTable<'_>, schema: &Value, strip: bool) -> Vec<UnknownKey> {
    let definitions = schema.get("$defs").and_then(Value::as_object);
    let mut walker = Walker {
        definitions,
        found: Vec::new(),
        strip,
        path: KeyPath::default(),
    };
    walker.table(table, schema);
    let mut found = walker.found;
    found.sort_by_key(|unknown| unknown.span.start);
    found
}

struct Walker<'s> {
    definitions: Option<&'s Map<String, Value>>,
    found: Vec<UnknownKey>,
    strip: bool,
    path: KeyPath,
}

impl<'s> Walker<'s> {
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = reference
                .strip_prefix("#/$defs/")
                .and_then(|name| self.definitions.and_then(|defs| defs.get(name)));
            match target {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn value(&mut self, value: &mut DeValue<'_>, schema: &'s Value) {
        let schema = self.resolve(schema);
        match value {
            DeValue::Table(table) => self.table(table, schema),
            DeValue::Array(array) => {
                let Some(items) = schema.get("items") else {
                    return;
                };
                for (index, item) in array.iter_mut().enumerate() {
                    self.path.push_index(index);
                    self.value(item.get_mut(), items);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn table(&mut self, table: &mut DeTable<'_>, schema: &'s Value) {
        let schema = self.resolve(schema);
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        if properties.is_none() && additional.is_none_or(|a| !a.is_object()) {
            // A schema that says nothing about keys (or a non-table type): nothing to check.
            if additional != Some(&Value::Bool(false)) {
                return;
            }
        }
        let mut unknown = Vec::new();
        for (key, value) in table.iter_mut() {
            let name: &str = key.get_ref();
            let child = properties
                .and_then(|p| p.get(name))
                .or(additional.filter(|a| a.is_object()));
            match child {
                Some(child) => {
                    self.path.push_key(name);
                    self.value(value.get_mut(), child);
                    self.path.pop();
                }
                None => {
                    let expected: Vec<String> = properties
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default();
                    unknown.push(name.to_owned());
                    self.found.push(UnknownKey {
                        table: self.path.clone(),
                        key: name.to_owned(),
                        span: key.span(),
                        suggestion: closest(name, expected.iter().map(String::as_str)),
                        expected,
                    });
                }
            }
        }
        if self.strip {
            for key in &unknown {
                table.remove(key.as_str());
            }
        }
    }
}

/// The candidate closest to `word`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let normalized = normalize(word);
    let limit = 2.max(word.chars().count() / 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if normalize(candidate) == normalized {
            0
        } else {
            edit_distance(&normalized, &normalize(candidate))
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate.to_owned())
}

/// Case and `-`/`_` are the most common slips (`skip-reason`, `containertag`).
fn normalize(word: &str) -> Vec<char> {
    word.chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions, transpositions.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_transpositions_and_spelling_variants() {
        let keys = [
            "description",
            "spec",
            "skip_reason",
            "containerTag",
            "overlays",
        ];
        let suggest = |word: &str| closest(word, keys.iter().copied());
        assert_eq!(suggest("descripton").as_deref(), Some("description"));
        assert_eq!(suggest("spce").as_deref(), Some("spec"));
        assert_eq!(suggest("skip-reason").as_deref(), Some("skip_reason"));
        assert_eq!(suggest("containertag").as_deref(), Some("containerTag"));
        assert_eq!(suggest("overlay").as_deref(), Some("overlays"));
        assert_eq!(suggest("zzzzzzzz"), None);
    }

    #[test]
    fn unknown_keys_are_found_at_every_depth_and_stripped_on_request() {
        let schema = serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "items": { "type": "array", "items": { "$ref": "#/$defs/Item" } },
                "named": { "type": "object", "additionalProperties": { "$ref": "#/$defs/Item" } }
            },
            "$defs": {
                "Item": { "type": "object", "additionalProperties": false,
                          "properties": { "name": { "type": "string" } } }
            }
        });
        let text =
            "itmes = []\n[[items]]\nname = 'a'\nnmae = 'b'\n[named.x]\nname = 'c'\nextra = 1\n";
        let mut table = DeTable::parse(text).unwrap().into_inner();
        let found = check(&mut table, &schema, true);
        let messages: Vec<String> = found.iter().map(UnknownKey::message).collect();
        assert_eq!(
            messages,
            [
                "unknown key `itmes` at the top level; did you mean `items`?",
                "unknown key `nmae` in `items[0]`; did you mean `name`?",
                "unknown key `extra` in `named.x`; expected one of: name",
            ]
        );
        assert_eq!(&text[found[1].span.clone()], "nmae");
        assert!(
            check(&mut table, &schema, false).is_empty(),
            "stripped keys are gone"
        );
    }
}
