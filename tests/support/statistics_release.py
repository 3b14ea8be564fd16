"""GOV.UK's statistics release "Local authority inspection outcomes" played by the local server:
the Search API, the release's Content API item and its data files (a real ODS, made here).
Shared by the ofsted_outcomes and ofsted_peers tests and the peer-context pass."""

from __future__ import annotations

import io
import json
import zipfile
from html import escape

RELEASE = "/government/statistics/local-authority-inspection-outcomes-as-at-31-march-2026"
TITLE = "Local authority inspection outcomes as at 31 March 2026"
ODS_PATH = "/media/6a6c/local_authority_inspection_outcomes_as_at_31_march_2026_underlying_data.ods"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"

AS_AT = [
    ["Local authority inspection outcomes as at 31 March 2026"],
    ["Most recent ILACS inspection of each local authority"],
    [
        "Local authority area code",
        "Local authority name",
        "Ofsted region",
        "Inspection type",
        "Inspection end date",
        "Publication date",
        "Overall effectiveness",
        "The impact of leaders on social work practice with children and families",
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children in care",
        "The experiences and progress of care leavers",
    ],
    [
        "E09000003",
        "Barnet",
        "London",
        "Short",
        "d2024-06-14",
        "d2024-07-23",
        "Good",
        "Good",
        "Good",
        "Outstanding",
        "Good",
    ],
    [
        "E09000015",
        "Harrow",
        "London",
        "Short",
        "d2025-01-24",
        "d2025-03-04",
        "Inadequate",
        "Requires improvement to be good",
        "Good",
        "Good",
        "Inadequate",
    ],
]
HISTORY = [
    ["ILACS inspection history"],
    ["Every ILACS inspection since January 2018"],
    [
        "Local authority area code",
        "Local authority name",
        "Ofsted region",
        "Inspection date",
        "Inspection type",
        "Overall effectiveness",
    ],
    ["E09000015", "Harrow", "London", "d2020-02-10", "Short", "Good"],
    ["E09000015", "Harrow", "London", "d2025-01-20", "Short", "Inadequate"],
    ["E09000003", "Barnet", "London", "d2024-06-10", "Short", "Good"],
]


def make_ods(sheets: dict[str, list[list[str]]]) -> bytes:
    """A real ODS: cells starting "d" are dates (office:date-value), others strings; each row
    ends with the trailing blank cell repeated 16000 times and each sheet with a million blank
    rows, as spreadsheet programs write them."""

    def cell(value: str) -> str:
        if value.startswith("d20"):
            day = value[1:]
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{day}T00:00:00">'
                f"<text:p>{day}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(
            "<table:table-row>"
            + "".join(cell(v) for v in row)
            + '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
            for row in rows
        )
        + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODS_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def _json(body: object) -> bytes:
    return json.dumps(body).encode()


def govuk(server, attachments: list[dict], search_results: list[dict] | None = None) -> None:
    """Serve the Search API, the release's Content API item and its files."""
    results = (
        search_results
        if search_results is not None
        else [
            {
                "title": "Local authority inspection outcomes as at 31 March 2024",
                "link": RELEASE.replace("2026", "2024"),
                "public_timestamp": "2024-08-30T09:30:00.000+01:00",
            },
            {"title": TITLE, "link": RELEASE, "public_timestamp": "2026-07-30T09:30:00.000+01:00"},
            {
                "title": "Children's social care data in England 2026",
                "link": "/government/statistics/csc-2026",
                "public_timestamp": "2026-08-30T09:30:00.000+01:00",
            },
        ]
    )
    server.add(
        "/api/search.json",
        _json({"results": results, "total": len(results)}),
        content_type="application/json",
    )
    server.add(
        f"/api/content{RELEASE}",
        _json({"title": TITLE, "details": {"attachments": attachments}}),
        content_type="application/json",
    )


def attachment(server, path: str, content_type: str, title: str = "Underlying data") -> dict:
    return {
        "title": title,
        "url": f"{server.url}{path}",
        "content_type": content_type,
        "filename": path.rsplit("/", 1)[-1],
    }
