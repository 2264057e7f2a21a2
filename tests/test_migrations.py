"""Migrations stamp what they write on the store's one clock (Paris time, core/clock.py), whatever
the zone of the server that runs them."""

from __future__ import annotations

import time

import duckdb
import pytest

from data import migrations
from core import clock
from data.config import DUCKDB_CONFIG


@pytest.fixture
def utc_server(monkeypatch):
    """The process, and DuckDB's own session zone, on UTC (a server whose clock is not Paris's)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_migration_004_journals_on_paris_time_on_a_utc_server(tmp_path, utc_server):
    con = duckdb.connect(str(tmp_path / "v3.duckdb"), config=dict(DUCKDB_CONFIG))
    migrations.migrate(con, target=3)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("INSERT INTO valeur VALUES ('200046977', 'sorties_rue_logement', '2024-T1', 4, NULL, NULL, 1, NULL,"
                " 'carol', TIMESTAMP '2024-05-02 10:00:00')")  # no upload: journalled by 004
    before = clock.maintenant()
    migrations.migrate(con)
    after = clock.maintenant()
    [(stamped,)] = con.execute("SELECT quand FROM journal WHERE action = 'valeur.auteur'").fetchall()
    [(applied,)] = con.execute("SELECT applique_le FROM schema_version WHERE version = 4").fetchall()
    leftover = con.execute("SELECT count(*) FROM duckdb_variables()").fetchall()[0][0]
    con.close()
    assert before <= stamped <= after  # Paris time, an hour or two ahead of the UTC server clock
    assert stamped == applied  # the migration and its journal rows carry one instant
    assert leftover == 0  # nothing of the migration's clock stays on the connection


def test_no_migration_reads_duckdbs_own_clock():
    """now(), current_timestamp... are on the server's zone: a migration uses the runner's clock."""
    import re

    server_clock = re.compile(r"\b(now|current_timestamp|current_date|current_time|get_current_timestamp"
                              r"|localtimestamp|transaction_timestamp)\b", re.IGNORECASE)
    found = {}
    for _version, _name, path in migrations.available():
        code = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
        found[path.name] = server_clock.findall(code)
    assert {name: words for name, words in found.items() if words} == {}
