"""CQC words: the four ratings, the key questions, quality statement scores, council slugs.

Pure functions shared by the cqc adapter (API, public pages, assessments), the cqc_ratings
cross-check and `read_meta`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from monitor.extract.textnorm import flatten

RATINGS = ("outstanding", "good", "requires improvement", "inadequate")
KEY_QUESTIONS = ("safe", "effective", "caring", "responsive", "well-led")
#: the fields of meta["ratings"], in the order CQC reports state them
RATING_FIELDS = ("overall", *KEY_QUESTIONS)
_RATING = r"(outstanding|good|requires\s+improvement|inadequate)"
_KEY_QUESTION = r"(safe|effective|caring|responsive|well[- ]led)"

# The nine quality statements of the Care Act assessment, with words that pick each out of
# the different names CQC pages and press releases give them. Order matters: "safeguarding"
# must be tried before "safe systems".
QUALITY_STATEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assessing needs", ("assessing",)),
    ("supporting people to live healthier lives", ("healthier lives",)),
    ("equity in experience and outcomes", ("equity",)),
    ("care provision, integration and continuity", ("care provision",)),
    ("partnerships and communities", ("partnership",)),
    ("safeguarding", ("safeguarding",)),
    ("safe systems, pathways and transitions", ("safe systems", "safe pathways")),
    ("governance, management and sustainability", ("governance",)),
    ("learning, improvement and innovation", ("learning, improvement", "learning improvement")),
)

# CQC's published thresholds for a local authority's overall percentage score
# (evidence-2026/la/how_we_determine_ratings_excerpt.txt)
_LA_BANDS = ((88, "outstanding"), (63, "good"), (39, "requires improvement"), (25, "inadequate"))


def normalise_rating(value: Any) -> str | None:
    """'Requires Improvement' -> 'requires improvement'; None for anything but the four ratings."""
    if not isinstance(value, str):
        return None
    rating = " ".join(value.split()).lower()
    return rating if rating in RATINGS else None


#: labels CQC puts where a rating would be, meaning "no rating" (evidence-2026 REPORT.md 1.8)
NOT_A_RATING = frozenset(
    {
        "not rated",
        "not applicable",
        "inspected but not rated",
        "no published rating",
        "insufficient evidence to rate",
        "evidence requirements partially scored",
        "evidence requirements not yet scored",
        "no approved rating",
        "do not include in report",
    }
)


def unreadable_rating(value: Any) -> bool:
    """True for a value in a rating's place that is neither a rating, nor empty, nor one of
    CQC's known "no rating" labels: a form the adapter does not know."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if normalise_rating(value) is not None:
        return False
    return not (isinstance(value, str) and " ".join(value.split()).lower() in NOT_A_RATING)


def worst_rating(ratings: list[str]) -> str:
    """The worst of normalised ratings ("inadequate" is worse than "good")."""
    return max(ratings, key=RATINGS.index)


def key_question(name: Any) -> str | None:
    """'Well led' / 'Well-led' / 'SAFE' -> the ratings field name, or None."""
    if not isinstance(name, str):
        return None
    key = " ".join(name.split()).lower().replace("well led", "well-led")
    return key if key in KEY_QUESTIONS else None


def rating_field(name: Any) -> str | None:
    """A domain name as CQC files write it ('Overall', 'Well-led') -> the ratings field name."""
    if isinstance(name, str) and " ".join(name.split()).lower() == "overall":
        return "overall"
    return key_question(name)


_OVERALL_PATTERNS = (
    re.compile(
        rf"\boverall rating for (?:this|the) (?:service|location|provider|trust|practice)\s*:?\s*{_RATING}\b",
        re.I,
    ),
    re.compile(rf"\boverall rating\s*:?\s*{_RATING}\b", re.I),
    re.compile(rf"\boverall\s*:\s*{_RATING}\b", re.I),
    # press releases: "CQC ... has rated London Borough of Harrow as requires improvement"
    re.compile(rf"\bhas rated [^.]{{1,120}}? as {_RATING}\b", re.I),
)
_QUESTION_PATTERNS = (
    re.compile(
        rf"\b(?:is the service|are services|is the trust|is the practice)\s+{_KEY_QUESTION}\s*\?\s*:?\s*{_RATING}\b",
        re.I,
    ),
    # a line holding only "Safe: Good" / "Well-led Requires improvement", as rating tables read
    re.compile(rf"^\s*{_KEY_QUESTION}\s*:?\s*{_RATING}\b[^\w]*$", re.I | re.M),
)


def read_ratings(text: str, sources: dict[str, str] | None = None) -> dict[str, str]:
    """Overall and key-question ratings a CQC report or page states; the first statement wins.

    With `sources`, each rating read is named there by the words it was read from
    ("Overall rating for this service: Good", "Safe: Requires improvement")."""
    ratings: dict[str, str] = {}
    said: dict[str, str] = {}
    flat = flatten(text)
    for pattern in _OVERALL_PATTERNS:
        if match := pattern.search(flat):
            ratings["overall"] = normalise_rating(match.group(1)) or ""
            said["overall"] = " ".join(match.group(0).split())
            break
    for pattern, haystack in zip(_QUESTION_PATTERNS, (flat, text), strict=True):
        for match in pattern.finditer(haystack):
            key, rating = key_question(match.group(1)), normalise_rating(match.group(2))
            if key and rating and key not in ratings:
                ratings[key] = rating
                said[key] = " ".join(match.group(0).split())
    ratings = {k: v for k, v in ratings.items() if v}
    if sources is not None:
        sources.update({k: said[k] for k in ratings})
    return ratings


def page_of(pages: list[str], words: str) -> int:
    """The number (from 1) of the first page whose text holds `words` (white space aside);
    1 when none does on its own (the words ran across a page break)."""
    wanted = flatten(words)
    for number, page in enumerate(pages, start=1):
        if wanted in flatten(page):
            return number
    return 1


def quality_statement_name(text: str) -> str:
    """The canonical lower-case name of a quality statement, however a page words it."""
    lowered = " ".join(text.replace("’", "'").split()).lower().strip(" -:")
    for name, words in QUALITY_STATEMENTS:
        if any(word in lowered for word in words):
            return name
    return lowered


def read_quality_statement_scores(text: str, sources: dict[str, str] | None = None) -> dict[str, int]:
    """Quality statement scores (1-4) from an assessment theme page or CQC press release.

    With `sources`, each score read is named there by the lines it was read from."""
    scores: dict[str, int] = {}
    lines = [line.strip() for line in text.splitlines()]
    previous = ""
    for line in lines:
        if not line:
            continue
        # theme page: the statement's title, then "Score: 2" (or "Score 2") on its own line
        score = re.fullmatch(r"score\s*:?\s*([1-4])", line, re.I)
        if score and previous:
            name = quality_statement_name(previous)
            if name not in scores:
                scores[name] = int(score.group(1))
                if sources is not None:
                    sources[name] = f"{previous} / {line}"
        # press release: "- safeguarding - 2"
        bullet = re.fullmatch(r"[-•*]\s*(.+?)\s+-\s+([1-4])", line)
        if bullet:
            name = quality_statement_name(bullet.group(1))
            if name in dict(QUALITY_STATEMENTS) and name not in scores:
                scores[name] = int(bullet.group(2))
                if sources is not None:
                    sources[name] = line
        previous = line
    return scores


def read_overall_percentage(text: str) -> int | None:
    """A local authority's overall percentage score ("Overall score: 58%"), if a page states one.

    The page wording was never captured, so only a percentage within a few words after
    "overall" and "score" counts; anything else is left unread rather than guessed."""
    match = re.search(
        r"\boverall\b[^.%\n]{0,40}?\bscore\b\s*(?::|\bis\b|\bwas\b|\bof\b)?\s*(\d{1,3})\s?%", flatten(text), re.I
    )
    if match and 0 <= int(match.group(1)) <= 100:
        return int(match.group(1))
    return None


def rating_for_percentage(percentage: float) -> str | None:
    """The local authority rating CQC's thresholds give an overall percentage score."""
    for floor, rating in _LA_BANDS:
        if percentage >= floor:
            return rating
    return None


def percentage_of_scores(scores: dict[str, int]) -> float | None:
    """The overall percentage the nine quality statement scores make (all weighted equally)."""
    if len(scores) != len(QUALITY_STATEMENTS):
        return None
    return 100.0 * sum(scores.values()) / (4 * len(scores))


def authority_slug(name: str) -> str:
    """'London Borough of Harrow' or 'Harrow Council' -> 'harrow', as CQC's assessment paths name it."""
    lowered = name.lower().strip()
    lowered = re.sub(r"^(?:the\s+)?(?:royal\s+)?(?:london\s+)?borough\s+of\s+", "", lowered)
    lowered = re.sub(r"\b(?:city\s+)?(?:county\s+)?(?:borough\s+)?council$", "", lowered).strip()
    return re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")


def long_date(value: date | None) -> str:
    """'2 July 2024', or 'date not given'."""
    return f"{value.day} {value:%B %Y}" if value else "date not given"
