//! Query-string parser: turns the analyst's Lucene-like query into a small AST
//! that the planner lowers to tantivy queries. Pure function, no index access.
//!
//! # Grammar
//!
//! ```text
//! query   = or EOF
//! or      = and { "OR" and }
//! and     = clause { [ "AND" ] clause }           (* juxtaposition is AND *)
//! clause  = [ "+" | "-" | "NOT" ] primary
//! primary = ( word | phrase | group | entity | field ) [ "^" number ]
//! group   = "(" or ")"
//! phrase  = '"' { char - '"' - '\' | escape | '\' } '"' [ "~" digits ]
//! escape  = '\"' | '\\'                            (* a quote, a backslash *)
//! entity  = "@" ( word | phrase )
//! field   = name ":" ( word | phrase | group | range | entity )
//! range   = ( "[" | "{" ) bound "TO" bound ( "]" | "}" )
//! bound   = word | phrase                          (* `*` = unbounded *)
//! name    = { ascii letter | digit | "_" }          (* returned lowercased *)
//! word    = { char - whitespace - '"():^~[]{}' }    (* not AND / OR / NOT *)
//! ```
//!
//! * Precedence: `NOT`/`+`/`-` > `AND` (explicit or implicit) > `OR`. Keywords are
//!   uppercase only; `and`, `or`, `not` are plain terms, and so is any keyword used
//!   as a field value (`title:AND`) or entity (`@OR`).
//! * `+`/`-` are operators only at the start of a clause (start of the query, after
//!   whitespace, `(` or another `+`/`-`) and must touch their operand. Elsewhere they
//!   are ordinary characters: `non-aggression`, `C++`, `field:-1`. `@` is a sigil
//!   only at the start of a token, so `a@b.org` is one word.
//! * `name:`, `@`, `~` and `^` must touch what follows them; `~` (slop) follows
//!   phrases only (at most [`MAX_SLOP`]), `^` (boost) follows any primary. `field:(…)` gives the field to
//!   every term, phrase and range inside the group unless they name their own
//!   (`date:(1990 OR [2000 TO 2001])`).
//! * Inside quotes, `\"` stands for a quote and `\\` for a backslash; any other
//!   backslash is itself (`"C:\drafts"`). So `id:"a \"quoted\" id"` names the id
//!   `a "quoted" id`. Outside quotes there are no escapes. Parentheses nest at most
//!   32 deep, so hostile input cannot overflow the stack, and a query holds at most
//!   1024 words, phrases, groups, fields and entities (see [`MAX_CLAUSES`]).
//! * `*` is part of a word: the planner reads a word of an analysed field that ends in `*` as
//!   the words starting with what comes before it, and refuses a `*` elsewhere in it.
//! * Texts are returned in Unicode normalisation form C, as article text is indexed
//!   (see `crate::corpus::clean`): a decomposed `Kyïv` finds a composed one. An `id:` value
//!   is returned as typed: two files whose names differ only in normalisation have two ids,
//!   and the planner looks for the typed id and its composed form.
//! * Spec quirk kept on purpose: after `)` or a closing `"` a `-` is not at a clause
//!   start, so `(a)-b` is `(a) AND "-b"`; write `(a) -b` to exclude.
//!
//! # AST shape
//!
//! A single clause is returned unwrapped. An AND-group of several clauses is a
//! `Bool` of `Must`/`MustNot` clauses, alternatives of an `OR` are a `Bool` of
//! `Should`s, and a lone exclusion stays a `Bool` (`-b` → `Bool[(MustNot, b)]`);
//! the planner adds the match-all such a purely negative `Bool` needs. `+` is
//! accepted for Lucene habits but, AND being the default, means the same as no
//! prefix. Nested `Bool`s are never flattened. Texts keep their original spelling
//! (unescaped, in form C); spans are byte ranges of the query as typed, covering the
//! leaf's own text (a phrase's span includes its quotes and slop, an entity's its
//! `@`, a range's its brackets; field names and boosts are not included —
//! `Field::span` covers the name).
//!
//! # Errors
//!
//! [`ParseError`] displays as one lowercase line, `column N: <what>: <detail>`, where
//! N is the 1-based char column of the span start, e.g.
//!
//! ```text
//! column 10: unbalanced quote: the phrase starting here is never closed
//! column 9: dangling operator: `AND` has nothing after it
//! ```
//!
//! The `<what>`s are: empty query/phrase/parentheses/entity, unbalanced
//! quote/parenthesis, dangling/doubled operator, missing value, bad field
//! name/slop/boost, malformed/misplaced range, stray `~`/`^`/`:`/`]`, too deeply
//! nested, too many terms. The tests pin the exact texts.

use std::fmt;

use crate::analysis::in_hebrew_acronym;
use crate::corpus::clean::nfc;

/// Byte range into the query string, for error messages and the planner.
pub type Span = std::ops::Range<usize>;

/// How a clause takes part in its enclosing [`Node::Bool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// The clause must match (words side by side, `+word`, `AND`).
    Must,
    /// The clause may match; one of the alternatives must (`OR`).
    Should,
    /// The clause must not match (`-word`, `NOT`).
    MustNot,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Clauses combined: AND-groups become Must, OR alternatives Should, exclusions MustNot.
    Bool(Vec<(Occur, Node)>),
    /// An unquoted word, `field:word` when fielded.
    Term {
        /// The field before `:`, if any.
        field: Option<Field>,
        /// The word as written.
        text: String,
        /// Where it is in the query.
        span: Span,
    },
    /// `text` is the content between the quotes; `slop` is 0 unless `~n` was given.
    Phrase {
        /// The field before `:`, if any.
        field: Option<Field>,
        /// The words between the quotes, as written.
        text: String,
        /// How many other words may stand between them.
        slop: u32,
        /// Where it is in the query.
        span: Span,
    },
    /// A bound of `None` means `*` (unbounded). `[`/`]` are inclusive, `{`/`}` exclusive.
    Range {
        /// The field before `:` (only `date` plans).
        field: Field,
        /// The lower bound as written, `None` for `*`.
        lower: Option<String>,
        /// The upper bound as written, `None` for `*`.
        upper: Option<String>,
        /// `[`: the lower bound's period is included.
        lower_inclusive: bool,
        /// `]`: the upper bound's period is included.
        upper_inclusive: bool,
        /// Where it is in the query.
        span: Span,
        /// Where its bounds are in the query.
        bounds: (Span, Span),
    },
    /// `@zelensky` or `@"Volodymyr Zelensky"`; `text` excludes the `@` and quotes.
    Entity {
        /// The name or id.
        text: String,
        /// Where it is in the query.
        span: Span,
    },
    /// `x^2`: a non-negative, finite factor.
    Boost(Box<Node>, f32),
}

/// The largest weight a boost, or boosts around one another, may give a clause: larger ones
/// would make scores infinite when multiplied by BM25 or added up.
pub const MAX_BOOST: f32 = 1_000_000.0;

impl Node {
    /// The largest product of the boosts around any part of the node (1 without boosts).
    fn largest_boost(&self) -> f32 {
        match self {
            Node::Boost(inner, b) => b * inner.largest_boost(),
            Node::Bool(clauses) => clauses
                .iter()
                .map(|(_, n)| n.largest_boost())
                .fold(1.0, f32::max),
            _ => 1.0,
        }
    }
}

/// A field name as written before `:`, lowercased; not validated against the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name, lowercased.
    pub name: String,
    /// Where it is in the query.
    pub span: Span,
}

/// Why a query was rejected. Displays as `column N: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending text; always on char boundaries of the query.
    pub span: Span,
    /// 1-based column of `span.start`, counted in chars (what the analyst sees).
    pub column: usize,
    /// The field, lowercased, when the error is a field typed without a value: a caller that
    /// knows the index's fields may name it unknown instead.
    pub valueless: Option<String>,
}

impl ParseError {
    fn new(query: &str, span: Span, message: impl Into<String>) -> Self {
        let column = query.get(..span.start).map_or(1, |s| s.chars().count() + 1);
        ParseError {
            message: message.into(),
            span,
            column,
            valueless: None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Nesting limit for parentheses, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 32;

/// The largest slop a phrase may have. Tantivy's sloppy phrase matching keeps candidate
/// positions that multiply with the slop over dense text: at `~100` a dozen common words can
/// take gigabytes for one passage, while `~32` stays in kilobytes.
pub const MAX_SLOP: u32 = 32;

/// The most words, phrases, groups, fields and entities a query may hold. Each becomes a scorer
/// per segment with buffers of its own (about 25 kB), and every one is advanced for every
/// matching passage; Lucene's default clause limit is the same.
pub const MAX_CLAUSES: usize = 1024;

/// Parses a query string into a [`Node`] (see the module docs for grammar and
/// shape). Never panics; the first syntax error found is returned.
pub fn parse(query: &str) -> Result<Node, ParseError> {
    let mut toks = lex(query)?;
    if toks.is_empty() {
        return Err(ParseError::new(query, 0..query.len(), "empty query"));
    }
    let end = query.len();
    toks.push(Token {
        tok: Tok::End,
        start: end,
        end,
    });
    let mut p = Parser {
        q: query,
        toks,
        pos: 0,
        prev_end: 0,
        depth: 0,
        clauses: 0,
    };
    let node = p.or(None)?;
    match p.peek() {
        t if t.tok == Tok::End => Ok(node),
        t => p.unexpected(t),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'q> {
    Word(&'q str),
    /// `name:` (the colon is part of the token).
    Field(&'q str),
    /// Content between the quotes, escapes not yet undone (see [`unquote`]).
    Phrase(&'q str),
    /// `[` or `{`, carrying "inclusive".
    Open(bool),
    Close(bool),
    LParen,
    RParen,
    Colon,
    Plus,
    Minus,
    At,
    /// `~` / `^` with the run of word chars glued to them (possibly empty), so
    /// `a^-1` is reported as one bad boost rather than as a boost plus a term.
    Tilde(&'q str),
    Caret(&'q str),
    End,
}

#[derive(Debug, Clone, Copy)]
struct Token<'q> {
    tok: Tok<'q>,
    start: usize,
    end: usize,
}

impl Token<'_> {
    fn span(&self) -> Span {
        self.start..self.end
    }
    fn keyword(&self) -> Option<&str> {
        match self.tok {
            Tok::Word(w @ ("AND" | "OR" | "NOT")) => Some(w),
            _ => None,
        }
    }
    fn starts_clause(&self) -> bool {
        use Tok::*;
        matches!(
            self.tok,
            Word(_) | Phrase(_) | LParen | Field(_) | At | Plus | Minus | Open(_)
        )
    }
}

fn is_special(c: char) -> bool {
    c.is_whitespace() || "\"():^~[]{}".contains(c)
}

/// Byte offset where the word starting at `from` ends. A `"` inside a Hebrew acronym
/// (`צה"ל`) belongs to the word, as indexing reads it.
fn word_end(q: &str, from: usize) -> usize {
    let mut at = from;
    loop {
        match q[at..].find(is_special) {
            Some(n) if q.as_bytes()[at + n] == b'"' && in_hebrew_acronym(q, at + n, '"') => {
                at += n + 1
            }
            Some(n) => return at + n,
            None => return q.len(),
        }
    }
}

fn lex(q: &str) -> Result<Vec<Token<'_>>, ParseError> {
    // A control character (pasted from a terminal or a document) would join the words around
    // it into a phrase (`peace\x01war` searched "peace war"): named instead.
    if let Some((i, c)) = q
        .char_indices()
        .find(|&(_, c)| c.is_control() && !c.is_whitespace())
    {
        let message = format!(
            "control character {} in the query: remove it, or put a space in its place",
            c.escape_unicode()
        );
        return Err(ParseError::new(q, i..i + c.len_utf8(), message));
    }
    let mut out = Vec::new();
    let mut chars = q.char_indices().peekable();
    // Whether a `+`/`-` here would start a clause (and so be an operator).
    let mut clause_start = true;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            clause_start = true;
            continue;
        }
        let at_start = std::mem::replace(&mut clause_start, false);
        let mut end = i + c.len_utf8();
        let tok = match c {
            '(' => {
                clause_start = true;
                Tok::LParen
            }
            ')' => Tok::RParen,
            '[' | '{' => Tok::Open(c == '['),
            ']' | '}' => Tok::Close(c == ']'),
            ':' => Tok::Colon,
            '@' => Tok::At,
            '+' | '-' if at_start => {
                clause_start = true;
                if c == '+' { Tok::Plus } else { Tok::Minus }
            }
            // Other engines' operators are said to be none here, not searched for as words:
            // `!talks` read as `talks` would find what it meant to exclude.
            '!' if at_start && q[end..].starts_with(|c: char| !is_special(c)) => {
                let word = &q[end..word_end(q, end)];
                let msg = format!(
                    "`!` is not an operator: to exclude a word, write -{word} or NOT {word}"
                );
                return Err(ParseError::new(q, i..end, msg));
            }
            '&' | '|' if at_start && q[end..].starts_with(c) => {
                let (typed, op) = if c == '&' {
                    ("&&", "AND")
                } else {
                    ("||", "OR")
                };
                let msg = format!("`{typed}` is not an operator: write {op}");
                return Err(ParseError::new(q, i..end + 1, msg));
            }
            '"' => match closing_quote(q, end) {
                Some(close) => {
                    end = close + 1;
                    Tok::Phrase(&q[i + 1..close])
                }
                None => {
                    let msg = "unbalanced quote: the phrase starting here is never closed";
                    return Err(ParseError::new(q, i..q.len(), msg));
                }
            },
            '~' | '^' => {
                end = word_end(q, end);
                let arg = &q[i + 1..end];
                if c == '~' {
                    Tok::Tilde(arg)
                } else {
                    Tok::Caret(arg)
                }
            }
            _ => {
                end = word_end(q, i);
                let word = &q[i..end];
                if q[end..].starts_with(':') {
                    // `meta.KEY:` names a metadata key that a query field shadows.
                    let name = word.strip_prefix("meta.").unwrap_or(word);
                    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        let msg =
                            format!("bad field name `{word}`: use letters, digits and underscore");
                        return Err(ParseError::new(q, i..end, msg));
                    }
                    end += 1;
                    Tok::Field(word)
                } else {
                    Tok::Word(word)
                }
            }
        };
        while chars.next_if(|&(j, _)| j < end).is_some() {}
        out.push(Token { tok, start: i, end });
    }
    Ok(out)
}

/// The byte offset of the `"` that closes a phrase whose content starts at `from`, skipping
/// escaped quotes and backslashes. Both are ASCII, so stepping over one byte after a backslash
/// never lands inside a character that matters.
fn closing_quote(q: &str, from: usize) -> Option<usize> {
    let bytes = q.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'"' if !in_hebrew_acronym(q, at, '"') => return Some(at),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
    None
}

/// An example of `field` with a value, for the error that finds it without one.
fn field_example(field: &str) -> String {
    match field {
        "date" => "date:2025".into(),
        "id" => "id:ungdc-78*".into(),
        "type" => "type:person".into(),
        "entity" => "entity:kyiv".into(),
        "said" => "said:@ushakov".into(),
        "country" => "country:UKR".into(),
        "title" | "source" | "quote" | "text" => format!("{field}:\"peace plan\""),
        other => format!("{other}:word"),
    }
}

/// A phrase's content with its escapes undone (`\"` → `"`, `\\` → `\`; any other backslash
/// is kept), in Unicode form C.
fn unquote(raw: &str) -> String {
    nfc(&unquote_typed(raw)).into_owned()
}

/// Whether `field`'s values are kept as typed rather than composed: an article id names a
/// file, and file names may differ only in normalisation.
fn as_typed(field: Option<&Field>) -> bool {
    field.is_some_and(|f| f.name == "id")
}

/// A phrase's text without its quotes and escapes, as typed.
fn unquote_typed(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.clone().next() {
                Some(next @ ('"' | '\\')) => {
                    chars.next();
                    text.push(next);
                }
                _ => text.push(c),
            }
        } else {
            text.push(c);
        }
    }
    text
}

struct Parser<'q> {
    q: &'q str,
    /// Always ends with `Tok::End`, which `bump` never moves past.
    toks: Vec<Token<'q>>,
    pos: usize,
    /// End of the last consumed token, to check that `:`, `@`, `~`, `^`, `+`, `-` touch.
    prev_end: usize,
    depth: usize,
    /// Primaries parsed so far, against [`MAX_CLAUSES`].
    clauses: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'q> Parser<'q> {
    fn peek(&self) -> Token<'q> {
        self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token<'q> {
        let t = self.peek();
        self.pos = (self.pos + 1).min(self.toks.len() - 1);
        self.prev_end = t.end;
        t
    }

    /// Whether `t` starts right where the last consumed token ended.
    fn glued(&self, t: &Token) -> bool {
        t.start == self.prev_end
    }

    fn err<T>(&self, span: Span, message: impl Into<String>) -> PResult<T> {
        Err(ParseError::new(self.q, span, message))
    }

    /// Nothing can follow an operator here: end, `)`, `AND`, `OR`.
    fn ends_clause(t: &Token) -> bool {
        matches!(t.tok, Tok::End | Tok::RParen) || matches!(t.keyword(), Some("AND" | "OR"))
    }

    fn operand_follows(&self, op: &Token, name: &str) -> PResult<()> {
        match Self::ends_clause(&self.peek()) {
            true => self.err(
                op.span(),
                format!("dangling operator: `{name}` has nothing after it"),
            ),
            false => Ok(()),
        }
    }

    fn or(&mut self, field: Option<&Field>) -> PResult<Node> {
        let mut alts = vec![self.and(field)?];
        while self.peek().keyword() == Some("OR") {
            let op = self.bump();
            self.operand_follows(&op, "OR")?;
            alts.push(self.and(field)?);
        }
        Ok(match alts.len() {
            1 => alts.remove(0),
            _ => Node::Bool(alts.into_iter().map(|n| (Occur::Should, n)).collect()),
        })
    }

    fn and(&mut self, field: Option<&Field>) -> PResult<Node> {
        let mut clauses = vec![self.clause(field)?];
        loop {
            let t = self.peek();
            if t.keyword() == Some("AND") {
                self.bump();
                self.operand_follows(&t, "AND")?;
            } else if Self::ends_clause(&t) || !t.starts_clause() {
                // `OR`, `)` and the end belong to the caller, which also reports stray tokens.
                break;
            }
            clauses.push(self.clause(field)?);
        }
        Ok(match clauses.len() {
            1 if clauses[0].0 == Occur::Must => clauses.remove(0).1,
            _ => Node::Bool(clauses),
        })
    }

    fn clause(&mut self, field: Option<&Field>) -> PResult<(Occur, Node)> {
        let op = self.peek();
        let occur = match (op.tok, op.keyword()) {
            (Tok::Plus, _) => Occur::Must,
            (Tok::Minus, _) | (_, Some("NOT")) => Occur::MustNot,
            (_, Some(kw)) => {
                let msg = format!("dangling operator: `{kw}` has nothing before it");
                return self.err(op.span(), msg);
            }
            _ => return Ok((Occur::Must, self.primary(field)?)),
        };
        self.bump();
        let (name, next) = (&self.q[op.span()], self.peek());
        if name == "NOT" {
            self.operand_follows(&op, name)?;
        } else if !self.glued(&next) || Self::ends_clause(&next) {
            let msg =
                format!("dangling operator: `{name}` must be attached to a term, like {name}word");
            return self.err(op.span(), msg);
        }
        if matches!(next.tok, Tok::Plus | Tok::Minus) || next.keyword() == Some("NOT") {
            let msg = format!(
                "doubled operator: `{}` cannot follow `{name}`",
                &self.q[next.span()]
            );
            return self.err(next.span(), msg);
        }
        Ok((occur, self.primary(field)?))
    }

    fn primary(&mut self, field: Option<&Field>) -> PResult<Node> {
        let t = self.bump();
        self.clauses += 1;
        if self.clauses > MAX_CLAUSES && t.tok != Tok::End {
            let msg = format!("too many terms: a query may hold at most {MAX_CLAUSES}");
            return self.err(t.span(), msg);
        }
        let node = match t.tok {
            Tok::Word(w) => self.term(field, w, &t)?,
            Tok::Phrase(p) => self.phrase(field, p, &t)?,
            Tok::LParen => self.group(&t, field)?,
            Tok::Field(name) => self.field(&t, name)?,
            Tok::At => self.entity_in(field, &t)?,
            // Inside `date:(…)`, a range takes the group's field.
            Tok::Open(inclusive) => match field {
                Some(field) => self.range(field.clone(), &t, inclusive)?,
                None => return self.unexpected(t),
            },
            _ => return self.unexpected(t),
        };
        let c = self.peek();
        let Tok::Caret(arg) = c.tok else {
            return Ok(node);
        };
        if !self.glued(&c) {
            return Ok(node); // reported as a stray `^` by the caller
        }
        self.bump();
        // Digits and dots only: `f32::from_str` would also take `inf`, `NaN`, `1e3`.
        match arg.parse::<f32>() {
            // Boosts multiply ("(a^10)^10" weighs a by 100): their product stays within
            // MAX_BOOST, so that scores stay finite and summable.
            Ok(b) if b.is_finite() && arg.bytes().all(|b| b.is_ascii_digit() || b == b'.') => {
                let product = b * node.largest_boost();
                if product > MAX_BOOST {
                    let what = match product == b {
                        true => format!("bad boost `^{arg}`: at most {MAX_BOOST}, like a^1000"),
                        false => format!(
                            "bad boost `^{arg}`: the boosts around a word multiply to at most \
                             {MAX_BOOST}, like (a^10)^100"
                        ),
                    };
                    return self.err(c.span(), what);
                }
                Ok(Node::Boost(Box::new(node), b))
            }
            // An exponent is said to be one, with the number it stands for.
            Ok(b) if (0.0..=MAX_BOOST).contains(&b) && arg.contains(['e', 'E']) => self.err(
                c.span(),
                format!("bad boost `^{arg}`: write the number without an exponent, like a^{b}"),
            ),
            Ok(b) if b >= 0.0 && arg.starts_with(|c: char| c.is_ascii_digit()) => self.err(
                c.span(),
                format!("bad boost `^{arg}`: at most {MAX_BOOST}, like a^1000"),
            ),
            _ => self.err(
                c.span(),
                format!("bad boost `^{arg}`: expected a non-negative number, like a^2"),
            ),
        }
    }

    fn term(&mut self, field: Option<&Field>, text: &str, t: &Token) -> PResult<Node> {
        let c = self.peek();
        if matches!(c.tok, Tok::Tilde(_)) && self.glued(&c) {
            let msg = format!(
                "bad slop `{}`: `~` only follows a phrase (no fuzzy terms)",
                &self.q[c.span()]
            );
            return self.err(c.span(), msg);
        }
        let text = match as_typed(field) {
            true => text.to_owned(),
            false => nfc(text).into_owned(),
        };
        let (field, span) = (field.cloned(), t.span());
        Ok(Node::Term { field, text, span })
    }

    fn phrase(&mut self, field: Option<&Field>, raw: &str, t: &Token) -> PResult<Node> {
        let text = match as_typed(field) {
            true => unquote_typed(raw),
            false => unquote(raw),
        };
        if text.trim().is_empty() {
            return self.err(t.span(), "empty phrase");
        }
        let mut slop = 0;
        let c = self.peek();
        if let Tok::Tilde(arg) = c.tok
            && self.glued(&c)
        {
            self.bump();
            // Digits only: `u32::from_str` would also take a leading `+`.
            slop = match arg.parse() {
                Ok(n) if n > MAX_SLOP && arg.bytes().all(|b| b.is_ascii_digit()) => {
                    let msg = format!("bad slop `~{arg}`: at most {MAX_SLOP}");
                    return self.err(c.span(), msg);
                }
                Ok(n) if arg.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => {
                    return self.err(
                        c.span(),
                        format!("bad slop `~{arg}`: expected a whole number, like \"a b\"~2"),
                    );
                }
            };
        }
        let (field, span) = (field.cloned(), t.start..self.prev_end);
        Ok(Node::Phrase {
            field,
            text,
            slop,
            span,
        })
    }

    fn group(&mut self, open: &Token, field: Option<&Field>) -> PResult<Node> {
        if self.depth >= MAX_DEPTH {
            let msg = format!("too deeply nested: more than {MAX_DEPTH} levels of parentheses");
            return self.err(open.span(), msg);
        }
        let unclosed = "unbalanced parenthesis: this `(` is never closed";
        match self.peek().tok {
            Tok::RParen => return self.err(open.start..self.peek().end, "empty parentheses"),
            Tok::End => return self.err(open.span(), unclosed),
            _ => {}
        }
        self.depth += 1;
        let inner = self.or(field)?;
        self.depth -= 1;
        let t = self.bump();
        match t.tok {
            Tok::RParen => Ok(inner),
            Tok::End => self.err(open.span(), unclosed),
            _ => self.unexpected(t),
        }
    }

    fn field(&mut self, t: &Token, name: &str) -> PResult<Node> {
        let (name, span) = (name.to_lowercase(), t.start..t.end - 1);
        let field = Field { name, span };
        let v = self.peek();
        let has_value = matches!(
            v.tok,
            Tok::Word(_) | Tok::Phrase(_) | Tok::LParen | Tok::Open(_) | Tok::At
        );
        if !has_value || !self.glued(&v) {
            let written = &self.q[t.span()];
            let msg = match v.tok {
                // `a:b:c`: the value holds a colon, read as a second field.
                Tok::Field(next) if self.glued(&v) => {
                    let rest = &self.q[v.start..];
                    let value = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
                    match field.name.as_str() {
                        "date" => format!(
                            "missing value: `{written}` is followed by `{next}:`, read as \
                             another field: a date is YYYY, YYYY-MM or YYYY-MM-DD, like \
                             date:2025-11"
                        ),
                        _ => format!(
                            "missing value: `{written}` is followed by `{next}:`, read as \
                             another field: quote a value that holds `:` \
                             ({written}\"{value}\"), or the whole to search it as written \
                             (\"{written}{value}\")"
                        ),
                    }
                }
                _ => {
                    let msg = format!(
                        "missing value: `{written}` must be attached to a value, like {}",
                        field_example(&field.name)
                    );
                    let mut e = ParseError::new(self.q, t.span(), msg);
                    e.valueless = Some(field.name.clone());
                    return Err(e);
                }
            };
            return self.err(t.span(), msg);
        }
        self.bump();
        match v.tok {
            Tok::Word(w) => self.term(Some(&field), w, &v),
            Tok::Phrase(p) => self.phrase(Some(&field), p, &v),
            Tok::Open(inclusive) => self.range(field, &v, inclusive),
            Tok::At => self.entity_in(Some(&field), &v),
            _ => self.group(&v, Some(&field)),
        }
    }

    /// `@name` under `field` (`said:@ushakov`, `said:@"Yuri Ushakov"`, or inside
    /// `said:(@gromyko OR @gorbachev)`): the field's value, named as an entity; without a
    /// field, the entity.
    fn entity_in(&mut self, field: Option<&Field>, at: &Token) -> PResult<Node> {
        match (self.entity(at)?, field) {
            (Node::Entity { text, span }, Some(field)) => Ok(Node::Term {
                field: Some(field.clone()),
                text,
                span,
            }),
            (other, _) => Ok(other),
        }
    }

    fn range(&mut self, field: Field, open: &Token, lower_inclusive: bool) -> PResult<Node> {
        let (lower, lower_span) = self.bound(open)?;
        let t = self.bump();
        match t.tok {
            Tok::Word("TO") => {}
            Tok::End => return self.unclosed_range(open),
            _ => {
                return self.err(
                    t.span(),
                    "malformed range: expected `TO` between the bounds, like [a TO b]",
                );
            }
        }
        let (upper, upper_span) = self.bound(open)?;
        let t = self.bump();
        let upper_inclusive = match t.tok {
            Tok::Close(inclusive) => inclusive,
            Tok::End => return self.unclosed_range(open),
            _ => {
                return self.err(
                    t.span(),
                    "malformed range: expected `]` or `}` after the upper bound",
                );
            }
        };
        let span = open.start..t.end;
        Ok(Node::Range {
            field,
            lower,
            upper,
            lower_inclusive,
            upper_inclusive,
            span,
            bounds: (lower_span, upper_span),
        })
    }

    /// A range bound and where it is: `*` is `None`; a phrase allows spaces or `:` in a bound.
    fn bound(&mut self, open: &Token) -> PResult<(Option<String>, Span)> {
        let t = self.bump();
        match t.tok {
            Tok::Word("*") => Ok((None, t.span())),
            Tok::Word(w) if w != "TO" => Ok((Some(nfc(w).into_owned()), t.span())),
            Tok::Phrase(p) => Ok((Some(unquote(p)), t.span())),
            Tok::End => self.unclosed_range(open),
            _ => self.err(
                t.span(),
                "malformed range: expected a bound (a word, a phrase or *)",
            ),
        }
    }

    fn unclosed_range<T>(&self, open: &Token) -> PResult<T> {
        let msg = format!(
            "malformed range: this `{}` is never closed",
            &self.q[open.span()]
        );
        self.err(open.span(), msg)
    }

    fn entity(&mut self, at: &Token) -> PResult<Node> {
        let t = self.peek();
        let text = match t.tok {
            Tok::Word(word) if self.glued(&t) => nfc(word).into_owned(),
            Tok::Phrase(raw) if self.glued(&t) => unquote(raw),
            _ => {
                return self.err(
                    at.span(),
                    "empty entity: `@` must be attached to a name, like @zelensky",
                );
            }
        };
        self.bump();
        if text.trim().is_empty() {
            return self.err(t.span(), "empty phrase");
        }
        let span = at.start..t.end;
        Ok(Node::Entity { text, span })
    }

    /// The error for a token that cannot appear where it was found.
    fn unexpected<T>(&self, t: Token) -> PResult<T> {
        let text = &self.q[t.span()];
        let msg = match t.tok {
            Tok::RParen => "unbalanced parenthesis: this `)` has no matching `(`",
            Tok::Tilde(_) => "stray `~`: slop only follows a phrase, like \"a b\"~2",
            Tok::Caret(_) => "stray `^`: a boost follows what it boosts, like a^2",
            Tok::Colon => "stray `:`: a field name goes right before it, like title:word",
            Tok::Open(_) => "misplaced range: a range needs a field, like date:[a TO b]",
            Tok::Close(_) => {
                return self.err(t.span(), format!("stray `{text}`: it closes no range"));
            }
            Tok::End => "unexpected end of query",
            _ => return self.err(t.span(), format!("unexpected `{text}`")),
        };
        self.err(t.span(), msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A control character in a query is named at its column, not read as a symbol that
    /// joins the words around it into a phrase (`peace\x01war` searched "peace war").
    #[test]
    fn a_control_character_is_named_not_searched() {
        for (query, column) in [("peace\u{1}war", 6), ("\u{7}", 1), ("a \u{1b}[31m b", 3)] {
            let e = parse(query).unwrap_err();
            assert_eq!(e.column, column, "{query:?}");
            assert!(e.message.starts_with("control character \\u{"), "{e}");
        }
        assert!(parse("peace\twar\nnow").is_ok());
    }

    /// Compact rendering so tables stay readable: `(+a -b)` is a Bool of Must a and
    /// MustNot b, `?` marks Should; fields, slop, ranges and boosts read as typed.
    fn show(n: &Node) -> String {
        let f = |field: &Option<Field>| {
            field
                .as_ref()
                .map_or(String::new(), |f| f.name.clone() + ":")
        };
        match n {
            Node::Bool(cs) => {
                let occur = |o: &Occur| ["+", "?", "-"][*o as usize];
                let items: Vec<_> = cs
                    .iter()
                    .map(|(o, n)| format!("{}{}", occur(o), show(n)))
                    .collect();
                format!("({})", items.join(" "))
            }
            Node::Term { field, text, .. } => format!("{}{text}", f(field)),
            Node::Phrase {
                field, text, slop, ..
            } => match slop {
                0 => format!("{}\"{text}\"", f(field)),
                _ => format!("{}\"{text}\"~{slop}", f(field)),
            },
            Node::Range {
                field,
                lower: lo,
                upper: hi,
                lower_inclusive: li,
                upper_inclusive: ui,
                ..
            } => {
                let (o, c) = (if *li { '[' } else { '{' }, if *ui { ']' } else { '}' });
                let (lo, hi) = (lo.as_deref().unwrap_or("*"), hi.as_deref().unwrap_or("*"));
                format!("{}:{o}{lo} TO {hi}{c}", field.name)
            }
            Node::Entity { text, .. } => format!("@{text}"),
            Node::Boost(n, b) => format!("{}^{b}", show(n)),
        }
    }

    /// Every span in the tree (leaves and field names), for the planner's slicing.
    fn spans(n: &Node, out: &mut Vec<Span>) {
        match n {
            Node::Bool(cs) => cs.iter().for_each(|(_, n)| spans(n, out)),
            Node::Boost(n, _) => spans(n, out),
            Node::Term { field, span, .. } | Node::Phrase { field, span, .. } => {
                out.extend(field.iter().map(|f| f.span.clone()));
                out.push(span.clone());
            }
            Node::Range { field, span, .. } => out.extend([field.span.clone(), span.clone()]),
            Node::Entity { span, .. } => out.push(span.clone()),
        }
    }

    /// `query => expected` lines; queries are right-trimmed, so none ends in a space.
    fn table(text: &str) -> impl Iterator<Item = (&str, &str)> {
        let rows = text.lines().filter(|l| !l.is_empty());
        rows.map(|l| l.split_once(" => ").expect("table row without ` => `"))
            .map(|(q, want)| (q.trim_end(), want))
    }

    const CONSTRUCTS: &str = r#"
ushakov                           => ushakov
security guarantees Ukraine       => (+security +guarantees +Ukraine)
a AND b                           => (+a +b)
a OR b                            => (?a ?b)
a b OR c                          => (?(+a +b) ?c)
a OR b c                          => (?a ?(+b +c))
a OR b AND c OR d                 => (?a ?(+b +c) ?d)
(a OR b) c                        => (+(?a ?b) +c)
a -b                              => (+a -b)
-b                                => (-b)
+a b                              => (+a +b)
+a                                => a
a NOT b                           => (+a -b)
NOT a                             => (-a)
a OR NOT b                        => (?a ?(-b))
-"peace plan" -(a OR b)           => (-"peace plan" -(?a ?b))
a and b or not c                  => (+a +and +b +or +not +c)
a AND(b)                          => (+a +b)
non-aggression                    => non-aggression
U.S. Ukraine’s 28-point 2025-11-24 => (+U.S. +Ukraine’s +28-point +2025-11-24)
Côte	Зеленський                   => (+Côte +Зеленський)
C++ a@b.org                       => (+C++ +a@b.org)
"security guarantee"              => "security guarantee"
"security guarantee"~3            => "security guarantee"~3
Title:Ukraine                     => title:Ukraine
title:"peace plan"~2              => title:"peace plan"~2
title:(a OR b)                    => (?title:a ?title:b)
title:(a body:b "c d")            => (+title:a +body:b +title:"c d")
said:@ushakov                     => said:ushakov
said:@"Yuri Ushakov" quote:"not work" => (+said:Yuri Ushakov +quote:"not work")
said:(@gromyko OR @gorbachev)     => (?said:gromyko ?said:gorbachev)
quote:(@gorbachev)                => quote:gorbachev
title:AND field:-1                => (+title:AND +field:-1)
date:2025-11                      => date:2025-11
date:[2025-11-01 TO 2025-11-30]   => date:[2025-11-01 TO 2025-11-30]
date:[2025 TO *]                  => date:[2025 TO *]
date:{a TO b]                     => date:{a TO b]
date:["10:00" TO "11:00"}         => date:[10:00 TO 11:00}
date:(1990 OR [2000 TO 2001])     => (?date:1990 ?date:[2000 TO 2001])
date:(1990 OR title:[a TO b])     => (?date:1990 ?title:[a TO b])
date:(2025-11 [1990 TO 1991])     => (+date:2025-11 +date:[1990 TO 1991])
a^2                               => a^2
"a b"^1.5                         => "a b"^1.5
"a b"~2^3                         => "a b"~2^3
(a b)^3                           => (+a +b)^3
title:x^2 -y^0.5                  => (+title:x^2 -y^0.5)
@zelensky                         => @zelensky
@"Volodymyr Zelensky"^2           => @Volodymyr Zelensky^2
id:"a \"quoted\" id"              => id:"a "quoted" id"
id:"C:\drafts\\final\\"            => id:"C:\drafts\final\"
"\\"                              => "\"
@"a \"b\""                         => @a "b"
date:["\"x" TO *]                  => date:["x TO *]
a\b                               => a\b
"#;

    #[test]
    fn parses_every_construct() {
        for (q, want) in table(CONSTRUCTS) {
            match parse(q) {
                Ok(n) => assert_eq!(show(&n), want, "query {q:?}"),
                Err(e) => panic!("query {q:?} failed: {e}"),
            }
        }
    }

    #[test]
    fn exact_shape_and_spans() {
        let date = Some(Field {
            name: "date".into(),
            span: 3..7,
        });
        let (x, y) = ("x".to_string(), "2025".to_string());
        let phrase = Node::Phrase {
            field: None,
            text: "a b".into(),
            slop: 2,
            span: 13..20,
        };
        assert_eq!(
            parse("-x DATE:2025 \"a b\"~2").unwrap(),
            Node::Bool(vec![
                (
                    Occur::MustNot,
                    Node::Term {
                        field: None,
                        text: x,
                        span: 1..2
                    }
                ),
                (
                    Occur::Must,
                    Node::Term {
                        field: date,
                        text: y,
                        span: 8..12
                    }
                ),
                (Occur::Must, phrase),
            ])
        );
        let field = Field {
            name: "date".into(),
            span: 0..4,
        };
        let (lower, upper) = (None, Some("2025".into()));
        let (lower_inclusive, upper_inclusive, span) = (true, false, 5..16);
        let range = Node::Range {
            field,
            lower,
            upper,
            lower_inclusive,
            upper_inclusive,
            span,
            bounds: (6..7, 11..15),
        };
        assert_eq!(parse("date:[* TO 2025}"), Ok(range));
        let mut got = Vec::new();
        spans(&parse("Зе @\"x y\" t:(a^2)").unwrap(), &mut got);
        assert_eq!(got, [0..4, 5..11, 12..13, 15..16]);
    }

    const ERRORS: &str = r#"
security "guarantee => column 10: unbalanced quote: the phrase starting here is never closed
"a \"              => column 1: unbalanced quote: the phrase starting here is never closed
"\\\"             => column 1: unbalanced quote: the phrase starting here is never closed
Зеленський "x       => column 12: unbalanced quote: the phrase starting here is never closed
"" a                => column 1: empty phrase
(a b                => column 1: unbalanced parenthesis: this `(` is never closed
((a) b              => column 1: unbalanced parenthesis: this `(` is never closed
a b)                => column 4: unbalanced parenthesis: this `)` has no matching `(`
)                   => column 1: unbalanced parenthesis: this `)` has no matching `(`
a () b              => column 3: empty parentheses
ukraine AND         => column 9: dangling operator: `AND` has nothing after it
a AND OR b          => column 3: dangling operator: `AND` has nothing after it
(a OR)              => column 4: dangling operator: `OR` has nothing after it
OR crimea           => column 1: dangling operator: `OR` has nothing before it
NOT                 => column 1: dangling operator: `NOT` has nothing after it
a - b               => column 3: dangling operator: `-` must be attached to a term, like -word
a +                 => column 3: dangling operator: `+` must be attached to a term, like +word
NOT -a              => column 5: doubled operator: `-` cannot follow `NOT`
date:               => column 1: missing value: `date:` must be attached to a value, like date:2025
a date: x           => column 3: missing value: `date:` must be attached to a value, like date:2025
title:              => column 1: missing value: `title:` must be attached to a value, like title:"peace plan"
said: x             => column 1: missing value: `said:` must be attached to a value, like said:@ushakov
a:b:c               => column 1: missing value: `a:` is followed by `b:`, read as another field: quote a value that holds `:` (a:"b:c"), or the whole to search it as written ("a:b:c")
date:2020:01        => column 1: missing value: `date:` is followed by `2020:`, read as another field: a date is YYYY, YYYY-MM or YYYY-MM-DD, like date:2025-11
a€b:x               => column 1: bad field name `a€b`: use letters, digits and underscore
"a b"~x             => column 6: bad slop `~x`: expected a whole number, like "a b"~2
"a b"~              => column 6: bad slop `~`: expected a whole number, like "a b"~2
a~2                 => column 2: bad slop `~2`: `~` only follows a phrase (no fuzzy terms)
"a b"~33            => column 6: bad slop `~33`: at most 32
a^                  => column 2: bad boost `^`: expected a non-negative number, like a^2
a^-1                => column 2: bad boost `^-1`: expected a non-negative number, like a^2
a^x                 => column 2: bad boost `^x`: expected a non-negative number, like a^2
a^1e3               => column 2: bad boost `^1e3`: write the number without an exponent, like a^1000
peace !talks        => column 7: `!` is not an operator: to exclude a word, write -talks or NOT talks
a && b              => column 3: `&&` is not an operator: write AND
(a || b)            => column 4: `||` is not an operator: write OR
a^99999999999999999999999999999999999999999 => column 2: bad boost `^99999999999999999999999999999999999999999`: at most 1000000, like a^1000
a^1e39              => column 2: bad boost `^1e39`: at most 1000000, like a^1000
a^inf               => column 2: bad boost `^inf`: expected a non-negative number, like a^2
a^1000001           => column 2: bad boost `^1000001`: at most 1000000, like a^1000
(a^1000 b)^1001     => column 11: bad boost `^1001`: the boosts around a word multiply to at most 1000000, like (a^10)^100
date:[2025 TO       => column 6: malformed range: this `[` is never closed
date:{2025          => column 6: malformed range: this `{` is never closed
date:[a b]          => column 9: malformed range: expected `TO` between the bounds, like [a TO b]
date:[a TO b c]     => column 14: malformed range: expected `]` or `}` after the upper bound
date:[TO b]         => column 7: malformed range: expected a bound (a word, a phrase or *)
[a TO b]            => column 1: misplaced range: a range needs a field, like date:[a TO b]
(x [a TO b])        => column 4: misplaced range: a range needs a field, like date:[a TO b]
a ]                 => column 3: stray `]`: it closes no range
@                   => column 1: empty entity: `@` must be attached to a name, like @zelensky
@ x                 => column 1: empty entity: `@` must be attached to a name, like @zelensky
a ~                 => column 3: stray `~`: slop only follows a phrase, like "a b"~2
^2                  => column 1: stray `^`: a boost follows what it boosts, like a^2
a :b                => column 3: stray `:`: a field name goes right before it, like title:word
"#;

    #[test]
    fn error_messages() {
        let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        let deep_msg = "column 33: too deeply nested: more than 32 levels of parentheses";
        let many = "a ".repeat(MAX_CLAUSES + 1);
        let many_msg = "column 2049: too many terms: a query may hold at most 1024";
        let extra = [
            ("", "column 1: empty query"),
            (" \t ", "column 1: empty query"),
            (&deep, deep_msg),
            (many.trim_end(), many_msg),
        ];
        for (q, want) in table(ERRORS).chain(extra) {
            match parse(q) {
                Ok(n) => panic!("query {q:?} parsed as {}", show(&n)),
                Err(e) => assert_eq!(e.to_string(), want, "query {q:?}"),
            }
        }
        assert!(parse(&"a ".repeat(MAX_CLAUSES)).is_ok());
        // Columns count chars, spans count bytes.
        let e = parse("Зеленський AND").unwrap_err();
        assert_eq!((e.column, e.span), (12, 21..24));
    }

    #[test]
    fn never_panics_on_random_input() {
        const ALPHABET: &[&str] = &[
            "a", "\"", "(", ")", ":", "^", "~", "-", "+", "AND", "OR", "NOT", "[", "]", "TO", "*",
            "@", " ", " ", "é", "2", "{", "}", ".", "\\", "\u{308}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        let in_bounds = |q: &str, s: &Span| {
            s.start <= s.end && q.get(s.clone()).is_some() // `get` checks char boundaries
        };
        let (mut ok, mut failed) = (0, 0);
        for _ in 0..20_000 {
            let q: String = (0..next() % 16)
                .map(|_| ALPHABET[next() % ALPHABET.len()])
                .collect();
            match parse(&q) {
                Ok(n) => {
                    ok += 1;
                    let mut all = Vec::new();
                    spans(&n, &mut all);
                    assert!(all.iter().all(|s| in_bounds(&q, s)), "{q:?}: {all:?}");
                }
                Err(e) => {
                    failed += 1;
                    assert!(in_bounds(&q, &e.span), "{q:?}: {e} at {:?}", e.span);
                    assert_eq!(e.column, q[..e.span.start].chars().count() + 1);
                    assert!(!e.message.is_empty() && !e.message.contains('\n'));
                }
            }
        }
        // Make sure the generator exercises both outcomes.
        assert!(ok > 1000 && failed > 1000, "ok {ok}, failed {failed}");
    }

    #[test]
    fn texts_are_composed_and_spans_stay_on_the_query_as_typed() {
        // `Kyïv` with a combining diaeresis, `Côte` with a combining circumflex.
        let q = "Kyi\u{308}v \"Co\u{302}te d'Ivoire\" @Tu\u{308}rkiye x:[Co\u{302}te TO *]";
        let node = parse(q).unwrap();
        assert_eq!(
            show(&node),
            "(+Kyïv +\"Côte d'Ivoire\" +@Türkiye +x:[Côte TO *])"
        );
        let mut got = Vec::new();
        spans(&node, &mut got);
        assert_eq!(got, [0..6, 7..24, 25..35, 36..37, 38..51]);
        assert!(got.iter().all(|s| q.get(s.clone()).is_some()));
        // Columns count the chars as typed.
        let e = parse("Kyi\u{308}v AND").unwrap_err();
        assert_eq!((e.column, e.span), (7, 7..10));
    }

    /// The 40 public benchmark queries (`/work/shared/queries/public.txt`).
    const BENCHMARK: &str = r#""security guarantee"
security guarantees
Ushakov
Zelensky
"nuclear disarmament"
"Security Council reform"
"climate change"
self-determination
apartheid
"cold war"
"Palestinian people"
"sustainable development"
"territorial integrity"
"peacekeeping operations"
NATO
Kyiv
Crimea
"weapons of mass destruction"
"human rights"
Gorbachev
"Soviet Union"
"Non-Aligned Movement"
"Camp David"
"freedom of navigation"
Geneva ceasefire
sovereignty
"peace framework"
Korea reunification
Namibia independence
"Rubio" OR "Witkoff"
Iraq Kuwait invasion
"South Africa" sanctions
"international law" aggression
"Middle East" peace
"law of the sea"
Afghanistan
"small island" "sea level"
terrorism
"Russian Federation" Ukraine
Mandela"#;

    #[test]
    fn benchmark_queries_parse() {
        assert_eq!(BENCHMARK.lines().count(), 40);
        for q in BENCHMARK.lines() {
            if let Err(e) = parse(q) {
                panic!("{q:?}: {e}");
            }
        }
        let show_q = |q| show(&parse(q).unwrap());
        assert_eq!(
            show_q("\"Rubio\" OR \"Witkoff\""),
            "(?\"Rubio\" ?\"Witkoff\")"
        );
        assert_eq!(
            show_q("\"small island\" \"sea level\""),
            "(+\"small island\" +\"sea level\")"
        );
        assert_eq!(show_q("self-determination"), "self-determination");
    }
}
