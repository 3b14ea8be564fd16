"""The words the public site writes: labels for verdict fields and document kinds, dates, the
verdict sentence a page leads with, each grade once with its change and where the document
says so, the meaningful facts of a document's metadata, and a source's problem in plain
English. Nothing here returns a field name, a configuration name or an error text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from monitor.deliver.labels import format_day, where_read
from monitor.profile import Profile
from monitor.site.data import SiteDocument, SiteSource, council_of
from monitor.sources import PROFILES, profile_of

#: words written in capitals wherever they appear in a label
ACRONYMS = {"send", "jtai", "ilacs", "dfe", "nhs", "gov.uk"}
_PAREN_DATE = re.compile(r"\s*\((?:\d{1,2} )?[A-Z][a-z]+ \d{4}\)")


def field_label(name: str) -> str:
    """"impact_of_leaders" -> "Impact of leaders"; "in_care" -> "Children in care": the words
    the publishers' profiles give (`field_labels`, as the emails and digest use them), else
    the name in sentence case."""
    for profile in PROFILES.values():
        if name in profile.field_labels:
            return profile.field_labels[name]
    return sentence_case(name.replace("_", " "))


def sentence_case(text: str) -> str:
    """First letter capital, known acronyms in capitals: "area send" -> "Area SEND"."""
    words = [w.upper() if w.casefold() in ACRONYMS else w for w in " ".join(text.split()).split(" ")]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]


@functools.lru_cache(maxsize=4096)  # a few dozen kinds, asked for by every row of every list
def kind_label(kind: str) -> str:
    """A document kind as a heading or filter reads it: "focused visit" -> "Focused visit"."""
    return sentence_case(kind) if kind else "Publication"


def day(value: date | datetime | None) -> str:
    """"4 March 2025" (or "date not given")."""
    if value is None:
        return "date not given"
    return format_day(value.date() if isinstance(value, datetime) else value)


def month(value: date) -> str:
    """"Mar 2025", for chart labels."""
    return value.strftime("%b %Y")


def grade_text(value: Any) -> str:
    """A verdict value as a sentence says it: "inadequate", "requires improvement", "upheld"."""
    text = " ".join(str(value or "").split())
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) < 2 else text


def badge_text(value: Any) -> str:
    """A verdict value as a badge shows it: "Inadequate", "Upheld"."""
    text = " ".join(str(value or "").split())
    return text[:1].upper() + text[1:]


def possessive(name: str) -> str:
    """"Ofsted" -> "Ofsted's"; "the CQC" -> "the CQC's"."""
    return name + ("'" if name.endswith("s") and not name.endswith("ss") else "'s")


def capital(text: str) -> str:
    """The sentence's first letter in capitals."""
    return text[:1].upper() + text[1:]


GRADE_CLASSES = ("grade-outstanding", "grade-good", "grade-requires-improvement", "grade-inadequate")


def level_css(profile: Profile, value: Any, field_name: str | None = None) -> str:
    """The CSS class of a verdict's colour, from its level on the kind's scale (best first).

    A decision's scale has one good level and the rest are fault found, so its levels are
    "level-0" (green: not upheld) to "level-3" (darkest red); a grade's scale has two good
    levels and two bad ones, so it takes the four grade colours (outstanding ... inadequate).
    So an upheld complaint is red and a closed one is not, whatever the publisher calls them."""
    scale = profile.scale_for(field_name)
    level = profile.level(str(value or ""), field_name)
    if level is None or not scale:
        return "level-none"
    step = level if len(scale) == 4 else round(3 * level / max(1, len(scale) - 1))
    if profile.verdicts == "decision":
        return f"level-{step}"
    return GRADE_CLASSES[step]


# -- the verdict ---------------------------------------------------------------------------


def verdict_fields(profile: Profile, meta: dict[str, Any]) -> dict[str, str]:
    """{field: value} of the verdict a document states, overall first; {} when it states none."""
    if not profile.verdicts:
        return {}
    raw = meta.get(profile.verdicts)
    if isinstance(raw, str) and raw.strip():
        return {profile.verdicts: raw.strip()}
    if not isinstance(raw, dict):
        return {}
    values = {str(k): str(v).strip() for k, v in raw.items() if isinstance(v, str) and v.strip()}
    return dict(sorted(values.items(), key=lambda kv: kv[0] != "overall"))


def subject_of(doc: SiteDocument) -> str:
    """Whom a document is about, shortest first: the council ("Harrow") when the provider is
    the council itself, else the provider or location, else the title before its colon."""
    meta = doc.meta
    for key in ("location_name", "provider_name", "provider", "authority", "local_authority"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            name = " ".join(value.split())
            council = council_of({"authority": name})
            return council if council and council != name and council in name else name
    return doc.title.split(":")[0].strip() or doc.title


def report_words(doc: SiteDocument, profile: Profile) -> str:
    """What kind of report it is, in a sentence: "children's services inspection"."""
    title = doc.title
    what = title.split(":", 1)[1] if ":" in title else (doc.kind or "report")
    what = _PAREN_DATE.sub("", what)
    what = re.sub(rf"^\s*{re.escape(profile.label)}\s+", "", what.strip(), flags=re.I)
    return grade_text(what.strip()) or "report"


@dataclass
class Judgement:
    """One verdict field of a document: its words, value, what it was, and where it is read."""

    field: str
    label: str
    value: str
    css: str
    was: str | None = None
    source: dict[str, Any] | None = None


def sources_of(doc: SiteDocument) -> dict[str, dict[str, Any]]:
    """meta.verdict_sources, keyed like the verdict fields, when the reader recorded them."""
    raw = doc.meta.get("verdict_sources")
    return {str(k): v for k, v in raw.items() if isinstance(v, dict)} if isinstance(raw, dict) else {}


def judgements(doc: SiteDocument, previous: SiteDocument | None) -> list[Judgement]:
    """Each verdict field of `doc` once, overall first, with what it was (in the previous
    report about the same provider, or in this report's earlier version) and its source."""
    profile = profile_of(doc.source_kind)
    current = verdict_fields(profile, doc.meta)
    before = verdict_fields(profile, previous.meta) if previous else {}
    earlier_version = verdict_fields(profile, doc.versions[-2].meta) if len(doc.versions) > 1 else {}
    sources = sources_of(doc)
    out = []
    for name, value in current.items():
        was = None
        if name in earlier_version and _same(earlier_version[name], value) is False:
            was = f"was {grade_text(earlier_version[name])} before the report was revised"
        elif previous is not None and name in before:
            year = previous.when.year
            was = f"also {grade_text(value)} in {year}" if _same(before[name], value) else f"was {grade_text(before[name])} in {year}"
        elif previous is not None:
            # judged together with another field before ("in_care_and_care_leavers" in 2020)
            combined = next((k for k in before if name in k.split("_and_")), None)
            if combined:
                was = f"{field_label(combined).lower()} together: {grade_text(before[combined])} in {previous.when.year}"
        label = "Decision" if name == profile.verdicts else field_label(name)
        out.append(Judgement(name, label, value, level_css(profile, value, name), was, sources.get(name)))
    return out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


#: how a decision's first words read as a verb ("upheld" -> "upheld a complaint about")
DECISION_VERBS = (
    ("not upheld", "did not uphold a complaint about {who}"),
    ("upheld", "upheld a complaint about {who}"),
    ("closed after initial enquiries", "closed a complaint about {who} after initial enquiries"),
    ("report issued", "issued a public report on a complaint about {who}"),
)


def verdict_sentence(doc: SiteDocument, verdict: list[Judgement], previous: SiteDocument | None) -> str:
    """The one sentence a page about `doc` leads with: the publisher, whom it is about, the
    verdict, what it was before and the date. "Ofsted's children's services inspection of
    Harrow: inadequate overall (good in 2020). Published 4 March 2025."""
    profile = profile_of(doc.source_kind)
    who = subject_of(doc)
    publisher = profile.sentence_name
    published = f"Published {day(doc.published)}." if doc.published else f"First seen {day(doc.first_seen)}."
    if not profile.verdicts:
        when = f"on {day(doc.published)}" if doc.published else f"(first seen by the monitor {day(doc.first_seen)})"
        return f"{capital(publisher)} published this {when}."
    decision = next((j for j in verdict if j.field == profile.verdicts), None)
    if decision is not None:
        area = _service_area(doc.meta)
        whom = f"{who} ({area})" if area else who
        text = grade_text(decision.value)
        folded = text.casefold()
        verb = next((v for start, v in DECISION_VERBS if folded.startswith(start)), None)
        qualifier = text.split(":", 1)[1].strip() if ":" in text else ""
        when = doc.meta.get("decision_date")
        dated = f"Decided {day(date.fromisoformat(when))}." if isinstance(when, str) and _iso(when) else published
        if verb:
            said = verb.format(who=whom) + (f" ({qualifier})" if qualifier else "")
            return f"{capital(publisher)} {said}. {dated}"
        return f"{capital(possessive(publisher))} decision on a complaint about {whom}: {text}. {dated}"
    overall = next((j for j in verdict if j.field == "overall"), None)
    what = report_words(doc, profile)
    if overall is None:
        return f"{capital(possessive(publisher))} {what} of {who}. {published}"
    before = ""
    if overall.was and overall.was.startswith("was "):
        before = f" ({overall.was[4:]})"
    elif overall.was and overall.was.startswith("also "):
        before = f" (as in {previous.when.year})" if previous else ""
    return f"{capital(possessive(publisher))} {what} of {who}: {grade_text(overall.value)} overall{before}. {published}"


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return len(text) == 10


def _service_area(meta: dict[str, Any]) -> str:
    parts = [grade_text(meta[k]) for k in ("category", "subcategory") if isinstance(meta.get(k), str) and meta[k].strip()]
    return ": ".join(parts)


def source_words(source: dict[str, Any] | None, profile: Profile) -> str | None:
    """Where a verdict was read, in words, by the emails' rule (deliver.labels.where_read):
    "page 1, the grade table" for a table row, the sentence or label quoted otherwise
    ("page 1: “Decision: Upheld”")."""
    how, page, text = where_read(source, profile)
    if how == "quote":
        return f"page {page}: “{text}”"
    if how == "table":
        return f"page {page}, the grade table"
    if how == "page":
        return f"page {page}"
    if how == "data":
        return "the publisher's data"
    return None


# -- the facts of a document ------------------------------------------------------------------


def _dates(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("start"), str) and isinstance(value.get("end"), str):
        try:
            start, end = date.fromisoformat(value["start"]), date.fromisoformat(value["end"])
        except ValueError:
            return None
        if start == end:
            return day(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day} to {day(end)}"
        return f"{day(start)} to {day(end)}"
    return None


def _text(value: Any) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _iso_day(value: Any) -> str | None:
    return day(date.fromisoformat(value[:10])) if isinstance(value, str) and _iso(value[:10]) else None


def _item(value: Any) -> str | None:
    if isinstance(value, dict) and _text(value.get("title")):
        number = _text(str(value.get("number") or ""))
        return f"{number}. {_text(value['title'])}" if number else _text(value["title"])
    return None


def _listed(value: Any) -> str | None:
    if isinstance(value, list):
        items = [" ".join(str(v).split()) for v in value if isinstance(v, str) and v.strip()]
        return ", ".join(items) or None
    return _text(value)


#: meta key -> (label, how its value reads); only these are shown, in this order: the rest
#: (keys, ids, slugs, timestamps, how a document was listed) means nothing to a reader
FACTS: tuple[tuple[str, str, Any], ...] = (
    ("inspection_dates", "Inspection dates", _dates),
    ("first_visit_date", "Inspection visit began", _iso_day),
    ("lead_inspector", "Lead inspector", _text),
    ("reference", "Case reference", _text),
    ("committee", "Committee", _text),
    ("meeting_date", "Meeting", _iso_day),
    ("agenda_item", "Agenda item", _item),
    ("service_types", "Type of service", _listed),
    ("organisations", "Issued by", _listed),
)


def facts(doc: SiteDocument, said: Said) -> list[tuple[str, str]]:
    """The document's meaningful metadata as (label, words), none repeating what the page
    already says."""
    shown = said.folded()
    meta = doc.meta
    rows: list[tuple[str, str]] = []
    area = _service_area(meta)
    if area:
        rows.append(("Service area", capital(area)))
    for key, label, read in FACTS:
        value = read(meta.get(key))
        if value and value.casefold() not in shown:
            rows.append((label, value))
    remedy = _text(meta.get("remedy"))
    if remedy and not said.has(remedy):
        rows.append(("Remedy agreed", remedy))
    return rows


_WORD = re.compile(r"[\w£%]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def sentences(text: str) -> list[str]:
    """A text's sentences."""
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 2 or w.isdigit() or "£" in w}


def similar(a: str, b: str) -> bool:
    """Whether two sentences state the same fact: most words of the shorter in the longer
    ("The Council will pay Miss Y £500 ..." and "The Council has agreed to pay Miss Y £500 ...")."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return a.strip().casefold() == b.strip().casefold()
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.75


class Said:
    """The sentences a page has already shown, so none is shown twice."""

    def __init__(self, texts: list[str] | None = None):
        self.texts: list[str] = []
        for text in texts or []:
            self.add(text)

    def has(self, sentence: str) -> bool:
        """Whether the page says this already (the same or nearly the same words)."""
        return any(similar(sentence, t) for t in self.texts)

    def add(self, text: str) -> None:
        """Record a text as shown."""
        self.texts += sentences(text)

    def folded(self) -> set[str]:
        """What has been shown, case folded."""
        return {t.casefold() for t in self.texts}


def summary_sentences(doc: SiteDocument, said: Said) -> list[dict[str, Any]]:
    """The document's own words, each fact once: the publisher's summary first (an
    Ombudsman's "Ms D complained about ..."), then its headline sentences with their pages;
    a sentence `said` already has, or nearly, is left out (and the rest added to it)."""
    out: list[dict[str, Any]] = []

    def add(text: str, page: Any) -> None:
        for sentence in sentences(text):
            if not said.has(sentence):
                said.add(sentence)
                out.append({"text": sentence, "page": page if isinstance(page, int) else None})

    for key in ("summary", "description"):
        if _text(doc.meta.get(key)):
            add(doc.meta[key], None)
    headline = doc.meta.get("headline")
    if isinstance(headline, list):
        for h in headline:
            if isinstance(h, dict) and _text(h.get("text")):
                add(h["text"], h.get("page"))
    return out


# -- a source's problem ---------------------------------------------------------------------------

#: a problem's health -> what it means, in a clause after the main sentence
HEALTH_WORDS = {
    "blocked": "the site refuses our requests",
    "broken": "its pages no longer read the way they did",
    "failing": "the site did not answer",
}


def problem_sentence(source: SiteSource, documents_noun: str) -> str:
    """"We have not been able to read the Ombudsman's site since 4 December 2026 (its pages no
    longer read the way they did); decisions published since then may be missing here."""
    publisher = profile_of(source.kind).sentence_name
    reason = HEALTH_WORDS.get(source.health)
    why = f" ({reason})" if reason else ""
    generic = documents_noun == "publications"
    if source.last_ok_at is None:
        missing = "what it publishes is" if generic else f"its {documents_noun} are"
        return f"We have not yet been able to read {possessive(publisher)} site{why}; {missing} missing here."
    since = "anything published since then" if generic else f"{documents_noun} published since then"
    return f"We have not been able to read {possessive(publisher)} site since {day(source.last_ok_at)}{why}; {since} may be missing here."


def plural(noun: str) -> str:
    """"decision" -> "decisions"; "inspection report" -> "inspection reports"."""
    if not noun:
        return "publications"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"
