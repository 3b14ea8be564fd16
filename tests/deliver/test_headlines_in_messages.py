"""meta.headline in what a person reads: the alert email (text and HTML) and the digest (Markdown
and HTML) quote a letter's headline sentences with "p. N", after its verdict sentence; malformed
entries are not shown."""

from __future__ import annotations

from datetime import date

from lxml import html as lxml_html

from monitor.deliver.digest import render_digest
from monitor.deliver.email import compose_alert
from monitor.deliver.render import group_events, headline_quotes, item_view

FINDING = "The leaving care service has made significant progress since the inspection in January 2025."
HOSTILE = "Leaders <script>alert(1)</script> *act* quickly."


def letter_event(headline: list) -> dict:
    return {
        "id": 7,
        "type": "new_document",
        "severity": "urgent",
        "source": "harrow-ofsted",
        "source_kind": "ofsted",
        "document_key": "50290001",
        "title": "London Borough of Harrow: Children's services monitoring visit",
        "url": "https://files.ofsted.gov.uk/v1/file/50290001",
        "created_at": "2025-11-04T07:05:00+00:00",
        "details": {
            "kind": "monitoring visit",
            "published": "2025-11-04",
            "baseline": False,
            "meta": {"provider": "London Borough of Harrow", "report_type": "monitoring visit", "headline": headline},
        },
    }


HEADLINE = [{"text": FINDING, "page": 1}, {"text": "The quality of pathway plans remains too variable.", "page": 2}]


def test_headline_quotes_keeps_only_quotes_with_a_page():
    meta = {"headline": [*HEADLINE, {"text": "no page"}, {"text": "", "page": 3}, {"text": "bool page", "page": True}, "text", {"text": "x", "page": 0}]}
    assert headline_quotes(meta) == HEADLINE
    assert headline_quotes({}) == [] and headline_quotes({"headline": None}) == []


def test_item_view_carries_the_headline():
    (group,) = group_events([letter_event(HEADLINE)])
    view = item_view(group)
    assert view["says"] == HEADLINE
    assert view["sentence"] == "Ofsted published Harrow's children's services monitoring visit on 4 November 2025."


def test_alert_email_quotes_the_headline_with_its_page():
    msg = compose_alert([letter_event(HEADLINE)], sender="m@example.org", recipients=["a@example.org"])
    assert msg["Subject"] == "Harrow: Ofsted published a children's services monitoring visit"
    text = msg.get_body(("plain",)).get_content()
    assert text.startswith("Ofsted published Harrow's children's services monitoring visit on 4 November 2025.\n")
    assert f'In its own words:\n  “{FINDING}” (p. 1)\n  “The quality of pathway plans remains too variable.” (p. 2)\n' in text
    page = lxml_html.fromstring(msg.get_body(("html",)).get_content())
    quotes = [" ".join(b.text_content().split()) for b in page.iter("blockquote")]
    assert quotes == [f"“{FINDING}” (p. 1)", "“The quality of pathway plans remains too variable.” (p. 2)"]


def test_digest_quotes_the_headline_and_escapes_it():
    event = letter_event([{"text": HOSTILE, "page": 3}, *HEADLINE])
    markdown, html = render_digest(date(2025, 11, 4), [event], [])
    assert '  - In its own words:\n    > “Leaders \\<script>alert(1)\\</script> \\*act\\* quickly.” (p. 3)\n' in markdown
    assert f'    > “{FINDING}” (p. 1)\n' in markdown
    assert "<script>" not in html and "“Leaders &lt;script&gt;alert(1)&lt;/script&gt; *act* quickly.” <span class=\"source\">(p. 3)</span>" in html


def test_no_headline_no_section():
    msg = compose_alert([letter_event([])], sender="m@example.org", recipients=["a@example.org"])
    assert "In its own words" not in msg.get_body(("plain",)).get_content()
    assert "In its own words" not in render_digest(date(2025, 11, 4), [letter_event([])], [])[0]


def test_an_alert_of_phrase_matches_only_quotes_the_headline_they_carry():
    # urgent alerts need not hold the new_document: the phrase_match brings the headline in details.headline
    match = {
        **letter_event([]),
        "id": 8,
        "type": "phrase_match",
        "details": {"phrase": "inadequate", "severity": "urgent", "count": 1, "quotes": [], "headline": HEADLINE,
                    "provider_name": "London Borough of Harrow"},
    }
    msg = compose_alert([match], sender="m@example.org", recipients=["a@example.org"])
    text = msg.get_body(("plain",)).get_content()
    assert f'In its own words:\n  “{FINDING}” (p. 1)\n' in text
    assert "It mentions “inadequate” once." in text


def test_a_quote_already_said_in_the_headline_is_not_repeated():
    remedy = "The Council will pay Miss Y £500 and remind staff of the protocols."
    decision = {
        "id": 20, "type": "new_document", "severity": "urgent", "source": "ombudsman", "source_kind": "lgsco",
        "document_key": "24 012 792", "title": "London Borough of Harrow (24 012 792): Upheld",
        "url": "https://www.lgo.org.uk/decisions/x/y/24-012-792", "created_at": "2025-07-29T07:00:00+00:00",
        "details": {"kind": "decision", "published": "2025-07-28", "meta": {
            "authority": "London Borough of Harrow", "reference": "24 012 792", "decision": "Upheld",
            "summary": f"Miss Y complains the Council did not investigate injuries in foster care. {remedy}",
            "remedy": remedy,
            "headline": [
                {"text": "I found fault causing injustice to Miss Y.", "page": 1},
                {"text": remedy, "page": 1},
                {"text": "The Council has agreed to pay Miss Y £500 and to remind staff of the protocols.", "page": 1},
            ],
        }},
    }
    match = {**decision, "id": 21, "type": "phrase_match", "details": {"phrase": "fault causing injustice", "count": 1, "quotes": [
        {"text": "I found fault causing injustice to Miss Y. The Council has agreed to pay Miss Y £500 and to remind staff of the protocols.", "page": 1},
    ]}}
    text = compose_alert([decision, match], sender="m@example.org", recipients=["a@example.org"]).get_body(("plain",)).get_content()
    assert text.count("£500") == 1
    assert text.startswith(
        "The Ombudsman upheld a complaint against Harrow (24 012 792), decided 28 July 2025: "
        "Miss Y complains the Council did not investigate injuries in foster care.\n"
    )
