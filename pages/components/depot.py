"""The pieces of the « Déposer des données » page: templates, drop and report, fix in place, preview
and confirmation, upload history with detail and undo. This module owns the ``depot_*`` keys of
st.session_state. The work itself is in loaders.depot, loaders.correction, loaders.templates and
data.preview (no Streamlit there)."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import streamlit as st

from data import preview as apercu_data
from data import queries
from data.access import Personne
from core.errors import BaseOccupee
from core import quarters
from core.formatting import count, number
from indicators import territoire as fiche_territoire
from core.parameters import PLAFOND_PROBLEMES, TAILLE_MAX_FICHIER_MO
from loaders import correction, templates
from loaders.depot import Preparation, auditer_refus, confirmer, preparer
from loaders.summary import resume_utile, tableau_resume
from pages.components import erreurs
from pages.components.depot_apercu import tableaux_apercu
from pages.components.layout import trimestre
from pages.components.mon_territoire import lien_page
from pages.components.store import db_path, read, refresh_version
from pages.components.tables import tableau

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOUS = "__tous__"
_MAX_PREPARATIONS = 8
# the kept preparations of a session (files, validated rows, previews) stay under this many bytes;
# the latest one is always kept (a 200,000-row file with comments takes about 75 MB)
_MEMOIRE_PREPARATIONS = 160 * 1024 * 1024


def date_affichee(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


def _territory_labels() -> dict[str, str]:
    terr = read(queries.territories)
    terr = terr[terr["actif"]]
    return dict(zip(terr["code"], terr["nom"]))


def territory_choice(person: Personne, key: str, *, allow_all: bool = False) -> str | None:
    """National users choose a territory; others get theirs."""
    if not person.est_national:
        return person.territoire
    labels = _territory_labels()
    options = ([TOUS] if allow_all else []) + sorted(labels, key=lambda c: labels[c])
    return st.selectbox(
        "Territoire", options, key=key, placeholder="Choisir un territoire",
        format_func=lambda c: "Tous les territoires" if c == TOUS else f"{labels[c]} ({c})",
    )


# ------------------------------------------------------------------ 1. templates


def modeles_section(person: Personne) -> None:
    st.header("1. Télécharger un modèle")
    territoire = territory_choice(person, "depot_modele_territoire")
    last = quarters.last_complete()
    m = read(queries.modele_depot, territoire, last)
    proposes = templates.trimestres_proposes(m, last)
    dus = templates.trimestres_dus(read(fiche_territoire.completude_territoire, territoire, proposes[0], last), proposes)
    chosen = st.multiselect(
        "Trimestres du modèle", proposes, default=dus, key=f"depot_modele_trimestres_{territoire}",
        format_func=trimestre, placeholder="Choisir un ou plusieurs trimestres", select_all=False,
        help="Par défaut, les trimestres que le territoire n'a pas encore renseignés en entier, jusqu'au dernier "
             "trimestre complet.",
    )
    if not chosen:
        st.caption("Choisissez au moins un trimestre pour obtenir un modèle.")
        return
    m = templates.pour_trimestres(read(queries.modele_depot, territoire, max(chosen)), chosen)
    st.caption(f"Modèle pré-rempli pour **{m['nom']}** ({territoire}), "
               f"{'trimestres' if len(chosen) > 1 else 'trimestre'} **{templates.libelle_trimestres(m)}**, "
               f"avec {templates.portee(m)}. Le classeur contient une feuille « notice » qui explique chaque "
               "colonne et chaque indicateur.")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("Modèle Excel", lambda: templates.xlsx_bytes(m), file_name=templates.nom_fichier(m, "xlsx"),
                       mime=XLSX_MIME, key="depot_modele_xlsx", icon=":material/download:", on_click="ignore")
    c2.download_button("Modèle CSV", lambda: templates.csv_bytes(m), file_name=templates.nom_fichier(m, "csv"),
                       mime="text/csv", key="depot_modele_csv", icon=":material/download:", on_click="ignore")


# ------------------------------------------------------------------ 2. drop, report, fix


def _prepare(data: bytes, name: str, person: Personne, *, auditer: bool = False) -> Preparation:
    """preparer() once per file content in this session: the kept rows and their preview stay the
    ones shown (a rerun opens nothing), until a confirmation finds them outdated (another upload of
    these values, or a change of the reference data: loaders.depot.confirmer)."""
    cache: dict = st.session_state.setdefault("depot_preparations", {})
    key = (hashlib.sha256(data).hexdigest(), name, person)
    if key not in cache:
        with st.spinner("Vérification du fichier…"):
            cache[key] = preparer(data, name, db_path(), personne=person, auditer=auditer)
        _bound(cache)
    return cache[key]


def _bound(cache: dict) -> None:
    """Forget the oldest preparations beyond _MAX_PREPARATIONS or _MEMOIRE_PREPARATIONS bytes."""
    while len(cache) > 1 and (len(cache) > _MAX_PREPARATIONS
                              or sum(prep.octets for prep in cache.values()) > _MEMOIRE_PREPARATIONS):
        cache.pop(next(iter(cache)))


def _replace_preparation(prep: Preparation, person: Personne) -> None:
    """After a confirmation found the preview outdated: the fresh one is the one shown."""
    st.session_state.setdefault("depot_preparations", {})[(prep.sha256, prep.name, person)] = prep


PROBLEMES_EN_CLAIR = 20  # up to this many problems are also written out as sentences


def _brut(text) -> str:
    """Text from the file, shown literally (no Markdown: a cell could hold a link or emphasis)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", str(text))


def _phrase(row) -> str:
    """One problem as a sentence: - **Ligne 3**, colonne « valeur », valeur « 34,5 » : message."""
    where = [f"**Ligne {row[0]}**" if row[0] else "**Fichier**"]
    if row[1]:
        where.append(f"colonne « {_brut(row[1])} »")
    if row[2]:
        where.append(f"valeur « {_brut(row[2])} »")
    return f"- {', '.join(where)} : {_brut(row[3])}"


def _show_problems(prep: Preparation, lines=None, *, key: str) -> None:
    report = prep.report
    summary = tableau_resume(report, lines)
    # the downloaded report carries the summary too (sheet « informations » of the xlsx)
    kinds = [("Fichier", prep.name), ("Bilan", report.summary())] + [
        (f"{n} × {label}", f"ligne{'s' if n > 1 else ''} {where}" if where else "fichier ou en-tête")
        for label, n, where in zip(summary["Problème"], summary["Nombre"], summary["Premières lignes"])]
    if report.errors:
        if resume_utile(report):  # each kind, counted beyond the cap, before the detail
            st.markdown("**Problèmes par type** (tous sont comptés, même au-delà du détail) :")
            tableau(summary, "resume-problemes-depot", key=f"{key}-resume", titre=f"Problèmes par type — {prep.name}",
                    column_config={"Problème": st.column_config.TextColumn(width="medium")})
            st.markdown("**Détail**, ligne par ligne :")
        table = correction.problem_table(report.sorted_errors(), lines)
        if len(table) <= PROBLEMES_EN_CLAIR:  # a few problems read best as sentences, in full
            st.markdown("\n".join(_phrase(r) for r in table.itertuples(index=False)))
        tableau(table, "problemes-depot", key=key, titre=f"Rapport de dépôt — {prep.name}", informations=kinds,
                column_config={table.columns[3]: st.column_config.TextColumn(width="large")})
        if report.truncated():
            st.caption(f"Seuls les {PLAFOND_PROBLEMES} premiers problèmes sont détaillés ; "
                       f"{number(report.truncated())} autres sont comptés.")
    if report.warnings:
        st.markdown("**Avertissements** (ils n'empêchent pas l'enregistrement) :")
        tableau(correction.problem_table(report.sorted_warnings(), lines), "avertissements-depot", key=f"{key}-avert",
                titre=f"Avertissements du dépôt — {prep.name}")


def afficher_problemes(prep: Preparation, key: str) -> None:
    """The report of a dropped file (problems, then warnings), as this page shows it."""
    _show_problems(prep, key=key)


def apercu_et_confirmation(prep: Preparation, person: Personne) -> None:
    """The preview of a valid file and its confirmation button, as this page shows them."""
    _preview(prep, person, st.session_state.setdefault("depot_n", 0), None)


def depot_section(person: Personne) -> None:
    st.header("2. Déposer le fichier")
    from pages.components import depot_siao  # the extract option, given this page's report and preview

    if done := st.session_state.pop("depot_succes", None):
        _success(done)
    if depot_siao.choix_extrait(person):
        depot_siao.section(person, afficher_problemes, apercu_et_confirmation)
        return
    st.caption(f"Fichier CSV (Excel, séparateur « ; », virgule décimale, Windows-1252 ou UTF-8) ou classeur "
               f".xlsx sans macros, **{TAILLE_MAX_FICHIER_MO} Mo au plus**. Rien n'est enregistré avant votre "
               "confirmation.")
    n = st.session_state.setdefault("depot_n", 0)
    upload = st.file_uploader("Fichier de valeurs trimestrielles ou des actions de la feuille de route", type=["csv", "txt", "xlsx", "xlsm", "xls"],
                              key=f"depot_fichier_{n}")
    if upload is None:
        return
    data, name = upload.getvalue(), upload.name
    audited: set = st.session_state.setdefault("depot_audites", set())  # a refusal is audited once per file
    try:  # a refusal is audited by the same validation (the file is not read again for it)
        prep = _prepare(data, name, person, auditer=hashlib.sha256(data).hexdigest() not in audited)
    except Exception as exc:  # a bug, not the file's fault: no refusal, an incident (erreurs.py)
        erreurs.afficher_incident(exc, "La vérification du fichier")
        return
    if not prep.ok and prep.sha256 not in audited:
        auditer_refus(prep, db_path(), personne=person)  # no-op when preparer() audited it
        audited.add(prep.sha256)
        refresh_version()  # the history below shows this refusal
    if not prep.ok and (alert := st.session_state.pop("depot_alerte", None)):
        st.warning(alert)  # checked again at confirmation, and now refused
    if prep.message:
        st.error(prep.message)
        return
    candidate, lines = prep, None
    if not prep.report.ok:
        st.error(f"**Fichier refusé : {prep.report.summary()}.** Rien n'a été enregistré.")
        _show_problems(prep, key="depot_problemes")
        candidate, lines = _fix_in_place(prep, person, n)
    elif prep.report.warnings:
        _show_problems(prep, key="depot_problemes")
    if candidate is not None and candidate.ok:
        _preview(candidate, person, n, lines)


def _edits(key: str) -> bool:
    state = st.session_state.get(key)
    return bool(state) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def _fix_in_place(prep: Preparation, person: Personne, n: int):
    """The rejected rows in an editable grid; the file rebuilt from it and validated again."""
    fichier = correction.read_rows(prep.data, prep.name)
    if not correction.fixable(prep.report, fichier):
        if prep.report.truncated() and fichier is not None and correction.fixable_rows(prep.report, fichier):
            st.info(f"Trop de problèmes pour les corriger ici ({number(prep.report.error_count)}, dont "
                    f"{PLAFOND_PROBLEMES} détaillés) : corrigez le fichier en vous aidant des problèmes par type "
                    "ci-dessus, puis déposez-le à nouveau.")
        else:
            st.info("Ces problèmes portent sur le fichier lui-même ou sur son en-tête : corrigez le fichier, "
                    "puis déposez-le à nouveau.")
        return None, None
    st.subheader("Corriger ici")
    st.caption("Les lignes refusées sont ci-dessous : corrigez les cellules (ou supprimez une ligne), le fichier est "
               "vérifié à nouveau à chaque modification, sans le redéposer. Les numéros de ligne restent ceux de "
               "votre fichier ; une ligne ajoutée dans la grille est notée « ajoutée ».")
    lines_in_error = correction.error_lines(prep.report.errors)
    base = correction.grid(fichier, lines_in_error)
    key = f"depot_grille_{n}"
    edited = st.data_editor(
        base, key=key, hide_index=True, num_rows="dynamic", disabled=[correction.LINE_COLUMN], width="stretch",
        placeholder="",  # an empty cell of the file stays empty, not "None"
        column_config={correction.LINE_COLUMN: st.column_config.NumberColumn("ligne", format="%d")}
        | {c: st.column_config.TextColumn(c) for c in fichier.header},
    )
    if fichier.extra_cells:
        st.caption("Lignes " + ", ".join(map(str, sorted(fichier.extra_cells)))
                   + " : les cellules au-delà des colonnes de l'en-tête ne sont pas reprises.")
    if not _edits(key):
        return None, None
    rebuilt = correction.rebuild(fichier, edited, lines_in_error)
    fixed = _prepare(rebuilt.data, rebuilt.name, person)
    if fixed.report.ok:
        st.success("Le fichier corrigé ne contient plus d'erreur.")
        if fixed.report.warnings:
            _show_problems(fixed, rebuilt.lines, key="depot_problemes_corrige")
    else:
        st.warning(f"Il reste {fixed.report.summary()} dans le fichier corrigé.")
        _show_problems(fixed, rebuilt.lines, key="depot_problemes_corrige")
    note = (" Ses lignes sont renumérotées (lignes vides retirées) : les messages ci-dessus donnent les numéros de "
            "votre fichier d'origine." if rebuilt.renumbered else "")
    st.download_button("Télécharger le fichier corrigé (CSV)", rebuilt.data, file_name=rebuilt.name,
                       mime="text/csv", key=f"depot_corrige_{n}", icon=":material/download:", on_click="ignore")
    st.caption("Le fichier corrigé est un CSV (UTF-8, mêmes colonnes)." + note)
    return fixed, rebuilt.lines


# ------------------------------------------------------------------ 3. preview and confirmation


# Revisions first show what changes (key, current value, new value), then who wrote the current one
# and when, the indicator's full name last: at 1440 px the new value is on screen without scrolling.
def _preview(prep: Preparation, person: Personne, n: int, lines) -> None:
    st.header("3. Vérifier puis confirmer")
    if alert := st.session_state.pop("depot_alerte", None):
        st.warning(alert)
    ap = prep.apercu
    c = st.columns(4)
    c[0].metric("Nouvelles", number(ap.compte("nouvelle")))
    c[1].metric("Révisées", number(ap.compte("revisee")))
    c[2].metric("Inchangées", number(ap.compte("inchangee")))
    c[3].metric("Non renseignées", number(ap.non_renseignees))
    tableaux_apercu(ap, lines, counted=prep.comptage is not None)
    if ap.compte("nouvelle") + ap.compte("revisee") == 0:
        st.info("Ce fichier ne change aucune valeur enregistrée.")
    st.caption("Rien n'est enregistré tant que vous n'avez pas confirmé. La confirmation enregistre exactement cet "
               "aperçu, en une fois ; si un autre dépôt a modifié ces valeurs entre-temps, rien n'est enregistré et "
               "l'aperçu est actualisé.")
    if st.button("Confirmer l'enregistrement", type="primary", key=f"depot_confirmer_{n}"):
        try:
            done = confirmer(prep, db_path(), personne=person, empreinte=ap.empreinte)
        except (apercu_data.DepotRefuse, BaseOccupee) as exc:
            st.error(erreurs.message_page(exc))
            return
        if done.stored:
            o = done.outcome
            st.session_state["depot_succes"] = {
                "depot_id": o.depot_id, "nouvelles": o.nouvelles, "revisees": o.revisees,
                "inchangees": o.inchangees, "non_renseignees": o.non_renseignees, "territoires": o.territoires,
                "fichier": prep.name,
            }
            st.session_state["depot_n"] = n + 1
        elif done.preparation is not None or done.apercu is not None:
            if done.preparation is not None:  # validated again: the reference data changed
                prep = done.preparation
            else:  # classified again from the kept rows
                prep.apercu = done.apercu
            _replace_preparation(prep, person)
            st.session_state["depot_alerte"] = done.message
        else:
            st.error(done.message)
            return
        st.rerun()


def _success(done: dict) -> None:
    st.success(
        f"**Dépôt n° {done['depot_id']} enregistré** ({done['fichier']}) : "
        f"{count(done['nouvelles'], 'nouvelle', 'nouvelles')}, {count(done['revisees'], 'révisée', 'révisées')}, "
        f"{count(done['inchangees'], 'inchangée', 'inchangées')}, "
        f"{count(done['non_renseignees'], 'non renseignée', 'non renseignées')}. Les pages du tableau de bord "
        "affichent déjà ces chiffres.",
        icon=":material/check_circle:",
    )
    labels = _territory_labels()
    for code in done["territoires"]:
        lien_page("pages/territoire.py", f"Voir {labels.get(code, code)} ({code})", icon=":material/location_city:",
                  query_params={"territoire": code})
