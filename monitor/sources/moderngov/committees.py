"""A ModernGov web service's committee list (`mgWebService.asmx/GetCommittees`) and the
committees a watchdog group follows, picked by title (pure parsing).

The answer's shape is confirmed on a real one (../shared/fixtures/moderngov/webservice/
lgsf_manchester_GetCommittees_committees.xml): <committees> holding <committee> elements with
<committeeid>, <committeetitle>, <committeedeleted> and <committeeexpired> ("True"/"False").
Deleted and expired committees are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from monitor.sources.moderngov.listing import XML_PARSER, text_of

#: what a group follows, in the order written, each with the titles that are it
FOLLOWED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("full council", re.compile(r"^(?:the |full |city |county |borough )?council$|^(?:full )?council meeting|^meeting of (?:the )?(?:full )?council$|^full council\b", re.I)),
    ("cabinet", re.compile(r"\bcabinet\b|^(?:the )?executive\b", re.I)),
    ("scrutiny", re.compile(r"\bscrutiny\b", re.I)),
    ("children's services", re.compile(r"\bchildren|\bcorporate parenting\b|\byoung people\b", re.I)),
    ("health", re.compile(r"\bhealth\b", re.I)),
    ("audit", re.compile(r"\baudit\b|\bgovernance\b", re.I)),
)
#: titles that look like a followed committee but are not one (staff appointments)
_NOT_FOLLOWED = re.compile(r"\bappointments?\b|\bemployment\b|\bpersonnel\b", re.I)


class NotACommitteeList(ValueError):
    """The answer is not a ModernGov committee list."""


@dataclass(frozen=True)
class Committee:
    """One committee of the list."""

    id: int
    title: str
    current: bool


def parse_committees(body: bytes) -> list[Committee]:
    """Every committee of a GetCommittees answer; NotACommitteeList for anything else."""
    try:
        root = etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotACommitteeList(f"the answer is not XML ({exc.msg})") from None
    if root is None or etree.QName(root).localname != "committees":
        raise NotACommitteeList("the answer is XML but not a <committees> list")
    out = []
    for node in root.iter("committee"):
        ident = text_of(node, "committeeid")
        if not ident.isdigit():
            raise NotACommitteeList(f"a committee has no numeric <committeeid> ({ident!r})")
        gone = text_of(node, "committeedeleted").casefold() == "true" or text_of(node, "committeeexpired").casefold() == "true"
        out.append(Committee(int(ident), text_of(node, "committeetitle"), not gone))
    return out


def followed(committees: list[Committee]) -> list[tuple[str, Committee]]:
    """(what it is, committee) for each current committee a group follows, in FOLLOWED's order."""
    picked: list[tuple[str, Committee]] = []
    seen: set[int] = set()
    for what, pattern in FOLLOWED:
        for committee in sorted(committees, key=lambda c: c.title.casefold()):
            if committee.current and committee.id not in seen and pattern.search(committee.title) and not _NOT_FOLLOWED.search(committee.title):
                picked.append((what, committee))
                seen.add(committee.id)
    return picked
