"""The search query language and snippets, engine-free: every compiled form asserted."""

from __future__ import annotations

import pytest

from monitor.search.query import (
    And,
    Match,
    Or,
    Pattern,
    QueryError,
    index_text,
    parse,
    patterns,
    to_fts5,
    to_tsquery,
)
from monitor.search.snippet import find_spans, make_snippet


def test_index_text_folds_case_diacritics_and_punctuation():
    assert index_text("Children's Services — CAFÉ\nnaïve_word 2026 £5m") == "children s services cafe naive word 2026 5m"
    assert index_text("") == ""


def test_a_phrase_also_matches_with_neighbours_joined():
    node = parse('"care leavers"')
    assert node == Match((Pattern(("care", "leavers")), Pattern(("careleavers",))))
    assert to_fts5(node) == '("care leavers" OR "careleavers")'
    assert to_tsquery(node) == "(('care' <-> 'leavers') | ('careleavers'))"


def test_a_hyphenated_word_is_a_phrase_and_a_prefix_keeps_its_star():
    assert parse("care-leavers") == parse('"care leavers"')
    node = parse("requir*")
    assert node == Match((Pattern(("requir",), prefix=True),))
    assert to_fts5(node) == '"requir"*'
    assert to_tsquery(node) == "('requir':*)"


def test_boolean_structure():
    node = parse("(adult OR children) inadequate NOT ofsted")
    adult, children = Match((Pattern(("adult",)),)), Match((Pattern(("children",)),))
    inadequate, ofsted = Match((Pattern(("inadequate",)),)), Match((Pattern(("ofsted",)),))
    assert node == And((Or((adult, children)), inadequate), (ofsted,))
    assert to_fts5(node) == '((("adult" OR "children") AND "inadequate") NOT "ofsted")'
    assert to_tsquery(node) == "((('adult') | ('children')) & ('inadequate') & !('ofsted'))"
    assert patterns(node) == [Pattern(("adult",)), Pattern(("children",)), Pattern(("inadequate",))]
    # lower-case operators are words
    assert parse("and or not") == And(
        (Match((Pattern(("and",)),)), Match((Pattern(("or",)),)), Match((Pattern(("not",)),)))
    )


def test_syntax_of_the_engines_is_only_words():
    node = parse("NEAR(a b) col:x ^start 'q' | & !")
    assert to_fts5(node) == '("near" AND ("a" AND "b") AND ("col x" OR "colx") AND "start" AND "q")'
    assert to_tsquery(node) == "(('near') & (('a') & ('b')) & (('col' <-> 'x') | ('colx')) & ('start') & ('q'))"


@pytest.mark.parametrize("query", ["", "   ", '""', "!!!", "NOT x", "x AND", "x OR", "OR x", "(x", "x)", "x NOT"])
def test_unsearchable_queries(query):
    with pytest.raises(QueryError):
        parse(query)


def test_snippets_quote_the_stored_words_with_markers():
    text = "Leaders know their services.\nSupport for care\nleavers is inadequate; Care Leavers say so."
    pats = patterns(parse('"care leavers"'))
    assert find_spans(text, pats) == [(41, 53), (69, 81)]
    assert make_snippet(text, pats) == (
        "Leaders know their services. Support for «care leavers» is inadequate; «Care Leavers» say so."
    )
    long = ("word " * 60) + "the Café is shut " + ("more " * 60)
    snippet = make_snippet(long, patterns(parse("cafe")), context=20)
    assert snippet == "…word word word word the «Café» is shut more more more…"
    assert make_snippet("Nothing matches here.", pats) == "Nothing matches here."
