"""The Club deck, the territory fiche and the ministers' note rendered to PDF by LibreOffice Impress headless (issue 12):
a file LibreOffice cannot read whole (a chart it rejects, a broken part) is one PowerPoint would
offer to "repair". Each file must convert, with one PDF page per slide and nothing printed but
the conversion line. ``make test`` installs Debian's libreoffice-impress (make libreoffice);
missing under CI it is a failure, locally a skip; ``make test-fast`` leaves it out (slow)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from data import store
from exports import club, fiche, note, pptx
from tests.browser.conftest import _missing

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

AT = "2026-T3"
TIMEOUT_S = 240
# Printed by Debian's LibreOffice without a Java runtime (none is needed to convert): harmless.
_SANS_JAVA = "Warning: failed to launch javaldx - java may not function correctly"


def pages_pdf(path) -> int:
    """The number of pages of a PDF (its /Type /Page objects; /Pages is the tree, not a page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


@pytest.fixture(scope="module")
def soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        _missing("soffice is missing: install Debian's libreoffice-impress (make libreoffice) to render the .pptx.")
    return found


def test_club_deck_and_fiche_render_to_pdf_one_page_per_slide_without_complaint(soffice, demo_template, tmp_path):
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, db)
    with store.connect(db) as con:
        decks = {"club": club.construire(con, AT, focus=("18", "80021")), "fiche": fiche.construire(con, "18", AT),
                 "note": note.construire(con, AT)}
    files = [pptx.ecrire(deck, tmp_path / f"{name}.pptx") for name, deck in decks.items()]
    out = tmp_path / "pdf"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil-lo').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    said = [line for line in (run.stdout + run.stderr).splitlines() if line.strip() and line.strip() != _SANS_JAVA]
    expected = [f"convert {f} -> {out / (f.stem + '.pdf')} using filter : impress_pdf_Export" for f in files]
    assert run.returncode == 0 and said == expected, f"LibreOffice said (exit {run.returncode}):\n" + "\n".join(said)
    for name, deck in decks.items():
        pdf = out / f"{name}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 10_000, name
        assert pages_pdf(pdf) == len(deck.diapos), name
