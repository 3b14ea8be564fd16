"""What the peer-context kinds share: a publisher's all-council data file read as rows, its
header found among the first rows (publishers put titles above it), each row's council found
in the registry, and the link to the file found on the page that publishes it.

Pure parsing: the kinds' `*_source.py` modules fetch.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from monitor.registry import Council, CouncilNotFound, find

#: a header is looked for among this many first rows (publishers' files have title rows)
HEADER_WITHIN = 20


class TableError(ValueError):
    """A data file whose layout is not the one expected: the source is broken, never quiet."""


@dataclass(frozen=True)
class Table:
    """The rows under a file's header, each as {column name: cell}; the lines above it."""

    rows: list[dict[str, str]]
    preamble: list[str]
    header_row: int


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV file's rows (UTF-8 with or without a byte order mark, else Windows-1252)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return [row for row in csv.reader(io.StringIO(text))]


def _cell(value: str) -> str:
    return " ".join(value.split()).casefold()


def read_table(rows: list[list[str]], columns: dict[str, str], required: tuple[str, ...]) -> Table:
    """The rows under the first row (among the first HEADER_WITHIN) whose cells name every
    required column; `columns` maps a column name to a regular expression its heading matches
    (whole cell, case folded). TableError naming the columns when no such row is there."""
    patterns = {name: re.compile(rf"^(?:{regex})$") for name, regex in columns.items()}
    for number, row in enumerate(rows[:HEADER_WITHIN]):
        found: dict[str, int] = {}
        for index, value in enumerate(row):
            for name, pattern in patterns.items():
                if name not in found and pattern.match(_cell(value)):
                    found[name] = index
                    break
        if all(name in found for name in required):
            body = []
            for values in rows[number + 1 :]:
                if not any(v.strip() for v in values):
                    continue
                body.append({name: (values[i].strip() if i < len(values) else "") for name, i in found.items()})
            preamble = [" ".join(" ".join(r).split()) for r in rows[:number] if any(c.strip() for c in r)]
            return Table(body, preamble, number)
    raise TableError(
        f"expected a header row naming {', '.join(required)} in the first {HEADER_WITHIN} rows, found none"
    )


def council_of_row(name: str, gss: str = "") -> Council | None:
    """The registry's council a row names, by its GSS code when the file gives one, else by
    its name; None for a body the registry does not hold (a fire authority, a former council)."""
    for text in (gss, name):
        if text.strip():
            try:
                return find(text)
            except CouncilNotFound:
                continue
    return None


def linked_file(html: str, page_url: str, pattern: str, suffixes: tuple[str, ...] = (".csv",)) -> str | None:
    """The address of the first link on a page to a file with one of `suffixes` whose text or
    address matches `pattern` (a regular expression, searched case-insensitively)."""
    wanted = re.compile(pattern, re.I)
    for link in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urljoin(page_url, str(link["href"]).strip())
        path = unquote(urlsplit(url).path)
        if not path.casefold().endswith(suffixes):
            continue
        if wanted.search(path) or wanted.search(" ".join(link.get_text(" ").split())):
            return url
    return None


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal, or None when whole is 0."""
    return round(100 * part / whole, 1) if whole else None
