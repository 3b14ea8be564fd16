"""Every English council and its identifiers at each publisher: the registry.

The data is monitor/registry/councils.json, built by `python -m monitor.registry.build` from
public datasets named (with their licences) in its header and in docs/REGISTRY.md. This module
reads it and finds a council from any spelling a person would type: "Harrow", "London Borough
of Harrow", "HRW", "E09000015", "310".

The registry names no publisher: what a publisher needs of a council (its Ofsted URN, the
Ombudsman's spelling) is read by that publisher's own folder from `Council.identifiers`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from monitor.registry.names import core, normalise

DATA = Path(__file__).parent / "councils.json"


@dataclass(frozen=True)
class Council:
    """One council as the registry knows it."""

    code: str
    gss: str
    dfe: str | None
    name: str
    official_name: str
    slug: str
    type: str
    region: str
    social_care: bool
    housing: bool
    statistical_neighbours: tuple[str, ...]
    identifiers: dict[str, Any] = field(hash=False, compare=False)
    variants: tuple[str, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def codes(self) -> dict[str, str | None]:
        """{"gss", "dfe", "code"}: the council's codes."""
        return {"gss": self.gss, "dfe": self.dfe, "code": self.code}

    def identifier(self, key: str, default: Any = None) -> Any:
        """One identifier (`ofsted_urn`, `committee_url`, ...), or `default` when not known."""
        return self.identifiers.get(key, default)

    def neighbours(self) -> list[Council]:
        """The council's statistical neighbours (the DfE's ten, for councils with children's services)."""
        return [by_code(code) for code in self.statistical_neighbours]

    def describe(self) -> str:
        """"London Borough of Harrow (HRW; E09000015; DfE 310; London borough, London)"."""
        codes = "; ".join(c for c in (self.code, self.gss, f"DfE {self.dfe}" if self.dfe else None) if c)
        return f"{self.official_name} ({codes}; {self.type}, {self.region})"


class CouncilNotFound(LookupError):
    """No council, or more than one, answers to what was typed; `matches` are the closest."""

    def __init__(self, text: str, matches: list[Council], ambiguous: bool = False):
        self.text = text
        self.matches = matches
        self.ambiguous = ambiguous
        if ambiguous:
            message = f"{text!r} could be more than one council"
        else:
            message = f"no council called {text!r} in the registry"
        if matches:
            message += "; the closest: " + "; ".join(f"{c.official_name} ({c.code})" for c in matches)
        super().__init__(message)


@dataclass(frozen=True)
class _Index:
    councils: tuple[Council, ...]
    by_code: dict[str, Council]
    by_gss: dict[str, Council]
    by_dfe: dict[str, Council]
    by_variant: dict[str, tuple[Council, ...]]
    by_core: dict[str, tuple[Council, ...]]
    header: dict[str, Any]


@cache
def _index() -> _Index:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    councils = tuple(
        Council(
            code=c["code"],
            gss=c["gss"],
            dfe=c["dfe"],
            name=c["name"],
            official_name=c["official_name"],
            slug=c["slug"],
            type=c["type"],
            region=c["region"],
            social_care=c["social_care"],
            housing=c["housing"],
            statistical_neighbours=tuple(c["statistical_neighbours"]),
            identifiers=c["identifiers"],
            variants=tuple(c["variants"]),
            evidence=c.get("evidence", {}),
        )
        for c in data["councils"]
    )
    variants: dict[str, list[Council]] = {}
    cores: dict[str, list[Council]] = {}
    for council in councils:
        for variant in {*council.variants, normalise(council.name), normalise(council.official_name)}:
            variants.setdefault(variant, []).append(council)
            cores.setdefault(core(variant), []).append(council)
    return _Index(
        councils=councils,
        by_code={c.code: c for c in councils},
        by_gss={c.gss: c for c in councils},
        by_dfe={c.dfe: c for c in councils if c.dfe},
        by_variant={k: tuple(dict.fromkeys(v)) for k, v in variants.items()},
        by_core={k: tuple(dict.fromkeys(v)) for k, v in cores.items() if k},
        header={k: v for k, v in data.items() if k != "councils"},
    )


def councils() -> tuple[Council, ...]:
    """Every council, by code."""
    return _index().councils


def about() -> dict[str, Any]:
    """The data file's header: its sources and licences, notes and counts."""
    return _index().header


def by_code(code: str) -> Council:
    """The council with this three-letter code; KeyError when there is none."""
    return _index().by_code[code.upper()]


def find(text: str) -> Council:
    """The one council `text` names: its three-letter code, GSS code, DfE code, or any name or
    spelling of it ("Harrow", "London Borough of Harrow", "harrow council", "london-borough-of-harrow").

    CouncilNotFound (with the closest councils) when none or several answer to it."""
    index = _index()
    raw = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", raw) and raw.upper() in index.by_code:
        return index.by_code[raw.upper()]
    if re.fullmatch(r"[EWSN]\d{8}", raw.upper()) and raw.upper() in index.by_gss:
        return index.by_gss[raw.upper()]
    if raw.isdigit() and raw in index.by_dfe:
        return index.by_dfe[raw]
    wanted = normalise(raw)
    for table, key in ((index.by_variant, wanted), (index.by_core, core(raw))):
        found = table.get(key, ())
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise CouncilNotFound(text, list(found), ambiguous=True)
    near = closest(raw)
    # a part of two or more councils' names ("Kingston") could be either of them
    containing = [c for c in near if core(raw) and any(core(raw) in v for v in c.variants)]
    raise CouncilNotFound(text, near, ambiguous=len(containing) > 1)


def closest(text: str, limit: int = 5) -> list[Council]:
    """The councils whose names look most like `text`: names containing it first, then the
    most alike by spelling."""
    index = _index()
    wanted, wanted_core = normalise(text), core(text)
    if not wanted:
        return []
    containing = [c for c in index.councils if wanted_core and any(wanted_core in v for v in c.variants)]
    if len(containing) > limit:
        containing = sorted(containing, key=lambda c: -difflib.SequenceMatcher(None, wanted_core, core(c.name)).ratio())
    if containing:
        return containing[:limit]
    alike = difflib.get_close_matches(wanted_core or wanted, list(index.by_core), n=limit * 2, cutoff=0.6)
    return list(dict.fromkeys(c for key in alike for c in index.by_core[key]))[:limit]


def search(text: str) -> list[Council]:
    """Councils any of whose names or codes contains `text` (all councils for empty text)."""
    wanted = normalise(text)
    if not wanted:
        return list(councils())
    upper = text.strip().upper()
    return [
        c
        for c in councils()
        if upper in (c.code, c.gss, c.dfe) or any(wanted in v for v in c.variants) or wanted in normalise(c.region)
    ]


__all__ = ["Council", "CouncilNotFound", "about", "by_code", "closest", "councils", "find", "search"]


def source_councils(sources: Any) -> dict[str, str]:
    """Source name -> the name of the council it is about ("Harrow"), from each configured
    source's `council:` code; a code the registry does not hold is kept as it is."""
    out: dict[str, str] = {}
    for src in sources:
        code = getattr(src.common, "council", None)
        if code:
            try:
                out[src.name] = by_code(code).name
            except LookupError:
                out[src.name] = str(code)
    return out
