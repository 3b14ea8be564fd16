"""What every channel writes the same way: publisher and judgement labels (from each kind's
profile), the names of councils, numbers and lists in words, text on one line, safe URLs, days.

Email, digest, feed and the site all use these; monitor/deliver/summary.py builds the
sentences about a document from them, monitor/deliver/render.py the views of the templates.
Nothing here returns a config name, a field name or an event type: these are the labels a
person reads.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.profile import Profile
from monitor.sources import profile_of

SEVERITY_RANK = {"urgent": 0, "normal": 1, "info": 2}
#: what a person calls each kind of event (never the event type's own name)
TYPE_LABELS = {
    "new_document": "New report",
    "changed": "Changed",
    "removed": "Removed",
    "rating_change": "Grade changed",
    "phrase_match": "Words you asked about",
    "source_broken": "Source not readable",
    "cross_check_mismatch": "Two sources disagree",
    "listing_incomplete": "Listing read in part",
    "response": "Council's answer",
    "source_failing": "Source not answering",
    "source_error": "Source problem",
    "source_recovered": "Source working again",
}
PROBLEM_TYPES = {
    "source_error",
    "source_failing",
    "source_broken",
    "source_recovered",
    "cross_check_mismatch",
    "listing_incomplete",
}
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
#: how the names of English councils begin and end; "London Borough of Harrow" is "Harrow"
_COUNCIL_PREFIX = re.compile(
    r"^(?:the )?(?:(?:London|Royal|Metropolitan|County) Borough of |Borough of |City of |County of |Council of (?:the )?)",
    re.I,
)
_COUNCIL_SUFFIX = re.compile(
    r"\s+(?:(?:Metropolitan |Royal )?(?:Borough|City|County|District|Unitary|Town) )?Council$",
    re.I,
)


def publisher_label(source_kind: str | None) -> str:
    """"Ofsted", "CQC", "Ombudsman", "Housing Ombudsman" ... for a source kind (its profile's label)."""
    return profile_of(source_kind).label


def publisher_order(source_kind: str | None) -> tuple[int, str]:
    """Where a kind's publisher sorts (inspectorates first), as its profile says."""
    return (profile_of(source_kind).order, source_kind or "")


def publisher_in_sentence(profile: Profile, start: bool = False) -> str:
    """The publisher inside a sentence ("the CQC"), capitalised when it starts one ("The CQC")."""
    name = profile.sentence_name
    return capitalise(name) if start else name


def field_label(field: str, profile: Profile | None = None) -> str:
    """A verdict field for people: the profile's label ("in_care" -> "Children in care"), or
    the field's own words ("well-led" -> "Well-led", "safe" -> "Safe")."""
    if profile is not None and field in profile.field_labels:
        return profile.field_labels[field]
    return capitalise(" ".join(str(field).replace("_", " ").split()))


def field_in_sentence(field: str, profile: Profile | None = None) -> str:
    """A verdict field inside a sentence: "care leavers", "children in care", "area SEND outcome"."""
    return lower_first(field_label(field, profile))


def grade_words(value: Any) -> str:
    """A grade or outcome as a sentence says it: "Inadequate" -> "inadequate", "Upheld" -> "upheld"."""
    return lower_first(one_line(value))


def capitalise(text: str) -> str:
    """The first letter upper case, the rest as written."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The first letter lower case, unless the first word is an acronym ("SEND", "CQC").

    Only for words in sentence case: a title in title case ("Revenue Budget Report") keeps
    its capitals, or it would read "revenue Budget Report"."""
    if len(text) > 1 and text[1].isupper():
        return text
    if not sentence_case(text):
        return text
    return text[:1].lower() + text[1:]


def sentence_case(text: str) -> bool:
    """Whether no word after the first starts with a capital, acronyms ("SEND") aside."""
    for word in text.split()[1:]:
        letters = [c for c in word if c.isalpha()]
        if letters and letters[0].isupper() and not all(c.isupper() for c in letters):
            return False
    return True


def short_council(name: str | None) -> str | None:
    """A council as people name it: "London Borough of Harrow" -> "Harrow", "Harrow Council"
    -> "Harrow"; any other name (a care home, a committee) unchanged."""
    if not name:
        return None
    value = one_line(name)
    shorter = _COUNCIL_SUFFIX.sub("", _COUNCIL_PREFIX.sub("", value)).strip()
    return shorter or value


def possessive(name: str) -> str:
    """"Harrow" -> "Harrow's"."""
    return f"{name}'" if name.endswith("'") else f"{name}'s"


def number_words(count: int) -> str:
    """1 -> "one" ... 12 -> "twelve", then digits."""
    return _NUMBERS[count] if 0 <= count < len(_NUMBERS) else str(count)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """"one decision", "two decisions"."""
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{number_words(count)} {noun}"


def times(count: int) -> str:
    """"once", "twice", "6 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def join_words(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def article(phrase: str) -> str:
    """"a focused visit", "an inspection"."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def one_line(text: Any, limit: int = 0) -> str:
    """Text on one line (no header injection, no broken subjects), cut at `limit` with an ellipsis."""
    value = " ".join(str(text if text is not None else "").split())
    if limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def cut_words(text: str, limit: int) -> str:
    """Text shortened to `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:—-.") + "…"


def safe_url(url: Any) -> str | None:
    """The URL if it is http(s), with spaces and brackets encoded; None otherwise (javascript:, data:)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


@functools.lru_cache(maxsize=8192)  # strftime is slow, and a list of thousands has few days
def format_day(value: date) -> str:
    """"4 March 2025"."""
    return f"{value.day} {value:%B %Y}"


def month_year(value: date) -> str:
    """"March 2025"."""
    return f"{value:%B %Y}"


def event_time(event: dict[str, Any]) -> datetime | None:
    """The event's created_at as a datetime, or None if unreadable."""
    try:
        return datetime.fromisoformat(str(event.get("created_at") or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def meta_of(event: dict[str, Any]) -> dict[str, Any]:
    """The document meta an event carries (details.meta), or {}."""
    meta = (event.get("details") or {}).get("meta")
    return meta if isinstance(meta, dict) else {}


def provider_of(event: dict[str, Any]) -> str | None:
    """Whom the event is about: meta.provider / committee / authority, or a rating change's provider."""
    meta = meta_of(event)
    for key in ("provider", "location_name", "committee", "authority", "local_authority"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return one_line(meta[key])
    details = event.get("details") or {}
    for key in ("provider_name", "provider"):
        value = details.get(key)
        # a grade change's `provider` is what it belongs to: a name, or an id ("80499")
        if isinstance(value, str) and value.strip() and not any(c.isdigit() for c in value):
            return one_line(value)
    return None


def council_of(event: dict[str, Any]) -> str | None:
    """Whom the event is about, as people name it: "Harrow" for "London Borough of Harrow"."""
    return short_council(provider_of(event))


def where_read(source: Any, profile: Profile) -> tuple[str, int | None, str]:
    """How a verdict's recorded source (meta.verdict_sources) is told, for every channel:
    ("quote", page, words) for a sentence, or the label a decision stands under ("Decision:
    Upheld"); ("table", page, "") for a row of a grade table, whose words are the grade already
    said; ("page", page, "") with no words; ("data", None, "") for a structured answer; else
    ("", None, "")."""
    if not isinstance(source, dict):
        return "", None, ""
    page = source.get("page")
    if isinstance(page, int) and not isinstance(page, bool) and page > 0:
        text = " ".join(str(source.get("text") or "").replace(" :", ":").split())
        if not text:
            return "page", page, ""
        if text[-1:] in ".!?\u201d\"" or profile.verdicts == "decision":
            return "quote", page, text
        return "table", page, ""
    if source.get("url"):
        return "data", None, ""
    return "", None, ""
