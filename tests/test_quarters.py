"""Quarter arithmetic (core.quarters), and its SQL twins agreeing with the Python ones."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from core import quarters


@pytest.mark.parametrize("text,expected", [
    ("2024-T1", "2024-T1"), ("2024T2", "2024-T2"), ("T3 2024", "2024-T3"), ("T4-2024", "2024-T4"),
    ("2024-Q1", "2024-T1"), ("2024q2", "2024-T2"), (" t1 2025 ", "2025-T1"),
    ("2024-T5", None), ("2024", None), ("T1/2024", None), ("", None),
])
def test_parse(text, expected):
    assert quarters.parse(text) == expected


@pytest.mark.parametrize("today,expected", [
    (dt.date(2026, 11, 25), "2026-T3"),  # the example of methodologie.md
    (dt.date(2026, 1, 1), "2025-T4"),
    (dt.date(2026, 3, 31), "2025-T4"),
    (dt.date(2026, 4, 1), "2026-T1"),
])
def test_last_complete(today, expected):
    assert quarters.last_complete(today) == expected


def test_arithmetic():
    assert quarters.shift("2024-T4", 1) == "2025-T1"
    assert quarters.shift("2024-T1", -1) == "2023-T4"
    assert quarters.quarter_range("2024-T3", "2025-T2") == ["2024-T3", "2024-T4", "2025-T1", "2025-T2"]
    assert quarters.count("2024-T1", "2025-T4") == 8
    assert quarters.count("2025-T1", "2024-T4") == 0
    assert quarters.end_date("2024-T1") == dt.date(2024, 3, 31)
    assert quarters.end_date("2024-T4") == dt.date(2024, 12, 31)
    assert quarters.label("2024-T1") == "T1 2024"


def test_reference():
    assert quarters.reference("T2 2025") == "2025-T2"
    assert quarters.reference(None, dt.date(2026, 11, 25)) == "2026-T3"
    assert quarters.reference("  ", dt.date(2026, 11, 25)) == "2026-T3"
    with pytest.raises(ValueError, match="Trimestre non reconnu"):
        quarters.reference("2025-T7")


def test_sql_twins_agree():
    # every quarter of two centuries, in one query
    every = [quarters.from_index(i) for i in range(2000 * 4, 2200 * 4)]
    assert [quarters.to_index(q) for q in every] == list(range(2000 * 4, 2200 * 4))
    got = duckdb.connect().execute(
        f"SELECT q, {quarters.sql_index('q')}, {quarters.sql_end_date('q')} "
        "FROM (SELECT unnest(?::VARCHAR[]) AS q) ORDER BY q", [every]
    ).fetchall()
    assert got == [(q, quarters.to_index(q), quarters.end_date(q)) for q in every]
