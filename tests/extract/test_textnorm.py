"""Text normalisation: the same words give the same text however a PDF was rendered."""

from __future__ import annotations

import unicodedata

from monitor.extract.textnorm import PAGE_BREAK, flatten, join_pages, normalise_page


def test_nfc_composes_decomposed_accents():
    decomposed = "Cafe\u0301 and re\u0301sume\u0301"
    assert unicodedata.is_normalized("NFC", decomposed) is False
    result = normalise_page(decomposed)
    assert result == "Caf\u00e9 and r\u00e9sum\u00e9"
    assert unicodedata.is_normalized("NFC", result)


def test_ligatures_are_spelled_out():
    assert normalise_page("e\ufb03cient o\ufb00ers \ufb01nd \ufb02oor ba\ufb04e") == "efficient offers find floor baffle"


def test_curly_quotes_and_dashes_become_ascii():
    text = "\u201cRequires improvement\u201d \u2013 the council\u2019s \u2018plan\u2019 \u2014 \u22121"
    assert normalise_page(text) == "\"Requires improvement\" - the council's 'plan' - -1"


def test_hyphen_at_line_end_joined_before_lower_case():
    assert normalise_page("needs improve-\nment now") == "needs improvement now"
    # soft hyphen and the Unicode hyphen count too; leading spaces on the next line do not matter
    assert normalise_page("improve\u00ad\n   ment") == "improvement"
    assert normalise_page("improve\u2010\nment") == "improvement"
    assert normalise_page("r\u00e9-\n\u00e9valuation") == "r\u00e9\u00e9valuation"


def test_hyphen_at_line_end_kept_before_capital_digit_or_dash():
    assert normalise_page("Anti-\nSocial behaviour") == "Anti-\nSocial behaviour"
    assert normalise_page("pages 10-\n12") == "pages 10-\n12"
    assert normalise_page("Findings:\n- first\n- second") == "Findings:\n- first\n- second"
    # a hyphen inside a line is never touched
    assert normalise_page("well-led service") == "well-led service"


def test_pdfium_line_end_hyphen_marker():
    # PDFium returns a line-ending hyphen as U+FFFE and drops the line break
    assert normalise_page("needs improve\ufffement in Anti\ufffeSocial care") == (
        "needs improvement in Anti-\nSocial care"
    )
    assert normalise_page("improve\x02ment") == "improvement"


def test_whitespace_collapsed_and_blank_runs_squeezed():
    text = "  Overall   effectiveness\t\u00a0Good \r\n\r\n\r\n\n  Next\u2003line  \r\r  "
    assert normalise_page(text) == "Overall effectiveness Good\n\nNext line"


def test_soft_hyphen_inside_a_word_removed():
    assert normalise_page("safe\u00adguarding") == "safeguarding"


def test_normalise_is_idempotent():
    text = "The \ufb01rst \u201creport\u201d needs improve-\nment\n\n\n  Anti-\nSocial"
    once = normalise_page(text)
    assert normalise_page(once) == once


def test_join_pages_and_flatten():
    joined = join_pages(["page one", "page\ntwo"])
    assert joined == "page one\fpage\ntwo"
    assert joined.split(PAGE_BREAK) == ["page one", "page\ntwo"]
    assert flatten(joined) == "page one page two"
