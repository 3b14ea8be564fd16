"""Which council a document is about, and which councils a configuration watches.

`monitor responses` lists findings about the watched council only: a national search (every
DfE improvement notice on GOV.UK, say) stores other councils' notices too, and the council
we watch owes no answer to those. A council is known by its core name, folded
("London Borough of Harrow", "Harrow Council" and "Harrow" are all `harrow`).

- The watched councils are named in the configuration (a source's `authority`, `council`,
  `local_authority`, `local_authorities` or `landlords` setting, whatever its kind) and in
  the meta of the documents the finding sources stored (`local_authority`, `authority`,
  `landlord`: the publisher's own statement of whom a report is about).
- A document is about another council when its meta names a council that is not watched, or
  when it has no such meta and its title (or its publication's title or description) names
  councils ("Halton Borough Council", "London Borough of Havering") none of which is
  watched. A document that names no council at all is kept: nothing says it is another's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: meta keys in which a publisher states the council a document is about
META_KEYS = ("local_authority", "authority", "landlord")
#: source settings that name the council a source watches, whatever the source's kind
SETTING_KEYS = ("authority", "council", "local_authority", "local_authorities", "landlords")
#: meta keys whose text may name the council of a document without a council key
TEXT_KEYS = ("publication_title", "description")

_PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:london|royal|metropolitan|county)\s+)?(?:borough|city|county|district)\s+(?:council\s+)?of\s+",
    re.I,
)
_SUFFIX = re.compile(
    r"\s+(?:(?:london|metropolitan)\s+)?(?:(?:borough|city|county|district)\s+)?council$|\s+(?:borough|county)$",
    re.I,
)
_NAME = r"[A-Z][\w'’-]*(?:\s+(?:upon|on|and|in|&|of|the)?\s*[A-Z][\w'’-]*)*"
#: a council as a title writes it: "London Borough of Havering", "Royal Borough of Kingston
#: upon Thames", "City of York Council", "Halton Borough Council", "Cheshire East Council"
_IN_TEXT = re.compile(
    rf"\b(?:(?:London|Royal|Metropolitan)\s+)?Borough\s+of\s+(?P<of>{_NAME})"
    rf"|\bCity\s+of\s+(?P<city>{_NAME})\s+Council\b"
    rf"|(?P<named>{_NAME})\s+(?:(?:Metropolitan\s+)?Borough\s+|City\s+|County\s+|District\s+)?Council\b"
)
_LEADING_WORDS = re.compile(r"^(?:(?:Improvement|Notice|Issued|Revised|Direction|Directions|To|The|And|For)\s+)+", re.I)
#: words that stand before "Council" without naming one ("The Council has agreed")
_NOT_NAMES = {"the", "a", "this", "that", "our", "your", "each", "every", "any", "county", "city", "borough", "district"}


def core_name(name: str) -> str:
    """A council's name folded to its core: "London Borough of Harrow" -> "harrow"."""
    text = str(name).replace("’", "'")
    if " " not in text.strip():
        text = text.replace("-", " ")  # a slug: "london-borough-of-harrow"
    text = " ".join(text.split())
    text = _PREFIX.sub("", text)
    text = _SUFFIX.sub("", text)
    return text.casefold().strip()


def named_in(text: str) -> set[str]:
    """The councils a title or sentence names, as core names ("Improvement notice issued to
    Halton Borough Council" -> {"halton"})."""
    found = set()
    for match in _IN_TEXT.finditer(text or ""):
        name = match.group("of") or match.group("city") or match.group("named") or ""
        # "Improvement Notice Issued To Halton Borough Council": the capitalised words before
        # the name are not part of it
        name = _LEADING_WORDS.sub("", name)
        core = core_name(name)
        if core and core not in _NOT_NAMES:
            found.add(core)
    return found


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str):
                yield item


def configured(settings_of_sources: Iterable[Any]) -> set[str]:
    """Core names of the councils the sources' settings name (any kind's `authority`, ...)."""
    names = set()
    for settings in settings_of_sources:
        for key in SETTING_KEYS:
            for value in _strings(getattr(settings, key, None)):
                if value.strip():
                    names.add(core_name(value))
    return names


def stated_by(meta: dict[str, Any]) -> set[str]:
    """Core names of the councils a document's meta says it is about."""
    return {core_name(v) for key in META_KEYS for v in _strings(meta.get(key)) if v.strip()}


def about_watched(title: str, meta: dict[str, Any], watched: set[str]) -> bool:
    """Whether a document is about a watched council, or names no council at all."""
    if not watched:
        return True  # nothing says which council is watched: keep everything
    stated = stated_by(meta)
    if stated:
        return bool(stated & watched)
    named = named_in(title)
    for key in TEXT_KEYS:
        named |= named_in(str(meta.get(key) or ""))
    return not named or bool(named & watched) or any(_same(n, w) for n in named for w in watched)


def _same(named: str, watched: str) -> bool:
    """"kingston upon thames" and "kingston": one name is the other's first words."""
    a, b = named.split(), watched.split()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return bool(shorter) and longer[: len(shorter)] == shorter
