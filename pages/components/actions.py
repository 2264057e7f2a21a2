"""« Actions de la feuille de route »: the territory page's section (by axe, statuses in words and
icons, late ones first, one action's history quarter by quarter, the coordinator's grid of the
quarter's status points, the pre-filled template) and the national page's section (per status, per
priority and axe across territories). The figures come from indicators.actions, the reads check the
roles (data.actions_reads); this module owns the ``actions_*`` keys of st.session_state."""

from __future__ import annotations

import streamlit as st

from core import quarters
from data import actions_reads
from data.access import Personne
from indicators import actions as ind
from loaders import templates, saisie_actions
from pages.components import tables
from core.formatting import count as compte, number as nombre, percent as pourcentage
from pages.components.store import db_path, read, refresh_version

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the titles of the update grid's columns (the file's column codes): a problem names the one the person saw
COLONNES_GRILLE = {"ref_action": "Réf.", "intitule": "Intitulé", "statut": "Statut", "avancement": "Avancement (%)",
                   "commentaire": "Commentaire"}


def _definitions() -> None:
    with st.expander("Définitions : statut, « en retard », avancement moyen, priorité"):
        st.markdown("\n".join(f"- {text}" for text in ind.DEFINITIONS.values()))
        st.markdown("Statuts : " + ", ".join(ind.libelle_statut(s) for s in ind.STATUTS)
                    + f" ; une action en retard est marquée {ind.ICONE_RETARD} en plus de son statut.")


def _chiffres(state, at: str) -> None:
    r = ind.resume(state)
    c = st.columns(3)
    c[0].metric("Actions", nombre(r["actions"]))
    c[1].metric(f"{ind.ICONE_RETARD} En retard", nombre(r["en_retard"]),
                help=ind.DEFINITIONS["en_retard"])
    moyenne = pourcentage(r["avancement_moyen"])
    c[2].metric("Avancement moyen", moyenne, help=ind.DEFINITIONS["avancement_moyen"])
    st.caption(f"Au {quarters.label(at)} : {compte(r['renseignes'], 'action donne', 'actions donnent')} un "
               "avancement. " + ind.DEFINITIONS["statut"])


def section_territoire(code: str, nom: str, at: str, person: Personne) -> None:
    """The actions of ``code`` at ``at``: detail within the person's scope, counts per axe otherwise."""
    st.header(f"Actions de la feuille de route — {quarters.label(at)}")
    detail = person.peut_voir_detail(code)
    state = read(ind.detail_territoire, person, code, at) if detail else read(ind.suivi, at, (code,))
    if state.empty:
        st.info("Ce territoire n'a pas encore enregistré les actions de sa feuille de route.")
        if person.peut_deposer(code):
            _modele(code, person)
        return
    _chiffres(state, at)
    _definitions()
    st.subheader("Par axe du plan")
    tables.tableau(ind.tableau_comptes(ind.comptes(state, ("axe",))), f"actions-axes-{code}-{at}", key="actions_axes",
                   titre=f"{nom} — actions par axe et par statut", trimestre=at)
    if not detail:
        st.info("Le détail des actions (intitulés, pilotes, commentaires, historique) est réservé à la coordination "
                "du territoire, aux services de l'État du territoire et à l'équipe nationale.")
        return
    st.subheader("Les actions, celles en retard en premier")
    tables.tableau(ind.tableau_actions(state), f"actions-{code}-{at}", key="actions_liste",
                   titre=f"{nom} — actions de la feuille de route", trimestre=at,
                   column_config={"Intitulé": st.column_config.TextColumn(width="large")})
    _historique(state, code, person)
    if person.peut_deposer(code):
        _saisie(code, person)
        _modele(code, person)


def _historique(state, code: str, person: Personne) -> None:
    st.subheader("Historique d'une action, trimestre par trimestre")
    titles = dict(zip(state["ref_action"], state["intitule"]))
    ref = st.selectbox("Action", sorted(titles), key="actions_historique", placeholder="Choisir une action",
                       format_func=lambda r: f"{r} — {titles[r]}")
    history = read(actions_reads.historique_action, person, code, ref)
    if history.empty:
        st.caption("Aucun point d'étape n'a encore été déposé pour cette action.")
        return
    tables.tableau(ind.tableau_historique(history), f"historique-action-{code}-{ref}", key="actions_historique_t",
                   titre=f"Historique de l'action {ref} — {titles[ref]}")


def _saisie(code: str, person: Personne) -> None:
    """The grid of a quarter's status points, stored as an upload (same rules as a file)."""
    st.subheader("Mettre à jour les points d'étape")
    if done := st.session_state.pop("actions_succes", None):
        st.success(done, icon=":material/check_circle:")
    if said := st.session_state.pop("actions_info", None):
        st.info(said)
    courant = quarters.current()
    options = [quarters.shift(courant, -i) for i in range(4)]
    trimestre = st.selectbox("Trimestre du point d'étape", options, index=1, placeholder="Choisir un trimestre",
                             format_func=quarters.label,
                             key="actions_saisie_trimestre")
    acts, pts = read(actions_reads.actions, person, code), read(actions_reads.points, person, code)
    base = saisie_actions.grille(acts, pts, trimestre)
    n = st.session_state.setdefault("actions_saisie_n", 0)
    st.caption("Modifiez le statut, l'avancement ou le commentaire, puis vérifiez : seules les lignes modifiées sont "
               "vérifiées comme un fichier ; l'aperçu montre chaque changement (ancienne → nouvelle valeur) et rien "
               "n'est enregistré avant confirmation (un dépôt ; les anciennes valeurs sont conservées). Sans point "
               "d'étape ce trimestre, une action reprend le statut de son dernier point.")
    edited = st.data_editor(
        base, key=f"actions_grille_{code}_{trimestre}_{n}", hide_index=True, width="stretch",
        placeholder="",  # an empty cell stays empty, not "None"
        disabled=["ref_action", "intitule"],
        column_config={
            "ref_action": st.column_config.TextColumn(COLONNES_GRILLE["ref_action"]),
            "intitule": st.column_config.TextColumn(COLONNES_GRILLE["intitule"]),
            "statut": st.column_config.SelectboxColumn(COLONNES_GRILLE["statut"], options=saisie_actions.choix_statuts()),
            # no min/max here: the grid would silently clamp 150 to 100; the file's rules refuse it in French
            "avancement": st.column_config.NumberColumn(COLONNES_GRILLE["avancement"], step=1, help="De 0 à 100."),
            "commentaire": st.column_config.TextColumn(COLONNES_GRILLE["commentaire"], width="large"),
        })
    tables.download_buttons(base, f"points-etape-{code}-{trimestre}", key=f"actions_grille_dl_{n}",
                            titre=f"Points d'étape des actions — {quarters.label(trimestre)}", trimestre=trimestre)
    axes = dict(zip(acts["ref_action"], acts["axe"].astype(int)))
    if st.button("Vérifier les modifications", key=f"actions_verifier_{n}", type="primary"):
        saisie = saisie_actions.verifier(db_path(), person, code, trimestre, axes, base, edited)
        if saisie.rien:
            st.session_state.pop("actions_apercu", None)
            st.info("Aucune modification à enregistrer.")
            return
        st.session_state["actions_apercu"] = (code, trimestre, n, saisie)
    kept = st.session_state.get("actions_apercu")
    if kept is None or kept[:3] != (code, trimestre, n):
        return
    saisie = kept[3]
    if saisie.data != saisie_actions.fichier(code, trimestre, axes, saisie_actions.changees(base, edited)):
        st.session_state.pop("actions_apercu", None)  # edited since the check: check again
        st.caption("La grille a changé depuis la vérification : vérifiez à nouveau avant d'enregistrer.")
        return
    _apercu_saisie(saisie, code, person, trimestre, n)


def probleme_grille(problem, lignes: dict) -> str:
    """A problem of the checked grid, named by its action and by the column title the person saw in
    the grid (« Avancement (%) »), not the file's column code (« avancement »)."""
    colonne = COLONNES_GRILLE.get(problem.column, problem.column)
    where = f", colonne « {colonne} »" if colonne else ""
    return f"Action **{lignes.get(problem.line, '?')}**{where} : {problem.message}"


def _apercu_saisie(saisie, code: str, person: Personne, trimestre: str, n: int) -> None:
    """A checked grid update: its problems (nothing stored), or what it changes and the choice to
    confirm (one upload) or cancel (nothing recorded)."""
    report = saisie.report
    if not report.ok:
        st.error(f"**Rien n'a été enregistré : {report.summary()}.**")
        st.markdown("\n".join(f"- {probleme_grille(p, saisie.lignes)}" for p in report.sorted_errors()))
        return
    st.markdown(f"**Aperçu** : {compte(len(saisie.modifications), 'modification', 'modifications')} "
                f"({quarters.label(trimestre)}). Rien n'est enregistré avant confirmation.")
    tables.tableau(saisie.modifications, f"apercu-points-etape-{code}-{trimestre}", key="actions_apercu_t",
                   titre=f"Modifications des points d'étape — {quarters.label(trimestre)}", trimestre=trimestre)
    row = st.container(horizontal=True, gap="small")
    if row.button("Confirmer l'enregistrement", key=f"actions_confirmer_{n}", type="primary"):
        done = saisie_actions.confirmer(db_path(), person, saisie)
        st.session_state.pop("actions_apercu", None)
        if not done.stored:
            st.warning(done.message)
            return
        o = done.outcome
        st.session_state["actions_succes"] = (
            f"Dépôt n° {o.depot_id} enregistré ({quarters.label(trimestre)}) : "
            f"{compte(o.details.get('points_nouvelle', 0), 'point d’étape nouveau', 'points d’étape nouveaux')}, "
            f"{compte(o.details.get('points_revisee', 0), 'révisé', 'révisés')}.")
        _nouvelle_grille(n)
    if row.button("Annuler", key=f"actions_annuler_{n}"):
        st.session_state.pop("actions_apercu", None)
        st.session_state["actions_info"] = "Modifications annulées : rien n'a été enregistré."
        _nouvelle_grille(n)


def _nouvelle_grille(n: int) -> None:
    """Draw the grid again from the store (a new key: the edits are dropped)."""
    st.session_state["actions_saisie_n"] = n + 1
    refresh_version()
    st.rerun()


def _modele(code: str, person: Personne) -> None:
    trimestre = quarters.last_complete()
    frame = read(templates.modele_actions, person, code, trimestre)
    st.caption(f"Modèle du fichier des actions pour le {quarters.label(trimestre)}, pré-rempli avec les actions "
               "enregistrées du territoire (à déposer sur la page « Déposer des données »).")
    c1, c2, _ = st.columns([1, 1, 2])
    # callables: the files are built when a button is clicked, not at every run of the page (an
    # xlsx took about 20 ms), as every other download of the dashboard
    c1.download_button("Modèle des actions (Excel)", lambda: templates.actions_xlsx_bytes(frame), key="actions_modele_xlsx",
                       file_name=templates.nom_modele_actions(code, trimestre, "xlsx"), mime=XLSX_MIME,
                       icon=":material/download:", on_click="ignore")
    c2.download_button("Modèle des actions (CSV)", lambda: templates.actions_csv_bytes(frame), key="actions_modele_csv",
                       file_name=templates.nom_modele_actions(code, trimestre, "csv"), mime="text/csv",
                       icon=":material/download:", on_click="ignore")


def section_nationale(at: str) -> None:
    """Across active territories: actions per status, per priority, and per priority and axe."""
    st.header(f"Actions des feuilles de route — {quarters.label(at)}")
    state = read(ind.suivi, at, None)
    if state.empty:
        st.info("Aucun territoire n'a encore enregistré les actions de sa feuille de route.")
        return
    _chiffres(state, at)
    _definitions()
    col_statuts, col_priorites = st.columns([1, 2])
    with col_statuts:
        tables.tableau(ind.par_statut(state), f"actions-statuts-{at}", key="actions_nat_statuts",
                       titre="Actions par statut", trimestre=at)
    with col_priorites:
        tables.tableau(ind.tableau_comptes(ind.comptes(state, ("priorite",))), f"actions-priorites-{at}",
                       key="actions_nat_priorites", titre="Actions par priorité et par statut", trimestre=at)
    st.subheader("Par priorité et par axe, tous territoires")
    tables.tableau(ind.tableau_comptes(ind.comptes_nationaux(state)), f"actions-axes-{at}", key="actions_nat_axes",
                   titre="Actions par axe et par statut, tous territoires", trimestre=at)


def apercu_depot(lignes) -> None:
    """The preview of an actions file on the upload page: revisions first, then what is new."""
    shown = ind.tableau_apercu(lignes)
    for change, titre, intro in (
            ("révisée", "Révisions", "la version enregistrée sera remplacée et conservée dans l'historique."),
            ("nouvelle", "Nouveautés", "actions créées et nouveaux points d'étape."),
            ("inchangée", "Inchangés", "rien ne sera modifié.")):
        part = shown[shown["Changement"] == change]
        if len(part):
            st.markdown(f"**{titre}** ({nombre(len(part))}) : {intro}")
            tables.tableau(part.drop(columns=["Changement"]), f"apercu-actions-{change}", key=f"actions_apercu_{change}",
                           titre=f"Aperçu du dépôt d'actions — {titre.lower()}")
