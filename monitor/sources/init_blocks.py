"""What `monitor init` asks of a kind, and how its answer becomes sources.yaml text.

Each kind's profile names a `setup` function ("module:function", in the publisher's folder)
taking an `InitContext` (the registry's council, whether to probe, notes to tell the person)
and returning `SourceBlock`s: the source's keys in the order they are written, the comment
above it, and whether it is written active or commented out (a source that needs something
only a person can supply). The command renders them with `render_config`; it names no kind.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import yaml

from monitor.errors import MonitorError

if TYPE_CHECKING:
    from monitor.http.client import HttpClient
    from monitor.registry import Council

WIDTH = 96


class ProbeFailed(MonitorError):
    """A discovery that must not be passed over: an identifier the registry holds is stale (a
    committee-system address that no longer answers as one). `monitor init` writes nothing."""


@dataclass
class SourceBlock:
    """One source as `monitor init` writes it."""

    #: the source's keys, in the order they are written (name and kind first)
    keys: dict[str, Any]
    #: the comment above it: what it watches, what is confirmed, what to check
    comment: str
    #: False: written commented out, for a person to complete and uncomment
    active: bool = True

    @property
    def name(self) -> str:
        return str(self.keys["name"])


@dataclass
class InitContext:
    """What a kind's setup function is given for one council."""

    council: Council
    #: several councils in one file: names that would clash get the council's slug
    several: bool = False
    #: discover what only the live site knows (committee ids, an assessment's address)
    probe: bool = False
    #: the client a probe uses (None without --probe)
    http: HttpClient | None = None
    #: publisher folder -> where it lives instead of its real address (tests, a mirror)
    base_urls: dict[str, str] = field(default_factory=dict)
    #: plain sentences for the person: what was discovered, what could not be, and why
    notes: list[str] = field(default_factory=list)
    #: source names already written in this file (a kind's block may point to another's)
    written: dict[str, str] = field(default_factory=dict)

    def name(self, *parts: str) -> str:
        """A source name for this council: parts joined by "-" around the council's slug
        ("ofsted", "{council}", "childrens-services")."""
        return "-".join(self.council.slug if p == "{council}" else p for p in parts)

    def context_name(self, publisher: str) -> str:
        """The national-context source's name: "<publisher>-national-context" for one council,
        with the council's slug when the file holds several."""
        return f"{publisher}-{self.council.slug}-national-context" if self.several else f"{publisher}-national-context"

    def base_url(self, package: str, default: str | None = None) -> str | None:
        """Where a publisher is reached: the override given for its folder, else `default`."""
        return self.base_urls.get(package, default)

    def note(self, text: str) -> None:
        """Tell the person something (printed by `monitor init`)."""
        self.notes.append(text)


def landlord_names(council: Council) -> list[str]:
    """Every name a council may go by as a social landlord: the names seen in decisions where
    the registry has them, else its official name and "<name> Council"."""
    seen = council.identifier("landlord_names")
    if seen:
        return list(seen)
    names = [council.official_name]
    if f"{council.name} Council" != council.official_name:
        names.append(f"{council.name} Council")
    return names


# -- rendering ------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _./()'-]*$")


def scalar(value: Any) -> str:
    """A value as YAML: plain where it reads back the same, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float | date):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)


def _key_lines(key: str, value: Any, indent: str) -> list[str]:
    """One key as lines: a mapping in block style, a list of mappings one per line, a long
    sentence folded, anything else on the key's line."""
    if isinstance(value, dict) and value:
        return [f"{indent}{key}:"] + [f"{indent}  {scalar(k)}: {_flow(v)}" for k, v in value.items()]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"{indent}{key}:"] + [f"{indent}  - {_flow(v)}" for v in value]
    if isinstance(value, str) and len(value) > 60 and " " in value and "  " not in value:
        return [f"{indent}{key}: >-"] + [f"{indent}  {line}" for line in textwrap.wrap(value, WIDTH - len(indent) - 2, break_on_hyphens=False, break_long_words=False)]
    return [f"{indent}{key}: {_flow(value)}"]


def comment_lines(text: str, indent: str = "  ") -> list[str]:
    """A paragraph as "# " lines, wrapped."""
    lines = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, WIDTH - len(indent) - 2) or [""]
        lines += [f"{indent}# {line}".rstrip() for line in wrapped]
    return lines


def render_block(block: SourceBlock) -> str:
    """The block as it sits in the `sources:` list, with its comment above it."""
    body: list[str] = []
    for index, (key, value) in enumerate(block.keys.items()):
        lines = _key_lines(key, value, "    ")
        if index == 0:
            lines[0] = "  - " + lines[0][4:]
        body += lines
    if not block.active:
        body = [f"  # {line[2:]}" if line.startswith("  ") else f"# {line}" for line in body]
    return "\n".join(comment_lines(block.comment) + body)


SETTINGS = """settings:
  # Name yourself and a contact address: publishers block anonymous scripts first.
  user_agent: {user_agent}
  per_host_delay: 5          # seconds between two requests to one publisher
  timeout: 30                # seconds to wait for a server
  max_download_mb: 100
  # email:                   # uncomment to get alerts by email; the password comes only
  #   host: smtp.example.org #   from the environment variable MONITOR_SMTP_PASSWORD
  #   port: 587
  #   security: starttls
  #   username: alerts@example.org
  #   sender: alerts@example.org
  #   recipients: [coordinator@example.org]
  # digest: {{time: "07:00", email: false}}
"""


def render_config(sections: list[tuple[Council, list[SourceBlock]]], command: str) -> str:
    """A whole sources.yaml: the header, the settings, then each council's sources."""
    councils = [c for c, _ in sections]
    who = councils[0].official_name if len(councils) == 1 else f"{len(councils)} councils"
    group = f"{councils[0].name} watchdog group" if len(councils) == 1 else "watchdog group"
    lines = [
        f"# What report-monitor watches: {who}.",
        f"# Written by `{command}` from the council registry (docs/REGISTRY.md); edit it freely.",
        "#",
        "# Check it with `monitor check-config` (add --probe to fetch each listing once).",
        "# Every source takes: name (a-z, 0-9, -), kind, council (the registry's code), schedule",
        '# (cron, default "0 7 * * *"), enabled (default true), base_url, allowed_hosts, phrases,',
        "# severity. docs/reference/source-kinds.md and docs/publishers/ give each kind's own keys.",
        "",
        SETTINGS.format(user_agent=scalar(f"report-monitor/0.1 ({group}; set your contact email here)")),
        "sources:",
    ]
    for council, blocks in sections:
        if len(councils) > 1:
            lines += ["", *comment_lines(f"== {council.describe()} ==")]
        for block in blocks:
            lines += ["", render_block(block)]
    return "\n".join(lines) + "\n"


Setup = Callable[[InitContext], list[SourceBlock]]
