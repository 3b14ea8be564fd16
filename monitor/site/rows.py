"""One document as a row of a list, written in Python rather than in a Jinja macro: the
timeline writes every document on up to four pages, and a template loop costs ten times more
per row (measured on a 12,000-document store: most of an incremental build)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def _e(value: Any) -> str:
    # markupsafe's escaping, byte for byte, without a Markup object per field: a row has ten
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = value if type(value) is str else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")


def row_html(r: dict[str, Any], root: str, by: bool = True, answers: bool = False) -> Markup:
    """The `<tr>` of a document's summary row (`pages.summary_row`) in a `docs` table: its
    date, linked title, publisher and kind (`by`), verdict, and the council's answer (`answers`)."""
    out = [
        f'<tr data-publisher="{_e(r["publisher_slug"])}" data-kind="{_e(r["publisher_slug"])}-{_e(r["kind_slug"])}" '
        f'data-year="{_e(r["year"])}"><td class="date">{_e(r["when"])}</td>'
        f'<td><a href="{_e(root)}{_e(r["link"])}">{_e(r["title"])}</a>'
    ]
    if by:
        out.append(f' <span class="by">{_e(r["publisher"])} · {_e(r["kind"])}')
        if r["status"]:
            out.append(f" · <strong>{_e(r['status'])}</strong>")
        out.append("</span>")
    elif r["status"]:
        out.append(f" <strong>{_e(r['status'])}</strong>")
    out.append('</td><td data-label="Verdict">')
    if r["grade"]:
        if r["grade_label"]:
            out.append(f'<span class="by-label">{_e(r["grade_label"])}:</span> ')
        out.append(f'<span class="grade {_e(r["grade_css"])}">{_e(r["grade"])}</span>')
    out.append("</td>")
    if answers:
        out.append("<td data-label=\"The council's answer\">")
        finding = r["finding"]
        if finding:
            late = ' class="late"' if finding["late"] else ""
            out.append(f'<a href="{_e(root)}{_e(finding["link"])}"{late}>{_e(finding["words"])}</a>')
        out.append("</td>")
    out.append("</tr>")
    return Markup("".join(out))


#: stands for the page's root in a cached row (no publisher's text holds a NUL: textnorm strips it)
_ROOT = "\x00"


class RowCache:
    """Each row written once per build, whatever page it is on: the timeline shows a document on
    up to four pages, under two roots. Rows are `pages.Context.rows`, alive for the whole build,
    so their identity is their key."""

    def __init__(self) -> None:
        self._rows: dict[tuple[int, bool, bool], str] = {}
        self._keep: list[dict[str, Any]] = []  # rows stay alive as long as their ids are keys

    def _cached(self, r: dict[str, Any], by: bool, answers: bool) -> str:
        key = (id(r), by, answers)
        html = self._rows.get(key)
        if html is None:
            html = self._rows[key] = str(row_html(r, _ROOT, by, answers))
            self._keep.append(r)
        return html

    def table_body(self, rows: list[dict[str, Any]], root: str, by: bool = True, answers: bool = False) -> Markup:
        """The rows of a `docs` table, each on its own indented line: one string for the
        whole table, as a template loop over twelve thousand rows costs most of a build."""
        cached = self._cached
        body = "".join(f"    {cached(r, by, answers)}\n" for r in rows)
        return Markup(body.replace(_ROOT, str(escape(root))))
