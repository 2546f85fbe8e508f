//! The pre-scanner: splits a stream of SQL text into statements without
//! building syntax trees, the way the dialects' own clients (psql, the
//! mysql client, sqlite3) split a script.
//!
//! It reads the input in chunks and holds only the statement at hand:
//! statements that may hold tables or keys whole, every other one (data
//! above all) as its first few hundred bytes, for messages. So a dump is
//! read in time linear in its size and in memory bounded by its largest
//! table definition, whatever the size of its data. What it understands:
//!
//! - quoting: `'...'` (with `''`; backslash escapes in MySQL and in
//!   PostgreSQL's `E'...'`), `"..."`, `` `...` ``, `[...]` (SQLite and
//!   generic), PostgreSQL's `$tag$...$tag$`;
//! - comments: `--`, `/* */` (nested in PostgreSQL), `#` (MySQL); MySQL's
//!   executable comments `/*!50003 ... */` are read as the SQL they hold
//!   (a delimiter inside one does not end the statement);
//! - client commands, each one line: psql's meta-commands (a statement
//!   starting with a backslash: `\connect`, `\restrict`, `\copy`, ...),
//!   the mysql client's `DELIMITER` (which changes the delimiter) and
//!   `source`;
//! - data: `COPY ... FROM stdin` (and `\copy ... from stdin`) is followed by
//!   data lines up to `\.`, skipped line by line;
//! - bodies: in `CREATE TRIGGER` / `FUNCTION` / `PROCEDURE` / `EVENT`, a
//!   `;` between `BEGIN` (or `CASE`) and its `END` does not end the
//!   statement (SQLite's triggers, PostgreSQL's `BEGIN ATOMIC`); in
//!   PostgreSQL a `;` inside parentheses does not either (as in psql).

use std::io::Read;

use super::Flavor;
use crate::error::Position;

/// Bytes of input read at once.
const CHUNK: usize = 64 * 1024;
/// Bytes of lookahead the scanner may ask for (a dollar-quote tag, an
/// executable comment's opener, a word).
const LOOKAHEAD: usize = 80;
/// Bytes kept of a statement that is not read whole.
const PREFIX: usize = 256;
/// Words looked at to decide what a statement is.
const HEAD_WORDS: usize = 12;

/// One statement, or one client command, of the input.
#[derive(Debug)]
pub(super) struct RawStatement {
    /// Its number in the input, from 1.
    pub number: usize,
    /// Where its first character is.
    pub position: Position,
    /// Its text without the delimiter: whole when `complete`, else the
    /// first bytes. Invalid UTF-8 is replaced by U+FFFD.
    pub text: String,
    /// Where its first byte is in the input, from 0.
    pub offset: u64,
    /// The first byte of `text` that is not UTF-8, when there is one: its
    /// index in the bytes read and its value (`text` holds U+FFFD there).
    pub invalid_utf8: Option<(usize, u8)>,
    /// Whether `text` is the whole statement, read to be parsed.
    pub complete: bool,
    /// Whether bytes of the statement were left out of `text`.
    pub truncated: bool,
    /// Its first unquoted words, upper-cased (words inside MySQL's
    /// executable comments included).
    pub head: Vec<String>,
    /// A client command (one line), not SQL.
    pub client: bool,
}

/// Why scanning stopped.
#[derive(Debug)]
pub(super) enum ScanError {
    /// Reading the input failed.
    Io(std::io::Error),
    /// The input ends inside a string, quoted name or comment.
    Unterminated {
        /// What is not closed, e.g. `a string`.
        what: &'static str,
        /// The statement it belongs to (its first bytes).
        statement: Box<RawStatement>,
        /// Where it opens.
        at: Position,
    },
}

/// How much of a statement's text is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    All,
    Prefix,
}

/// What the head of a statement says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Not known yet: keep everything so far.
    Undecided,
    /// Read it: keep it whole.
    Read,
    /// Skip it: keep a prefix.
    Skip,
    /// A trigger, function, procedure or event: skip it, and let
    /// `BEGIN` / `CASE` ... `END` nest.
    Body,
    /// `COPY`: keep it whole, and see whether data follows.
    Copy,
}

/// The lexical state inside a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Lex {
    Normal,
    /// `'...'`; `true`: backslash escapes.
    Single(bool),
    /// `"..."`; `true`: backslash escapes (MySQL strings).
    Double(bool),
    Backtick,
    Bracket,
    Dollar(Vec<u8>),
    LineComment,
    /// A block comment, nested this deep.
    Block(u32),
}

impl Lex {
    fn what(&self) -> &'static str {
        match self {
            Lex::Normal | Lex::LineComment => "a statement",
            Lex::Single(_) => "a string",
            Lex::Double(_) => "a double-quoted name or string",
            Lex::Backtick => "a backtick-quoted name",
            Lex::Bracket => "a bracketed name",
            Lex::Dollar(_) => "a dollar-quoted string",
            Lex::Block(_) => "a comment",
        }
    }
}

pub(super) struct Scanner<R> {
    reader: R,
    flavor: Flavor,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// The position of `buf[pos]`.
    line: u64,
    column: u64,
    /// The last two bytes consumed, the latest first.
    prev: [u8; 2],
    delimiter: Vec<u8>,
    /// Bytes that stop the fast skip over ordinary text: quotes, comment
    /// openers, the delimiter's first byte, ...; `with_words` adds the
    /// bytes that start a word.
    stops: [bool; 256],
    stops_with_words: [bool; 256],
    number: usize,
    /// The statement just read was `COPY ... FROM stdin`: its data follows.
    copy_data: bool,
    started: bool,
    /// Where the statement being scanned starts.
    current: Position,
    /// Bytes consumed so far, and where the statement being scanned starts
    /// among them.
    offset: u64,
    current_offset: u64,
    /// The text of the statement being scanned.
    text: Vec<u8>,
    keep: Keep,
    /// Bytes of the statement were left out of `text`.
    truncated: bool,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl<R: Read> Scanner<R> {
    pub fn new(reader: R, flavor: Flavor) -> Self {
        let mut scanner = Scanner {
            reader,
            flavor,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            eof: false,
            line: 1,
            column: 1,
            prev: [b'\n', b'\n'],
            delimiter: b";".to_vec(),
            stops: [false; 256],
            stops_with_words: [false; 256],
            number: 0,
            copy_data: false,
            started: false,
            current: Position { line: 1, column: 1 },
            offset: 0,
            current_offset: 0,
            text: Vec::new(),
            keep: Keep::All,
            truncated: false,
        };
        scanner.set_stops();
        scanner
    }

    fn set_stops(&mut self) {
        let mut stops = [false; 256];
        for b in [b'\'', b'"', b'`', b'-', b'/', b'*'] {
            stops[b as usize] = true;
        }
        if let Some(&first) = self.delimiter.first() {
            stops[first as usize] = true;
        }
        if self.flavor.brackets() {
            stops[b'[' as usize] = true;
        }
        if self.flavor.dollar_quotes() {
            stops[b'$' as usize] = true;
        }
        if self.flavor.hash_comments() {
            stops[b'#' as usize] = true;
        }
        if self.flavor.split_outside_parentheses() {
            stops[b'(' as usize] = true;
            stops[b')' as usize] = true;
        }
        let mut with_words = stops;
        for b in 0..=255u8 {
            if is_word_start(b) {
                with_words[b as usize] = true;
            }
        }
        self.stops = stops;
        self.stops_with_words = with_words;
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// Makes `want` bytes available at `pos`, unless the input ends first.
    fn fill(&mut self, want: usize) -> Result<(), ScanError> {
        if self.end - self.pos >= want || self.eof {
            return Ok(());
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        while self.end - self.pos < want && !self.eof {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ScanError::Io(e)),
            }
        }
        Ok(())
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// The byte at `pos + i`, if available (after [`fill`](Self::fill)).
    fn at(&self, i: usize) -> Option<u8> {
        self.buf
            .get(self.pos + i)
            .copied()
            .filter(|_| self.pos + i < self.end)
    }

    /// Consumes `n` available bytes: keeps them as the statement's text as
    /// far as `keep` says, and moves the position past them.
    fn take(&mut self, n: usize) {
        let bytes = &self.buf[self.pos..self.pos + n];
        match self.keep {
            Keep::All => self.text.extend_from_slice(bytes),
            Keep::Prefix if self.text.len() < PREFIX => {
                let room = PREFIX - self.text.len();
                self.text.extend_from_slice(&bytes[..room.min(n)]);
                self.truncated |= n > room;
            }
            Keep::Prefix => self.truncated |= n > 0,
        }
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                self.column = 1 + chars(&bytes[last + 1..]);
            }
            None => self.column += chars(bytes),
        }
        match n {
            0 => {}
            1 => self.prev = [bytes[0], self.prev[0]],
            _ => self.prev = [bytes[n - 1], bytes[n - 2]],
        }
        self.pos += n;
        self.offset += n as u64;
    }

    /// Consumes `n` bytes without keeping them (a delimiter).
    fn skip(&mut self, n: usize) {
        let keep = std::mem::replace(&mut self.keep, Keep::Prefix);
        let (len, truncated) = (self.text.len(), self.truncated);
        self.take(n);
        self.text.truncate(len);
        self.truncated = truncated;
        self.keep = keep;
    }

    /// Whether the available bytes start with `word`, in any case, followed
    /// by a byte that cannot continue a word.
    fn starts_with_word(&self, word: &str) -> bool {
        let avail = self.available();
        avail.len() >= word.len()
            && avail[..word.len()].eq_ignore_ascii_case(word.as_bytes())
            && avail.get(word.len()).is_none_or(|&b| !is_word_byte(b))
    }

    /// The next statement or client command; `None` at the end of the
    /// input.
    pub fn next_statement(&mut self) -> Result<Option<RawStatement>, ScanError> {
        if !self.started {
            self.started = true;
            self.fill(3)?;
            if self.available().starts_with(b"\xEF\xBB\xBF") {
                self.skip(3);
            }
        }
        if std::mem::take(&mut self.copy_data) {
            self.skip_copy_data()?;
        }
        self.text.clear();
        if !self.skip_between()? {
            return Ok(None);
        }
        self.number += 1;
        let position = self.position();
        self.current = position;
        self.current_offset = self.offset;
        self.fill(LOOKAHEAD)?;
        let avail = self.available();
        let client = avail.first() == Some(&b'\\')
            || (self.starts_with_word("DELIMITER") && matches!(avail.get(9), Some(b' ' | b'\t')))
            || (self.flavor.source_command() && self.starts_with_word("SOURCE"));
        if client {
            return self.client_command(position).map(Some);
        }
        self.statement(position).map(Some)
    }

    /// Skips whitespace, comments and empty statements before a statement;
    /// `false` at the end of the input.
    fn skip_between(&mut self) -> Result<bool, ScanError> {
        self.keep = Keep::Prefix;
        loop {
            self.fill(LOOKAHEAD)?;
            let Some(b) = self.at(0) else {
                return Ok(false);
            };
            if b.is_ascii_whitespace() {
                let n = self
                    .available()
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(self.end - self.pos);
                self.take(n);
                continue;
            }
            if self.available().starts_with(&self.delimiter) {
                let n = self.delimiter.len();
                self.take(n);
                continue;
            }
            let line_comment = (b == b'-' && self.at(1) == Some(b'-') && self.dash_comment())
                || (b == b'#' && self.flavor.hash_comments());
            if line_comment {
                self.skip_line()?;
                continue;
            }
            if b == b'/' && self.at(1) == Some(b'*') && self.executable_comment().is_none() {
                let at = self.position();
                self.current = at;
                self.take(2);
                self.block_comment(1, at)?;
                continue;
            }
            self.text.clear();
            self.truncated = false;
            return Ok(true);
        }
    }

    /// `--` starts a comment (in MySQL only when a space or control
    /// character follows).
    fn dash_comment(&self) -> bool {
        !self.flavor.dash_comment_needs_space() || self.at(2).is_none_or(|b| b <= b' ')
    }

    /// The length of the opener of a MySQL executable comment at `pos`
    /// (`/*!`, `/*!50003`, `/*M!100101`), when the flavor runs them and the
    /// version is not MariaDB's "never" (999999).
    fn executable_comment(&self) -> Option<usize> {
        if !self.flavor.executable_comments() {
            return None;
        }
        let avail = self.available();
        let bang = if avail.starts_with(b"/*!") {
            3
        } else if avail.starts_with(b"/*M!") {
            4
        } else {
            return None;
        };
        let digits = avail[bang..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if &avail[bang..bang + digits] == b"999999" {
            return None;
        }
        Some(bang + digits)
    }

    /// Consumes the rest of the line, newline included.
    fn skip_line(&mut self) -> Result<(), ScanError> {
        loop {
            let avail = self.available();
            if let Some(i) = avail.iter().position(|&b| b == b'\n') {
                self.take(i + 1);
                return Ok(());
            }
            let n = avail.len();
            self.take(n);
            self.fill(1)?;
            if self.at(0).is_none() {
                return Ok(());
            }
        }
    }

    /// Consumes a block comment whose opener (nested `depth` deep) was
    /// consumed.
    fn block_comment(&mut self, mut depth: u32, at: Position) -> Result<(), ScanError> {
        let nested = self.flavor.nested_comments();
        loop {
            self.fill(2)?;
            let avail = self.available();
            let Some(i) = avail
                .iter()
                .position(|&b| b == b'*' || (nested && b == b'/'))
            else {
                if avail.is_empty() {
                    return Err(self.unterminated(&Lex::Block(depth), at));
                }
                let n = avail.len();
                self.take(n);
                continue;
            };
            self.take(i);
            self.fill(2)?;
            match (self.at(0), self.at(1)) {
                (Some(b'*'), Some(b'/')) => {
                    self.take(2);
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.take(2);
                    depth += 1;
                }
                (Some(_), _) => self.take(1),
                (None, _) => return Err(self.unterminated(&Lex::Block(depth), at)),
            }
        }
    }

    fn unterminated(&mut self, lex: &Lex, at: Position) -> ScanError {
        ScanError::Unterminated {
            what: lex.what(),
            statement: Box::new(self.finish(self.current, Vec::new(), false)),
            at,
        }
    }

    /// The statement scanned so far, its text taken.
    fn finish(&mut self, position: Position, head: Vec<String>, client: bool) -> RawStatement {
        let complete = self.keep == Keep::All;
        let truncated = std::mem::take(&mut self.truncated);
        let bytes = std::mem::take(&mut self.text);
        let (text, invalid_utf8) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes().get(at).copied().unwrap_or_default();
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some((at, byte)),
                )
            }
        };
        RawStatement {
            number: self.number,
            position,
            offset: self.current_offset,
            text,
            invalid_utf8,
            complete,
            truncated,
            head,
            client,
        }
    }

    /// A client command: the rest of the line.
    fn client_command(&mut self, position: Position) -> Result<RawStatement, ScanError> {
        self.keep = Keep::All;
        let line_start = self.text.len();
        loop {
            let avail = self.available();
            if let Some(i) = avail.iter().position(|&b| b == b'\n') {
                self.take(i);
                self.skip(1);
                break;
            }
            let n = avail.len();
            self.take(n);
            self.fill(1)?;
            if self.at(0).is_none() {
                break;
            }
        }
        let line = String::from_utf8_lossy(&self.text[line_start..]).into_owned();
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default().to_ascii_uppercase();
        if first == "DELIMITER" {
            if let Some(delimiter) = words.next() {
                self.delimiter = delimiter.as_bytes().to_vec();
                self.set_stops();
            }
        } else if first == "\\COPY" {
            let lower = line.to_ascii_lowercase();
            self.copy_data = lower.split_whitespace().any(|w| w == "stdin");
        }
        let head = vec![first];
        let mut statement = self.finish(position, head, true);
        statement.text = statement.text.trim_end().to_owned();
        Ok(statement)
    }

    /// Skips the data lines after `COPY ... FROM stdin`, up to the line
    /// `\.` (the rest of the `COPY` line first).
    fn skip_copy_data(&mut self) -> Result<(), ScanError> {
        self.keep = Keep::Prefix;
        self.text.clear();
        self.skip_line()?;
        loop {
            self.fill(4)?;
            let avail = self.available();
            if avail.is_empty() {
                return Ok(());
            }
            let end_marker = (avail.starts_with(b"\\.")
                && matches!(avail.get(2), None | Some(b'\n')))
                || (avail.starts_with(b"\\.\r") && matches!(avail.get(3), None | Some(b'\n')));
            self.skip_line()?;
            if end_marker {
                self.text.clear();
                return Ok(());
            }
            self.text.clear();
        }
    }

    /// Scans one statement up to its delimiter (consumed, not kept) or the
    /// end of the input.
    fn statement(&mut self, position: Position) -> Result<RawStatement, ScanError> {
        self.keep = Keep::All;
        let mut lex = Lex::Normal;
        let mut lex_at = position;
        let mut head: Vec<String> = Vec::new();
        let mut decision = Decision::Undecided;
        // Executable comments open around the position.
        let mut executable = 0u32;
        let mut parentheses = 0u32;
        // Body nesting (Decision::Body): depth, and whether the last word
        // was END.
        let mut depth = 0u32;
        let mut after_end = false;
        // COPY: FROM seen, then STDIN.
        let mut copy_from = false;
        loop {
            match &lex {
                Lex::Normal => {}
                Lex::LineComment => {
                    self.skip_line()?;
                    lex = Lex::Normal;
                    continue;
                }
                Lex::Block(depth) => {
                    let depth = *depth;
                    self.block_comment(depth, lex_at)?;
                    lex = Lex::Normal;
                    continue;
                }
                quoted => {
                    let quoted = quoted.clone();
                    self.quoted(&quoted, lex_at)?;
                    lex = Lex::Normal;
                    continue;
                }
            }
            let words = decision == Decision::Undecided
                || decision == Decision::Body
                || decision == Decision::Copy;
            let stops = if words {
                &self.stops_with_words
            } else {
                &self.stops
            };
            let avail = self.available();
            let n = avail
                .iter()
                .position(|&b| stops[b as usize])
                .unwrap_or(avail.len());
            self.take(n);
            self.fill(LOOKAHEAD)?;
            let Some(b) = self.at(0) else {
                break;
            };
            let avail = self.available();
            let at_top =
                executable == 0 && parentheses == 0 && (depth == 0 || self.delimiter != b";");
            if at_top && avail.starts_with(&self.delimiter) {
                let n = self.delimiter.len();
                self.skip(n);
                break;
            }
            if words && is_word_start(b) {
                // A word ends where a delimiter such as `$$` (DELIMITER $$)
                // starts: `END$$` is END and the delimiter.
                let delimiter = &self.delimiter;
                let len = (0..avail.len())
                    .find(|&k| !is_word_byte(avail[k]) || avail[k..].starts_with(delimiter))
                    .unwrap_or(avail.len());
                let word = String::from_utf8_lossy(&avail[..len.min(32)]).to_ascii_uppercase();
                self.take(len);
                if decision == Decision::Undecided {
                    head.push(word);
                    decision = decide(&head, self.flavor);
                    if decision == Decision::Undecided && head.len() >= HEAD_WORDS {
                        decision = Decision::Read;
                    }
                    if matches!(decision, Decision::Skip | Decision::Body) {
                        self.keep = Keep::Prefix;
                    }
                } else if decision == Decision::Body {
                    match word.as_str() {
                        "IF" | "LOOP" | "WHILE" | "REPEAT" | "FOR" if after_end => depth += 1,
                        "CASE" if after_end => {}
                        "BEGIN" | "CASE" => depth += 1,
                        "END" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    after_end = word == "END";
                } else if decision == Decision::Copy {
                    if copy_from && word == "STDIN" {
                        self.copy_data = true;
                    }
                    copy_from = word == "FROM";
                }
                continue;
            }
            lex_at = self.position();
            match b {
                b'\'' => {
                    let escapes = self.flavor.backslash_strings()
                        || (self.flavor.escape_strings()
                            && matches!(self.prev[0], b'E' | b'e')
                            && !is_word_byte(self.prev[1]));
                    self.take(1);
                    lex = Lex::Single(escapes);
                }
                b'"' => {
                    self.take(1);
                    lex = Lex::Double(self.flavor.double_quoted_strings());
                }
                b'`' => {
                    self.take(1);
                    lex = Lex::Backtick;
                }
                b'[' if self.flavor.brackets() => {
                    self.take(1);
                    lex = Lex::Bracket;
                }
                b'$' if self.flavor.dollar_quotes() => match self.dollar_tag() {
                    Some(tag) => {
                        self.take(tag.len());
                        lex = Lex::Dollar(tag);
                    }
                    None => self.take(1),
                },
                b'-' if self.at(1) == Some(b'-') && self.dash_comment() => {
                    lex = Lex::LineComment;
                }
                b'#' if self.flavor.hash_comments() => lex = Lex::LineComment,
                b'/' if self.at(1) == Some(b'*') => match self.executable_comment() {
                    Some(opener) => {
                        self.take(opener);
                        executable += 1;
                    }
                    None => {
                        self.take(2);
                        lex = Lex::Block(1);
                    }
                },
                b'*' if executable > 0 && self.at(1) == Some(b'/') => {
                    self.take(2);
                    executable -= 1;
                }
                b'(' if self.flavor.split_outside_parentheses() => {
                    self.take(1);
                    parentheses += 1;
                }
                b')' if self.flavor.split_outside_parentheses() => {
                    self.take(1);
                    parentheses = parentheses.saturating_sub(1);
                }
                _ => self.take(1),
            }
        }
        Ok(self.finish(position, head, false))
    }

    /// `$tag$` at `pos` (PostgreSQL's dollar quote), unless the `$` ends
    /// a word or starts a parameter (`$1`).
    fn dollar_tag(&self) -> Option<Vec<u8>> {
        if is_word_byte(self.prev[0]) {
            return None;
        }
        let avail = self.available();
        let tag_len = avail[1..]
            .iter()
            .position(|&b| !is_word_byte(b) || b == b'$')
            .map(|i| i + 1)?;
        let tag = &avail[..tag_len];
        if avail.get(tag_len) != Some(&b'$') || tag.get(1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        Some(avail[..=tag_len].to_vec())
    }

    /// Consumes the rest of a quoted string or name whose opener was
    /// consumed.
    fn quoted(&mut self, lex: &Lex, at: Position) -> Result<(), ScanError> {
        let (close, escapes) = match lex {
            Lex::Single(escapes) => (b'\'', *escapes),
            Lex::Double(escapes) => (b'"', *escapes),
            Lex::Backtick => (b'`', false),
            Lex::Bracket => (b']', false),
            Lex::Dollar(tag) => return self.dollar_quoted(tag, at),
            _ => return Ok(()),
        };
        loop {
            self.fill(2)?;
            let avail = self.available();
            if avail.is_empty() {
                return Err(self.unterminated(lex, at));
            }
            let Some(i) = avail
                .iter()
                .position(|&b| b == close || (escapes && b == b'\\'))
            else {
                let n = avail.len();
                self.take(n);
                continue;
            };
            self.take(i);
            self.fill(2)?;
            if self.at(0) == Some(b'\\') {
                let n = if self.at(1).is_some() { 2 } else { 1 };
                self.take(n);
                continue;
            }
            self.take(1);
            // A doubled closing quote stands for itself (not for brackets).
            if close != b']' && self.at(0) == Some(close) {
                self.take(1);
                continue;
            }
            return Ok(());
        }
    }

    fn dollar_quoted(&mut self, tag: &[u8], at: Position) -> Result<(), ScanError> {
        loop {
            self.fill(tag.len())?;
            let avail = self.available();
            if avail.is_empty() {
                return Err(self.unterminated(&Lex::Dollar(tag.to_vec()), at));
            }
            let Some(i) = avail.iter().position(|&b| b == b'$') else {
                let n = avail.len();
                self.take(n);
                continue;
            };
            self.take(i);
            self.fill(tag.len())?;
            if self.available().starts_with(tag) {
                self.take(tag.len());
                return Ok(());
            }
            if self.available().len() < tag.len() {
                let n = self.available().len();
                self.take(n);
                return Err(self.unterminated(&Lex::Dollar(tag.to_vec()), at));
            }
            self.take(1);
        }
    }
}

/// Characters (not UTF-8 continuation bytes) among `bytes`.
fn chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// What a statement is, from its first words.
fn decide(head: &[String], flavor: Flavor) -> Decision {
    let word = |i: usize| head.get(i).map(String::as_str);
    match word(0) {
        None => Decision::Undecided,
        Some("CREATE") => match create_object(head) {
            None => Decision::Undecided,
            Some((_, "TRIGGER" | "FUNCTION" | "PROCEDURE" | "EVENT" | "PACKAGE")) => Decision::Body,
            Some((_, object)) if is_skipped_object(object) => Decision::Skip,
            Some(_) => Decision::Read,
        },
        Some("ALTER") => match word(1) {
            None => Decision::Undecided,
            Some("TABLE") => Decision::Read,
            Some("ONLINE" | "OFFLINE" | "IGNORE") => match word(2) {
                None => Decision::Undecided,
                Some("TABLE") => Decision::Read,
                Some(_) => Decision::Skip,
            },
            Some(_) => Decision::Skip,
        },
        Some("DROP") => match word(1) {
            None => Decision::Undecided,
            Some("TABLE") => Decision::Read,
            Some(_) => Decision::Skip,
        },
        Some("COPY") => Decision::Copy,
        Some("RENAME") => Decision::Read,
        Some("DO" | "CALL" | "EXEC" | "EXECUTE" | "ATTACH") => Decision::Skip,
        Some("INSERT" | "REPLACE") => match (word(1), word(2)) {
            // INSERT INTO sqlite_schema: a table sqlite3 .dump writes so.
            (Some("INTO"), None) | (None, _) => Decision::Undecided,
            _ => Decision::Skip,
        },
        Some(first) if is_irrelevant(first, flavor) => Decision::Skip,
        Some(_) => Decision::Read,
    }
}

/// The word naming what a `CREATE` creates (`TABLE`, `UNIQUE`, `VIEW`,
/// ...) and its index in `head`, past `OR REPLACE`, `TEMPORARY`,
/// `DEFINER = ...` and the like; `None` when the head ends first.
pub(super) fn create_object(head: &[String]) -> Option<(usize, &str)> {
    let word = |i: usize| head.get(i).map(String::as_str);
    let mut i = 1;
    // In `DEFINER = user`, an unquoted user is words (quoted ones are not).
    let mut definer = false;
    loop {
        let w = word(i)?;
        match w {
            "OR" | "REPLACE" | "ALGORITHM" | "UNDEFINED" | "MERGE" | "TEMPTABLE" | "SQL"
            | "SECURITY" | "INVOKER" | "CONSTRAINT" | "EDITIONABLE" | "NONEDITIONABLE"
            | "FORCE" | "NO" | "RECURSIVE" | "TEMP" | "TEMPORARY" | "GLOBAL" | "LOCAL"
            | "UNLOGGED" | "DEFAULT" | "TRUSTED" | "PROCEDURAL" => {
                definer = false;
                i += 1;
            }
            "DEFINER" => {
                definer = true;
                i += 1;
            }
            "AGGREGATE" if word(i + 1) == Some("FUNCTION") => i += 1,
            _ if definer && !is_object(w) => i += 1,
            object => return Some((i, object)),
        }
    }
}

/// Words naming what `CREATE` makes.
fn is_object(word: &str) -> bool {
    is_skipped_object(word)
        || matches!(
            word,
            "TABLE" | "UNIQUE" | "SCHEMA" | "VIRTUAL" | "FOREIGN" | "CLUSTERED" | "NONCLUSTERED"
        )
}

/// Objects whose `CREATE` holds no table or key.
pub(super) fn is_skipped_object(object: &str) -> bool {
    matches!(
        object,
        "INDEX"
            | "FULLTEXT"
            | "SPATIAL"
            | "BITMAP"
            | "VIEW"
            | "MATERIALIZED"
            | "SEQUENCE"
            | "TYPE"
            | "DOMAIN"
            | "EXTENSION"
            | "ROLE"
            | "USER"
            | "DATABASE"
            | "CAST"
            | "COLLATION"
            | "CONVERSION"
            | "LANGUAGE"
            | "OPERATOR"
            | "POLICY"
            | "RULE"
            | "PUBLICATION"
            | "SUBSCRIPTION"
            | "SERVER"
            | "STATISTICS"
            | "TABLESPACE"
            | "TEXT"
            | "TRANSFORM"
            | "ACCESS"
            | "SYNONYM"
            | "LOGFILE"
            | "TRIGGER"
            | "FUNCTION"
            | "PROCEDURE"
            | "EVENT"
            | "PACKAGE"
            | "AGGREGATE"
    )
}

/// Statements, by their first word, that hold nothing of a schema.
pub(super) fn is_irrelevant(first: &str, flavor: Flavor) -> bool {
    matches!(
        first,
        "INSERT"
            | "REPLACE"
            | "UPDATE"
            | "DELETE"
            | "MERGE"
            | "UPSERT"
            | "VALUES"
            | "SELECT"
            | "WITH"
            | "TABLE"
            | "SET"
            | "RESET"
            | "SHOW"
            | "LOCK"
            | "UNLOCK"
            | "GRANT"
            | "REVOKE"
            | "COMMENT"
            | "BEGIN"
            | "START"
            | "COMMIT"
            | "END"
            | "ROLLBACK"
            | "SAVEPOINT"
            | "RELEASE"
            | "PRAGMA"
            | "USE"
            | "ANALYZE"
            | "ANALYSE"
            | "VACUUM"
            | "REINDEX"
            | "CHECKPOINT"
            | "DISCARD"
            | "LISTEN"
            | "UNLISTEN"
            | "NOTIFY"
            | "EXPLAIN"
            | "PREPARE"
            | "DEALLOCATE"
            | "FLUSH"
            | "OPTIMIZE"
            | "REPAIR"
            | "CHECK"
            | "CHECKSUM"
            | "TRUNCATE"
            | "LOAD"
            | "HANDLER"
            | "XA"
            | "SECURITY"
            | "REFRESH"
            | "CLUSTER"
            | "DECLARE"
            | "FETCH"
            | "CLOSE"
            | "MOVE"
            | "ABORT"
            | "KILL"
            | "DETACH"
            | "IMPORT"
            | "REASSIGN"
            | "INSTALL"
            | "UNINSTALL"
            | "CACHE"
            | "PURGE"
            | "BINLOG"
            | "HELP"
            | "GET"
            | "SIGNAL"
            | "RESIGNAL"
            | "SHUTDOWN"
            | "DESCRIBE"
            | "DESC"
    ) || (first == "DO" && flavor == Flavor::MySql)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(text: &str, flavor: Flavor) -> Vec<RawStatement> {
        let mut scanner = Scanner::new(text.as_bytes(), flavor);
        let mut out = Vec::new();
        while let Some(statement) = scanner.next_statement().expect("scans") {
            out.push(statement);
        }
        out
    }

    #[test]
    fn data_keeps_only_a_prefix_and_definitions_are_whole() {
        let mut text = String::from("CREATE TABLE a (id int);\nINSERT INTO a VALUES ");
        for i in 0..100_000 {
            text.push_str(&format!("({i}),"));
        }
        text.push_str("(0);\nCREATE TABLE b (id int);");
        let all = statements(&text, Flavor::Generic);
        assert_eq!(all.len(), 3);
        assert!(all[0].complete && !all[0].truncated);
        assert_eq!(all[0].text, "CREATE TABLE a (id int)");
        assert!(!all[1].complete && all[1].truncated);
        assert!(all[1].text.len() <= PREFIX, "{}", all[1].text.len());
        assert_eq!(all[1].head, ["INSERT", "INTO", "A"]);
        assert_eq!(all[2].text, "CREATE TABLE b (id int)");
        assert_eq!(all[2].position, Position { line: 3, column: 1 });
    }

    #[test]
    fn positions_count_characters() {
        let all = statements("SELECT 'é';  CREATE TABLE a (x int);", Flavor::Generic);
        assert_eq!(
            all[1].position,
            Position {
                line: 1,
                column: 14
            }
        );
        assert_eq!(all[1].number, 2);
    }

    #[test]
    fn executable_comments_hold_statements_and_the_sandbox_comment_does_not() {
        let all = statements(
            "/*M!999999\\- enable the sandbox mode */ \n/*!40101 SET NAMES utf8mb4 */;\n\
             /*!50001 CREATE TABLE v (a int) */;",
            Flavor::MySql,
        );
        assert_eq!(all.len(), 2);
        // The first word decides: SET is skipped.
        assert_eq!(all[0].head, ["SET"]);
        assert!(!all[0].complete);
        assert_eq!(all[1].head[..2], ["CREATE", "TABLE"]);
        assert!(all[1].complete);
    }

    #[test]
    fn delimiter_changes_the_delimiter() {
        let all = statements(
            "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\nCREATE TABLE a (x int);",
            Flavor::MySql,
        );
        let heads: Vec<&str> = all.iter().map(|s| s.head[0].as_str()).collect();
        assert_eq!(heads, ["DELIMITER", "CREATE", "DELIMITER", "CREATE"]);
        assert!(all[0].client && all[2].client);
        assert_eq!(all[3].text, "CREATE TABLE a (x int)");
    }
}
