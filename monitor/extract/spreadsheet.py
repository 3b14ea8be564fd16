"""The one spreadsheet reader: the rows of an OpenDocument spreadsheet (.ods), in bounded memory.

Every publisher's data file goes through here: CQC's ratings file (one sheet, streamed) and
Ofsted's outcome statistics (every sheet, `iter_sheets`).

CQC's monthly "Latest ratings" file is a ~26 MB zip whose content.xml is over 1 GB
(evidence-2026/downloads/bulk_files_structure.md), so it is never parsed whole: rows are
read one at a time with lxml's iterparse from the zip member and cleared as soon as they
are read. Repeated cells and rows (`table:number-columns-repeated`,
`table:number-rows-repeated`, which spreadsheets use for runs of blanks) are expanded only
as far as a row can hold data.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = f"{{{_TABLE_NS}}}table"
ROW = f"{{{_TABLE_NS}}}table-row"
CELL = f"{{{_TABLE_NS}}}table-cell"
COVERED_CELL = f"{{{_TABLE_NS}}}covered-table-cell"
_NAME = f"{{{_TABLE_NS}}}name"
_COLS_REPEATED = f"{{{_TABLE_NS}}}number-columns-repeated"
_ROWS_REPEATED = f"{{{_TABLE_NS}}}number-rows-repeated"
_VALUE_TYPE = f"{{{_OFFICE_NS}}}value-type"
_DATE_VALUE = f"{{{_OFFICE_NS}}}date-value"
_VALUE = f"{{{_OFFICE_NS}}}value"
_P = f"{{{_TEXT_NS}}}p"
_S = f"{{{_TEXT_NS}}}s"
_TAB = f"{{{_TEXT_NS}}}tab"
_LINE_BREAK = f"{{{_TEXT_NS}}}line-break"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
#: no row of the files we read has more columns than this; the rest are padding
MAX_COLUMNS = 256


class OdsError(ValueError):
    """The file is not a spreadsheet we can read (not a zip, no content.xml, no such sheet)."""


def _text_of(node: etree._Element) -> str:
    parts: list[str] = [node.text or ""]
    for child in node:
        if child.tag == _S:
            parts.append(" " * int(child.get(f"{{{_TEXT_NS}}}c", "1")))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _LINE_BREAK:
            parts.append("\n")
        else:
            parts.append(_text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def cell_value(cell: etree._Element) -> str:
    """A cell as text: dates as their ISO value, everything else as displayed."""
    if cell.get(_VALUE_TYPE) == "date" and cell.get(_DATE_VALUE):
        return str(cell.get(_DATE_VALUE))
    paragraphs = [_text_of(p) for p in cell.iter(_P)]
    if paragraphs:
        return "\n".join(paragraphs).strip()
    return str(cell.get(_VALUE) or "").strip()


def row_values(row: etree._Element) -> list[str]:
    """The cells of a row, repeated cells expanded (up to MAX_COLUMNS), trailing blanks dropped."""
    values: list[str] = []
    for cell in row:
        if cell.tag not in (CELL, COVERED_CELL):
            continue
        value = cell_value(cell)
        repeat = int(cell.get(_COLS_REPEATED, "1"))
        values.extend([value] * max(0, min(repeat, MAX_COLUMNS - len(values))))
        if len(values) >= MAX_COLUMNS:
            break
    while values and not values[-1]:
        values.pop()
    return values


def _clear(elem: etree._Element) -> None:
    # drop the element and the already-read siblings before it, so the tree stays small
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def check_ods(path: Path) -> None:
    """OdsError unless `path` is a zip holding content.xml and, if it says, the ODS mimetype."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "content.xml" not in names:
                raise OdsError("the file is a zip without content.xml, so not an OpenDocument file")
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype != ODS_MIMETYPE:
                    raise OdsError(f"the file's mimetype is {mimetype!r}, not an OpenDocument spreadsheet")
    except zipfile.BadZipFile as exc:
        raise OdsError(f"the file is not a zip, so not an OpenDocument spreadsheet ({exc})") from exc


def iter_sheet_rows(path: Path, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """(row number from 1, values) of each non-blank row of the sheet named `sheet`.

    A repeated non-blank row is yielded once, numbered at its first place. Stops reading
    at the end of that sheet. OdsError when the file holds no such sheet."""
    check_ods(path)
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        in_sheet = found = False
        number = 0
        events = etree.iterparse(stream, events=("start", "end"), tag=(TABLE, ROW), huge_tree=True)
        try:
            for event, elem in events:
                if elem.tag == TABLE:
                    if event == "start":
                        in_sheet = elem.get(_NAME) == sheet
                        found = found or in_sheet
                    elif in_sheet:
                        return
                    else:
                        _clear(elem)
                    continue
                if event != "end":
                    continue
                if in_sheet:
                    values = row_values(elem)
                    repeat = int(elem.get(_ROWS_REPEATED, "1"))
                    if any(values):
                        yield number + 1, values
                    number += repeat
                _clear(elem)
        except etree.XMLSyntaxError as exc:
            raise OdsError(f"content.xml is not well-formed XML: {exc}") from exc
        if not found:
            raise OdsError(f"the spreadsheet has no sheet named {sheet!r}")


def iter_sheets(path: Path, max_repeat: int = 10_000) -> Iterator[tuple[str, list[list[str]]]]:
    """(name, rows) of every sheet in the file's order: blank rows dropped, a repeated row
    given up to `max_repeat` times. Read with iterparse, a sheet at a time (its rows are kept,
    so this is for files of statistics, not the million-row kind). OdsError when the file is
    not an OpenDocument spreadsheet."""
    check_ods(path)
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        rows: list[list[str]] = []
        count = 0
        events = etree.iterparse(stream, events=("start", "end"), tag=(TABLE, ROW), huge_tree=True)
        try:
            for event, elem in events:
                if elem.tag == TABLE:
                    if event == "start":
                        rows = []
                    else:
                        count += 1
                        yield elem.get(_NAME) or f"sheet{count}", rows
                        _clear(elem)
                    continue
                if event != "end":
                    continue
                values = row_values(elem)
                if any(values):
                    rows.extend([values] * max(1, min(int(elem.get(_ROWS_REPEATED, "1")), max_repeat)))
                _clear(elem)
        except etree.XMLSyntaxError as exc:
            raise OdsError(f"content.xml is not well-formed XML: {exc}") from exc
