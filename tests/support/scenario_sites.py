"""Fake publisher sites for the scenario tests, one per kind, served by the real local server.

Each site plays two days: `day1()` serves the listing the first pass sees (the baseline),
`day2()` adds one new report whose text holds default phrases and, for Ofsted and CQC, grades
worse than the provider's previous report. Pages are written here in the structure of the real
publishers' pages (tests/fixtures/<kind>/ and ../shared/fixtures/<kind>/NOTES.md); PDFs are drawn
with reportlab, the Ofsted one with its "Judgement | Grade" table laid out like the real ILACS
reports (label at the left, grade at the right, vertically centred between a wrapped label's lines).

A site also knows what the pipeline should make of it (`expect_*`), so the tests can assert
exact events without repeating the fixtures.
"""

from __future__ import annotations

import html
import io
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from pdfs import make_pdf
from publisher_server import PublisherServer
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"


# -- mail -------------------------------------------------------------------------------


class MailCatcher:
    """A real aiosmtpd server on 127.0.0.1 that keeps every message; start/stop at will."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[dict[str, Any]] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content})
        return "250 OK"

    def start(self) -> MailCatcher:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def config_yaml(source_yaml: str, smtp_port: int | None = None) -> str:
    """A sources.yaml with fast, polite-enough HTTP settings, one source, and optionally email."""
    email = ""
    if smtp_port is not None:
        email = f"""  email:
    host: 127.0.0.1
    port: {smtp_port}
    security: none
    sender: monitor@example.org
    recipients: [watchdog@example.org]
    timeout: 5
"""
    return f"""settings:
  per_host_delay: 0
  retries: 1
  retry_backoff: 0.01
  timeout: 5
{email}sources:
{source_yaml}"""


# -- the site description ------------------------------------------------------------------


@dataclass
class Expected:
    """What one new report should become."""

    key: str
    title: str
    url: str
    published: str | None
    kind: str
    #: phrase -> (severity, count, pages quoted)
    phrases: dict[str, tuple[str, int, set[int]]]
    #: field -> (from, to) rating changes, all urgent (worse)
    rating_changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: a sentence that must be quoted in the email
    quote: str = ""
    #: the verdict sentence the alert email, the digest and the feed tell the report with
    sentence: str = ""
    #: meta keys and values the new_document event must carry
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Site:
    """A publisher's fake site over two days, and what the monitor should make of it."""

    kind: str
    publisher: str  # the publisher's label, as alert subjects name it: "Harrow: Ofsted judged ..."
    server: PublisherServer
    source_yaml: str
    day1: Callable[[], None]
    day2: Callable[[], None]
    #: key -> title of every report the first pass lists
    baseline: dict[str, str]
    #: (key, phrase) of the info phrase_match events the first pass records
    baseline_phrases: set[tuple[str, str]]
    new: Expected
    env: dict[str, str] = field(default_factory=dict)


# -- PDFs -------------------------------------------------------------------------------


def draw_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF whose pages carry each (x, y, text) in the order given (the text layer's order)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("Helvetica", 11)
        for x, y, text in lines:
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


OFSTED_ROWS = (
    ("impact_of_leaders", "The impact of leaders on social work", "practice with children and families"),
    ("help_and_protection", "The experiences and progress of", "children who need help and protection"),
    ("in_care", "The experiences and progress of", "children in care"),
    ("care_leavers", "The experiences and progress of care", "leavers"),
)


def ilacs_report(grades: dict[str, str], dates: str, inspector: str, findings: list[str]) -> bytes:
    """An ILACS inspection report: page 1 title, dates, inspector and the judgement table; page 2 prose."""
    lines = [
        (60, 790, "Inspection of Harrow local authority"),
        (60, 774, "children's services"),
        (60, 750, f"Inspection dates: {dates}"),
        (60, 734, f"Lead inspector: {inspector}, His Majesty's Inspector"),
        (60, 710, "Judgement"),
        (360, 710, "Grade"),
    ]
    y = 690
    for key, first, second in OFSTED_ROWS:
        lines += [(60, y, first), (360, y - 7, grades[key]), (60, y - 14, second)]
        y -= 40
    lines += [(60, y, "Overall effectiveness"), (360, y, grades["overall"])]
    page2 = [(60, 790, "What needs to improve in this area of social work practice")]
    y = 760
    for sentence in findings:
        page2.append((60, y, sentence))
        y -= 24
    return draw_pdf([lines, page2])


def letter(title: str, body: list[str]) -> bytes:
    """A one-page Ofsted visit letter: no judgement table."""
    lines = [(380, 800, "Ofsted"), (380, 786, "Piccadilly Gate"), (60, 740, "Dear Director,"), (60, 716, title)]
    y = 692
    for sentence in body:
        lines.append((60, y, sentence))
        y -= 16
    return draw_pdf([lines])


# -- Ofsted ----------------------------------------------------------------------------

OFSTED_LI = """      <li class="timeline__day">
        <p class="timeline__date"><time>{date}</time></p>
        <div class="event">
          <a class="publication-link" href="{base}/v1/file/{fid}" target="_blank">{kind} <span class="nonvisual">{kind}, PDF - {date}</span></a>
        </div>
      </li>"""


def ofsted_page(base: str, reports: list[tuple[str, str, str]], name: str = "London Borough of Harrow") -> str:
    """A provider page (`/provider/44/<URN>`): heading, then the timeline newest first."""
    items = "\n".join(OFSTED_LI.format(base=base, fid=fid, kind=html.escape(kind), date=when) for fid, kind, when in reports)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)} - Find an Ofsted inspection report</title></head>
<body><main id="main-content">
  <div class="provider-header"><h1 class="heading--title">{html.escape(name)}</h1>
    <p class="info-list__item">Local Authority Children's Services</p><p class="info-list__item">URN: 80499</p></div>
  <section class="timeline-wrapper"><h2 class="heading--sub">Reports</h2>
    <ol class="timeline">
{items}
      <li class="timeline__day timeline__day--opened"><p class="timeline__date"><time>01 April 1965</time></p>
        <div class="event"><p>Opened</p></div></li>
    </ol></section>
</main></body></html>"""


GOOD = dict.fromkeys(("overall", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers"), "Good")
INADEQUATE = dict.fromkeys(GOOD, "Inadequate")


def ofsted_site(server: PublisherServer) -> Site:
    base = server.url
    day1_reports = [
        ("50252440", "Area SEND full inspection", "15 July 2024"),
        ("50236010", "Children's services focused visit", "08 December 2023"),
        ("50190001", "Children's services inspection", "04 March 2022"),
    ]
    new_report = ("50281234", "Children's services inspection", "01 August 2025")
    files = {
        "50252440": letter(
            "Area SEND inspection of Harrow Local Area Partnership",
            [
                "Inspection outcome",
                "The local area partnership's arrangements lead to inconsistent experiences and",
                "outcomes for children and young people with special educational needs and/or",
                "disabilities (SEND). The local area partnership must work jointly to make improvements.",
                "Information about the local area partnership",
                "Children and young people with special educational needs are well supported.",
            ],
        ),
        "50236010": letter(
            "Focused visit to Harrow children's services",
            ["This letter summarises the findings of the focused visit on 8 and 9 November 2023.", "Social workers know their children well."],
        ),
        "50190001": ilacs_report(
            GOOD, "7 to 18 February 2022", "Ann Example", ["Leaders have sustained good practice since the last inspection."]
        ),
        "50281234": ilacs_report(
            INADEQUATE,
            "2 to 13 June 2025",
            "Jane Example",
            [
                "There are widespread or serious failures in the help and protection of children.",
                "Leaders have not acted on known risks and management oversight is inadequate.",
            ],
        ),
    }

    def serve_files() -> None:
        for fid, body in files.items():
            server.add(f"/v1/file/{fid}", body, content_type=PDF)

    def day1() -> None:
        serve_files()
        server.add("/provider/44/80499", ofsted_page(base, day1_reports))

    def day2() -> None:
        server.add("/provider/44/80499", ofsted_page(base, [new_report, *day1_reports]))

    name = "London Borough of Harrow"
    return Site(
        kind="ofsted",
        publisher="Ofsted",
        server=server,
        source_yaml=f"""  - name: harrow-ofsted
    kind: ofsted
    base_url: {base}
    providers:
      - urn: 80499
""",
        day1=day1,
        day2=day2,
        baseline={fid: f"{name}: {kind}" for fid, kind, _ in day1_reports},
        # the grade sits between "care" and "leavers" in the text layer, as in the real reports,
        # so the topic phrase "care leavers" is not found in the table
        baseline_phrases=set(),
        new=Expected(
            key="50281234",
            title=f"{name}: Children's services inspection",
            url=f"{base}/v1/file/50281234",
            published="2025-08-01",
            kind="inspection",
            phrases={
                # five grades in the table and one sentence on page 2
                "inadequate": ("urgent", 6, {1, 2}),
                "widespread or serious failures": ("urgent", 1, {2}),
            },
            rating_changes={k: ("good", "inadequate") for k in GOOD},
            quote="Leaders have not acted on known risks and management oversight is inadequate.",
            sentence="Ofsted judged Harrow's children's services inadequate overall (good in 2022), published 1 August 2025.",
            meta={
                "provider": name,
                "urn": "80499",
                "report_type": "inspection",
                "judgements": {k: "inadequate" for k in GOOD},
                "inspection_dates": {"start": "2025-06-02", "end": "2025-06-13"},
                "lead_inspector": "Jane Example",
                "local_authority": "Harrow",
            },
        ),
    )


# -- CQC (Syndication API) ----------------------------------------------------------------

CQC_LOCATION = "1-4000000001"
CQC_R2025 = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9001"
CQC_R2021 = "0c7d9e31-8f2a-4b6c-a1d3-5e9f22b4c002"
CQC_R2013 = "f4e3a2b1-7c6d-4e5f-8a9b-0c1d2e3f4003"
CQC_QUESTIONS = ("safe", "effective", "caring", "responsive", "well-led")


def cqc_ratings_text(overall: str, questions: dict[str, str]) -> str:
    """The ratings block of a CQC report's first page, as its text layer reads."""
    lines = ["Ratings", f"Overall rating for this service {overall}"]
    lines += [f"Is the service {q}? {questions[q]}" for q in CQC_QUESTIONS]
    return "\n".join(lines)


def cqc_location(reports: list[tuple[str, str, str]], current: tuple[str, str, dict[str, str]], historic) -> dict:  # type: ignore[no-untyped-def]
    """A location record in the Syndication API's shape (tests/sources/cqc/fixtures/location_api.json)."""
    link, overall, questions = current
    return {
        "locationId": CQC_LOCATION,
        "providerId": "1-4000000100",
        "name": "Elmgrove House",
        "localAuthority": "Harrow",
        "gacServiceTypes": [{"name": "Residential homes", "description": "Care home service without nursing"}],
        "currentRatings": {
            "overall": {
                "rating": overall,
                "reportLinkId": link,
                "keyQuestionRatings": [
                    {"name": q.capitalize() if q != "well-led" else "Well-led", "rating": r, "reportLinkId": link}
                    for q, r in questions.items()
                ],
            }
        },
        "historicRatings": [
            {
                "reportLinkId": h_link,
                "overall": {
                    "rating": h_overall,
                    "keyQuestionRatings": [
                        {"name": q.capitalize() if q != "well-led" else "Well-led", "rating": r} for q, r in h_q.items()
                    ],
                },
            }
            for h_link, h_overall, h_q in historic
        ],
        "reports": [
            {"linkId": link_id, "reportDate": when, "reportUri": f"/reports/{link_id}", "firstVisitDate": visit, "reportType": "Location"}
            for link_id, when, visit in reports
        ],
    }


def cqc_site(server: PublisherServer) -> Site:
    base = server.url
    good = dict.fromkeys(CQC_QUESTIONS, "Good")
    bad = {"safe": "Inadequate", "effective": "Requires improvement", "caring": "Good", "responsive": "Good", "well-led": "Inadequate"}
    old_reports = [(CQC_R2021, "2021-03-09", "2021-01-26"), (CQC_R2013, "2013-11-20", "2013-10-08")]
    day1_record = cqc_location(old_reports, (CQC_R2021, "Good", good), [])
    day2_record = cqc_location(
        [(CQC_R2025, "2025-07-02", "2025-05-14"), *old_reports],
        (CQC_R2025, "Inadequate", bad),
        [(CQC_R2021, "Good", good)],
    )
    files = {
        CQC_R2021: make_pdf(
            ["Elmgrove House\nInspection report\nDate of publication:\n9 March 2021\n" + cqc_ratings_text("Good", good)]
        ),
        CQC_R2013: make_pdf(["Elmgrove House\nInspection report\nDate of publication:\n20 November 2013\nWe found the service met the standards we reviewed."]),
        CQC_R2025: make_pdf(
            [
                "Elmgrove House\nInspection report\nDate of publication:\n2 July 2025\n" + cqc_ratings_text("Inadequate", bad),
                "Our findings\nPeople were not protected from avoidable harm and medicines were not managed safely.\n"
                "We served a warning notice on the provider for the breach of regulation 12.",
            ]
        ),
    }

    def day1() -> None:
        for link_id, body in files.items():
            server.add(f"/api/reports/{link_id}", body, content_type=PDF)
        server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(day1_record), content_type=JSON)

    def day2() -> None:
        server.add(f"/api/locations/{CQC_LOCATION}", json.dumps(day2_record), content_type=JSON)

    return Site(
        kind="cqc",
        publisher="CQC",
        server=server,
        source_yaml=f"""  - name: harrow-cqc
    kind: cqc
    base_url: {base}
    api_base_url: {base}/api
    locations: ["{CQC_LOCATION}"]
""",
        day1=day1,
        day2=day2,
        baseline={
            CQC_R2021: "Elmgrove House: CQC inspection report (9 March 2021)",
            CQC_R2013: "Elmgrove House: CQC inspection report (20 November 2013)",
        },
        baseline_phrases=set(),
        new=Expected(
            key=CQC_R2025,
            title="Elmgrove House: CQC inspection report (2 July 2025)",
            url=f"{base}/api/reports/{CQC_R2025}",
            published="2025-07-02",
            kind="inspection report",
            phrases={
                "inadequate": ("urgent", 3, {1}),
                "requires improvement": ("normal", 1, {1}),
                "warning notice": ("urgent", 1, {2}),
            },
            rating_changes={
                "overall": ("good", "inadequate"),
                "safe": ("good", "inadequate"),
                "effective": ("good", "requires improvement"),
                "well-led": ("good", "inadequate"),
            },
            quote="We served a warning notice on the provider for the breach of regulation 12.",
            sentence="The CQC judged Elmgrove House inadequate overall (good in 2021), published 2 July 2025.",
            meta={
                "location_id": CQC_LOCATION,
                "location_name": "Elmgrove House",
                "report_date": "2025-07-02",
                "ratings": {
                    "overall": "inadequate",
                    "safe": "inadequate",
                    "effective": "requires improvement",
                    "caring": "good",
                    "responsive": "good",
                    "well-led": "inadequate",
                },
            },
        ),
        env={"MONITOR_CQC_API_KEY": "scenario-key"},
    )


# -- the Ombudsman ----------------------------------------------------------------------

LGSCO_CARD = """      <div class="search-result">
        <h3 class="result-title"><a href="{path}">London Borough of Harrow ({ref})</a></h3>
        <div class="result-details">
          <span class="result-type">Statement</span>
          <span class="result-outcome">{decision}</span>
          <span class="result-category">{subcategory}</span>
          <span class="result-date">{card_date}</span>
        </div>
        <p class="result-summary"><strong>Summary:</strong> {summary}</p>
      </div>"""


@dataclass
class Decision:
    """One Ombudsman decision: its card on the search page and its decision page."""

    ref: str
    category: str
    subcategory: str
    decision: str
    card_date: str  # 28-Jul-2025, as cards show it
    page_date: str  # 28 Jul 2025, as decision pages show it
    summary: str
    body: list[str]

    @property
    def path(self) -> str:
        slug = lambda s: "".join(c if c.isalnum() else "-" for c in s.lower()).replace("'", "-")  # noqa: E731
        return f"/decisions/{slug(self.category)}/{slug(self.subcategory)}/{self.ref.replace(' ', '-')}"


def lgsco_search(decisions: list[Decision]) -> str:
    cards = "\n".join(
        LGSCO_CARD.format(path=d.path, ref=d.ref, decision=d.decision, subcategory=d.subcategory, card_date=d.card_date,
                          summary=html.escape(d.summary))
        for d in decisions
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Decision search results</title></head>
<body><main id="main-content"><h1>Decision search</h1>
    <p class="result-count">Your search has {len(decisions)} results</p>
    <div class="search-results">
{cards}
    </div></main></body></html>"""


def lgsco_page(d: Decision) -> str:
    body = "\n".join(f"        <li>{html.escape(p)}</li>" for p in d.body)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{d.subcategory} ({d.ref})</title></head>
<body><main id="main-content"><article id="article">
  <div class="articleHeader">
    <p class="authority">London Borough of Harrow ({d.ref})</p>
    <dl>
      <dt class="label">Category :</dt><dd class="value">{html.escape(d.category)} &gt; {html.escape(d.subcategory)}</dd>
      <dt class="label">Decision :</dt><dd class="value">{d.decision}</dd>
      <dt class="label">Decision date :</dt><dd class="value">{d.page_date}</dd>
    </dl>
  </div>
  <h2>The Ombudsman's final decision:</h2>
  <p><strong>Summary:</strong> {html.escape(d.summary)}</p>
  <h2>Final decision</h2>
  <ol>
{body}
  </ol>
</article></main></body></html>"""


LGSCO_DAY1 = [
    Decision("25 001 412", "Housing", "Homelessness", "Upheld", "12-Jun-2025", "12 Jun 2025",
             "Ms D complained about delay in reviewing her homeless application. The Council has agreed to apologise.",
             ["I have completed my investigation. There was fault by the Council and it has agreed to apologise."]),
    Decision("25 000 118", "Benefits and tax", "Council tax", "Closed after initial enquiries", "02-May-2025", "02 May 2025",
             "We will not investigate Mr K's complaint about council tax arrears because he could appeal to a tribunal.",
             ["We will not investigate this complaint."]),
    Decision("24 006 077", "Transport and highways", "Parking and other penalties", "Not upheld", "14-Mar-2025", "14 Mar 2025",
             "Mr P complained about a penalty charge notice. We found no fault.",
             ["I have completed my investigation. There was no fault by the Council."]),
]
LGSCO_NEW = Decision(
    "24 012 792", "Children's care services", "Looked after children", "Upheld", "28-Jul-2025", "28 Jul 2025",
    "Miss Y complains the Council did not properly investigate injuries her child suffered in foster care. "
    "The Council will pay Miss Y £500 and remind staff of the protocols.",
    [
        "I have completed my investigation. I found fault causing injustice to Miss Y.",
        "The Council has agreed to pay Miss Y £500 and to remind staff of the protocols.",
    ],
)


def lgsco_site(server: PublisherServer, day1_decisions: list[Decision] | None = None) -> Site:
    base = server.url
    day1_list = day1_decisions or LGSCO_DAY1

    def serve(decisions: list[Decision]) -> None:
        for d in decisions:
            server.add(d.path, lgsco_page(d))
        server.add("/Decisions/SearchResults", lgsco_search(decisions))

    new = LGSCO_NEW
    return Site(
        kind="lgsco",
        publisher="Ombudsman",
        server=server,
        source_yaml=f"""  - name: harrow-ombudsman
    kind: lgsco
    base_url: {base}
    authority: London Borough of Harrow
""",
        day1=lambda: serve(day1_list),
        day2=lambda: serve([new, *day1_list]),
        baseline={d.ref: f"London Borough of Harrow ({d.ref}): {d.decision}" for d in day1_list},
        baseline_phrases=set(),
        new=Expected(
            key=new.ref,
            title=f"London Borough of Harrow ({new.ref}): Upheld",
            url=f"{base}{new.path}",
            published="2025-07-28",
            kind="decision",
            phrases={"fault causing injustice": ("urgent", 1, {1})},
            quote="I found fault causing injustice to Miss Y.",
            sentence=(
                "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July 2025: Miss Y complains the "
                "Council did not properly investigate injuries her child suffered in foster care."
            ),
            meta={
                "authority": "London Borough of Harrow",
                "reference": "24 012 792",
                "decision": "Upheld",
                "decision_date": "2025-07-28",
                "category": "Children's care services",
                "subcategory": "Looked after children",
                "severity": "urgent",  # category_severity: children's care services are urgent by default
            },
        ),
    )


# -- ModernGov (web service) ------------------------------------------------------------------

MG_TODAY = "2026-02-20"


def mg_meetings(meetings: list[tuple[int, str]]) -> str:
    """A GetMeetings answer for committee 249 (Cabinet)."""
    items = "\n".join(
        f"      <meeting><meetingid>{mid}</meetingid><meetingdate>{when}</meetingdate>"
        f"<meetingstatus>Confirmed</meetingstatus><meetingtime>6.30 pm</meetingtime></meeting>"
        for mid, when in meetings
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<getmeetings>
  <meetingscount> {len(meetings)}</meetingscount>
  <committee>
    <committeeid>249</committeeid>
    <committeetitle>Cabinet</committeetitle>
    <committeemeetings>
{items}
    </committeemeetings>
  </committee>
</getmeetings>"""


def mg_meeting(base: str, mid: int, when: str, items: list[tuple[str, str, list[tuple[int, str, str]]]]) -> str:
    """A GetMeeting answer: agenda items, each with (attachment id, title, publication date) documents."""
    blocks = []
    for number, title, docs in items:
        linked = "\n".join(
            f"""        <linkeddoc><attachmentid>{aid}</attachmentid><title>{html.escape(t)}</title><isurl>False</isurl>
          <url>{base}/mgConvert2PDF.aspx?ID={aid}</url><isrestricted>False</isrestricted>
          <publicationdate>{pub}</publicationdate><meetingdate>{when}</meetingdate></linkeddoc>"""
            for aid, t, pub in docs
        )
        blocks.append(
            f"""    <agendaitem><agendaitemtitle>{html.escape(title)}</agendaitemtitle><agendaitemnumber>{number}</agendaitemnumber>
      <fulldisplaynumberformat>{number}.</fulldisplaynumberformat><isrestricted>False</isrestricted>
      <linkeddocuments>
{linked}
      </linkeddocuments></agendaitem>"""
        )
    body = "\n".join(blocks)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>{mid}</meetingid><meetingdate>{when}</meetingdate><meetingstatus>Confirmed</meetingstatus>
  <agendapublished>True</agendapublished><decisionpublished>False</decisionpublished><minutepublished>False</minutepublished>
  <agendaitems>
{body}
  </agendaitems>
</meeting>"""


def moderngov_site(server: PublisherServer) -> Site:
    base = server.url
    feb_items = [
        ("2", "Minutes", [(248101, "Minutes - 15 January 2026", "11/02/2026")]),
        ("5", "Revenue Budget 2026/27", [(248110, "Revenue Budget 2026-27 report", "11/02/2026")]),
    ]
    mar_items = [("4", "Quarterly Performance Report", [(248301, "Q3 Performance Report", "06/03/2026")])]
    new_item = ("7", "Children's Services Improvement Plan", [(248340, "Children's Services - Ofsted Action Plan", "09/03/2026")])
    texts = {
        248101: ["Minutes of the Cabinet meeting held on 15 January 2026.", "The minutes were agreed."],
        248110: ["Revenue Budget 2026-27 and Medium Term Financial Strategy.", "Cabinet is asked to approve the budget."],
        248301: ["Quarterly performance report for the third quarter.", "Most indicators are on target."],
        248340: [
            "Children's Services - Ofsted Action Plan\nThis report sets out the council's response to the inspection.",
            "Ofsted judged the overall effectiveness of children's services to be inadequate.\n"
            "The Department for Education has issued an improvement notice to the council.",
        ],
    }
    pdfs = {aid: make_pdf(pages) for aid, pages in texts.items()}
    state: dict[int, str] = {}

    def document(request):  # type: ignore[no-untyped-def]
        aid = (parse_qs(urlsplit(request.path).query).get("ID") or [""])[0]
        body = pdfs.get(int(aid)) if aid.isdigit() else None
        if body is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": PDF}, body

    def get_meeting(request):  # type: ignore[no-untyped-def]
        mid = (parse_qs(urlsplit(request.path).query).get("lMeetingId") or [""])[0]
        body = state.get(int(mid)) if mid.isdigit() else None
        if body is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": XML}, body.encode()

    def day1() -> None:
        state[66120] = mg_meeting(base, 66120, "19/02/2026", feb_items)
        state[66140] = mg_meeting(base, 66140, "16/03/2026", mar_items)
        server.add("/mgConvert2PDF.aspx", handler=document)
        server.add("/mgWebService.asmx/GetMeeting", handler=get_meeting)
        # a meeting outside the window (90 days back, 60 ahead of 20 Feb 2026) is never read
        server.add("/mgWebService.asmx/GetMeetings", mg_meetings([(65990, "14/10/2025"), (66120, "19/02/2026"), (66140, "16/03/2026")]), content_type=XML)

    def day2() -> None:
        state[66140] = mg_meeting(base, 66140, "16/03/2026", [*mar_items, new_item])

    return Site(
        kind="moderngov",
        publisher="Council committees",
        server=server,
        source_yaml=f"""  - name: harrow-committees
    kind: moderngov
    base_url: {base}
    committees: [249]
    meeting_packs: false
""",
        day1=day1,
        day2=day2,
        baseline={
            "s248101": "Cabinet, 19 Feb 2026: Minutes - 15 January 2026",
            "s248110": "Cabinet, 19 Feb 2026: Revenue Budget 2026-27 report",
            "s248301": "Cabinet, 16 Mar 2026: Q3 Performance Report",
        },
        baseline_phrases=set(),
        new=Expected(
            key="s248340",
            title="Cabinet, 16 Mar 2026: Children's Services - Ofsted Action Plan",
            url=f"{base}/mgConvert2PDF.aspx?ID=248340",
            published="2026-03-09",
            kind="report",
            phrases={"inadequate": ("urgent", 1, {2}), "improvement notice": ("urgent", 1, {2})},
            quote="The Department for Education has issued an improvement notice to the council.",
            sentence="Council committees published “Children's Services - Ofsted Action Plan” for Cabinet on 9 March 2026.",
            meta={
                "committee_id": 249,
                "committee": "Cabinet",
                "meeting_id": 66140,
                "meeting_date": "2026-03-16",
                "document_type": "report",
                "agenda_item": {"number": "7", "title": "Children's Services Improvement Plan"},
                "publication_date": "2026-03-09",
            },
        ),
        env={"MONITOR_TODAY": MG_TODAY},
    )


# -- GOV.UK ----------------------------------------------------------------------------------


def govuk_hit(slug: str, title: str, council: str, timestamp: str) -> dict[str, Any]:
    """One Search API result in the shape of tests/sources/govuk/fixtures/search_start0.json."""
    return {
        "content_store_document_type": "decision",
        "description": f"Improvement notice issued to {council} about its children's social care services.",
        "format": "publication",
        "link": f"/government/publications/{slug}",
        "organisations": [{"slug": "department-for-education", "title": "Department for Education", "acronym": "DfE"}],
        "public_timestamp": timestamp,
        "title": title,
    }


def govuk_page(title: str, council: str) -> str:
    """A publication page on www.gov.uk (only its text matters to the monitor)."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - GOV.UK</title></head>
<body><main id="content"><h1 class="gem-c-title__text">{html.escape(title)}</h1>
<div class="govspeak"><p>This improvement notice requires {html.escape(council)} to take steps to improve its children's
social care services.</p><p>It follows an Ofsted report that judged the overall effectiveness of children's social
care services provided by {html.escape(council)} as inadequate.</p></div></main></body></html>"""


def govuk_site(server: PublisherServer, new_title: str = "Improvement notice issued to London Borough of Harrow: June 2025") -> Site:
    base = server.url
    old = [
        ("improvement-notice-issued-to-london-borough-of-havering-march-2024",
         "Improvement notice issued to London Borough of Havering: March 2024", "London Borough of Havering",
         "2024-03-22T10:00:00+00:00"),
        ("improvement-notice-issued-to-cheshire-east-council-may-2024",
         "Improvement notice issued to Cheshire East Council: May 2024", "Cheshire East Council", "2024-05-09T09:30:00+01:00"),
    ]
    # a hit the title pattern leaves out
    other = ("revised-direction-issued-to-halton-borough-council-february-2025",
             "Revised direction issued to Halton Borough Council: February 2025", "Halton Borough Council",
             "2025-02-14T10:00:00+00:00")
    new = ("improvement-notice-issued-to-london-borough-of-harrow-june-2025", new_title, "London Borough of Harrow",
           "2025-06-20T09:30:00+01:00")

    def serve(hits: list[tuple[str, str, str, str]]) -> None:
        for slug, title, council, _ in hits:
            server.add(f"/government/publications/{slug}", govuk_page(title, council))
        results = [govuk_hit(slug, title, council, ts) for slug, title, council, ts in hits]
        server.add("/api/search.json", json.dumps({"results": results, "total": len(results), "start": 0}), content_type=JSON)

    return Site(
        kind="govuk",
        publisher="GOV.UK",
        server=server,
        source_yaml=f"""  - name: dfe-notices
    kind: govuk
    base_url: {base}
    organisation: department-for-education
    document_type: decision
    title_pattern: "^Improvement notice issued to"
    attachments: false
""",
        day1=lambda: serve([other, *reversed(old)]),
        day2=lambda: serve([new, other, *reversed(old)]),
        baseline={f"/government/publications/{slug}": title for slug, title, _, _ in old},
        # every notice follows an inadequate judgement, so the baseline pages say so too
        baseline_phrases={(f"/government/publications/{slug}", p) for slug, *_ in old for p in ("inadequate", "improvement notice")},
        new=Expected(
            key=f"/government/publications/{new[0]}",
            title=new_title,
            url=f"{base}/government/publications/{new[0]}",
            published="2025-06-20",
            kind="decision",
            # the heading and the first paragraph both name the improvement notice
            phrases={"inadequate": ("urgent", 1, {1}), "improvement notice": ("urgent", 2, {1})},
            quote="It follows an Ofsted report that judged the overall effectiveness of children's social care services "
            "provided by London Borough of Harrow as inadequate.",
            sentence=f"GOV.UK published “{new_title}” on 20 June 2025.",
            meta={
                "content_path": f"/government/publications/{new[0]}",
                "document_type": "decision",
                "organisations": ["Department for Education"],
                "public_timestamp": "2025-06-20T09:30:00+01:00",
            },
        ),
    )


SITES: dict[str, Callable[[PublisherServer], Site]] = {
    "ofsted": ofsted_site,
    "cqc": cqc_site,
    "lgsco": lgsco_site,
    "moderngov": moderngov_site,
    "govuk": govuk_site,
}
