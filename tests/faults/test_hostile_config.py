"""Hostile configuration, through the real command in a child process: every mistake gives a
clear message naming the file, line and key path, and exit status 2 (never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SOURCE = "sources:\n  - name: a\n    kind: page\n    url: http://127.0.0.1:9/x\n"


def monitor(tmp_path: Path, *args: str, data_dir: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, MONITOR_DATA_DIR=data_dir or str(tmp_path / "data"))
    env.pop("MONITOR_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


CASES = {
    "wrong-type-setting": ("settings:\n  timeout: soon\n" + GOOD_SOURCE, ":2: settings.timeout"),
    "wrong-type-email-port": (
        "settings:\n  email:\n    host: h\n    port: smtp\n    sender: a@b.c\n    recipients: [x@y.z]\n" + GOOD_SOURCE,
        ":4: settings.email.port",
    ),
    "unknown-kind": ("sources:\n  - name: a\n    kind: telepathy\n", ":3: sources[0].kind: unknown kind 'telepathy'"),
    "bad-cron": (GOOD_SOURCE + "    schedule: '0 25 * * *'\n", ":5: sources[0].schedule"),
    "cron-wrong-fields": (GOOD_SOURCE + "    schedule: 'daily'\n", ":5: sources[0].schedule: expected a 5-field cron"),
    "kind-key-wrong-type": (GOOD_SOURCE + "    max_pages: many\n", ":5: sources[0].max_pages"),
    "unknown-key": (GOOD_SOURCE + "    urll: http://x/\n", ":5: sources[0].urll: unknown key"),
    "sources-not-a-list": ("sources: {a: 1}\n", ":1: sources: expected a list of sources"),
    "not-yaml": ("sources:\n  - name: [a\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_exits_2_with_the_key_path(case, tmp_path):
    text, message = CASES[case]
    (tmp_path / "sources.yaml").write_text(text)
    done = monitor(tmp_path, "run", "--config", "sources.yaml")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"sources.yaml{message}" in done.stderr if message.startswith(":") else message in done.stderr
    assert not (tmp_path / "data").exists(), "a bad config must not create the data directory"


def test_missing_config_file_exits_2(tmp_path):
    done = monitor(tmp_path, "run", "--config", "nowhere.yaml")
    assert done.returncode == 2
    assert "nowhere.yaml: no such file" in done.stderr and "Traceback" not in done.stderr


def test_config_that_is_a_directory_exits_2(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    done = monitor(tmp_path, "run", "--config", "dir.yaml")
    assert done.returncode == 2
    assert "dir.yaml: cannot read" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("where", ["a-file", "under-a-file", "in-proc"])
def test_unusable_data_dir_exits_2_with_a_clear_message(where, tmp_path):
    (tmp_path / "sources.yaml").write_text(GOOD_SOURCE)
    (tmp_path / "a-file").write_text("not a directory")
    data_dir = {
        "a-file": str(tmp_path / "a-file"),
        "under-a-file": str(tmp_path / "a-file" / "data"),
        "in-proc": "/proc/monitor-data",  # we run as root, so permissions cannot make a directory unusable
    }[where]
    done = monitor(tmp_path, "run", "--config", "sources.yaml", data_dir=data_dir)
    assert "Traceback" not in done.stderr, done.stderr[-600:]
    assert done.returncode == 2
    assert data_dir in done.stderr and "MONITOR_DATA_DIR" in done.stderr


#: each message as PyYAML's own loader words it, which the monitor has always shown; the
#: quicker libyaml parser words most of them differently, so a file it refuses is read again
NOT_YAML = {
    "unclosed-flow": (
        "sources:\n  - name: [a\n",
        "sources.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence started at line 2)",
    ),
    "bad-indent": ("settings:\n  timeout: 5\n   retries: 2\n", "sources.yaml:3: not valid YAML: mapping values are not allowed here"),
    "tab": ("sources:\n\t- name: a\n", "sources.yaml:2: not valid YAML: found character '\\t' that cannot start any token"),
    "undefined-alias": ("sources:\n  - *nothing\n", "sources.yaml:2: not valid YAML: found undefined alias 'nothing'"),
    "python-tag": (
        "settings: !!python/object:os.system {}\n",
        "sources.yaml:1: not valid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
    ),
    "two-documents": (
        "sources: []\n---\nsources: []\n",
        "sources.yaml:2: not valid YAML: but found another document (expected a single document in the stream started at line 1)",
    ),
    "unclosed-quote": (
        "sources:\n  - name: 'a\n    kind: page\n",
        "sources.yaml:4: not valid YAML: found unexpected end of stream (while scanning a quoted scalar started at line 2)",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_YAML))
def test_a_file_that_is_not_yaml_is_described_in_the_same_words(case):
    from monitor.config import parse_config
    from monitor.errors import ConfigError

    text, message = NOT_YAML[case]
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("sources.yaml"))
    assert str(caught.value) == message
