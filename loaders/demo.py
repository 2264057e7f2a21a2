"""The demonstration database: deterministic (seeded), realistic magnitudes scaled by population from
the national figures of domain.md, every status of the methodology present, and loudly marked as demo.

Everything goes through the real import pipeline (roadmap file, then one values upload per territory
and quarter batch), so the demo also exercises validation, revisions and the upload audit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from data import store
from data.config import resolve_db_path
from core.clock import maintenant
from core import quarters
from core.formatting import plain
from data.registre import ACTION, BUDGET_LIGNE, CIBLE, DEPOT, INDICATEUR, PERSONNE, TERRITOIRE, VALEUR

SEED = 2026

# Quarterly flow per 100,000 inhabitants (national figures of domain.md / 68 M inhabitants / quarter).
RATE_PER_100K = {
    "sorties_rue_logement": 5.0,
    "sorties_hebergement_logement": 27.0,
    "attributions_total": 145.0,
    "attributions_sans_domicile": 9.5,  # about 6.5 % of allocations
    "attributions_hors_qpv_total": 110.0,
    "attributions_hors_qpv_q1": 17.0,  # about 15 % where the floor is 25 %
    "attributions_dalo": 7.5,
    "plai_adaptes_agrees": 1.1,
    "places_iml_creees": 3.1,
    "logements_prives_mobilises": 4.0,
    "places_pension_famille_ouvertes": 0.55,
    "places_hebergement_transformees": 0.6,
    "siao_demandes_hebergement": 160.0,
    "siao_reponses_positives": 95.0,  # about 60 %
    "siao_orientations_logement": 6.0,
    "demandes_115": 420.0,
    "demandes_115_non_pourvues": 230.0,
    "nuitees_hotelieres": 9000.0,
    "professionnels_formes": 2.0,
    "sortants_institutions_loges": 1.5,
    "commandements_quitter_lieux": 48.0,
    "saisines_ccapex": 30.0,
    "expulsions_evitees": 9.0,
    "cfp_accordes": 11.0,
    "expulsions_effectives": 6.4,
}
# Stock levels per 100,000 inhabitants.
STOCK_PER_100K = {"personnes_rue_denombrees": 40.0, "menages_accompagnes": 95.0}

# How a territory performs against its targets: factor on the expected path.
PROFILES = {
    "avance": 1.45,
    "trajectoire": 1.08,
    "surveiller": 0.9,
    "retard": 0.62,
}
ROADMAP_CORE = [
    "sorties_rue_logement", "sorties_hebergement_logement", "acces_logement_sans_domicile",
    "attributions_sans_domicile", "part_attributions_sans_domicile", "personnes_rue_denombrees",
    "expulsions_evitees", "places_iml_creees", "menages_accompagnes", "nuitees_hotelieres",
]
ROADMAP_OPTIONAL = [
    "places_pension_famille_ouvertes", "taux_reponse_positive_siao", "part_attributions_hors_qpv_q1",
    "plai_adaptes_agrees", "professionnels_formes", "expulsions_effectives", "logements_prives_mobilises",
]


@dataclass
class Plan:
    """What the demo decides for one territory."""

    code: str
    population: int
    profile: str
    windows: list[tuple[str, str]]
    indicators: list[str]
    silent: bool = False  # reports nothing during its current roadmap
    late_quarters: int = 0  # last quarters not reported yet
    gap_rate: float = 0.0


def _plans(territories: list[tuple[str, str, int]], rng: random.Random, at: str) -> list[Plan]:
    plans = []
    profiles = list(PROFILES)
    for n, (code, vague, population) in enumerate(territories):
        population = population or 100_000
        if vague.strip().upper() == "AMI 1":
            start2 = quarters.shift(at, -rng.randint(5, 7))
            windows = [(quarters.shift(start2, -8), quarters.shift(start2, -1)), (start2, quarters.shift(start2, 7))]
        else:
            start = quarters.shift(at, -rng.randint(2, 5))
            windows = [(start, quarters.shift(start, 7))]
        plan = Plan(code, population, profiles[n % len(profiles)], windows,
                    ROADMAP_CORE + rng.sample(ROADMAP_OPTIONAL, 3))
        plans.append(plan)
    # make every status and reporting pattern appear, deterministically
    if len(plans) >= 8:
        plans[-1].windows = [(quarters.shift(at, 1), quarters.shift(at, 8))]  # non_demarre
        plans[-2].silent = True  # non_renseigne
        plans[-3].late_quarters = 2
        plans[-4].late_quarters = 1
        plans[-5].gap_rate = 0.25
        plans[-6].gap_rate = 0.15
    return plans


def _noise(rng: random.Random) -> float:
    return rng.uniform(0.85, 1.15)


def _values(plan: Plan, rng: random.Random, at: str) -> dict[tuple[str, str], float]:
    """Quarterly values of every base indicator from the first window's start to ``at``."""
    perf = PROFILES[plan.profile]
    scale = plan.population / 100_000
    first = plan.windows[0][0]
    current_start, current_end = plan.windows[-1]
    out: dict[tuple[str, str], float] = {}
    last = quarters.shift(at, -plan.late_quarters)
    for q in quarters.quarter_range(quarters.shift(first, -4), last):
        in_current = current_start <= q <= current_end
        if plan.silent and q >= current_start:
            continue
        if plan.gap_rate and rng.random() < plan.gap_rate:
            continue
        j = quarters.to_index(q) - quarters.to_index(current_start) + 1 if in_current else 0
        for code, rate in RATE_PER_100K.items():
            factor = 1.0
            if in_current and code in _TARGETED_FLOWS:
                factor = 1.2 * perf if code not in _LOWER_IS_BETTER else 0.85 * (2 - perf)
            out[(code, q)] = round(rate * scale * factor * _noise(rng))
        for code, level in STOCK_PER_100K.items():
            base = level * scale
            target = base * (0.8 if code == "personnes_rue_denombrees" else 1.3)
            progress = (target - base) * (j / 8) * perf if in_current else 0
            out[(code, q)] = round((base + progress) * rng.uniform(0.98, 1.02))
        if in_current:  # allocations to homeless households climb as the roadmap ambitions
            total = out[("attributions_total", q)]
            share = 0.055 + (0.08 - 0.055) * ((2 * j - 1) / 8) * perf
            out[("attributions_sans_domicile", q)] = round(total * share)
    return out


_TARGETED_FLOWS = {
    "sorties_rue_logement", "sorties_hebergement_logement", "attributions_sans_domicile",
    "expulsions_evitees", "places_iml_creees", "nuitees_hotelieres", "places_pension_famille_ouvertes",
    "plai_adaptes_agrees", "professionnels_formes", "expulsions_effectives", "logements_prives_mobilises",
    "siao_reponses_positives", "attributions_hors_qpv_q1",
}
_LOWER_IS_BETTER = {"nuitees_hotelieres", "expulsions_effectives"}


def _roadmap_rows(plan: Plan, natures: dict[str, tuple[str, str, list]], rng: random.Random) -> list[list[str]]:
    scale = plan.population / 100_000
    rows = []
    for start, end in plan.windows:
        n = quarters.to_index(end) - quarters.to_index(start) + 1
        for code in plan.indicators:
            nature, sens, parts = natures[code]
            base, periode, jalon = "", "", ""
            if nature == "flux":
                per_q = RATE_PER_100K[code] * scale
                target = per_q * n * (0.85 if code in _LOWER_IS_BETTER else 1.2)
                base = plain(round(per_q * 4))
                periode = str(int(start[:4]) - 1)
                cible = round(target)
                jalon = plain(round(target * 4 / n)) if rng.random() < 0.6 else ""
            elif nature == "somme":
                per_q = sum(RATE_PER_100K[p] for p in parts) * scale
                cible = round(per_q * n * 1.2)
                jalon = plain(round(cible * 4 / n))
            elif nature == "stock":
                level = STOCK_PER_100K[code] * scale
                base = plain(round(level))
                periode = quarters.shift(start, -1)
                cible = round(level * (0.8 if sens == "baisse" else 1.3))
            else:  # ratio
                num, den = parts
                b = RATE_PER_100K[num] / RATE_PER_100K[den] * 100
                if code == "part_attributions_sans_domicile":
                    b = 5.5
                base = plain(round(b, 1))
                periode = str(int(start[:4]) - 1)
                cible = round(b * 1.45, 1) if code != "part_attributions_hors_qpv_q1" else 25
            rows.append([plan.code, code, start, end, base, periode, plain(cible), jalon])
    return rows


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [";".join(header)] + [";".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def build_demo(db: str | Path | None = None, today: dt.date | None = None) -> str:
    """(Re)build the demo database at ``db``; returns a French summary."""
    from loaders.importer import import_bytes

    path = resolve_db_path(db)
    for suffix in ("", ".wal"):
        target = Path(str(path) + suffix)
        if target.exists():
            target.unlink()
    store.forget_ready(path)
    at = quarters.last_complete(today)
    with store.connect(path) as con:
        territories = con.execute(
            f"SELECT code, vague, population FROM {TERRITOIRE} WHERE actif ORDER BY vague, code"
        ).fetchall()
        natures = {c: (n, s, list(comp) if comp else [num, den])
                   for c, n, s, comp, num, den in con.execute(
                       f"SELECT code, nature, sens, composantes, numerateur, denominateur FROM {INDICATEUR}").fetchall()}
    plans, files = demo_files(territories, natures, at)
    with store.connect(path) as con:
        for name, user, data in files:
            _check(import_bytes(data, name, user=user, today=today, con=con))
    _revise_one(plans, path, today)
    _siao_extracts(plans, path, at, today)
    from loaders import demo_actions  # the actions of the roadmaps and their status points

    with store.connect(path) as con:
        for name, user, data in demo_actions.files([(p.code, p.windows[-1][0]) for p in plans], at, SEED, _csv):
            _check(import_bytes(data, name, user=user, today=today, con=con))
    with store.connect(path) as con:
        _budgets(con, territories, today)
        _check(import_bytes(_people_file([p.code for p in plans]), "personnes_demo.csv", user="dihal-demo",
                            today=today, con=con))
        _backdate(con)
        with store.transaction(con):
            demo_actions.backdate(con, maintenant())
        with store.transaction(con):
            store.set_meta(con, "demo", "oui")
            store.set_meta(con, "demo_graine", str(SEED))
            store.set_meta(con, "demo_trimestre_reference", at)
        n_values = con.execute(f"SELECT count(*) FROM {VALEUR}").fetchall()[0][0]
        n_targets = con.execute(f"SELECT count(*) FROM {CIBLE}").fetchall()[0][0]
        n_uploads = con.execute(f"SELECT count(*) FROM {DEPOT}").fetchall()[0][0]
        n_people = con.execute(f"SELECT count(*) FROM {PERSONNE}").fetchall()[0][0]
        n_budget = con.execute(f"SELECT count(*) FROM {BUDGET_LIGNE}").fetchall()[0][0]
        n_actions = con.execute(f"SELECT count(*) FROM {ACTION}").fetchall()[0][0]
    return (f"Base de démonstration construite dans {path} : {len(plans)} territoires, "
            f"{n_targets} objectifs de feuille de route, {n_values} valeurs, {n_actions} actions, {n_uploads} dépôts, "
            f"{n_people} personnes (une par rôle), {n_budget} lignes budgétaires "
            f"(trimestre de référence {at}). Ces chiffres sont fictifs.")


def _budgets(con, territories, today: dt.date | None) -> None:
    """The budgets of fiche 5 and the AMI envelope (loaders/demo_budget.py)."""
    from loaders import demo_budget
    from loaders.importer import import_bytes

    files, notified = demo_budget.budget_files([(c, p) for c, _v, p in territories], (today or dt.date.today()).year)
    demo_budget.record_envelopes(con, notified)
    for name, user, data in files:
        _check(import_bytes(data, name, user=user, today=today, con=con))


def _people_file(codes: list[str]) -> bytes:
    """Demo people, one of each role, so the administration page and the audit trail show them."""
    first = sorted(codes)[:3]
    rows = ["email;role;code_territoire", "admin.demo@dihal.gouv.fr;national;", "lecture.demo@dihal.gouv.fr;lecteur;"]
    rows += [f"coordination.{c.lower()}@territoire-demo.fr;coordinateur;{c}" for c in first]
    rows += [f"ddets.{first[0].lower()}@demo.gouv.fr;services_etat;{first[0]}"]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def demo_files(territories, natures, at: str) -> tuple[list[Plan], list[tuple[str, str, bytes]]]:
    """The demo's plans and upload files (name, user, bytes): a pure function of its inputs and SEED."""
    rng = random.Random(SEED)
    plans = _plans(territories, rng, at)
    roadmap = [r for plan in plans for r in _roadmap_rows(plan, natures, rng)]
    header = ["code_territoire", "indicateur", "debut", "fin", "valeur_base", "periode_base", "cible", "jalon_an1"]
    # one window per territory and file: first roadmaps, then the renewals
    first_windows = {plan.code: plan.windows[0] for plan in plans}
    first = [r for r in roadmap if (r[2], r[3]) == first_windows[r[0]]]
    renewals = [r for r in roadmap if (r[2], r[3]) != first_windows[r[0]]]
    files: list[tuple[str, str, bytes]] = []
    for name, rows in (("feuilles_de_route_demo.csv", first), ("renouvellements_demo.csv", renewals)):
        if rows:
            files.append((name, "dihal-demo", _csv(header, rows)))
    # history loaded in bulk by the national team, one file a year; the last two quarters
    # uploaded by each territory's coordinator, one file per quarter
    recent = quarters.shift(at, -1)
    history: dict[str, list[list[str]]] = {}
    latest: dict[tuple[str, str], list[list[str]]] = {}
    for plan in plans:
        for (code, q), v in sorted(_values(plan, rng, at).items(), key=lambda kv: (kv[0][1], kv[0][0])):
            row = [plan.code, code, q, plain(v), ""]
            if q >= recent:
                latest.setdefault((q, plan.code), []).append(row)
            else:
                history.setdefault(q[:4], []).append(row)
    values_header = ["code_territoire", "indicateur", "trimestre", "valeur", "commentaire"]
    for year, rows in sorted(history.items()):
        files.append((f"historique_{year}.csv", "dihal-demo", _csv(values_header, rows)))
    for (q, code), rows in sorted(latest.items()):
        files.append((f"depot_{code}_{q}.csv", f"coordination-{code}", _csv(values_header, rows)))
    return plans, files


def _revise_one(plans: list[Plan], path: Path, today: dt.date | None) -> None:
    """One coordinator corrects a figure, so the demo shows a revision with its history."""
    from loaders.importer import import_bytes

    plan = plans[0]
    q = quarters.shift(quarters.last_complete(today), -1)
    with store.connect(path) as con:
        rows = con.execute(
            f"SELECT valeur FROM {VALEUR} WHERE territoire = ? AND indicateur = 'sorties_rue_logement' AND trimestre = ?",
            [plan.code, q],
        ).fetchall()
    row = rows[0] if rows else None
    if row:
        data = _csv(["code_territoire", "indicateur", "trimestre", "valeur", "commentaire"],
                    [[plan.code, "sorties_rue_logement", q, plain(row[0] + 3), "correction après relance opérateur"]])
        _check(import_bytes(data, f"correction_{plan.code}.csv", path, user=f"coordination-{plan.code}", today=today))


SIAO_TERRITORIES = 2  # demo territories whose last quarter comes from an SI-SIAO extract


def _siao_extracts(plans: list[Plan], path: Path, at: str, today: dt.date | None) -> None:
    """The coordinators of a few territories (the least populated: small extracts) send the SIAO's
    extract of the last quarter: its six SI-SIAO figures are then counted from requests (source
    « extrait SI-SIAO »), revising the ones typed by hand."""
    from loaders import siao_generator
    from loaders.importer import import_bytes
    from loaders.siao import Periode

    du = quarters.end_date(quarters.shift(at, -1)) + dt.timedelta(days=1)
    periode = Periode(du, quarters.end_date(at))
    with store.connect(path) as con:
        for i, plan in enumerate(sorted(plans, key=lambda p: (p.population, p.code))[:SIAO_TERRITORIES]):
            communes = siao_generator.communes_du_territoire(con, plan.code)
            data = siao_generator.extrait(communes, periode.du, periode.au, seed=SEED + i)
            _check(import_bytes(data, f"extrait_siao_{plan.code}_{at}.csv", user=f"coordination-{plan.code}",
                                today=today, con=con, kind="siao", periode=periode, allowed_territories={plan.code}))


def _backdate(con) -> None:
    """Give demo uploads plausible dates: each batch arrives 15 to 55 days after its last quarter."""
    with store.transaction(con):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE dates_demo AS
            SELECT depot_id, max(trimestre) AS dernier FROM {VALEUR} GROUP BY depot_id
            """
        )
        con.execute(
            f"""
            UPDATE {DEPOT} d SET recu_le = least(?::TIMESTAMP,
                make_date(CAST(substr(x.dernier, 1, 4) AS INTEGER), CAST(substr(x.dernier, 7, 1) AS INTEGER) * 3, 28)::TIMESTAMP
                + to_days(15 + CAST(hash(d.fichier) % 40 AS INTEGER)))
            FROM dates_demo x WHERE x.depot_id = d.id
            """,
            [maintenant()],
        )
        con.execute(
            f"UPDATE {VALEUR} v SET enregistre_le = d.recu_le FROM {DEPOT} d WHERE d.id = v.depot_id"
        )


def _check(result) -> None:
    if not result.report.ok:
        lines = "\n".join(p.as_line() for p in result.report.sorted_errors()[:10])
        raise RuntimeError(f"La démonstration produit un fichier refusé :\n{lines}")
