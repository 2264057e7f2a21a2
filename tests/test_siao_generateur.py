"""The seeded SI-SIAO generator: the same arguments give the same bytes, volumes follow population,
and what it writes passes the extract's checks; the demo carries a quarter counted from extracts."""

from __future__ import annotations

import datetime as dt

from data import store
from loaders import siao_generator
from loaders.importer import import_bytes
from loaders.siao import Periode
from tests.conftest import TODAY

DU, AU = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def test_the_generator_is_seeded_and_scaled_to_population():
    small = [("37261", 10_000)]
    big = [("37261", 100_000)]
    assert siao_generator.extrait(small, DU, AU, seed=3) == siao_generator.extrait(small, DU, AU, seed=3)
    assert siao_generator.extrait(small, DU, AU, seed=3) != siao_generator.extrait(small, DU, AU, seed=4)
    n_small = siao_generator.extrait(small, DU, AU).count(b"\r\n") - 1
    n_big = siao_generator.extrait(big, DU, AU).count(b"\r\n") - 1
    assert n_small == siao_generator.volume([10_000], DU, AU) and 9 * n_small < n_big < 11 * n_small
    data = siao_generator.extrait(small, DU, AU)
    assert "hébergement".encode("cp1252") in data and b"/2026;" in data  # as Excel writes them


def test_a_generated_extract_is_accepted_and_counted(db):
    with store.connect(db) as con:
        communes = siao_generator.communes_du_territoire(con, "243700754")  # Tours Métropole
    assert "37261" in {c for c, _ in communes} and "37050" in {c for c, _ in communes}
    data = siao_generator.extrait(communes, DU, AU, seed=1)
    result = import_bytes(data, "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.stored, [p.as_line() for p in result.report.sorted_errors()[:5]]
    assert result.comptage.hors_territoires == 0
    # every request is in Tours Métropole; those of the commune of Tours count in both territories
    assert result.comptage.par_territoire["243700754"] == result.comptage.demandes
    with store.connect(db) as con:
        total = con.execute("""SELECT sum(valeur) FROM valeur WHERE territoire = '243700754'
                               AND indicateur IN ('siao_demandes_hebergement', 'demandes_115')""").fetchall()[0][0]
    assert total == result.comptage.demandes


def test_the_demo_has_a_quarter_counted_from_extracts(demo_module_db):
    with store.connect(demo_module_db) as con:
        uploads = con.execute("SELECT count(*) FROM depot WHERE type_fichier = 'siao' AND resultat = 'enregistre'"
                              ).fetchall()[0][0]
        values = con.execute("SELECT count(DISTINCT territoire), count(*) FROM valeur WHERE source = 'extrait SI-SIAO'"
                             ).fetchall()[0]
    assert uploads == 2 and values == (2, 12)
