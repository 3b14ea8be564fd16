"""Detection rules: phrases worth an alert, what changed between versions, grades that moved."""

from monitor.detect.phrases import (
    DEFAULT_PHRASES,
    PhraseMatch,
    PhraseRule,
    added_pages,
    diff_summary,
    find_phrases,
)
from monitor.detect.verdicts import Change, compare, format_change, rank, severity_of, verdict_of

__all__ = [
    "DEFAULT_PHRASES",
    "Change",
    "PhraseMatch",
    "PhraseRule",
    "added_pages",
    "compare",
    "diff_summary",
    "find_phrases",
    "format_change",
    "rank",
    "severity_of",
    "verdict_of",
]
