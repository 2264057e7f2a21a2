"""Opening the store: one configuration, a wait when another process holds the file, the schema
and reference data ensured, writes serialised and transactional.

DuckDB lets one process hold the file; the dashboard therefore opens a connection per request (about
15 ms measured on a 1M-row file) instead of holding it, so a nightly import can get in between.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from data import migrations, reference
from data.config import DUCKDB_CONFIG, resolve_db_path
from core.errors import BaseInaccessible, BaseOccupee
from core.clock import maintenant
from core.parameters import ATTENTE_BASE_OCCUPEE_S
from data.registre import JOURNAL, METADONNEE

WAIT_ENV_VAR = "LDA_ATTENTE_BASE_S"
WRITE_LOCK = threading.RLock()  # serialises writers inside one process (Streamlit sessions)
# DuckDB 2.0.1: register() on one connection while another thread opens a connection to the same
# database races on the catalog ("python_arrow_scan does not exist", seen in 5 of 15 runs of 4
# threads): opening and registering are serialised.
_REGISTER_LOCK = threading.RLock()
_READY: set[str] = set()  # database files already checked for schema in this process
_READY_LOCK = threading.Lock()


def _occupee(path: Path, waited: float) -> BaseOccupee:
    return BaseOccupee(
        f"La base {path} est occupée par un autre programme (tableau de bord ou import) "
        f"depuis plus de {waited:.0f} s ; rien n'a été modifié. Réessayez plus tard.")


def _inaccessible(path: Path, exc: Exception) -> BaseInaccessible:
    """A French message; DuckDB's English text only as the detail for the support."""
    return BaseInaccessible(
        f"La base {path} ne peut pas être ouverte (fichier qui n'est pas une base DuckDB, endommagé, ou "
        "sans droit de lecture). Prévenez l'équipe qui administre le tableau de bord.",
        detail=f"{type(exc).__name__}: {exc}")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _open(path: Path, wait_s: float) -> duckdb.DuckDBPyConnection:
    start = time.monotonic()
    delay = 0.02
    while True:
        try:
            with _REGISTER_LOCK:  # a new connection re-registers the Python scan functions
                return duckdb.connect(str(path), config=dict(DUCKDB_CONFIG))
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise _inaccessible(path, exc) from exc
            waited = time.monotonic() - start
            if waited >= wait_s:
                raise _occupee(path, waited) from exc
            time.sleep(min(delay, max(0.0, wait_s - waited)))
            delay = min(delay * 2, 0.5)
        except duckdb.Error as exc:
            raise _inaccessible(path, exc) from exc


def private_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory database with the one configuration, opened like every connection under
    the registration lock (see _REGISTER_LOCK)."""
    with _REGISTER_LOCK:
        return duckdb.connect(":memory:", config=dict(DUCKDB_CONFIG))


def ensure_ready(con: duckdb.DuckDBPyConnection) -> None:
    """Migrate the schema and load the reference data if missing (a new file gets both)."""
    with WRITE_LOCK:
        migrations.migrate(con)
        reference.ensure_loaded(con)


@contextlib.contextmanager
def connect(
    db: str | Path | None = None, *, wait_s: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh connection to the store (schema ensured), closed on exit. Never share it across threads.

    When another process holds the file, waits up to ``wait_s`` seconds (default: $LDA_ATTENTE_BASE_S,
    else ATTENTE_BASE_OCCUPEE_S), then raises BaseOccupee; BaseInaccessible when the file cannot be opened."""
    if wait_s is None:
        wait_s = float(os.environ.get(WAIT_ENV_VAR, ATTENTE_BASE_OCCUPEE_S))
    path = resolve_db_path(db)
    if not path.parent.exists():
        raise BaseInaccessible(f"Le dossier {path.parent} n'existe pas : la base ne peut pas y être créée.")
    con = _open(path, wait_s)
    try:
        key = str(path.resolve())
        if key not in _READY:
            ensure_ready(con)
            with _READY_LOCK:
                _READY.add(key)
        yield con
    finally:
        con.close()


def forget_ready(db: str | Path) -> None:
    """Make the next connect() check the schema again (after a file was replaced)."""
    with _READY_LOCK:
        _READY.discard(str(Path(db).resolve()))


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One serialised write transaction: all of it is stored, or none of it; bumps the data version."""
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            bump_data_version(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def get_meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    """A value of the metadonnee table."""
    rows = con.execute(f"SELECT valeur FROM {METADONNEE} WHERE cle = ?", [key]).fetchall()
    return rows[0][0] if rows else default


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set a value of the metadonnee table."""
    con.execute(
        f"INSERT INTO {METADONNEE} VALUES (?, ?) ON CONFLICT (cle) DO UPDATE SET valeur = excluded.valeur",
        [key, value],
    )


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Every write changes the data version, which the dashboard's caches are keyed on."""
    con.execute(
        f"""
        INSERT INTO {METADONNEE}
        SELECT 'version_donnees', CAST(coalesce(max(TRY_CAST(valeur AS BIGINT)), 0) + 1 AS VARCHAR)
        FROM {METADONNEE} WHERE cle = 'version_donnees'
        UNION ALL SELECT 'modifiee_le', ?
        ON CONFLICT (cle) DO UPDATE SET valeur = excluded.valeur
        """,
        [maintenant().isoformat(timespec="seconds")],
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The current data version (see bump_data_version)."""
    return int(get_meta(con, "version_donnees", "0") or 0)


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds generated demonstration data."""
    return get_meta(con, "demo", "non") == "oui"


def journal(con: duckdb.DuckDBPyConnection, who: str, action: str, obj: str | None, details: str | None) -> None:
    """Append to the audit journal (inside the caller's transaction)."""
    con.execute(
        f"INSERT INTO {JOURNAL} VALUES (nextval('journal_id_seq'), ?, ?, ?, ?, ?)",
        [maintenant(), who, action, obj, details],
    )


def temporary_objects(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of the temporary tables and views of ``con`` (registered Python objects included)."""
    return frozenset(name for (_kind, name, _registered) in _temporary(con))


def _temporary(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, bool]]:
    """(kind, name, registered) of each temporary view and table of ``con``; a registered Python
    object (con.register) is a view reading a Python scan."""
    return con.execute(
        "SELECT 'VIEW', view_name, regexp_matches(sql, '\b(python_arrow|pandas|arrow)_scan\(') FROM duckdb_views()"
        " WHERE temporary AND NOT internal"
        " UNION ALL SELECT 'TABLE', table_name, false FROM duckdb_tables() WHERE temporary"
    ).fetchall()


def drop_temporary(con: duckdb.DuckDBPyConnection, names: list[str] | tuple[str, ...] | None = None,
                   keep: frozenset[str] = frozenset()) -> None:
    """Drop temporary views and tables of ``con``: those in ``names``, in that order (DuckDB wants the
    right kind for each), or with no names every one, views first; never those in ``keep``. A
    registered Python object is unregistered."""
    found = _temporary(con)
    if names is not None:
        rank = {name: i for i, name in enumerate(names)}
        found = sorted((f for f in found if f[1] in rank), key=lambda f: rank[f[1]])
    else:
        found = sorted(found, key=lambda f: f[0] != "VIEW")
    for kind, name, registered in found:
        if name in keep:
            continue
        if registered:
            unregister(con, name)
        else:
            con.execute(f'DROP {kind} IF EXISTS temp."{name}"')


def register(con: duckdb.DuckDBPyConnection, name: str, obj) -> None:
    """con.register, serialised across the threads of this process. An object that offers
    ``create_in(con, name)`` (the reference tables of loaders/reference_data.py) makes itself a
    temporary table instead (dropped like registered objects: drop_temporary)."""
    if hasattr(obj, "create_in"):
        obj.create_in(con, name)
        return
    with _REGISTER_LOCK:
        con.register(name, obj)


def unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """con.unregister, serialised across the threads of this process."""
    with _REGISTER_LOCK:
        con.unregister(name)


# Reads run beside the caller's own (concurrent_reads): a few threads for the whole process; a
# read waits for nothing but DuckDB, so a busy pool only delays it.
_READ_POOL: concurrent.futures.ThreadPoolExecutor | None = None
_READ_POOL_LOCK = threading.Lock()
READ_THREADS = 3


def _read_pool() -> concurrent.futures.ThreadPoolExecutor:
    global _READ_POOL
    with _READ_POOL_LOCK:
        if _READ_POOL is None:
            _READ_POOL = concurrent.futures.ThreadPoolExecutor(READ_THREADS, thread_name_prefix="lda-lecture")
        return _READ_POOL


def _autocommit(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con`` has no transaction open (a cursor would not see what it has not committed):
    in autocommit, each statement is a transaction of its own, with a new id."""
    first, second = (con.execute("SELECT txid_current()").fetchone()[0] for _ in range(2))
    return first != second


class ConcurrentReads:
    """Reads of one connection's database run on other threads while the caller goes on
    (concurrent_reads)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._parallel = _autocommit(con)
        self._pending: list[concurrent.futures.Future] = []

    def submit(self, read, *args, **kwargs) -> concurrent.futures.Future:
        """``read(cursor, *args, **kwargs)`` on a cursor of the connection, on another thread; its
        result (or its exception) through the future's result(). Inside a transaction, the read runs
        at once on the connection itself, so that it sees what the transaction wrote."""
        if not self._parallel:
            future: concurrent.futures.Future = concurrent.futures.Future()
            try:
                future.set_result(read(self._con, *args, **kwargs))
            except Exception as exc:  # handed over like a thread's: raised by result()
                future.set_exception(exc)
            return future
        with _REGISTER_LOCK:  # a cursor is a new connection to the database (see _REGISTER_LOCK)
            cursor = self._con.cursor()

        def run():
            try:
                return read(cursor, *args, **kwargs)
            finally:
                cursor.close()

        future = _read_pool().submit(run)
        self._pending.append(future)
        return future

    def wait(self) -> None:
        """Wait for every read submitted (their exceptions stay in their futures)."""
        concurrent.futures.wait(self._pending)


@contextlib.contextmanager
def concurrent_reads(con: duckdb.DuckDBPyConnection) -> Iterator[ConcurrentReads]:
    """Run reads on cursors of ``con`` beside the caller's own work (DuckDB and numpy release the
    GIL: a small read overlaps the big one, or the computation waiting for it). Each read sees
    the committed data when it starts, like a read of ``con`` in autocommit. On exit, every read
    submitted has ended, whatever happened, so ``con`` can be closed at once."""
    reads = ConcurrentReads(con)
    try:
        yield reads
    finally:
        reads.wait()
