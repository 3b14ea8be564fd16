"""The cqc_ratings cross-check against a real local server serving a landing page shaped like
CQC's "Using CQC data" page and real .ods files built here in the ODF table structure
(evidence-2026/downloads/bulk_files_structure.md: sheets, columns, one row per location x
service group x domain, repeated columns and rows as spreadsheets write them)."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pydantic import ValidationError
from test_cqc_source import fixture

from monitor.errors import ListingBrokenError
from monitor.extract.spreadsheet import OdsError, iter_sheet_rows
from monitor.sources import source_class
from monitor.sources.base import CrossCheckFact, SourceContext
from monitor.sources.cqc.ratings_source import CqcRatingsSource, newest_ratings_file

LANDING = "/about-us/transparency/using-cqc-data"
AUGUST = "/system/files/2026-08/04_August_2026_Latest_ratings.ods"
JULY = "/system/files/2026-07/07_July_2026_Latest_ratings.ods"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
HEADER = [
    "Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
    "Location Local Authority", "Location Region", "Service / Population Group", "Domain", "Latest Rating",
    "Publication Date", "Report Type", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name",
]  # fmt: skip
ROXETH, ELMGROVE, OTHER_HARROW, BRENT = "1-4000000005", "1-4000000001", "1-4000000099", "1-5000000000"
WHERE = "CQC's Latest ratings file of 4 August 2026 (04_August_2026_Latest_ratings.ods)"
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def cell(value: str | tuple[str, str]) -> str:
    if isinstance(value, tuple):  # a date-typed cell: (iso value, displayed text)
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value[0]}">'
            f"<text:p>{value[1]}</text:p></table:table-cell>"
        )
    if value == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def row(values: list) -> str:
    cells = []
    for index, value in enumerate(values):
        # the two blank cells after the id are written as one repeated cell, as LibreOffice does
        if index == 1 and value == "" and values[3] == "":
            cells.append('<table:table-cell table:number-columns-repeated="1"/>')
        else:
            cells.append(cell(value))
    # spreadsheets pad each row to the sheet's width with one huge repeated blank cell
    return f'<table:table-row>{"".join(cells)}<table:table-cell table:number-columns-repeated="16368"/></table:table-row>'


def location_row(loc, name, authority, group, domain, rating, published, inherited="N") -> list:
    return [
        loc, "", name, "N", "Social Care Org", authority, "London", group, domain, rating, published,
        "Location", inherited, f"https://www.cqc.org.uk/location/{loc}", "1-4000000100", "Elmgrove Care Limited",
    ]  # fmt: skip


ROWS = [
    location_row(
        ROXETH, "Roxeth Lodge", "Harrow", "Overall", "Overall", "Requires Improvement", "12/06/2025"
    ),
    location_row(ROXETH, "Roxeth Lodge", "Harrow", "Overall", "Safe", "Inadequate", "12/06/2025"),
    location_row(
        ROXETH, "Roxeth Lodge", "Harrow", "Overall", "Well-led", "Requires Improvement", "12/06/2025"
    ),
    location_row(ROXETH, "Roxeth Lodge", "Harrow", "Homecare agencies", "Overall", "Good", "12/06/2025"),
    location_row(
        ELMGROVE, "Elmgrove House", "Harrow", "Overall", "Overall", "Good", ("2021-03-09", "09/03/2021"), "Y"
    ),
    location_row(ELMGROVE, "Elmgrove House", "Harrow", "Overall", "Caring", "Not applicable", "09/03/2021"),
    location_row(OTHER_HARROW, "Pinner View", "Harrow", "Overall", "Overall", "Good", "01/02/2024"),
    location_row(BRENT, "Brent Court", "Brent", "Overall", "Overall", "Outstanding", "01/02/2024"),
]


def content_xml(rows: list[list], locations_sheet: str = "Locations") -> str:
    body = "".join(row(r) for r in [HEADER, *rows])
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.2">'
        "<office:body><office:spreadsheet>"
        '<table:table table:name="README"><table:table-row>'
        f"{cell('This file lists the latest ratings')}</table:table-row></table:table>"
        f'<table:table table:name="{locations_sheet}"><table:table-column table:number-columns-repeated="16384"/>'
        f"{body}"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
        f'<table:table table:name="Providers">{row(["Provider ID", "Provider Name"])}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def write_ods(path: Path, xml: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        # ODF: "mimetype" first and stored, then the rest compressed
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
    return path


def serve(server, tmp_path: Path, xml: str | None = None) -> None:
    server.add(LANDING, fixture("ratings_landing.html"))
    server.add(
        AUGUST, write_ods(tmp_path / "aug.ods", xml or content_xml(ROWS)).read_bytes(), content_type=ODS
    )


def make(server, http, **keys) -> CqcRatingsSource:
    keys.setdefault("checks", "cqc-harrow")
    return CqcRatingsSource(
        CqcRatingsSource.Settings(**keys), SourceContext(name="cqc-ratings", base_url=server.url, http=http)
    )


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """Where the downloaded file goes, to see it is deleted afterwards."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_registered_as_a_cross_check_kind():
    cls = source_class("cqc_ratings")
    assert cls is CqcRatingsSource
    assert cls.cross_check is True and cls.complete_listing is False


def test_settings():
    with pytest.raises(ValidationError, match="checks"):
        CqcRatingsSource.Settings(locations=[ROXETH])
    with pytest.raises(ValidationError, match="locations .* or local_authority"):
        CqcRatingsSource.Settings(checks="cqc-harrow")
    with pytest.raises(ValidationError, match="extra"):
        CqcRatingsSource.Settings(checks="x", locations=[ROXETH], location=[ROXETH])
    settings = CqcRatingsSource.Settings(checks="cqc-harrow", locations=[f" {ROXETH}", ROXETH])
    assert (
        settings.locations == [ROXETH] and settings.local_authority is None and settings.landing_url is None
    )


def test_facts_for_watched_locations(server, http, tmp_path, scratch):
    serve(server, tmp_path)
    source = make(server, http, locations=[ROXETH, ELMGROVE, "1-4000000404"])
    assert list(source.list_documents()) == []
    facts = source.cross_check_facts()
    assert not server.hits_for(JULY)  # the newest file only
    assert list(scratch.iterdir()) == []  # the download is deleted
    url = "https://www.cqc.org.uk/location/"
    assert facts == [
        CrossCheckFact(
            match={"location_id": ROXETH},
            label=f"{WHERE}, Locations row 2: Roxeth Lodge ({ROXETH}), Overall: Requires Improvement, published 12 June 2025",
            field="overall",
            value="Requires Improvement",
            not_before=date(2025, 6, 12),
            url=url + ROXETH,
        ),
        CrossCheckFact(
            match={"location_id": ROXETH},
            label=f"{WHERE}, Locations row 3: Roxeth Lodge ({ROXETH}), Safe: Inadequate, published 12 June 2025",
            field="safe",
            value="Inadequate",
            not_before=date(2025, 6, 12),
            url=url + ROXETH,
        ),
        CrossCheckFact(
            match={"location_id": ROXETH},
            label=f"{WHERE}, Locations row 4: Roxeth Lodge ({ROXETH}), Well-led: Requires Improvement, published 12 June 2025",
            field="well-led",
            value="Requires Improvement",
            not_before=date(2025, 6, 12),
            url=url + ROXETH,
        ),
        CrossCheckFact(
            match={"location_id": ELMGROVE},
            label=f"{WHERE}, Locations row 6: Elmgrove House ({ELMGROVE}), Overall: Good, published 9 March 2021 (inherited)",
            field="overall",
            value="Good",
            not_before=date(2021, 3, 9),
            url=url + ELMGROVE,
        ),
        # "Not applicable" is no grade, but the date is still checked
        CrossCheckFact(
            match={"location_id": ELMGROVE},
            label=f"{WHERE}, Locations row 7: Elmgrove House ({ELMGROVE}), Caring: Not applicable, published 9 March 2021",
            field=None,
            value=None,
            not_before=date(2021, 3, 9),
            url=url + ELMGROVE,
        ),
    ]


def test_local_authority_adds_its_locations(server, http, tmp_path, scratch):
    serve(server, tmp_path)
    facts = make(server, http, local_authority="harrow").cross_check_facts()
    assert {(f.match["location_id"], f.field) for f in facts} == {
        (ROXETH, "overall"),
        (ROXETH, "safe"),
        (ROXETH, "well-led"),
        (ELMGROVE, "overall"),
        (ELMGROVE, None),
        (OTHER_HARROW, "overall"),
    }
    assert any(
        "local_authority makes every location" in w
        for w in make(server, http, local_authority="Harrow").warnings()
    )


def test_a_file_naming_none_of_the_watched_locations_is_broken(server, http, tmp_path, scratch):
    serve(server, tmp_path)
    with pytest.raises(
        ListingBrokenError,
        match=r"none of the watched locations \(1-4000000404\) is in the 'Locations' sheet of 8 rows",
    ) as caught:
        make(server, http, locations=["1-4000000404"]).cross_check_facts()
    assert caught.value.url == f"{server.url}{AUGUST}"
    assert list(scratch.iterdir()) == []


def test_a_landing_page_without_the_file_is_broken(server, http):
    server.add(LANDING, "<html><body><main><h1>Using CQC data</h1></main></body></html>")
    with pytest.raises(ListingBrokenError, match="Latest_ratings.ods' file, found none") as caught:
        make(server, http, locations=[ROXETH]).cross_check_facts()
    assert caught.value.url == f"{server.url}{LANDING}"


@pytest.mark.parametrize(
    "xml, message",
    [
        (content_xml(ROWS, locations_sheet="Sheet1"), "no sheet named 'Locations'"),
        (content_xml([]).replace("Latest Rating", "Rating"), "expected a header row naming 'Location Id'"),
        (content_xml([]), "has a header but no rows"),
        (
            content_xml(ROWS).replace("12/06/2025", "sometime in June"),
            "row 2 .* Publication Date 'sometime in June'",
        ),
        # cut inside the Locations sheet (what follows it is never read)
        (content_xml(ROWS)[: content_xml(ROWS).index("Elmgrove House")], "not well-formed"),
    ],
    ids=["no-sheet", "no-header", "no-rows", "bad-date", "truncated"],
)
def test_a_file_we_cannot_read_is_broken(server, http, tmp_path, scratch, xml, message):
    serve(server, tmp_path, xml)
    with pytest.raises(ListingBrokenError, match=message) as caught:
        make(server, http, locations=[ROXETH]).cross_check_facts()
    assert caught.value.url == f"{server.url}{AUGUST}"
    assert list(scratch.iterdir()) == []


def test_a_file_that_is_not_a_spreadsheet_is_broken(server, http, scratch):
    server.add(LANDING, fixture("ratings_landing.html"))
    server.add(AUGUST, "<html>Sorry, this file has moved</html>")
    with pytest.raises(ListingBrokenError, match="not a zip"):
        make(server, http, locations=[ROXETH]).cross_check_facts()


def test_newest_ratings_file_on_the_landing_page():
    page = "https://www.cqc.org.uk" + LANDING
    assert newest_ratings_file(fixture("ratings_landing.html"), page) == (
        "https://www.cqc.org.uk" + AUGUST,
        date(2026, 8, 4),
    )
    assert newest_ratings_file('<a href="/sites/default/files/2021-12/ratings.csv">x</a>', page) is None


def test_many_thousands_of_rows_stream_to_the_right_facts(server, http, tmp_path, scratch):
    """A file of 60,000 rows is read row by row (content.xml written and read in pieces)."""
    path = tmp_path / "big.ods"
    head, tail = content_xml([]).split('<table:table-row table:number-rows-repeated="1048000">')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS, compress_type=zipfile.ZIP_STORED)
        with archive.open(zipfile.ZipInfo("content.xml", date_time=(2026, 8, 4, 0, 0, 0)), "w") as out:
            out.write(head.encode())
            for n in range(60_000):
                loc = f"1-{6000000000 + n}"
                out.write(
                    row(
                        location_row(
                            loc, f"Home {n}", "Elsewhere", "Overall", "Overall", "Good", "01/02/2024"
                        )
                    ).encode()
                )
            out.write(row(ROWS[0]).encode())
            out.write(('<table:table-row table:number-rows-repeated="1048000">' + tail).encode())
    server.add(LANDING, fixture("ratings_landing.html"))
    server.add(AUGUST, path.read_bytes(), content_type=ODS)
    facts = make(server, http, locations=[ROXETH, "1-6000012345"]).cross_check_facts()
    assert [(f.match, f.field, f.value, f.not_before) for f in facts] == [
        ({"location_id": "1-6000012345"}, "overall", "Good", date(2024, 2, 1)),
        ({"location_id": ROXETH}, "overall", "Requires Improvement", date(2025, 6, 12)),
    ]
    assert "Locations row 60002: Roxeth Lodge" in facts[1].label
    assert list(scratch.iterdir()) == []


def test_sheet_rows_expand_repeats_and_skip_padding(tmp_path):
    path = write_ods(tmp_path / "f.ods", content_xml(ROWS[:1]))
    rows = list(iter_sheet_rows(path, "Locations"))
    assert rows == [(1, HEADER), (2, ROWS[0])]
    assert [n for n, _ in iter_sheet_rows(path, "README")] == [1]
    with pytest.raises(OdsError, match="no sheet named 'Nope'"):
        list(iter_sheet_rows(path, "Nope"))
