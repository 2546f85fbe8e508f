//! [`Row`]: column values standing for one row (the related object in
//! `contains` / `eq` / `ne`, the parent in `with_parent`).

use crate::expr::Value;

/// Column values of one row, by column name without the table (`id`, not
/// `users.id`). Which columns a predicate needs depends on it: see
/// [`Comparator::eq`](crate::comparator::Comparator::eq),
/// [`contains`](crate::comparator::Comparator::contains) and
/// [`with_parent`](crate::comparator::Comparator::with_parent). A row may
/// hold more columns than needed.
///
/// ```
/// use sqlrel::comparator::Row;
///
/// let row = Row::new().with("id", 5).with("user_id", 2);
/// assert_eq!(row.get("user_id"), Some(&2.into()));
/// let same: Row = [("id", 5), ("user_id", 2)].into();
/// assert_eq!(row, same);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    values: Vec<(String, Value)>,
}

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Self::default()
    }

    /// The row with `column` set to `value` (replacing an earlier value).
    pub fn with(mut self, column: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(column, value);
        self
    }

    /// Sets `column` to `value` (replacing an earlier value).
    ///
    /// ```
    /// use sqlrel::comparator::Row;
    ///
    /// let mut row = Row::new();
    /// row.set("id", 5);
    /// row.set("id", 6);
    /// assert_eq!(row, Row::new().with("id", 6));
    /// ```
    pub fn set(&mut self, column: impl Into<String>, value: impl Into<Value>) {
        let column = column.into();
        let value = value.into();
        match self.values.iter_mut().find(|(c, _)| *c == column) {
            Some(slot) => slot.1 = value,
            None => self.values.push((column, value)),
        }
    }

    /// The value of `column`, if set.
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, v)| v)
    }

    /// `(column, value)` pairs in the order the columns were first set.
    ///
    /// ```
    /// use sqlrel::comparator::Row;
    /// use sqlrel::expr::Value;
    ///
    /// let row = Row::new().with("name", "ann").with("id", 5);
    /// let pairs: Vec<(&str, &Value)> = row.iter().collect();
    /// assert_eq!(pairs, [("name", &"ann".into()), ("id", &5.into())]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(c, v)| (c.as_str(), v))
    }
}

impl<K: Into<String>, V: Into<Value>, const N: usize> From<[(K, V); N]> for Row {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Row {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut row = Row::new();
        for (k, v) in iter {
            row.set(k, v);
        }
        row
    }
}
