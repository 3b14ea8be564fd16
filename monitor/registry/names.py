"""Council names as compared: one spelling for "King's Lynn & West Norfolk" and "kings lynn and
west norfolk", and the core of a name without "London Borough of" or "County Council".

Shared by the build (which stores each council's variants in this form) and the lookup (which
reduces what a person typed the same way), so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata

#: words around a council's name that say what kind of council it is, not which
_PREFIX = re.compile(
    r"^(?:the\s+)?(?:council\s+of\s+(?:the\s+)?|"
    r"(?:(?:royal|london|metropolitan|city|county)\s+)*(?:borough|district|city|county)\s+(?:council\s+)?of\s+)"
)
_SUFFIX = re.compile(
    r"\s+(?:(?:metropolitan|royal|city|county|district|borough|london|unitary)\s+)*"
    r"(?:council|corporation|authority|ua|district|borough|county)$"
)


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, "&" as "and", anything else not a letter or
    a digit as one space: "King's Lynn & West Norfolk" -> "kings lynn and west norfolk"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def core(text: str) -> str:
    """A normalised name without the words naming the kind of council: "London Borough of
    Harrow" and "Harrow Council" both give "harrow"; "Kingston upon Hull, City of" gives
    "kingston upon hull"."""
    name = normalise(text)
    name = re.sub(r"\s+(?:city|county)\s+of$", "", name)
    for _ in range(2):
        name = _PREFIX.sub("", name)
        name = _SUFFIX.sub("", name)
    return name.strip()


def slug(text: str) -> str:
    """A name as a source name part: "Bournemouth, Christchurch and Poole" ->
    "bournemouth-christchurch-and-poole"."""
    return normalise(text).replace(" ", "-")
