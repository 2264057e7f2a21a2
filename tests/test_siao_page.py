"""AppTest of the SI-SIAO extract option of the upload page: a coordinator drops an extract, sees
the counting report and the preview per indicator and quarter, confirms, and only their own
territory's values are stored; an identifier in clear refuses the file, shown masked."""

from __future__ import annotations

import datetime as dt

from data import store
from data.siao import ACTION_COMPTAGE
from tests.siao_fixtures import ROWS, TOURS, extract
from tests.test_depot_page import confirm_button, drop, metrics, page  # noqa: F401
from tests.test_siao_problemes import NAME


def choose_extract(at):
    at.radio(key="depot_siao_type").set_value("Extrait SI-SIAO (une ligne par demande)")
    at.run()
    at.checkbox(key="depot_siao_avec_periode").check()
    at.run()
    at.date_input(key="depot_siao_du").set_value(dt.date(2026, 1, 1))
    at.date_input(key="depot_siao_au").set_value(dt.date(2026, 6, 30))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_coordinator_counts_an_extract_previews_and_confirms_their_territory_only(page, demo_db):
    at = choose_extract(page("coordinateur", TOURS))
    drop(at, extract(*ROWS), "extrait.csv")
    text = " ".join(m.value for m in at.markdown)
    assert "Comptage de l'extrait" in text and "37261 (Tours) : 5 demandes" in text
    # every request in one row: D1-D5 and D8 in Tours, D2 (Chambray) and D6 (Lyon) elsewhere, D7 in none
    [partition] = [d.value for d in at.dataframe if "Demandes" in d.value.columns]
    assert [int(n) for n in partition["Nombre"]] == [5, 2, 1, 8]
    assert partition["Demandes"].iloc[1].startswith("Situées seulement dans d'autres territoires")
    # Tours is a commune: its figures are those of its whole territory
    assert not any("communes présentes" in w.value for w in at.warning)
    warnings = [d.value for d in at.dataframe if "Problème" in d.value.columns]
    assert any(w["Code"].eq("siao-hors-perimetre").any() for w in warnings)
    [per_quarter] = [d.value for d in at.dataframe if "Nouvelles" in d.value.columns and "Trimestre" in d.value.columns]
    assert len(per_quarter) == 12  # six indicators, two quarters
    # the French label first, the code beside
    assert per_quarter["Indicateur"].iloc[0] == "Demandes d'hébergement reçues par le SIAO"
    assert per_quarter["Code"].iloc[0] == "siao_demandes_hebergement"
    assert "Demandes au 115 non pourvues" in set(per_quarter["Indicateur"])
    shown = metrics(at)
    assert sum(int(shown[k]) for k in ("Nouvelles", "Révisées", "Inchangées")) == 12  # Tours' values only
    confirm_button(at)[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("enregistré" in s.value for s in at.success)
    with store.connect(demo_db) as con:
        [(depot_id, kind)] = con.execute("SELECT id, type_fichier FROM depot WHERE fichier = 'extrait.csv'").fetchall()
        stored = {(t, f"{i}|{q}"): v for t, i, q, v, source in con.execute(
            "SELECT territoire, indicateur, trimestre, valeur, source FROM valeur WHERE depot_id = ?",
            [depot_id]).fetchall() if source == "extrait SI-SIAO"}
        journalled = con.execute("SELECT count(*) FROM journal WHERE action = ? AND objet = ?",
                                 [ACTION_COMPTAGE, str(depot_id)]).fetchall()[0][0]
    assert {t for t, _ in stored} == {TOURS} and kind == "siao" and journalled == 1
    assert stored[(TOURS, "demandes_115|2026-T1")] == 2 and stored[(TOURS, "siao_demandes_hebergement|2026-T2")] == 2

def test_a_national_user_is_warned_that_an_epci_is_counted_on_the_communes_of_the_extract(page, demo_db):
    at = choose_extract(page("national"))
    drop(at, extract(*ROWS), "extrait.csv")
    [warning] = [w.value for w in at.warning if "communes présentes" in w.value]
    # Tours and Chambray: 2 of the 22 communes of Tours Métropole; 69123 only of the 58 of Lyon's
    assert "243700754 (Tours Métropole Val de Loire) : chiffres calculés à partir des seules communes présentes " \
           "dans l'extrait, 2 sur les 22 communes du territoire" in warning
    assert "200046977 (Métropole de Lyon)" in warning and "1 sur les 58 communes" in warning
    assert "37261 (Tours)" not in warning


def test_an_identifier_in_clear_is_refused_and_shown_masked(page, demo_db):
    at = choose_extract(page("national"))
    drop(at, extract(*ROWS, f"D9;{NAME};37261;115;2026-03-01;rue;en_attente;;"), "extrait.csv")
    assert any("Extrait refusé" in e.value for e in at.error)
    shown = " ".join(m.value for m in at.markdown) + " ".join(d.value.to_csv() for d in at.dataframe)
    assert "Zo… (26 caractères)" in shown and "Quintaluppi" not in shown
    with store.connect(demo_db) as con:
        assert con.execute("SELECT resultat FROM depot WHERE fichier = 'extrait.csv'").fetchall() == [("refuse",)]
        assert con.execute("SELECT count(*) FROM valeur v JOIN depot d ON d.id = v.depot_id"
                           " WHERE d.fichier = 'extrait.csv'").fetchall()[0][0] == 0


def test_a_reader_sees_no_upload_option(page):
    at = page("lecteur")
    assert not at.radio and not at.file_uploader
