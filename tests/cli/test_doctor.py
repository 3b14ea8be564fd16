"""`monitor doctor` against real parts: a local publisher, a real SMTP server with AUTH, SQLite files.
Also the log setup: no secret in any log line, JSON lines in data/logs."""

from __future__ import annotations

import json
import logging
import socket
import sys

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from harness import Monitor
from sqlalchemy import text

from monitor.ops import logsetup
from monitor.ops.doctor import FAIL, OK, WARN, check_database, check_disk
from monitor.store.db import Store

PASSWORD = "horse-Battery-staple-9"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535 itself


@pytest.fixture
def smtp_port():
    port = free_port()
    controller = Controller(
        Sink(), hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    yield port
    controller.stop()


USER_AGENT = "report-monitor (Harrow Watchdog Group; coordinator@harrowwatch.org.uk)"


def config(url: str, smtp: str = "", extra_source: str = "", user_agent: str = USER_AGENT) -> str:
    return f"""
settings:
  user_agent: "{user_agent}"
  per_host_delay: 0
  retries: 0
  timeout: 3
{smtp}sources:
  - name: council-reports
    kind: page
    url: {url}/reports
    links: "li a[href]"
{extra_source}"""


def smtp_settings(port: int) -> str:
    return (
        f"  email:\n    host: 127.0.0.1\n    port: {port}\n    security: none\n    username: monitor\n"
        "    sender: monitor@example.org\n    recipients: [watchdog@example.org]\n"
    )


def rows(out: str) -> dict[str, list[str]]:
    """The doctor's table as {check: [result, detail...]}, split on the two-space gaps."""
    table = {}
    for line in out.splitlines()[2:]:
        cells = [c.strip() for c in line.split("  ") if c.strip()]
        if cells:
            table[cells[0]] = cells[1:]
    return table


def test_a_healthy_setup_passes_every_check(server, smtp_port, tmp_path):
    server.add("/reports", "<ul><li>nothing yet</li></ul>")
    monitor = Monitor(tmp_path, config(server.url, smtp_settings(smtp_port)))
    assert monitor.run("run")[0] == 0  # creates the schema
    code, out, err = monitor.run("doctor", env={"MONITOR_SMTP_PASSWORD": PASSWORD})
    assert code == 0, out + err
    table = rows(out)
    assert set(table) == {
        "config", "data dir writable", "disk space", "database", "alerts", "user agent", "smtp login", "source council-reports",
    }
    assert all(cells[0] == OK for cells in table.values()), out
    assert "1 source(s)" in table["config"][1]
    assert table["alerts"][1] == "email to 1 recipient(s)"
    assert table["user agent"][1] == USER_AGENT
    assert "(newest)" in table["database"][1]
    assert "logged in" in table["smtp login"][1]
    assert "robots.txt allows /reports" in table["source council-reports"][1]
    assert PASSWORD not in out + err
    listing_hits = len(server.hits_for("/reports"))
    assert server.hits_for("/robots.txt")
    code, out, _ = monitor.run("doctor", env={"MONITOR_SMTP_PASSWORD": PASSWORD})
    assert len(server.hits_for("/reports")) == listing_hits  # looked at robots.txt, did not crawl


def test_each_failure_is_named_with_what_to_do(server, smtp_port, tmp_path):
    server.robots_txt = "User-agent: *\nDisallow: /reports\n"
    dead = f"http://127.0.0.1:{free_port()}"
    extra = f"""  - name: gone-site
    kind: page
    url: {dead}/list
    links: "a"
"""
    monitor = Monitor(tmp_path, config(server.url, smtp_settings(smtp_port), extra))
    code, out, err = monitor.run("doctor", env={"MONITOR_SMTP_PASSWORD": "wrong-password-123"})
    assert code == 1, out + err
    table = rows(out)
    assert table["smtp login"][0] == FAIL
    assert "login refused" in table["smtp login"][1]
    assert "MONITOR_SMTP_PASSWORD" in table["smtp login"][2]
    assert table["source council-reports"][0] == FAIL
    assert f"robots.txt disallows {server.url}/reports" in table["source council-reports"][1]
    assert table["source gone-site"][0] == FAIL
    assert "did not answer" in table["source gone-site"][1]
    assert "network" in table["source gone-site"][2]
    assert table["database"][0] == WARN  # never run: no schema yet, and doctor does not create it
    assert "wrong-password-123" not in out + err


def test_a_blocked_host_and_a_missing_password(server, smtp_port, tmp_path):
    server.add("/robots.txt", "denied", status=403)
    monitor = Monitor(tmp_path, config(server.url, smtp_settings(smtp_port)))
    code, out, _ = monitor.run("doctor", env={"MONITOR_SMTP_PASSWORD": ""})
    assert code == 1
    table = rows(out)
    assert table["source council-reports"][0] == FAIL
    assert "refused us (HTTP 403" in table["source council-reports"][1]
    assert table["smtp login"][0] == FAIL and "no password" in table["smtp login"][1]


def test_alerts_with_nowhere_to_go_and_a_placeholder_user_agent_are_warned(tmp_path):
    """Said plainly by doctor and check-config: the setup works, but nobody would hear."""
    from monitor.http.types import DEFAULT_USER_AGENT

    for agent in (DEFAULT_USER_AGENT, "report-monitor/0.1 (Harrow watchdog group; set your contact email here)", "monitor"):
        monitor = Monitor(tmp_path, config("http://127.0.0.1:9", user_agent=agent))
        code, out, _ = monitor.run("doctor", "--offline")
        assert code == 0, out  # warnings, not failures
        table = rows(out)
        assert table["alerts"][0] == WARN
        assert "urgent alerts go nowhere" in table["alerts"][1]
        assert "settings.email or settings.notify" in table["alerts"][2]
        assert table["user agent"][0] == WARN, agent
        assert "placeholder" in table["user agent"][1]
        assert "contact email" in table["user agent"][2]

        code, out, err = monitor.run("check-config")
        assert code == 0, err
        warnings = [line for line in out.splitlines() if line.startswith("warning: ") and "council-reports" not in line]
        assert warnings == [
            "warning: urgent alerts go nowhere: neither email (settings.email) nor a chat channel (settings.notify) "
            "is set up, so alerts are only stored (see docs/CHANNELS.md)",
            "warning: settings.user_agent still holds its placeholder: put your group's name and a contact email in it, "
            "or publishers may block the monitor",
        ]
        assert "urgent alerts go to" not in out  # the fact is said once


def test_check_config_keeps_notes_for_developers_behind_verbose(tmp_path):
    """How a publisher's site is read ("inferred", "third-party scrapers") is for developers;
    a setting that cannot work (the CQC API key missing for providers) is for everyone."""
    monitor = Monitor(tmp_path, f"""settings:
  user_agent: "{USER_AGENT}"
  notify: ["json://127.0.0.1:9/hook"]
sources:
  - name: ombudsman
    kind: lgsco
    authority: London Borough of Harrow
  - name: cqc
    kind: cqc
    providers: ["1-101639312"]
""")
    code, out, err = monitor.run("check-config", env={"MONITOR_CQC_API_KEY": ""})
    assert code == 0, err
    assert "inferred" not in out and "third-party" not in out
    assert "warning: cqc: providers need the CQC API: set MONITOR_CQC_API_KEY" in out
    assert "note(s) for developers on how the publishers' sites are read: add --verbose to see them" in out
    assert "urgent alerts go to: JSON (json://127.0.0.1:9/hook)" in out
    code, out, err = monitor.run("check-config", "--verbose", env={"MONITOR_CQC_API_KEY": ""})
    assert code == 0, err
    assert "notes for developers" in out
    assert "- ombudsman: lgsco: the decision search parameters (aname, dc, fd, td) and the result cards are reported by third-party scrapers" in out


def test_every_publisher_offline_is_one_line(tmp_path):
    monitor = Monitor(tmp_path, config("https://reports.ofsted.invalid", extra_source="""  - name: ombudsman
    kind: lgsco
    base_url: https://www.lgo.invalid
    authority: London Borough of Harrow
"""))
    code, out, _ = monitor.run("doctor")
    assert code == 1
    table = rows(out)
    assert not [name for name in table if name.startswith("source ")]
    assert table["network"][0] == FAIL
    assert "DNS lookups fail" in table["network"][1] and "cannot reach the internet" in table["network"][1]


def test_a_bad_config_stops_at_the_first_check(tmp_path):
    monitor = Monitor(tmp_path, "settings:\n  retries: 99\nsources: []\n")
    code, out, _ = monitor.run("doctor", "--offline")
    assert code == 1
    table = rows(out)
    assert list(table) == ["config"]
    assert table["config"][0] == FAIL and "retries" in table["config"][1]


def test_an_old_schema_fails_with_the_upgrade_step(tmp_path):
    data = tmp_path / "data"
    store = Store(f"sqlite:///{data / 'monitor.db'}", data)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    store.close()
    check = check_database(f"sqlite:///{data / 'monitor.db'}")
    assert check.result == FAIL
    assert "schema 0000_older" in check.detail
    assert "back up" in check.fix and "upgrades the schema itself" in check.fix


def test_unreachable_database_and_low_disk(tmp_path):
    check = check_database("postgresql://monitor:secretpw@127.0.0.1:1/monitor")
    assert check.result == FAIL  # refused, or no driver installed: either way it cannot be reached
    assert "secretpw" not in check.detail and "monitor:***@" in check.detail
    missing = check_database(f"sqlite:///{tmp_path}/no/such/folder/monitor.db")
    assert missing.result == FAIL and "unable to open database file" in missing.detail
    assert "MONITOR_DATABASE_URL" in missing.fix
    low = check_disk(tmp_path, min_free_gb=10**9)
    assert low.result == WARN and "monitor prune" in low.fix
    assert check_disk(tmp_path, min_free_gb=0).result == OK


def test_an_unwritable_data_dir_fails(tmp_path):
    import os

    if os.geteuid() == 0:
        # root writes anywhere; a file where the folder should be fails for everyone
        (tmp_path / "data").write_text("not a folder")
    else:
        (tmp_path / "data").mkdir()
        (tmp_path / "data").chmod(0o500)
    monitor = Monitor(tmp_path, "sources: []\n")
    code, out, _ = monitor.run("doctor", "--offline")
    assert code == 1
    table = rows(out)
    assert table["data dir writable"][0] == FAIL
    assert "writable" in table["data dir writable"][2]


# -- logging -------------------------------------------------------------------------------


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_no_secret_reaches_stderr_or_the_json_file(tmp_path, monkeypatch, capsys, restore_logging):
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("MONITOR_CQC_API_KEY", "cqc-key-0123456789abcdef")
    monkeypatch.setattr(sys, "stderr", sys.stderr)  # capsys's stream, taken at setup time
    logsetup.setup_logging(logging.INFO, data_dir=tmp_path, json_file=True)
    log = logging.getLogger("monitor.test")
    log.warning("login with %s failed", PASSWORD)
    log.info("GET https://api.cqc.org.uk/x?key=%s", "cqc-key-0123456789abcdef")
    log.error(f"password in the message itself: {PASSWORD}")
    try:
        raise RuntimeError(f"server echoed {PASSWORD}")
    except RuntimeError:
        log.exception("sending failed")
    log.info("plain line with nothing secret")
    for handler in logging.getLogger().handlers:
        handler.flush()

    err = capsys.readouterr().err
    file_text = (tmp_path / "logs" / "monitor.jsonl").read_text()
    for text_ in (err, file_text):
        assert PASSWORD not in text_
        assert "cqc-key-0123456789abcdef" not in text_
        assert text_.count("***") >= 4
    lines = [json.loads(line) for line in file_text.splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "INFO", "ERROR", "ERROR", "INFO"]
    assert lines[0]["message"] == "login with *** failed"
    assert lines[0]["logger"] == "monitor.test" and lines[0]["time"].endswith("Z")
    assert "RuntimeError: server echoed ***" in lines[3]["exception"]
    assert lines[4]["message"] == "plain line with nothing secret"
    assert "server echoed ***" in err


def test_json_logging_is_switched_by_flag_or_env(monkeypatch):
    monkeypatch.delenv("MONITOR_LOG_JSON", raising=False)
    assert logsetup.json_enabled() is False
    assert logsetup.json_enabled(True) is True
    monkeypatch.setenv("MONITOR_LOG_JSON", "1")
    assert logsetup.json_enabled() is True
    monkeypatch.setenv("MONITOR_LOG_JSON", "no")
    assert logsetup.json_enabled() is False


def test_the_log_file_rotates(tmp_path, monkeypatch, restore_logging):
    monkeypatch.setattr(logsetup, "MAX_BYTES", 2000)
    logsetup.setup_logging(logging.INFO, data_dir=tmp_path, json_file=True)
    for i in range(100):
        logging.getLogger("monitor.test").info("line %d %s", i, "x" * 50)
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert "monitor.jsonl" in names and "monitor.jsonl.1" in names
    assert all(p.stat().st_size <= 2200 for p in (tmp_path / "logs").iterdir())
