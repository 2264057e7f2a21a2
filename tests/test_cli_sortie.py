"""The command lines end quietly when their reader goes away (`python -m indicators ... | head`),
as Unix tools do, and refuse an export whose --out suffix contradicts its --format."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.errors import EXIT_SORTIE_FERMEE
from core.errors import EXIT_USAGE
from tests.cli import run_in_process
from tests.conftest import ROOT


@pytest.mark.subprocess
@pytest.mark.parametrize("command", [
    ("indicators", "progress", "--territory", "93", "--format", "csv"),
    ("indicators", "budget", "--format", "table"),
    ("loaders", "export"),
])
def test_a_reader_that_stops_early_gets_no_traceback(demo_module_db, command):
    module, *args = command
    child = subprocess.Popen([sys.executable, "-m", module, *args, "--db", str(demo_module_db)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # the reader is gone before the first line is written: every write fails
    _out, err = child.communicate(timeout=120)
    assert err.decode("utf-8") == ""
    assert child.returncode == EXIT_SORTIE_FERMEE


@pytest.mark.parametrize(("fmt", "out"), [("xlsx", "x.csv"), ("csv", "x.xlsx")])
def test_an_export_whose_out_suffix_contradicts_its_format_is_refused(db, tmp_path, fmt, out):
    target = tmp_path / out
    done = run_in_process("loaders", "export", "--db", db, "--format", fmt, "--out", target)
    assert done.returncode == EXIT_USAGE
    assert "se contredisent" in done.stderr and not target.exists()


def test_without_format_the_out_suffix_chooses_it(db, tmp_path):
    target = tmp_path / "x.xlsx"
    assert run_in_process("loaders", "export", "--db", db, "--out", target).returncode == 0
    assert target.read_bytes()[:2] == b"PK"  # a zip: an xlsx workbook
    plain = tmp_path / "x.csv"
    assert run_in_process("loaders", "export", "--db", db, "--format", "csv", "--out", plain).returncode == 0
    assert plain.read_bytes().startswith("\ufeffcode_territoire;".encode("utf-8"))


def test_the_export_help_names_the_three_kinds_and_budget_titles_name_the_territory(db, demo_module_db):
    helped = run_in_process("loaders", "export", "--help")
    assert "--kind {values,actions,budget}" in helped.stdout and "lignes budgétaires" in helped.stdout
    listed = run_in_process("loaders", "--help")
    assert "actions des feuilles de route ou les lignes budgétaires" in " ".join(listed.stdout.split())
    done = run_in_process("indicators", "budget", "--territory", "93", "--db", demo_module_db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Budget (fiche 5) de Seine-Saint-Denis (93)\n")
