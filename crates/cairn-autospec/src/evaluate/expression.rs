//! rpm's `%if` expressions (rpm 4.18 `build/expression.c`), after macro expansion: integers,
//! quoted strings, `!`, unary `-`, `* /`, `+ -`, comparisons, `&&`, `||` and parentheses.
//! Version literals (`v"..."`) and the ternary operator are not supported.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Integer(i64),
    Text(String),
}

/// Evaluates a `%if` condition: true when the integer is non-zero or the string non-empty.
pub(crate) fn evaluate_condition(text: &str) -> Result<bool, String> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        position: 0,
    };
    let value = parser.or()?;
    parser.skip_space();
    if parser.position < parser.chars.len() {
        return Err(format!("syntax error in expression: {text}"));
    }
    Ok(match value {
        Value::Integer(number) => number != 0,
        Value::Text(text) => !text.is_empty(),
    })
}

struct Parser {
    chars: Vec<char>,
    position: usize,
}

impl Parser {
    fn skip_space(&mut self) {
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.position += 1;
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        let matches = token
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.position + i) == Some(&c));
        if matches {
            self.position += token.chars().count();
        }
        matches
    }

    fn or(&mut self) -> Result<Value, String> {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = Value::Integer(i64::from(truthy(&left) || truthy(&right)));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Value, String> {
        let mut left = self.comparison()?;
        while self.eat("&&") {
            let right = self.comparison()?;
            left = Value::Integer(i64::from(truthy(&left) && truthy(&right)));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Value, String> {
        let mut left = self.additive()?;
        loop {
            let operator = ["==", "!=", "<=", ">=", "<", ">"]
                .into_iter()
                .find(|op| self.eat(op));
            let Some(operator) = operator else {
                return Ok(left);
            };
            let right = self.additive()?;
            let ordering = match (&left, &right) {
                (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
                (Value::Text(a), Value::Text(b)) => a.cmp(b),
                _ => return Err(String::from("types must match")),
            };
            let result = match operator {
                "==" => ordering.is_eq(),
                "!=" => ordering.is_ne(),
                "<=" => ordering.is_le(),
                ">=" => ordering.is_ge(),
                "<" => ordering.is_lt(),
                _ => ordering.is_gt(),
            };
            left = Value::Integer(i64::from(result));
        }
    }

    fn additive(&mut self) -> Result<Value, String> {
        let mut left = self.multiplicative()?;
        loop {
            if self.eat("+") {
                let right = self.multiplicative()?;
                left = match (left, right) {
                    (Value::Integer(a), Value::Integer(b)) => Value::Integer(a.wrapping_add(b)),
                    (Value::Text(a), Value::Text(b)) => Value::Text(a + &b),
                    _ => return Err(String::from("types must match")),
                };
            } else if self.eat("-") {
                let right = self.multiplicative()?;
                left = Value::Integer(integer(&left)?.wrapping_sub(integer(&right)?));
            } else {
                return Ok(left);
            }
        }
    }

    fn multiplicative(&mut self) -> Result<Value, String> {
        let mut left = self.unary()?;
        loop {
            if self.eat("*") {
                let right = self.unary()?;
                left = Value::Integer(integer(&left)?.wrapping_mul(integer(&right)?));
            } else if self.eat("/") {
                let right = integer(&self.unary()?)?;
                if right == 0 {
                    return Err(String::from("division by zero"));
                }
                left = Value::Integer(integer(&left)?.wrapping_div(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Value, String> {
        if self.eat("!") {
            return Ok(Value::Integer(i64::from(!truthy(&self.unary()?))));
        }
        if self.eat("-") {
            return Ok(Value::Integer(integer(&self.unary()?)?.wrapping_neg()));
        }
        if self.eat("(") {
            let value = self.or()?;
            if !self.eat(")") {
                return Err(String::from("unmatched ("));
            }
            return Ok(value);
        }
        self.skip_space();
        match self.chars.get(self.position).copied() {
            Some(c) if c.is_ascii_digit() => {
                let start = self.position;
                while self
                    .chars
                    .get(self.position)
                    .is_some_and(char::is_ascii_digit)
                {
                    self.position += 1;
                }
                let digits: String = self.chars[start..self.position].iter().collect();
                digits
                    .parse()
                    .map(Value::Integer)
                    .map_err(|_| format!("number too large: {digits}"))
            }
            Some('"') => {
                let start = self.position + 1;
                let end = self.chars[start..]
                    .iter()
                    .position(|&c| c == '"')
                    .ok_or_else(|| String::from("unterminated string in expression"))?;
                self.position = start + end + 1;
                Ok(Value::Text(self.chars[start..start + end].iter().collect()))
            }
            None => Err(String::from("unexpected end of expression")),
            Some(c) => Err(format!(
                "bare words are not allowed in expressions (at `{c}`)"
            )),
        }
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Integer(number) => *number != 0,
        Value::Text(text) => !text.is_empty(),
    }
}

fn integer(value: &Value) -> Result<i64, String> {
    match value {
        Value::Integer(number) => Ok(*number),
        Value::Text(_) => Err(String::from("types must match")),
    }
}

#[cfg(test)]
mod tests {
    use super::evaluate_condition;

    #[test]
    fn conditions() {
        assert_eq!(evaluate_condition("0"), Ok(false));
        assert_eq!(evaluate_condition("043 >= 40"), Ok(true));
        assert_eq!(evaluate_condition("1 && !0 || 0"), Ok(true));
        assert_eq!(evaluate_condition("\"redhat\" == \"redhat\""), Ok(true));
        assert_eq!(evaluate_condition("(1 + 2) * 2 == 6"), Ok(true));
        assert!(evaluate_condition("").is_err());
        assert!(evaluate_condition("1 == \"1\"").is_err());
    }
}
