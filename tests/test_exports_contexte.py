"""Every table export says what it is (issue 17): the xlsx keeps full precision behind Excel number
formats, dates as Excel dates, and a sheet « informations »; the CSV stays pure data and carries its
context in its file name."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from pages.components.tables import MENTION_DEMO, SOURCE, Contexte, csv_export, xlsx_export

FRAME = pd.DataFrame({
    "Territoire": ["Lyon", "Paris"],
    "Taux (%)": [8.98321, 100.0],
    "Nombre": [1234, 5],
    "Reçu le": pd.to_datetime(["2026-10-02 14:05", None]),
    "Le": pd.to_datetime(["2026-10-02", "2026-01-31"]),
})
CTX = Contexte("Territoires sans dépôt", "2026-T3", demo=True, extrait_le=dt.datetime(2026, 12, 6, 22, 15))


def test_xlsx_keeps_full_precision_real_dates_and_an_information_sheet():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_export(FRAME, CTX)))
    assert book.sheetnames == ["donnees", "informations"]
    data = book["donnees"]
    assert [c.value for c in data[1]] == list(FRAME.columns)
    assert data["B2"].value == 8.98321 and data["B2"].number_format == "#,##0.0#"  # not 9, not 8.98
    assert data["C2"].value == 1234 and data["C2"].number_format == "#,##0"
    assert data["D2"].is_date and data["D2"].value == dt.datetime(2026, 10, 2, 14, 5)
    assert data["D2"].number_format == "dd/mm/yyyy hh:mm" and data["D3"].value is None
    assert data["E3"].is_date and data["E3"].number_format == "dd/mm/yyyy"
    info = {r[0]: r[1] for r in book["informations"].iter_rows(min_row=2, values_only=True)}
    assert info == {
        "Titre": "Territoires sans dépôt", "Trimestre de référence": "T3 2026",
        "Extrait le": "06/12/2026 à 22:15 (heure de Paris)", "Source": SOURCE, "Données": MENTION_DEMO,
    }


def test_without_demo_or_quarter_the_information_says_neither():
    ctx = Contexte("Catalogue des indicateurs", extrait_le=dt.datetime(2026, 1, 2, 9, 0))
    assert [k for k, _ in ctx.lignes()] == ["Titre", "Extrait le", "Source"]
    assert ctx.nom_fichier("csv") == "catalogue-des-indicateurs_extrait-2026-01-02-09h00.csv"


def test_csv_is_pure_data_with_its_context_in_the_file_name():
    text = csv_export(FRAME).decode("utf-8-sig").splitlines()
    assert text == ["Territoire;Taux (%);Nombre;Reçu le;Le", "Lyon;8,98321;1234;02/10/2026 14:05;02/10/2026",
                    "Paris;100;5;;31/01/2026"]
    assert CTX.nom_fichier("csv") == "territoires-sans-depot_2026-T3_extrait-2026-12-06-22h15_demo.csv"


def test_the_demo_mention_comes_from_the_database(demo_db, db, monkeypatch):
    from pages.components.tables import contexte

    monkeypatch.setenv("LDA_DB", str(demo_db))
    ctx = contexte("territoires-sans-depot", trimestre="2026-T3")
    assert ctx.demo and ctx.titre == "Territoires sans depot" and ("Données", MENTION_DEMO) in ctx.lignes()
    assert contexte("x", titre="Derniers dépôts").titre == "Derniers dépôts"
    monkeypatch.setenv("LDA_DB", str(db))
    assert not contexte("x").demo
