"""`monitor doctor`: everything the monitor depends on, checked one by one, each with what to do.

Checks never change anything: the schema is compared, not migrated; SMTP is logged into,
no mail is sent; each source host gets one request (its robots.txt).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from monitor.errors import ConfigError

OK, WARN, FAIL = "ok", "warning", "FAIL"


@dataclass
class Check:
    """One line of the doctor's table."""

    name: str
    result: str
    detail: str
    fix: str | None = None


def run_checks(config_path: str | os.PathLike | None, *, min_free_gb: float = 1.0, network: bool = True) -> list[Check]:
    """Every check, in the order a person would fix them."""
    from monitor.config import load_config

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        first = str(exc).splitlines()[0]
        return [Check("config", FAIL, first, "fix sources.yaml (`monitor check-config` shows every problem)")]
    checks = [Check("config", OK, f"{config.path}: {len(config.sources)} source(s)")]
    checks.append(check_data_dir(config.data_dir))
    checks.append(check_disk(config.data_dir, min_free_gb))
    checks.append(check_database(config.database_url))
    checks.append(check_alerts(config.settings))
    checks.append(check_user_agent(config.settings.user_agent))
    checks.extend(check_channels(config.settings))
    if network:
        if config.settings.email is not None:
            checks.append(check_smtp(config.settings.email))
        checks.extend(check_sources(config))
    return checks


def check_alerts(settings) -> Check:  # type: ignore[no-untyped-def]
    """Urgent alerts have somewhere to go: email or at least one chat channel."""
    places = []
    if settings.email is not None:
        places.append(f"email to {len(settings.email.recipients)} recipient(s)")
    if settings.notify:
        places.append(f"{len(settings.notify)} chat channel(s)")
    if not places:
        return Check(
            "alerts",
            WARN,
            "no email and no chat channel: urgent alerts go nowhere, they are only stored",
            "set up settings.email or settings.notify (docs/CHANNELS.md), then `monitor send-test`",
        )
    return Check("alerts", OK, " and ".join(places))


def check_user_agent(user_agent: str) -> Check:
    """The user agent names the group and a contact, not the shipped placeholder."""
    from monitor.config import placeholder_user_agent

    if placeholder_user_agent(user_agent):
        return Check(
            "user agent",
            WARN,
            "still the placeholder: publishers cannot tell who is asking",
            "put your group's name and a contact email in settings.user_agent",
        )
    return Check("user agent", OK, user_agent[:80])


def check_channels(settings) -> list[Check]:  # type: ignore[no-untyped-def]
    """Each chat channel can be used as configured (its variables set, a URL Apprise knows);
    nothing is sent (`monitor send-test` sends)."""
    from monitor.deliver.channels import channels_of

    checks = []
    for index, channel in enumerate(channels_of(settings)):
        name = f"channel {index + 1}"
        problem = channel.problem()
        if problem:
            checks.append(Check(name, FAIL, f"{channel.url.split('://', 1)[0]}://…: {problem}", "see docs/CHANNELS.md"))
        else:
            checks.append(Check(name, OK, f"{channel.label()} (`monitor send-test` sends a test)"))
    return checks


def check_data_dir(data_dir: Path) -> Check:
    """The data directory exists (or can be made) and a file can be written in it."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            "data dir writable",
            FAIL,
            f"{data_dir}: {exc.strerror or exc}",
            f"make {data_dir} writable by the user the monitor runs as (chown report-monitor)",
        )
    return Check("data dir writable", OK, str(data_dir.resolve()))


def check_disk(data_dir: Path, min_free_gb: float) -> Check:
    """Free space on the data directory's disk."""
    try:
        usage = shutil.disk_usage(data_dir if data_dir.exists() else data_dir.parent)
    except OSError as exc:
        return Check("disk space", FAIL, str(exc), "check the data directory's disk")
    free_gb = usage.free / 1024**3
    detail = f"{free_gb:.1f} GB free of {usage.total / 1024**3:.1f} GB"
    if free_gb < min_free_gb:
        return Check(
            "disk space",
            WARN,
            detail,
            f"under {min_free_gb:g} GB: free space, or run `monitor prune`; stored reports are never pruned",
        )
    return Check("disk space", OK, detail)


def check_database(url: str) -> Check:
    """The database answers and its schema is the newest this version knows."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    from monitor.cli.common import redact_url
    from monitor.store.db import MIGRATIONS, make_engine, schema_revision

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    shown = redact_url(url)
    engine = None
    try:
        engine = make_engine(url)
        current = schema_revision(engine)
    except Exception as exc:  # noqa: BLE001 - a missing driver or any connect error means "cannot reach it"
        reason = _redact_text(f"{type(exc).__name__}: {exc}".splitlines()[0], url)[:200]
        return Check(
            "database",
            FAIL,
            f"{shown}: {reason}",
            "check MONITOR_DATABASE_URL, that the server is running and its driver is installed",
        )
    finally:
        if engine is not None:
            engine.dispose()
    if current is None:
        return Check("database", WARN, f"{shown}: empty (no schema yet)", "the first `monitor run` creates it")
    if current != head:
        return Check(
            "database",
            FAIL,
            f"{shown}: schema {current}, this version needs {head}",
            "back up data/, then start the monitor once (`monitor run`): it upgrades the schema itself",
        )
    return Check("database", OK, f"{shown}: schema {current} (newest)")


def _redact_text(text: str, url: str) -> str:
    """`text` without the password of `url`, should a driver quote the URL back."""
    from urllib.parse import urlsplit as split

    password = split(url).password
    return text.replace(password, "***") if password else text


def check_smtp(settings) -> Check:  # type: ignore[no-untyped-def]
    """Connect to the SMTP server and log in (when a username is set); nothing is sent."""
    from monitor.deliver.email import DeliveryError, smtp_session
    from monitor.deliver.settings import smtp_password

    password = smtp_password()
    where = f"{settings.host}:{settings.port} ({settings.security})"
    if settings.username and not password:
        return Check("smtp login", FAIL, f"{where}: a username is set but no password", "set MONITOR_SMTP_PASSWORD")
    try:
        with smtp_session(settings, password):
            pass
    except DeliveryError as exc:
        if exc.reason.startswith(("server said 535", "server said 534", "server said 530")):
            return Check("smtp login", FAIL, f"{where}: login refused", "check the username and MONITOR_SMTP_PASSWORD")
        return Check(
            "smtp login",
            FAIL,
            f"{where}: {exc.reason[:200]}",
            "check settings.email host, port and security (587 = starttls, 465 = ssl)",
        )
    return Check("smtp login", OK, where + (" (logged in)" if settings.username else " (no login configured)"))


def listing_url(adapter) -> str:  # type: ignore[no-untyped-def]
    """Where a source's listing starts: a page's or feed's URL, else the publisher's root."""
    start = getattr(adapter, "start_url", None)
    if callable(start):
        return start()
    url = getattr(adapter.settings, "url", None)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return url
    return adapter.base_url + "/"


def check_sources(config) -> list[Check]:  # type: ignore[no-untyped-def]
    """Each enabled source's host answers, and robots.txt lets us read its listing."""
    from monitor.http.client import HttpClient
    from monitor.pipeline.listing import build_source

    settings = config.settings.http_settings()
    settings.retries = 0
    settings.respect_robots = True  # asked even when the config says otherwise: the user should know
    http = HttpClient(settings)
    checks = []
    dns_failed = 0
    for src in config.sources:
        if not src.common.enabled:
            continue
        name = f"source {src.name}"
        try:
            url = listing_url(build_source(src, http))
        except Exception as exc:  # noqa: BLE001 - shown as a failed check
            checks.append(Check(name, FAIL, f"cannot build the source: {exc}", "fix this source in sources.yaml"))
            continue
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        allowed = http.allowed_by_robots(url)
        answered = [r for r in http.records if r.url == robots_url and r.status is not None]
        if http.unreachable_hosts.get(parts.hostname or ""):
            dns_failed += 1
            checks.append(
                Check(
                    name,
                    FAIL,
                    f"{parts.netloc}: the name does not resolve",
                    "check the address in sources.yaml, and this machine's network and DNS",
                )
            )
        elif not answered:
            checks.append(
                Check(name, FAIL, f"{parts.netloc} did not answer", "check the machine's network and DNS, or the site may be down")
            )
        elif answered[-1].status in (401, 403):
            checks.append(
                Check(
                    name,
                    FAIL,
                    f"{parts.netloc} refused us (HTTP {answered[-1].status} on robots.txt)",
                    "the publisher blocks scripts; set settings.user_agent to name you and a contact address",
                )
            )
        elif not allowed:
            checks.append(
                Check(
                    name,
                    FAIL,
                    f"robots.txt disallows {url}",
                    "the publisher asks robots not to read this page; use its API or ask it for access",
                )
            )
        else:
            checks.append(Check(name, OK, f"{parts.netloc} answered; robots.txt allows {parts.path or '/'}"))
    if dns_failed > 1 and dns_failed == len(checks):
        # every publisher's name fails to resolve: the machine is offline, said once
        return [
            Check(
                "network",
                FAIL,
                "DNS lookups fail: no publisher's address can be found, so this machine cannot reach the internet",
                "check this machine's network connection and DNS settings, then run `monitor doctor` again",
            )
        ]
    return checks
