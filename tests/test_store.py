"""The store: schema and migrations, revisions and history, all-or-nothing, waiting beside a
running dashboard, export and re-import."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from data import migrations, store
from data.config import DUCKDB_CONFIG
from loaders.export import export_values
from loaders.importer import import_bytes
from tests.conftest import ROOT, TODAY

HEADER = "code_territoire;indicateur;trimestre;valeur;commentaire\n"


def load(db, text, user="test", **kwargs):
    return import_bytes((HEADER + text).encode("cp1252"), "depot.csv", db, user=user, today=TODAY, **kwargs)


def rows(db, sql, params=()):
    with store.connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_new_database_has_schema_reference_data_and_no_values(tmp_path):
    path = tmp_path / "neuve.duckdb"
    with store.connect(path) as con:
        assert migrations.current_version(con) == migrations.latest_version() >= 2
        counts = dict(con.execute("SELECT niveau, count(*) FROM collectivite GROUP BY 1").fetchall())
        assert counts["commune"] > 34000 and counts["epci"] > 1200 and counts["departement"] == 101
        assert con.execute("SELECT count(*) FROM indicateur").fetchall()[0][0] == 32
        assert con.execute("SELECT count(*) FROM territoire").fetchall()[0][0] == 41
        assert con.execute("SELECT count(*) FROM valeur").fetchall()[0][0] == 0
        assert store.is_demo(con) is False
        assert store.get_meta(con, "millesime_population") == "2017"
        assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchall()[0][0] is False


def test_joint_bid_is_one_territory_with_members(db):
    (row,) = rows(db, "SELECT nom, type, membres, departements, population FROM territoire WHERE code = '243300316'")
    nom, kind, members, deps, population = row
    assert (nom, kind, members, deps) == ("Bordeaux Métropole et Gironde", "groupement", ["33"], ["33"])
    (gironde,) = rows(db, "SELECT population FROM collectivite WHERE niveau = 'departement' AND code = '33'")
    assert population == gironde[0]  # the EPCI lies inside its département: no double count


def test_revision_keeps_former_value_with_who_and_when(db):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;\n", user="alice")
    result = load(db, "200046977;sorties_rue_logement;2024-T1;45;corrigé\n", user="bob")
    assert (result.outcome.nouvelles, result.outcome.revisees) == (0, 1)
    (current,) = rows(db, "SELECT valeur, revision, d.utilisateur, commentaire FROM valeur v JOIN depot d ON d.id = v.depot_id")
    assert current == (45.0, 2, "bob", "corrigé")
    (former,) = rows(db, "SELECT valeur, revision, utilisateur, remplacee_par_depot FROM valeur_historique")
    assert former[:3] == (42.0, 1, "alice") and former[3] == result.outcome.depot_id
    unchanged = load(db, "200046977;sorties_rue_logement;2024-T1;45;\n", user="carol")
    assert (unchanged.outcome.inchangees, unchanged.outcome.revisees) == (1, 0)
    assert rows(db, "SELECT count(*) FROM valeur_historique") == [(1,)]


def test_upload_never_deletes_and_nc_never_overwrites(db):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;\n200046977;expulsions_evitees;2024-T1;3;\n")
    result = load(db, "200046977;sorties_rue_logement;2024-T1;NC;\n")
    assert result.outcome.non_renseignees == 1 and result.outcome.nouvelles == 0
    assert sorted(rows(db, "SELECT indicateur, valeur FROM valeur")) == [
        ("expulsions_evitees", 3.0), ("sorties_rue_logement", 42.0)]


def test_one_bad_row_after_a_thousand_good_ones_stores_nothing(db):
    codes = [c for (c,) in rows(db, "SELECT code FROM territoire")]
    indicators = ["sorties_rue_logement", "attributions_total", "demandes_115", "saisines_ccapex"]
    good = [f"{c};{i};{y}-T{q};{n};" for n, (c, i, y, q) in enumerate(
        (c, i, y, q) for c in codes for i in indicators for y in (2023, 2024) for q in range(1, 5))]
    assert len(good) > 1000
    text = "\n".join(good) + "\n200046977;sorties_rue_logement;2025-T1;douze;\n"
    result = load(db, text)
    assert [(p.line, p.code) for p in result.report.errors] == [(len(good) + 2, "valeur-invalide")]
    assert rows(db, "SELECT count(*) FROM valeur") == [(0,)]
    assert load(db, "\n".join(good) + "\n").outcome.nouvelles == len(good)


def test_dry_run_stores_nothing_but_counts(db):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;\n")
    result = load(db, "200046977;sorties_rue_logement;2024-T1;43;\n200046977;sorties_rue_logement;2024-T2;1;\n",
                  dry_run=True)
    assert (result.outcome.nouvelles, result.outcome.revisees, result.stored) == (1, 1, False)
    assert rows(db, "SELECT valeur FROM valeur") == [(42.0,)]
    assert rows(db, "SELECT count(*) FROM depot") == [(1,)]


def test_warnings_jump_and_old_revision_do_not_block(db):
    load(db, "200046977;sorties_rue_logement;2024-T1;10;\n")
    result = load(db, "200046977;sorties_rue_logement;2024-T1;12;\n200046977;sorties_rue_logement;2024-T2;80;\n")
    assert result.stored
    codes = sorted((p.line, p.code) for p in result.report.warnings)
    assert codes == [(2, "revision-ancienne"), (3, "saut-trimestriel")]
    (audit,) = rows(db, "SELECT nb_avertissements FROM depot ORDER BY id DESC LIMIT 1")
    assert audit == (2,)


def test_roadmap_revision_and_renewal_keep_history(db):
    header = "code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1\n"

    def roadmap(text, user="dihal"):
        return import_bytes((header + text).encode(), "fdr.csv", db, user=user, today=TODAY)

    assert roadmap("200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;400;180\n").outcome.nouvelles == 1
    revised = roadmap("200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;450;180\n", user="dihal2")
    assert revised.outcome.revisees == 1
    assert rows(db, "SELECT cible, revision, utilisateur FROM cible") == [(450.0, 2, "dihal2")]
    assert rows(db, "SELECT cible, revision FROM cible_historique") == [(400.0, 1)]
    renewal = roadmap("200046977;sorties_rue_logement;2023-T3;2025-T2;;;500;\n")
    assert renewal.outcome.nouvelles == 1
    assert [(p.code) for p in renewal.report.warnings] == ["renouvellement"]
    assert rows(db, "SELECT debut, fin FROM feuille_de_route ORDER BY debut") == [
        ("2021-T3", "2023-T2"), ("2023-T3", "2025-T2")]


def test_territory_import_updates_and_never_deletes(db):
    text = "code_territoire;vague;nom;type;membres\n200000172;AMI 3;;;\n"
    first = import_bytes(text.encode(), "t.csv", db, user="dihal", today=TODAY)
    assert first.outcome.nouvelles == 1
    (row,) = rows(db, "SELECT nom, type, vague, actif FROM territoire WHERE code = '200000172'")
    assert row == ("Communauté de communes Faucigny-Glières", "epci", "AMI 3", True)
    again = import_bytes(text.replace("AMI 3", "AMI 4").encode(), "t.csv", db, user="dihal", today=TODAY)
    assert again.outcome.revisees == 1
    assert rows(db, "SELECT vague FROM territoire_historique WHERE code = '200000172'") == [("AMI 3",)]
    assert rows(db, "SELECT count(*) FROM territoire") == [(42,)]


def test_export_imports_back_unchanged(db, tmp_path):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;=cmd\n"
             "200046977;attributions_total;2024-T1;1 234;source SNE\n"
             "75056;menages_accompagnes;2024-T2;1 050;\n")
    with store.connect(db) as con:
        payload = export_values(con)
    assert payload.startswith(b"\xef\xbb\xbf")
    text = payload.decode("utf-8-sig")
    assert text.splitlines()[0] == "code_territoire;indicateur;trimestre;valeur;commentaire;source"
    assert "'=cmd" in text  # formula neutralised
    other = tmp_path / "autre.duckdb"
    first = import_bytes(payload, "export.csv", other, user="t", today=TODAY)
    assert first.outcome.nouvelles == 3
    again = import_bytes(payload, "export.csv", db, user="t", today=TODAY)
    assert (again.outcome.nouvelles, again.outcome.revisees, again.outcome.inchangees) == (0, 0, 3)


def test_export_history_lists_former_revisions(db):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;\n", user="alice")
    load(db, "200046977;sorties_rue_logement;2024-T1;45;\n", user="bob")
    with store.connect(db) as con:
        text = export_values(con, history=True).decode("utf-8-sig").splitlines()
    assert text[0].endswith("revision;courante;enregistre_le;utilisateur;depot_id;remplacee_le")
    assert [line.split(";")[3] for line in text[1:]] == ["45", "42"]
    assert [line.split(";")[9] for line in text[1:]] == ["bob", "alice"]


def test_export_xlsx_reimports(db, tmp_path):
    load(db, "200046977;sorties_rue_logement;2024-T1;42;\n")
    with store.connect(db) as con:
        payload = export_values(con, fmt="xlsx")
    again = import_bytes(payload, "export.xlsx", db, user="t", today=TODAY)
    assert again.outcome.inchangees == 1 and not again.report.errors


def test_migration_from_first_schema_version(tmp_path):
    path = tmp_path / "ancienne.duckdb"
    con = duckdb.connect(str(path), config=dict(DUCKDB_CONFIG))
    migrations.migrate(con, target=1)
    assert migrations.current_version(con) == 1
    con.execute("INSERT INTO metadonnee VALUES ('marque', 'v1')")
    con.close()
    with store.connect(path) as con:
        assert migrations.current_version(con) == migrations.latest_version()
        assert con.execute("SELECT valeur FROM metadonnee WHERE cle = 'marque'").fetchall() == [("v1",)]
        assert con.execute("SELECT count(*) FROM personne").fetchall() == [(0,)]
        versions = con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
    assert versions == [(v,) for v, _name, _path in migrations.available()]


@pytest.mark.subprocess  # another process holds the file; the CLI runs as scripts run it
def test_import_waits_for_a_running_dashboard_then_succeeds(db, tmp_path):
    """Another process (the dashboard) holds the file: the CLI waits, then stores once it is free."""
    csv = tmp_path / "nuit.csv"
    csv.write_text(HEADER + "200046977;sorties_rue_logement;2024-T1;42;\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from data import store\n"
         "with store.connect(sys.argv[1]) as con:\n"
         "    con.execute('SELECT count(*) FROM valeur').fetchall(); print('tenu', flush=True); time.sleep(2.5)",
         str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "tenu"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "loaders", "import", str(csv), "--db", str(db), "--user", "nuit"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nouvelles: 1" in done.stdout
    assert waited > 1.0  # it did wait for the holder to let go
    assert rows(db, "SELECT valeur, d.utilisateur FROM valeur v JOIN depot d ON d.id = v.depot_id") == [(42.0, "nuit")]


@pytest.mark.subprocess  # another process holds the file; the CLI runs as scripts run it
def test_import_gives_up_with_a_french_message_when_busy_too_long(db, tmp_path):
    csv = tmp_path / "nuit.csv"
    csv.write_text(HEADER + "200046977;sorties_rue_logement;2024-T1;42;\n", encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from data import store\n"
         "with store.connect(sys.argv[1]) as con:\n    print('tenu', flush=True); time.sleep(8)",
         str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "tenu"
        env = {**__import__("os").environ, "LDA_ATTENTE_BASE_S": "1"}
        done = subprocess.run([sys.executable, "-m", "loaders", "import", str(csv), "--db", str(db)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3
    assert "occupée" in done.stderr and "Traceback" not in done.stderr
    assert rows(db, "SELECT count(*) FROM valeur") == [(0,)]


def test_threads_write_one_at_a_time(db):
    """Dashboard sessions are threads: concurrent uploads are serialised, none is lost."""
    errors = []

    def upload(q):
        try:
            result = load(db, f"200046977;sorties_rue_logement;2024-T{q};{q};\n")
            assert result.stored
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(q,)) for q in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rows(db, "SELECT count(*) FROM valeur") == [(4,)]


def test_catalogue_matches_the_contract_codes():
    from data.reference import read_catalogue

    catalogue = read_catalogue()
    assert len(catalogue) == 32 and len({i.code for i in catalogue}) == 32
    by_code = {i.code: i for i in catalogue}
    assert by_code["part_attributions_sans_domicile"].numerateur == "attributions_sans_domicile"
    assert by_code["acces_logement_sans_domicile"].composantes == ["sorties_rue_logement",
                                                                    "sorties_hebergement_logement"]
    assert (by_code["personnes_rue_denombrees"].nature, by_code["personnes_rue_denombrees"].sens) == ("stock", "baisse")
    assert sum(i.nature in ("flux", "stock") for i in catalogue) == 27


def test_every_write_is_stamped_in_paris_time_whatever_the_process_zone(db, monkeypatch):
    """A nightly import under cron (UTC) and the dashboard (Paris) stamp on one clock."""
    import datetime as dt
    import time as time_module
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("TZ", "UTC")
    time_module.tzset()
    try:
        load(db, "200046977;sorties_rue_logement;2024-T1;42;\n", user="nuit")
    finally:
        monkeypatch.undo()
        time_module.tzset()
    paris = dt.datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    (recu, enregistre), = rows(db, "SELECT d.recu_le, v.enregistre_le FROM valeur v JOIN depot d ON d.id = v.depot_id")
    assert abs((paris - recu).total_seconds()) < 60 and abs((paris - enregistre).total_seconds()) < 60
