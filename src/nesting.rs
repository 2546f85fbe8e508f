//! How deeply input may nest. sqlrel walks expressions recursively (as
//! sqlparser does when it clones, visits or drops a syntax tree), so an
//! input nesting deeper than the stack allows would abort the process. Each
//! way in is bounded instead, with a typed error at a documented limit:
//!
//! - text (SQL text, join conditions): at most [`MAX_CHAIN`] binary
//!   operators in the chains enclosing any point of an expression
//!   (`1 + 1 + ...`, `a OR b OR ...` parse into trees as deep as the chain
//!   is long; a parenthesized chain inside another adds to it), checked on
//!   the tokens before anything is parsed; `AND` / `OR` in join conditions
//!   count apart, against [`MAX_CONDITION_TERMS`]; parentheses, subqueries
//!   and function calls nest at most as deep as sqlparser allows (its
//!   recursion limit of 50 leaves about 45 levels of parentheses);
//! - DDL: sqlrel's readers build no expression trees (defaults, checks and
//!   data are skipped over), and a statement they do not read is parsed by
//!   sqlparser only when its chains are within [`MAX_CHAIN`], else skipped
//!   with a warning;
//! - expressions built in Rust: at most [`MAX_DEPTH`] levels, checked
//!   without recursion (`Expr::check_depth`) before they are rendered,
//!   printed or adapted.
//!
//! The limits hold on a thread with 2 MiB of stack, Rust's default for
//! spawned threads.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::error::{Error, Position};

/// The most binary operators the chains enclosing any point of an
/// expression written as text may hold together (use `IN (...)` for long
/// lists of alternatives). sqlparser's syntax trees nest once per
/// operator, and sqlrel visits and copies those of SQL text and DDL: at
/// 500 a debug build overflows a 2 MiB stack.
pub const MAX_CHAIN: usize = 250;

/// The most `AND` / `OR` terms a join condition may chain: sqlrel reads
/// such a chain into one flat list and never visits sqlparser's tree of
/// it, whose drop alone recurses (harmless well past this).
pub const MAX_CONDITION_TERMS: usize = 10_000;

/// Which operators [`check_chains`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    /// Every binary operator, against [`MAX_CHAIN`].
    All,
    /// `AND` / `OR` against [`MAX_CONDITION_TERMS`], the others against
    /// [`MAX_CHAIN`].
    LogicApart,
}

/// The most levels an expression built in Rust may nest (rendering one
/// nested about 950 levels overflows a 2 MiB stack in a debug build).
pub const MAX_DEPTH: usize = 500;

/// Fails when a chain of binary operators in `tokens` is longer than
/// [`MAX_CHAIN`]; `what` names the text for the error (`SQL text`,
/// `join condition "..."`).
pub(crate) fn check_chains(
    tokens: &[TokenWithSpan],
    what: &str,
    count: Count,
) -> Result<(), Error> {
    // The operators of the chain being read at each parenthesis level, and
    // their sum over the levels open; `AND` / `OR` apart when they are
    // counted apart.
    let mut chains: Vec<usize> = vec![0];
    let mut open = 0usize;
    let mut logic = 0usize;
    for token in tokens {
        match &token.token {
            Token::LParen | Token::LBracket => chains.push(0),
            Token::RParen | Token::RBracket if chains.len() > 1 => {
                open -= chains.pop().unwrap_or(0);
            }
            Token::Comma | Token::SemiColon => end_chain(&mut chains, &mut open),
            Token::Word(w)
                if count == Count::LogicApart
                    && matches!(w.keyword, Keyword::AND | Keyword::OR) =>
            {
                // A term ends at `AND` / `OR`: the operators inside it do
                // not chain with the next term's.
                end_chain(&mut chains, &mut open);
                logic += 1;
                // `logic` operators join `logic + 1` terms.
                if logic >= MAX_CONDITION_TERMS {
                    return Err(too_deep(
                        what,
                        token,
                        format!("more than {MAX_CONDITION_TERMS} AND / OR terms"),
                    ));
                }
            }
            t if is_binary_operator(t) => {
                if let Some(chain) = chains.last_mut() {
                    *chain += 1;
                    open += 1;
                }
                if open > MAX_CHAIN {
                    return Err(too_deep(
                        what,
                        token,
                        format!(
                            "more than {MAX_CHAIN} operators in one chain; group them with \
                             parentheses, or use IN (...)"
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Ends the chain being read at the innermost open level.
fn end_chain(chains: &mut [usize], open: &mut usize) {
    if let Some(chain) = chains.last_mut() {
        *open -= *chain;
        *chain = 0;
    }
}

fn too_deep(what: &str, token: &TokenWithSpan, detail: String) -> Error {
    let at = token.span.start;
    Error::Parse {
        what: what.to_owned(),
        message: format!("the expression nests too deep: {detail}"),
        position: (at.line > 0).then_some(Position {
            line: at.line,
            column: at.column,
        }),
    }
}

fn is_binary_operator(token: &Token) -> bool {
    match token {
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Mod
        | Token::Eq
        | Token::DoubleEq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Spaceship
        | Token::StringConcat
        | Token::Caret
        | Token::Ampersand
        | Token::Pipe
        | Token::ShiftLeft
        | Token::ShiftRight => true,
        Token::Word(w) => matches!(w.keyword, Keyword::AND | Keyword::OR | Keyword::XOR),
        _ => false,
    }
}
