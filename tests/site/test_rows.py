"""A document's row is escaped as Jinja's autoescape would (rows are drawn in Python for speed)."""

from __future__ import annotations

from markupsafe import Markup, escape

from monitor.site.rows import RowCache, _e, row_html

HOSTILE = ["<script>alert('x')</script>", 'a "quoted" & <b>bold</b>', "Children's services", "", "plain", "&amp; already"]


def test_every_field_is_escaped_exactly_as_markupsafe_escapes_it():
    for value in [*HOSTILE, 2026, None, 3.5]:
        assert _e(value) == str(escape(value)), value
    assert _e(Markup("<em>kept</em>")) == "<em>kept</em>"  # markup already made safe is kept


def _row(title: str) -> dict:
    return {"publisher_slug": "ofsted", "kind_slug": "inspection", "year": 2026, "when": "4 March 2026", "link": "documents/a.html",
            "title": title, "publisher": "Ofsted", "kind": "Inspection", "status": None, "grade": "Inadequate", "grade_label": "",
            "grade_css": "grade-4", "finding": {"link": "findings/a.html", "words": "No answer yet", "late": True}}


def test_a_table_body_is_each_row_on_its_own_line_with_the_page_root():
    rows = [_row(t) for t in HOSTILE]
    body = RowCache().table_body(rows, "../", answers=True)
    lines = body.split("\n")
    assert lines[-1] == "" and len(lines) == len(rows) + 1
    for line, row in zip(lines, rows, strict=False):
        assert line == "    " + row_html(row, "../", True, True)
        assert "<script>" not in line
    assert 'href="../documents/a.html"' in lines[0] and 'href="../findings/a.html" class="late"' in lines[0]
    assert RowCache().table_body([], "") == ""
