"""sources.yaml + environment -> a validated Config.

Every error names the file, the line and the key path, and says what was expected.
Unknown keys are errors: a misspelt key silently ignored is a source silently unwatched.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.deliver.channels import URL_SHAPE, channels_of
from monitor.deliver.settings import DigestSettings, EmailSettings, smtp_password
from monitor.detect.phrases import PhraseRule
from monitor.errors import ConfigError
from monitor.http.types import DEFAULT_USER_AGENT, HttpSettings
from monitor.sources import REGISTRY, Source, SourceSettings, source_class

DEFAULT_SCHEDULE = "0 7 * * *"
COMMON_SOURCE_KEYS = {
    "name",
    "kind",
    "schedule",
    "enabled",
    "base_url",
    "allowed_hosts",
    "phrases",
    "severity",
    "recheck_days",
    "baseline_alerts",
    "description",
    "role",
    "council",
}
Severity = Literal["urgent", "normal", "info"]


def _check_cron(value: str) -> str:
    from monitor.schedule import cron_trigger

    if len(value.split()) != 5:
        raise ValueError(f"expected a 5-field cron expression like {DEFAULT_SCHEDULE!r}, got {value!r}")
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    return value


class ResponseSettings(BaseModel):
    """How council answers are linked to findings (`settings.responses`)."""

    model_config = ConfigDict(extra="forbid")
    #: a paper naming a finding's topic without a date answers the newest finding of that
    #: topic only if it came at most this many days after it
    window_days: int = Field(180, ge=1)
    #: a finding with no answer after this many days is flagged in the digest
    unanswered_days: int = Field(90, ge=1)
    #: an answer is expected within this many days of a finding's publication: an older
    #: finding nobody answered is the record, not a gap (`monitor responses --all` shows it)
    horizon_days: int = Field(365, ge=1)


class Settings(BaseModel):
    """The `settings:` mapping of sources.yaml."""

    model_config = ConfigDict(extra="forbid")
    user_agent: str = DEFAULT_USER_AGENT
    per_host_delay: float = Field(5.0, ge=0)
    #: how many hosts a pass works on at once: `auto` (what the machine can hold open; each
    #: host still asked at most once per per_host_delay) or a number
    parallel_hosts: int | Literal["auto"] = "auto"
    timeout: float = Field(30.0, gt=0)
    #: a whole download must finish within this many seconds (a server dribbling bytes)
    download_deadline: float = Field(600.0, gt=0)
    max_download_mb: float = Field(100.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    retry_backoff: float = Field(2.0, ge=0)
    respect_robots: bool = True
    #: how often a known document is re-verified with a conditional request
    recheck_days: float = Field(7.0, ge=0)
    extract_timeout: float = Field(120.0, gt=0)
    extract_memory_mb: int = Field(1024, ge=128)
    pdf_extractor: Literal["pypdfium2", "pdfplumber"] = "pypdfium2"
    #: alert on the documents found by a source's first pass (normally they are the baseline)
    baseline_alerts: bool = False
    #: consecutive failed passes before one source_failing alert
    failure_threshold: int = Field(3, ge=1)
    #: hours without a successful pass before one source_failing alert
    failure_hours: float = Field(48.0, gt=0)
    email: EmailSettings | None = None
    phrases: list[PhraseRule] | None = None
    digest: DigestSettings = DigestSettings()
    responses: ResponseSettings = ResponseSettings()
    #: chat and push channels for urgent alerts, as Apprise URLs whose secrets are `${NAME}`
    #: references to environment variables (docs/CHANNELS.md)
    notify: list[str] = []
    feed_size: int = Field(50, ge=1)
    feed_title: str = "report-monitor"
    feed_link: str = "https://example.invalid/report-monitor"

    @field_validator("parallel_hosts", mode="before")
    @classmethod
    def _lanes(cls, value: object) -> int | str:
        if value == "auto":
            return "auto"
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1024:
            return value
        raise ValueError("expected `auto` or a whole number from 1 to 1024")

    @field_validator("notify")
    @classmethod
    def _channel_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not URL_SHAPE.match(url):
                raise ValueError(
                    f"{url!r} is not a channel URL: expected an Apprise URL such as "
                    "tgram://${MONITOR_TELEGRAM_TOKEN}/CHAT_ID or json://host/path (see docs/CHANNELS.md)"
                )
        return value

    def http_settings(self) -> HttpSettings:
        """The HTTP client's settings."""
        return HttpSettings(
            user_agent=self.user_agent,
            per_host_delay=self.per_host_delay,
            timeout=self.timeout,
            download_deadline=self.download_deadline,
            max_download_bytes=int(self.max_download_mb * 1024 * 1024),
            retries=self.retries,
            retry_backoff=self.retry_backoff,
            respect_robots=self.respect_robots,
        )


class SourceCommon(BaseModel):
    """The keys every source has, whatever its kind."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: str
    schedule: str = DEFAULT_SCHEDULE
    enabled: bool = True
    base_url: str | None = None
    allowed_hosts: list[str] = []
    phrases: list[PhraseRule] = []
    severity: Severity | None = None
    recheck_days: float | None = Field(None, ge=0)
    baseline_alerts: bool | None = None
    description: str | None = None
    #: finding (holds the council to account), answer (the council's papers and news) or none;
    #: by default from the kind (monitor/responses.py)
    role: Literal["finding", "answer", "none"] | None = None
    #: the council the source is about: the registry's three-letter code ("HRW"); any spelling
    #: the registry knows ("Harrow", "E09000015") is accepted and kept as the code
    council: str | None = None

    @field_validator("council")
    @classmethod
    def _registered_council(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from monitor.registry import CouncilNotFound, find

        try:
            return find(str(value)).code
        except CouncilNotFound as exc:
            raise ValueError(f"{exc} (`monitor councils --search NAME` lists the registry's spellings)") from None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in REGISTRY:
            raise ValueError(f"unknown kind {value!r}; expected one of: {', '.join(sorted(REGISTRY))}")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        return _check_cron(value)

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value


@dataclass
class SourceConfig:
    """One validated source: its common keys and its kind's own settings."""

    common: SourceCommon
    settings: SourceSettings
    line: int | None = None

    @property
    def name(self) -> str:
        return self.common.name

    @property
    def kind(self) -> str:
        return self.common.kind

    @property
    def source_class(self) -> type[Source]:
        return source_class(self.common.kind)


@dataclass
class Config:
    """Everything a pass needs to know, validated."""

    path: Path
    settings: Settings
    sources: list[SourceConfig]
    data_dir: Path
    database_url: str
    warnings: list[str] = field(default_factory=list)

    def source(self, name: str) -> SourceConfig:
        """The source called `name`; ConfigError naming the known ones if absent."""
        for src in self.sources:
            if src.name == name:
                return src
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {name!r} (sources: {known})")


# -- what check-config and doctor warn about ---------------------------------------------

#: words that only a user agent nobody edited holds
_PLACEHOLDER = re.compile(r"your contact|contact email here|set settings\.user_agent|example\.(?:org|com|invalid)", re.I)


def placeholder_user_agent(user_agent: str) -> bool:
    """Whether `user_agent` is still the shipped placeholder (or names no way to reach anyone)."""
    if user_agent == DEFAULT_USER_AGENT or _PLACEHOLDER.search(user_agent):
        return True
    return "@" not in user_agent and "http" not in user_agent


def setup_warnings(settings: Settings) -> list[str]:
    """What a person setting the monitor up must know: alerts with nowhere to go, a
    placeholder user agent, a channel or mail login that cannot work as configured."""
    warnings = []
    if settings.email is None and not settings.notify:
        warnings.append(
            "urgent alerts go nowhere: neither email (settings.email) nor a chat channel (settings.notify) "
            "is set up, so alerts are only stored (see docs/CHANNELS.md)"
        )
    if settings.email is not None and settings.email.username and not smtp_password():
        warnings.append(
            "settings.email has a username but MONITOR_SMTP_PASSWORD is not set: the mail server will refuse the alerts"
        )
    for index, channel in enumerate(channels_of(settings)):
        missing = channel.missing()
        if missing:
            warnings.append(
                f"settings.notify[{index}]: {', '.join(missing)} is not set in the environment: "
                "alerts cannot be sent to this channel"
            )
    if placeholder_user_agent(settings.user_agent):
        warnings.append(
            "settings.user_agent still holds its placeholder: put your group's name and a contact email in it, "
            "or publishers may block the monitor"
        )
    return warnings


# -- locating errors in the YAML ---------------------------------------------------------


#: libyaml's parser when PyYAML was built with it (several times quicker), else PyYAML's own
_FAST_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """The composed node (for line numbers) and the data of a YAML text, parsed once.

    A text libyaml refuses is parsed again by PyYAML's own loader, so a broken file is
    described in the words it always was (libyaml words some problems, and places some marks,
    differently)."""
    try:
        return _compose_with(_FAST_LOADER, text)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
        return _compose_with(yaml.SafeLoader, text)


def _compose_with(loader_class: type, text: str) -> tuple[yaml.Node | None, object]:
    # what yaml.safe_load does, keeping the node it constructs the data from
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Key path -> 1-based line of every node in a composed YAML document."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
            out[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), out)
    return out


def _format_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_of(lines: dict[tuple, int], path: tuple) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _validation_messages(exc: ValidationError, prefix: tuple) -> list[tuple[tuple, str]]:
    messages = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        msg = error["msg"]
        if error["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling; see docs/reference/configuration.md for the keys this kind takes)"
        elif error["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = msg.removeprefix("Value error, ")
            if "input" in error and error["type"] not in ("model_type",):
                msg += f" (got {error['input']!r})"
        messages.append((prefix + loc, msg))
    return messages


# -- loading -------------------------------------------------------------------------------


def council_of(code: str | None):  # type: ignore[no-untyped-def]
    """The registry's council for a source's `council:` code, or None."""
    if not code:
        return None
    from monitor.registry import by_code

    return by_code(code)


def resolve_config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config, else MONITOR_CONFIG, else ./sources.yaml."""
    return Path(explicit or os.environ.get("MONITOR_CONFIG") or "sources.yaml")


def resolve_data_dir() -> Path:
    """MONITOR_DATA_DIR, else ./data."""
    return Path(os.environ.get("MONITOR_DATA_DIR") or "data")


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read and validate sources.yaml; ConfigError lists every problem with file, line and key."""
    config_path = resolve_config_path(path)
    try:
        text = config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{config_path}: no such file (pass --config PATH, set MONITOR_CONFIG, or create sources.yaml)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_path}: cannot read: {exc}") from None
    return parse_config(text, config_path)


def parse_config(text: str, config_path: Path) -> Config:
    """Validate the text of a sources.yaml (named `config_path` in errors)."""
    try:
        node, raw = _compose_and_construct(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark:
            problem += f" ({context} started at line {context_mark.line + 1})"
        raise ConfigError(f"{config_path}{where}: not valid YAML: {problem}") from None
    lines = _line_map(node) if node is not None else {}
    problems: list[tuple[tuple, str]] = []

    def fail() -> ConfigError:
        rendered = [
            f"{config_path}:{_line_of(lines, path) or '?'}: {_format_path(path)}: {msg}" for path, msg in problems
        ]
        return ConfigError("\n".join(rendered))

    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(((), "expected a mapping with `settings:` and `sources:`"))
        raise fail()
    for key in raw:
        if key not in ("settings", "sources"):
            problems.append(((key,), "unknown top-level key; expected `settings` or `sources`"))

    settings_raw = raw.get("settings") or {}
    settings = Settings()
    if not isinstance(settings_raw, dict):
        problems.append((("settings",), "expected a mapping"))
    else:
        try:
            settings = Settings(**settings_raw)
        except ValidationError as exc:
            problems.extend(_validation_messages(exc, ("settings",)))

    sources_raw = raw.get("sources")
    sources: list[SourceConfig] = []
    warnings: list[str] = []
    if sources_raw is None:
        sources_raw = []
    if not isinstance(sources_raw, list):
        problems.append((("sources",), "expected a list of sources"))
        sources_raw = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(sources_raw):
        prefix = ("sources", index)
        if not isinstance(entry, dict):
            problems.append((prefix, "expected a mapping with at least `name` and `kind`"))
            continue
        common_raw = {k: v for k, v in entry.items() if k in COMMON_SOURCE_KEYS}
        kind_raw = {k: v for k, v in entry.items() if k not in COMMON_SOURCE_KEYS}
        common = kind_settings = None
        try:
            common = SourceCommon(**common_raw)
        except ValidationError as exc:
            problems.extend(_validation_messages(exc, prefix))
        kind = entry.get("kind")
        if isinstance(kind, str) and kind in REGISTRY:
            # the kind's keys are checked even when a common key is wrong: show every problem at once
            try:
                kind_settings = source_class(kind).Settings(**kind_raw)
            except ValidationError as exc:
                problems.extend(_validation_messages(exc, prefix))
        if common is None or kind_settings is None:
            continue
        try:
            kind_settings.fill_from_council(council_of(common.council))
        except ValueError as exc:
            problems.append((prefix, str(exc)))
            continue
        if common.name in seen:
            problems.append((prefix + ("name",), f"duplicate source name {common.name!r} (also sources[{seen[common.name]}])"))
            continue
        seen[common.name] = index
        sources.append(SourceConfig(common, kind_settings, _line_of(lines, prefix)))
    if problems:
        raise fail()

    data_dir = resolve_data_dir()
    database_url = os.environ.get("MONITOR_DATABASE_URL") or f"sqlite:///{(data_dir / 'monitor.db').resolve()}"
    warnings.extend(setup_warnings(settings))
    config = Config(config_path, settings, sources, data_dir, database_url, warnings)
    return config
