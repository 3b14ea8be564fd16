"""The linking rules of monitor/detect/mentions.py on the labelled set of council texts
(tests/detect/fixtures/responses/: real committee-paper and press-release wording where the
evidence has it, faithful texts of our own otherwise; each item names where it comes from)."""

from __future__ import annotations

import json
from datetime import date

from benchmarks.eval_responses import FIXTURES, evaluate, load_findings
from monitor.detect.mentions import dates_named, link_answer, reference_pattern, topics_of
from monitor.responses import topic_patterns


def test_no_false_link_and_few_misses_on_the_labelled_set():
    scores, answers = evaluate(180)
    assert answers == 32
    assert scores.false_links == [], "a wrong link tells the group the council answered when it did not"
    assert scores.precision == 1.0
    # the one known miss: "The Ofsted report found ..." (no inspection words; schools have
    # Ofsted reports too), documented in docs/RESPONSES.md
    assert scores.missed == [("hard-ofsted-report-care-leavers", "ofsted-ilacs-2025")]
    assert scores.recall >= 0.95


def test_every_negative_item_links_nothing():
    findings = list(load_findings().values())
    for item in json.loads((FIXTURES / "labelled.json").read_text()):
        if item["id"].startswith("neg-"):
            links = link_answer(item["pages"], date.fromisoformat(item["date"]), findings, topic_patterns())
            assert links == [], item["id"]


def test_case_references_in_any_spacing_but_not_inside_longer_numbers():
    pattern = reference_pattern("22 016 751")
    for text in ("case 22 016 751.", "22016751", "ref 22/016/751", "22-016-751"):
        assert pattern.search(text), text
    for text in ("122 016 751", "22 016 7510", "22 016 75"):
        assert not pattern.search(text), text


def test_dates_named_in_a_sentence():
    assert dates_named("the inspection in January 2025 and on 4 March 2025") == [(2025, 1, None), (2025, 3, 4)]
    assert dates_named("in Sept. 2025") == [(2025, 9, None)]
    assert dates_named("in 2025") == []


def test_topics_need_words_only_that_kind_of_finding_has():
    assert topics_of("the inspection of local authority children's services", topic_patterns()) == ["ofsted-ilacs"]
    assert topics_of("schools rated good by Ofsted", topic_patterns()) == []
    assert topics_of("registered with the CQC", topic_patterns()) == []
    assert topics_of("the CQC rated our adult social care requires improvement", topic_patterns()) == ["cqc-assessment"]
    assert topics_of("an improvement notice was issued", topic_patterns()) == ["improvement-notice"]


def test_a_paper_before_the_finding_never_answers_it():
    findings = list(load_findings().values())
    links = link_answer(["The improvement notice will be discussed."], date(2025, 6, 1), findings, topic_patterns())
    assert links == []  # the notice is dated 5 June 2025
    links = link_answer(["The improvement notice will be discussed."], date(2025, 6, 5), findings, topic_patterns())
    assert [link.finding.key for link in links] == ["/government/publications/improvement-notice-issued-to-london-borough-of-harrow"]
