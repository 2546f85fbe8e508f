//! Literal values.

use std::fmt;

/// A literal value: bound as a parameter by `build()`, inlined (escaped by
/// the dialect's rules) by `to_string()`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A double.
    Float(f64),
    /// A string.
    Text(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An exact decimal number, kept as written (see [`Value::decimal`]).
    Decimal(Decimal),
}

/// The text of a decimal number (`-12345678901234567.89`, `1e-3`), checked
/// to be one and kept exactly: it is never rounded through a float.
/// Rendered as `CAST('...' AS NUMERIC)` (MySQL: `DECIMAL(p, s)` with the
/// number's own precision and scale), so that a bound value is text the
/// server converts exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Total digits and digits after the point, the exponent applied
    /// (`12.5e1` is 125.0: precision 3, scale 0).
    pub fn precision_and_scale(&self) -> (u64, u64) {
        let text = self.0.trim_start_matches(['-', '+']);
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        let scale = (frac.len() as i64 - exponent).max(0) as u64;
        let int_digits = (digits.len() as i64 - frac.len() as i64 + exponent).max(0) as u64;
        ((int_digits + scale).max(1), scale)
    }
}

impl Value {
    /// An exact decimal number: digits with an optional sign, point and
    /// exponent (`12.50`, `-1e-3`).
    ///
    /// ```
    /// use sqlrel::expr::Value;
    ///
    /// let v = Value::decimal("12345678901234567.89")?;
    /// assert_eq!(v.to_string(), "12345678901234567.89");
    /// assert!(Value::decimal("12,5").is_err());
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when `text`
    /// is not a decimal number.
    pub fn decimal(text: impl Into<String>) -> crate::Result<Value> {
        let text = text.into();
        if is_decimal(&text) {
            Ok(Value::Decimal(Decimal(text)))
        } else {
            Err(crate::error::Error::invalid(format!(
                "'{text}' is not a decimal number"
            )))
        }
    }
}

/// `[+-]digits[.digits][(e|E)[+-]digits]`, with a digit before or after
/// the point.
fn is_decimal(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (text, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && digits(frac)
        && !(int.is_empty() && frac.is_empty())
        && exponent.is_none_or(|e| !e.is_empty() && e.len() <= 6 && digits(e))
}

impl fmt::Display for Value {
    /// Plain SQL literal syntax (strings single-quoted, quotes doubled); for
    /// messages and debugging. Dialect rendering goes through sea-query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Text(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Value::Bytes(b) => {
                f.write_str("X'")?;
                for byte in b {
                    write!(f, "{byte:02X}")?;
                }
                f.write_str("'")
            }
            Value::Decimal(d) => f.write_str(d.as_str()),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident as $conv:ty),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(<$conv>::from(v))
            }
        })*
    };
}

value_from! {
    bool => Bool as bool,
    i8 => Int as i64,
    i16 => Int as i64,
    i32 => Int as i64,
    i64 => Int as i64,
    u8 => Int as i64,
    u16 => Int as i64,
    u32 => Int as i64,
    f32 => Float as f64,
    f64 => Float as f64,
    String => Text as String,
    &str => Text as String,
    Vec<u8> => Bytes as Vec<u8>,
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
