"""The search query language, one for every backend, and the tokens both backends index.

A query is words, "quoted phrases", `word*` prefixes, AND / OR / NOT (upper case) and
parentheses; words side by side must all be there (implicit AND). We parse it ourselves and
compile it to FTS5's MATCH syntax and to PostgreSQL's to_tsquery syntax, instead of passing
the user's text to either: each engine has its own tokenising and its own error messages
(FTS5 fails on a bare hyphen or colon), and the same query must find the same pages on both.

Both backends index the page text as `index_text` makes it: words (runs of letters and
digits, as FTS5's unicode61 tokenizer sees them) folded to lower case without diacritics,
joined by spaces. So "Care-leavers'", "care leavers" and "CARE LEAVERS" are all the two
words `care leavers` on both engines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from monitor.errors import MonitorError

_WORD = re.compile(r"[^\W_]+")
# a query token: a quoted phrase, a parenthesis, or a run of anything else
_QUERY_TOKEN = re.compile(r'"([^"]*)"?|(\()|(\))|([^\s()"]+)')


class QueryError(MonitorError):
    """The query cannot be searched; the message says why and what to write instead."""


def fold(word: str) -> str:
    """A word as indexed: lower case, diacritics removed ("Café" -> "cafe")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[tuple[str, int, int]]:
    """The folded words of a text with their (start, end) offsets in it."""
    return [(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def index_text(text: str) -> str:
    """A page's text as both backends index it: folded words joined by single spaces."""
    return " ".join(fold(m.group()) for m in _WORD.finditer(text))


@dataclass(frozen=True)
class Pattern:
    """Consecutive words to find; `prefix` lets the last one be the start of a word."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Match:
    """A leaf of the query: one word, one prefix or one phrase, in all its spellings.

    A phrase also matches with two neighbouring words written as one, because textnorm
    joins a word hyphenated across a line end ("care-\\nleavers" is stored "careleavers")."""

    variants: tuple[Pattern, ...]


@dataclass(frozen=True)
class And:
    """Every positive part, and none of the negated parts."""

    positive: tuple[Node, ...]
    negative: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node = Match | And | Or


def _leaf(raw: str, quoted: bool) -> Match | None:
    prefix = not quoted and raw.endswith("*")
    tokens = tuple(fold(m.group()) for m in _WORD.finditer(raw))
    if not tokens:
        return None
    variants = [Pattern(tokens, prefix)]
    # one hyphenation join at a time covers a phrase broken at one line end
    for i in range(len(tokens) - 1):
        joined = tokens[:i] + (tokens[i] + tokens[i + 1],) + tokens[i + 2 :]
        variants.append(Pattern(joined, prefix))
    return Match(tuple(variants))


class _Parser:
    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        for m in _QUERY_TOKEN.finditer(text):
            phrase, opening, closing, word = m.groups()
            if phrase is not None:
                self.tokens.append(("phrase", phrase))
            elif opening:
                self.tokens.append(("(", "("))
            elif closing:
                self.tokens.append((")", ")"))
            elif word in ("AND", "OR", "NOT"):
                self.tokens.append((word, word))
            else:
                self.tokens.append(("word", word))
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.tokens[self.at][1]!r} in the query (a ')' without its '('?)")
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.and_expr())
        kept = tuple(p for p in parts if p is not None)
        if len(parts) > 1 and len(kept) < len(parts):
            raise QueryError("OR needs words on both sides: write e.g. 'inadequate OR failing'")
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self) -> Node | None:
        positive: list[Node] = []
        negative: list[Node] = []
        while self.peek() not in (None, "OR", ")"):
            kind = self.peek()
            if kind == "AND":
                self.take()
                if self.peek() in (None, "OR", ")") or not (positive or negative):
                    raise QueryError("AND needs words on both sides: write e.g. 'inadequate AND leadership'")
                continue
            if kind == "NOT":
                self.take()
                node = self.atom()
                if node is not None:
                    negative.append(node)
                continue
            node = self.atom()
            if node is not None:
                positive.append(node)
        if not positive and negative:
            raise QueryError("NOT needs words to subtract from: write e.g. 'inadequate NOT ofsted'")
        if not positive:
            return None
        if len(positive) == 1 and not negative:
            return positive[0]
        return And(tuple(positive), tuple(negative))

    def atom(self) -> Node | None:
        if self.peek() is None:
            raise QueryError("the query ends after an operator: add the words to find")
        kind, value = self.take()
        if kind == "(":
            node = self.or_expr()
            if self.peek() != ")":
                raise QueryError("a '(' in the query is not closed")
            self.take()
            return node
        if kind in ("phrase", "word"):
            return _leaf(value, quoted=kind == "phrase")
        raise QueryError(f"{value!r} cannot stand there: put words between operators")


def parse(text: str) -> Node:
    """The query as a tree; QueryError when it has nothing to find or does not parse."""
    node = _Parser(text).parse()
    if node is None:
        raise QueryError("the query has no words to find (only punctuation or operators)")
    return node


def patterns(node: Node) -> list[Pattern]:
    """Every pattern a hit may contain (the positive leaves), for quoting the matched words."""
    if isinstance(node, Match):
        return list(node.variants)
    parts = node.positive if isinstance(node, And) else node.parts
    return [p for part in parts for p in patterns(part)]


def to_fts5(node: Node) -> str:
    """The query in FTS5 MATCH syntax (words are letters and digits only, so quoting is safe)."""
    if isinstance(node, Match):
        alts = []
        for pattern in node.variants:
            phrase = '"' + " ".join(pattern.words) + '"' + ("*" if pattern.prefix else "")
            alts.append(phrase)
        return alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(p) for p in node.parts) + ")"
    out = "(" + " AND ".join(to_fts5(p) for p in node.positive) + ")"
    for neg in node.negative:
        out = f"({out} NOT {to_fts5(neg)})"
    return out


def to_tsquery(node: Node) -> str:
    """The query in PostgreSQL to_tsquery syntax, phrases as <-> chains."""
    if isinstance(node, Match):
        alts = []
        for pattern in node.variants:
            quoted = [f"'{w}'" for w in pattern.words]
            if pattern.prefix:
                quoted[-1] += ":*"
            alts.append("(" + " <-> ".join(quoted) + ")")
        return alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(p) for p in node.parts) + ")"
    parts = [to_tsquery(p) for p in node.positive] + [f"!{to_tsquery(n)}" for n in node.negative]
    return "(" + " & ".join(parts) + ")"
