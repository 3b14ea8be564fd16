"""Quoting a hit: the matched words in their sentence, from the page text as stored.

Snippets are made here, not by the engines (FTS5 snippet(), ts_headline()), so both backends
quote the same words the same way, and the quote is the stored text itself, with its
capitals and diacritics, not the folded words the index holds.
"""

from __future__ import annotations

import re

from monitor.search.query import Pattern, words

#: the markers around matched words in a snippet
OPEN, CLOSE = "«", "»"
ELLIPSIS = "…"


def _found(tokens: list[str], at: int, pattern: Pattern) -> bool:
    n = len(pattern.words)
    if at + n > len(tokens):
        return False
    for i, word in enumerate(pattern.words):
        last = i == n - 1
        if tokens[at + i] != word and not (last and pattern.prefix and tokens[at + i].startswith(word)):
            return False
    return True


def find_spans(text: str, patterns: list[Pattern]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of any pattern in the text, in order, not overlapping."""
    found = words(text)
    tokens = [w for w, _s, _e in found]
    # longest first, so a phrase wins over a word it starts with
    ordered = sorted(patterns, key=lambda p: -len(p.words))
    firsts = {p.words[0] for p in ordered if not (p.prefix and len(p.words) == 1)}
    heads = tuple(p.words[0] for p in ordered if p.prefix and len(p.words) == 1)
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token not in firsts and not (heads and token.startswith(heads)):
            at += 1
            continue
        hit = next((p for p in ordered if _found(tokens, at, p)), None)
        if hit is None:
            at += 1
            continue
        end = at + len(hit.words) - 1
        spans.append((found[at][1], found[end][2]))
        at = end + 1
    return spans


def make_snippet(text: str, patterns: list[Pattern], *, context: int = 80, max_spans: int = 3) -> str:
    """The first matches with about `context` characters either side, matches in «», on one line.

    A page the index matched but no pattern is found on (a NOT-only difference, say) is quoted
    from its start, so a hit always shows what is on the page."""
    spans = find_spans(text, patterns)[:max_spans]
    if not spans:
        head = re.sub(r"\s+", " ", text[: context * 2]).strip()
        return head + (ELLIPSIS if len(text) > context * 2 else "")
    # group matches close enough to share one stretch of context
    windows: list[list[tuple[int, int]]] = []
    for span in spans:
        if windows and span[0] - windows[-1][-1][1] <= context * 2:
            windows[-1].append(span)
        else:
            windows.append([span])
    pieces = []
    for group in windows:
        start = max(0, group[0][0] - context)
        end = min(len(text), group[-1][1] + context)
        # widen to word edges so a quote never starts or ends inside a word
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        out, cursor = [], start
        for s, e in group:
            out.append(text[cursor:s])
            out.append(OPEN + text[s:e] + CLOSE)
            cursor = e
        out.append(text[cursor:end])
        piece = re.sub(r"\s+", " ", "".join(out)).strip()
        pieces.append((ELLIPSIS if start > 0 else "") + piece + (ELLIPSIS if end < len(text) else ""))
    return " ".join(pieces)
