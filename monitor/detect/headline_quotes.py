"""Quotes picked from a document's blocks: the section under a heading, its sentences or its
list items' first sentences, each with its page, cut to a size an alert can carry.

The readers of each kind of document (monitor/detect/headlines.py) say where to look; this
module only takes what is there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.detect.headline_text import Block

MAX_SENTENCES = 4
#: one quoted sentence is cut here (a run-on PDF paragraph must not fill an email)
MAX_CHARS = 600

Heading = Callable[[str], bool]


def headings(*names: str) -> Heading:
    """A heading test for lines that are exactly one of `names` (case, '?' and ':' ignored)."""
    wanted = {name.casefold() for name in names}

    def test(line: str) -> bool:
        return line.rstrip(" ?:").casefold() in wanted and len(line) < 90

    return test


def quote(text: str, page: int) -> dict[str, object]:
    """One quoted sentence with its page, white space tidied and cut at MAX_CHARS."""
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1].rstrip() + "…"
    return {"text": text, "page": page}


def under(blocks: list[Block], heading: Heading, kinds: tuple[str, ...] = ("text", "item")) -> list[Block]:
    """The blocks after the first heading that passes `heading`, up to the next heading."""
    out: list[Block] = []
    inside = False
    for block in blocks:
        if block.kind == "heading":
            if inside:
                break
            inside = heading(block.text)
            continue
        if inside and block.kind in kinds:
            out.append(block)
    return out


def sentences(blocks: list[Block], limit: int, keep: re.Pattern[str] | None = None) -> list[dict[str, object]]:
    """Up to `limit` sentences of the blocks (those `keep` finds, when given), in order."""
    out = []
    for block in blocks:
        for text, page in block.sentences():
            if text.endswith(":"):
                # "It follows:" introduces a list the text layer lost: not a statement
                continue
            if keep is None or keep.search(text):
                out.append(quote(text, page))
                if len(out) >= limit:
                    return out
    return out


def items(blocks: list[Block], limit: int) -> list[dict[str, object]]:
    """The first sentence of each list item (items are one finding each)."""
    out = []
    for block in blocks:
        if block.kind != "item":
            continue
        sentences = block.sentences()
        if sentences:
            out.append(quote(*sentences[0]))
        if len(out) >= limit:
            break
    return out


def dedupe(quotes: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each quote once, in its first place, at most MAX_SENTENCES of them."""
    seen: set[str] = set()
    out = []
    for quote in quotes:
        if quote["text"] not in seen:
            seen.add(str(quote["text"]))
            out.append(quote)
    return out[:MAX_SENTENCES]
