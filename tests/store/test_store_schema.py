"""The start-up schema check: the head read off the migration file names is Alembic's own
head, and a store at the head opens without starting Alembic."""

from __future__ import annotations

import subprocess
import sys

from monitor.store.db import MIGRATIONS, Store, head_revision, schema_is_current, schema_revision


def test_head_from_file_names_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_heads() == [head_revision()]


def test_an_empty_database_has_no_revision_and_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    unmigrated = Store(url, tmp_path / "data", migrate=False)
    try:
        assert schema_revision(unmigrated.engine) is None
        assert not schema_is_current(unmigrated.engine)
    finally:
        unmigrated.close()
    store = Store(url, tmp_path / "data")
    try:
        assert schema_revision(store.engine) == head_revision()
    finally:
        store.close()


def test_a_current_store_opens_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store(url, tmp_path / "data").close()
    code = (
        "import sys; from pathlib import Path; from monitor.store import Store; "
        f"Store({url!r}, Path({str(tmp_path / 'data')!r})).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
