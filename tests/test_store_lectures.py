"""Reads run beside the caller's (store.concurrent_reads, used by the national picture): each read
on its own cursor and thread, its error handed to the caller, every read ended on exit, and inside
a transaction the reads see what it wrote."""

from __future__ import annotations

import threading

import pytest

from data import store


def _count(con, table="territoire"):
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_reads_run_on_other_threads_and_give_their_results(db):
    seen = []

    def read(cursor, table):
        seen.append(threading.current_thread().name)
        return _count(cursor, table)

    with store.connect(db) as con:
        expected = _count(con)
        with store.concurrent_reads(con) as reads:
            futures = [reads.submit(read, "territoire") for _ in range(4)]
            assert _count(con) == expected  # the caller's connection stays its own meanwhile
        assert [f.result() for f in futures] == [expected] * 4
        assert expected > 0
    assert all(name.startswith("lda-lecture") for name in seen)


def test_an_error_in_a_read_reaches_the_caller_and_the_connection_stays_usable(db):
    with store.connect(db) as con:
        with store.concurrent_reads(con) as reads:
            bad = reads.submit(_count, "table_qui_n_existe_pas")
            good = reads.submit(_count)
        with pytest.raises(Exception, match="table_qui_n_existe_pas"):
            bad.result()
        assert good.result() == _count(con) > 0


def test_on_exit_every_read_has_ended_even_when_the_caller_fails(db):
    started, release, ended = threading.Event(), threading.Event(), threading.Event()

    def slow(cursor):
        started.set()
        release.wait(5)
        value = _count(cursor)
        ended.set()
        return value

    with store.connect(db) as con:
        with pytest.raises(RuntimeError, match="échec de l'appelant"):
            with store.concurrent_reads(con) as reads:
                future = reads.submit(slow)
                assert started.wait(5)
                threading.Timer(0.05, release.set).start()
                raise RuntimeError("échec de l'appelant")
        assert ended.is_set() and future.done()
        assert future.result() == _count(con)


def test_inside_a_transaction_the_reads_see_what_it_wrote(db):
    with store.connect(db) as con:
        before = _count(con, "journal")
        con.execute("BEGIN TRANSACTION")
        store.journal(con, "test", "essai", None, None)
        with store.concurrent_reads(con) as reads:
            future = reads.submit(_count, "journal")
        assert future.result() == before + 1  # on the connection itself: a cursor would see before
        con.execute("ROLLBACK")
        assert _count(con, "journal") == before
