"""A document's text as blocks (headings, list items, running text) with the page each starts on.

Publishers' documents reach us as page texts whose lines wrap mid-sentence (PDF text layers)
or as one page of flattened HTML. Choosing a letter's headline by its structure needs three
things from that text: where its headings are, which lines are list items, and on which page
each sentence starts. This module gives exactly that and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: list markers seen in the real texts: Ofsted's square bullets (U+25FC and friends), round
#: bullets, the Ombudsman's "•" and "-", the symbol-font bullet of Word PDFs, "a)" items
_BULLET = re.compile(r"^\s*(?:[\u25a0-\u25ff\u2022\u2023\u2043\u2219\uf0a7\uf0b7*]|-|\u2013|[a-h]\))\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}\.\s+(?=\S)")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?\s*$", re.I)
_ENDS_SENTENCE = re.compile(r"[.;:?!]['\u2019\u201d)]?\s*$")
#: words a sentence may end with that are not its end
_ABBREVIATIONS = {"e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "no.", "para.", "paras.", "s.", "ss.", "st.", "cf.", "(e.g.", "(i.e."}


@dataclass
class Block:
    """A heading, a list item or a run of text; `spans` are (start offset in `text`, page)."""

    kind: str  # "heading" | "item" | "text"
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.spans[0][1] if self.spans else 1

    def add(self, line: str, page: int) -> None:
        if self.text:
            self.text += " "
        self.spans.append((len(self.text), page))
        self.text += line

    def page_at(self, offset: int) -> int:
        """The page of the character at `offset`."""
        page = self.page
        for start, span_page in self.spans:
            if start > offset:
                break
            page = span_page
        return page

    def tail(self, offset: int) -> Block:
        """The block from `offset` on, pages kept."""
        out = Block(self.kind, self.text[offset:], [(0, self.page_at(offset))])
        out.spans += [(start - offset, page) for start, page in self.spans if start > offset]
        return out

    def sentences(self) -> list[tuple[str, int]]:
        """The block's sentences, each with the page it starts on."""
        return [(text, self.page_at(start)) for text, start in split_sentences(self.text)]


def split_sentences(text: str) -> list[tuple[str, int]]:
    """(sentence, start offset) pairs; never splits after an abbreviation or inside "£1.5m"."""
    out: list[tuple[str, int]] = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])['\u2019\u201d)]?\s+(?=[A-Z\u2018\u201c'\"(£0-9])", text):
        candidate = text[start : match.start()].rstrip()
        words = candidate.rsplit(None, 1)
        if words and words[-1].casefold() in _ABBREVIATIONS:
            continue
        end = match.end()
        piece = text[start:end].strip()
        if piece:
            out.append((piece, start))
        start = end
    tail = text[start:].strip()
    if tail:
        out.append((tail, start))
    return out


def _key(line: str) -> str:
    """A line as a running header compares: digits (page numbers) and spacing ignored."""
    return re.sub(r"[\d\s]+", " ", line).strip().casefold()


def running_headers(pages: list[list[str]]) -> set[str]:
    """Lines that head two or more pages (the report title, its dates and page number)."""
    seen: dict[str, int] = {}
    for lines in pages:
        for key in {_key(line) for line in lines[:3] if line.strip()}:
            if key:
                seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1}


def blocks_of(pages: list[str], is_heading) -> list[Block]:  # type: ignore[no-untyped-def]
    """The document's blocks in reading order.

    `is_heading(line)` says which lines are headings of this kind of document. A list item runs
    on over wrapped lines until a line ends a sentence; running text runs until a blank line,
    a heading, a list item or a numbered paragraph.
    """
    split = [page.replace("\r", "").split("\n") for page in pages]
    headers = running_headers(split) if len(split) > 1 else set()
    blocks: list[Block] = []
    current: Block | None = None
    for number, lines in enumerate(split, start=1):
        for position, raw in enumerate(lines):
            line = " ".join(raw.split())
            if not line or _PAGE_NUMBER.match(line):
                if not line:
                    current = None
                continue
            if position < 3 and _key(line) in headers:
                continue
            if is_heading(line):
                blocks.append(Block("heading", line, [(0, number)]))
                current = None
                continue
            bullet = _BULLET.match(line)
            numbered = _NUMBERED.match(line)
            if bullet or numbered:
                current = Block("item" if bullet else "text")
                # lettered findings ("a) ... b) ...") are quoted with their letters
                lettered = bullet is not None and bullet.group(0).strip().endswith(")")
                current.add(line if lettered else line[(bullet or numbered).end() :], number)  # type: ignore[union-attr]
                blocks.append(current)
                if bullet and _ENDS_SENTENCE.search(line):
                    current = None
                continue
            if current is None:
                current = Block("text")
                blocks.append(current)
            current.add(line, number)
            if current.kind == "item" and _ENDS_SENTENCE.search(line):
                current = None
    return [b for b in blocks if b.text]
