//! Tokens of one statement that is read (a table or key definition), and a
//! cursor over them with the positions errors name.

use std::borrow::Cow;

use super::Flavor;
use super::scan::RawStatement;
use crate::error::{Error, Position, Result};
use crate::schema::StatementLocation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An unquoted word (keyword or name).
    Word,
    /// A quoted name: `"x"`, `` `x` ``, `[x]`.
    Quoted,
    /// A string literal (`'x'`, `E'x'`, `$$x$$`; `"x"` in MySQL).
    Str,
    /// A number.
    Num,
    /// Anything else, one character (`::` as one).
    Punct,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    /// The token as written.
    pub raw: &'a str,
    /// Its byte offset in the statement's text.
    pub offset: usize,
}

impl Token<'_> {
    /// Whether the token is the unquoted keyword `keyword` (upper-case).
    pub fn is_kw(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.raw.eq_ignore_ascii_case(keyword)
    }

    pub fn is_punct(&self, punct: &str) -> bool {
        self.kind == Kind::Punct && self.raw == punct
    }

    /// The name a word or quoted name stands for (quotes removed, doubled
    /// quotes undoubled); a string's content.
    pub fn value(&self) -> Cow<'_, str> {
        let raw = self.raw;
        match self.kind {
            Kind::Quoted | Kind::Str => {
                let Some(open) = raw.chars().next() else {
                    return Cow::Borrowed(raw);
                };
                if open == '$' {
                    let tag = raw[1..].find('$').map_or(0, |i| i + 2);
                    let inner = raw.get(tag..raw.len().saturating_sub(tag));
                    return Cow::Borrowed(inner.unwrap_or_default());
                }
                // E'..', N'..', X'..', _utf8'..': the quote follows a prefix.
                let start = raw.find(['\'', '"', '`', '[']).unwrap_or(0);
                let open = raw[start..].chars().next().unwrap_or(open);
                let close = if open == '[' { ']' } else { open };
                let inner = raw
                    .get(start + 1..raw.len().saturating_sub(close.len_utf8()))
                    .unwrap_or_default();
                if close == ']' {
                    Cow::Borrowed(inner)
                } else {
                    let doubled: String = [close, close].iter().collect();
                    if inner.contains(&doubled) {
                        Cow::Owned(inner.replace(&doubled, &close.to_string()))
                    } else {
                        Cow::Borrowed(inner)
                    }
                }
            }
            _ => Cow::Borrowed(raw),
        }
    }

    /// A word or quoted name (in MySQL also a double-quoted string).
    fn is_name(&self, flavor: Flavor) -> bool {
        match self.kind {
            Kind::Word | Kind::Quoted => true,
            Kind::Str => flavor.double_quoted_strings() && self.raw.starts_with('"'),
            _ => false,
        }
    }
}

/// Splits a statement's text into tokens.
pub(super) fn tokenize<'a>(statement: &'a RawStatement, flavor: Flavor) -> Result<Vec<Token<'a>>> {
    let text = statement.text.as_str();
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let error = |offset: usize, message: &str| Error::Parse {
        what: describe(statement),
        message: message.to_owned(),
        position: Some(position_in(statement, offset)),
    };
    let is_word_start = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80;
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    // Closes a quote opened at `start` (the opener is `bytes[open]`).
    let close_quote = |open: usize, close: u8, escapes: bool| -> Option<usize> {
        let mut j = open + 1;
        while j < bytes.len() {
            let b = bytes[j];
            if escapes && b == b'\\' {
                j += 2;
                continue;
            }
            if b == close {
                if close != b']' && bytes.get(j + 1) == Some(&close) {
                    j += 2;
                    continue;
                }
                return Some(j + 1);
            }
            j += 1;
        }
        None
    };
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"--")
            && (!flavor.dash_comment_needs_space() || bytes.get(i + 2).is_none_or(|&b| b <= b' '))
            || (b == b'#' && flavor.hash_comments())
        {
            i = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |n| i + n + 1);
            continue;
        }
        if rest.starts_with(b"/*") {
            // MySQL's executable comments hold SQL: read what is inside.
            let executable = flavor.executable_comments()
                && (rest.starts_with(b"/*!") || rest.starts_with(b"/*M!"));
            let bang = if rest.starts_with(b"/*M!") { 4 } else { 3 };
            let digits = if executable {
                rest[bang..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count()
            } else {
                0
            };
            if executable && &rest[bang..bang + digits] != b"999999" {
                i += bang + digits;
                continue;
            }
            let mut depth = 0u32;
            let mut j = i;
            loop {
                if j + 1 >= bytes.len() {
                    return Err(error(start, "unterminated comment"));
                }
                if bytes[j] == b'/'
                    && bytes[j + 1] == b'*'
                    && (depth == 0 || flavor.nested_comments())
                {
                    depth += 1;
                    j += 2;
                } else if bytes[j] == b'*' && bytes[j + 1] == b'/' {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            i = j;
            continue;
        }
        if rest.starts_with(b"*/") && flavor.executable_comments() {
            // The end of an executable comment.
            i += 2;
            continue;
        }
        let (kind, end) = match b {
            b'\'' => {
                let escapes = flavor.backslash_strings();
                let end = close_quote(i, b'\'', escapes)
                    .ok_or_else(|| error(start, "unterminated string"))?;
                (Kind::Str, end)
            }
            b'"' => {
                let string = flavor.double_quoted_strings();
                let end = close_quote(i, b'"', string)
                    .ok_or_else(|| error(start, "unterminated quoted name"))?;
                (if string { Kind::Str } else { Kind::Quoted }, end)
            }
            b'`' => {
                let end = close_quote(i, b'`', false)
                    .ok_or_else(|| error(start, "unterminated quoted name"))?;
                (Kind::Quoted, end)
            }
            b'[' if flavor.brackets() => {
                let end = close_quote(i, b']', false)
                    .ok_or_else(|| error(start, "unterminated bracketed name"))?;
                (Kind::Quoted, end)
            }
            b'$' if flavor.dollar_quotes() && dollar_tag(rest).is_some() => {
                let tag = dollar_tag(rest).unwrap_or_default();
                let body = &text[i + tag.len()..];
                let end = body
                    .find(tag)
                    .map(|n| i + tag.len() + n + tag.len())
                    .ok_or_else(|| error(start, "unterminated dollar-quoted string"))?;
                (Kind::Str, end)
            }
            b if b.is_ascii_digit()
                || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let mut j = i + 1;
                while j < bytes.len() {
                    let c = bytes[j];
                    let exponent_sign =
                        matches!(c, b'+' | b'-') && matches!(bytes[j - 1], b'e' | b'E');
                    if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || exponent_sign {
                        j += 1;
                    } else {
                        break;
                    }
                }
                (Kind::Num, j)
            }
            b if is_word_start(b) => {
                let j = rest
                    .iter()
                    .position(|&b| !is_word_byte(b))
                    .map_or(bytes.len(), |n| i + n);
                // A prefix glued to a string: E'..', N'..', X'..', _utf8mb4'..'.
                if bytes.get(j) == Some(&b'\'') {
                    let escapes = flavor.backslash_strings()
                        || (flavor.escape_strings() && j - i == 1 && matches!(b, b'E' | b'e'));
                    let end = close_quote(j, b'\'', escapes)
                        .ok_or_else(|| error(start, "unterminated string"))?;
                    (Kind::Str, end)
                } else {
                    (Kind::Word, j)
                }
            }
            b':' if bytes.get(i + 1) == Some(&b':') => (Kind::Punct, i + 2),
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                (Kind::Punct, i + len)
            }
        };
        tokens.push(Token {
            kind,
            raw: &text[start..end],
            offset: start,
        });
        i = end;
    }
    Ok(tokens)
}

/// `$tag$` at the start of `bytes`.
fn dollar_tag(bytes: &[u8]) -> Option<&str> {
    let len = bytes[1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))?
        + 1;
    if bytes.get(len) != Some(&b'$') || bytes.get(1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(&bytes[..=len]).ok()
}

/// The position of byte `offset` of a statement's text.
pub(super) fn position_in(statement: &RawStatement, offset: usize) -> Position {
    let text = &statement.text[..offset.min(statement.text.len())];
    let chars = |s: &str| s.chars().count() as u64;
    match text.rfind('\n') {
        Some(last) => Position {
            line: statement.position.line + text.matches('\n').count() as u64,
            column: 1 + chars(&text[last + 1..]),
        },
        None => Position {
            line: statement.position.line,
            column: statement.position.column + chars(text),
        },
    }
}

/// The first characters of a statement, on one line.
pub(super) fn start_of(statement: &RawStatement) -> String {
    const LEN: usize = 60;
    let mut out = String::new();
    let mut cut = false;
    for word in statement.text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > LEN {
            cut = true;
            break;
        }
    }
    cut |= statement.truncated;
    if cut {
        out = out.chars().take(LEN).collect();
        out.push_str("...");
    }
    out
}

/// `statement 3 (CREATE TABLE ...)`, for messages.
pub(super) fn describe(statement: &RawStatement) -> String {
    format!(
        "DDL statement {} ({})",
        statement.number,
        start_of(statement)
    )
}

pub(super) fn location(statement: &RawStatement) -> StatementLocation {
    StatementLocation::new(statement.number, statement.position, start_of(statement))
}

/// A cursor over a statement's tokens.
pub(super) struct Cursor<'a> {
    pub tokens: Vec<Token<'a>>,
    pub i: usize,
    pub statement: &'a RawStatement,
    pub flavor: Flavor,
}

impl<'a> Cursor<'a> {
    pub fn new(statement: &'a RawStatement, flavor: Flavor) -> Result<Self> {
        Ok(Cursor {
            tokens: tokenize(statement, flavor)?,
            i: 0,
            statement,
            flavor,
        })
    }

    pub fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.i)
    }

    pub fn peek_at(&self, n: usize) -> Option<&Token<'a>> {
        self.tokens.get(self.i + n)
    }

    pub fn next(&mut self) -> Option<Token<'a>> {
        let token = self.tokens.get(self.i).copied();
        if token.is_some() {
            self.i += 1;
        }
        token
    }

    pub fn at_end(&self) -> bool {
        self.i >= self.tokens.len()
    }

    pub fn is_kw(&self, keyword: &str) -> bool {
        self.peek().is_some_and(|t| t.is_kw(keyword))
    }

    pub fn is_kw_at(&self, n: usize, keyword: &str) -> bool {
        self.peek_at(n).is_some_and(|t| t.is_kw(keyword))
    }

    pub fn is_punct(&self, punct: &str) -> bool {
        self.peek().is_some_and(|t| t.is_punct(punct))
    }

    pub fn eat_kw(&mut self, keyword: &str) -> bool {
        let found = self.is_kw(keyword);
        if found {
            self.i += 1;
        }
        found
    }

    /// Eats the keywords `keywords` if they all come next.
    pub fn eat_kws(&mut self, keywords: &[&str]) -> bool {
        let found = keywords
            .iter()
            .enumerate()
            .all(|(n, k)| self.is_kw_at(n, k));
        if found {
            self.i += keywords.len();
        }
        found
    }

    pub fn eat_punct(&mut self, punct: &str) -> bool {
        let found = self.is_punct(punct);
        if found {
            self.i += 1;
        }
        found
    }

    pub fn expect_kw(&mut self, keyword: &str) -> Result<()> {
        if self.eat_kw(keyword) {
            Ok(())
        } else {
            Err(self.expected(keyword))
        }
    }

    pub fn expect_punct(&mut self, punct: &str) -> Result<()> {
        if self.eat_punct(punct) {
            Ok(())
        } else {
            Err(self.expected(&format!("'{punct}'")))
        }
    }

    /// `expected X, found Y` at the current token.
    pub fn expected(&self, what: &str) -> Error {
        let found = match self.peek() {
            Some(t) => format!("found {}", t.raw),
            None => "found the end of the statement".to_owned(),
        };
        self.error(format!("expected {what}, {found}"))
    }

    /// An error at the current token (the end of the text past the last).
    pub fn error(&self, message: impl Into<String>) -> Error {
        let offset = match self.peek() {
            Some(t) => t.offset,
            None => self.statement.text.trim_end().len(),
        };
        self.error_at(offset, message)
    }

    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::Parse {
            what: describe(self.statement),
            message: message.into(),
            position: Some(position_in(self.statement, offset)),
        }
    }

    /// Another error (unknown table, invalid constraint) with the
    /// statement it comes from.
    pub fn context(&self, error: Error) -> Error {
        error.context(format!(
            "{} at {}",
            describe(self.statement),
            self.statement.position
        ))
    }

    /// Moves past every token: the statement is skipped.
    pub fn skip_rest(&mut self) -> Result<()> {
        self.i = self.tokens.len();
        Ok(())
    }

    /// Skips a parenthesized group; the cursor is on its `(`.
    pub fn skip_group(&mut self) -> Result<()> {
        let open = self.i;
        let mut depth = 0usize;
        while let Some(t) = self.next() {
            if t.is_punct("(") {
                depth += 1;
            } else if t.is_punct(")") {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
        }
        let offset = self.tokens.get(open).map_or(0, |t| t.offset);
        Err(self.error_at(offset, "unbalanced parentheses"))
    }

    /// Moves to the next `,` or `)` outside parentheses (or the end).
    pub fn skip_to_element_end(&mut self) -> Result<()> {
        while let Some(t) = self.peek() {
            if t.is_punct(",") || t.is_punct(")") {
                return Ok(());
            }
            if t.is_punct("(") {
                self.skip_group()?;
            } else {
                self.i += 1;
            }
        }
        Ok(())
    }

    /// Whether the current token is a name.
    pub fn is_name(&self) -> bool {
        self.peek().is_some_and(|t| t.is_name(self.flavor))
    }

    /// A name: a word or quoted name. An unquoted name is folded to lower
    /// case in PostgreSQL (ASCII letters only, as PostgreSQL folds names
    /// in a UTF-8 database); a quoted one is kept as written.
    pub fn ident(&mut self, what: &str) -> Result<String> {
        match self.peek() {
            Some(t) if t.is_name(self.flavor) => {
                let value = if t.kind == Kind::Word && self.flavor.folds_unquoted_names() {
                    t.raw.to_ascii_lowercase()
                } else {
                    t.value().into_owned()
                };
                self.i += 1;
                Ok(value)
            }
            _ => Err(self.expected(what)),
        }
    }

    /// A dotted name: `table`, `schema.table`, `catalog.schema.table`.
    pub fn name(&mut self, what: &str) -> Result<Vec<String>> {
        let mut parts = vec![self.ident(what)?];
        while self.is_punct(".") && self.peek_at(1).is_some_and(|t| t.is_name(self.flavor)) {
            self.i += 1;
            parts.push(self.ident(what)?);
        }
        Ok(parts)
    }

    /// `(a, b, ...)`: plain names.
    pub fn name_list(&mut self, what: &str) -> Result<Vec<String>> {
        self.expect_punct("(")?;
        let mut names = Vec::new();
        if self.eat_punct(")") {
            return Ok(names);
        }
        loop {
            names.push(self.ident(what)?);
            if self.eat_punct(")") {
                return Ok(names);
            }
            self.expect_punct(",")?;
        }
    }

    /// The raw text of tokens `from..to`, spaced as types are written:
    /// `character varying(20)[]`, `NUMERIC(10,2)`.
    pub fn text_of(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut prev: Option<&Token<'_>> = None;
        for t in &self.tokens[from..to] {
            let glue = match prev {
                None => true,
                Some(p) => {
                    matches!(t.raw, "(" | ")" | "," | "." | "[" | "]" | "::")
                        || matches!(p.raw, "(" | "," | "." | "[" | "::")
                }
            };
            if !glue {
                out.push(' ');
            }
            out.push_str(t.raw);
            prev = Some(t);
        }
        out
    }
}
