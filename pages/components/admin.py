"""Pieces of the administration page: the person form, deactivation, the people import and the audit
trail's filters. Writes go through data.personnes (which checks the actor again) in callbacks, so the
tables drawn after them in the same run already show the change. Session keys start with ``adm_``."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from data import personnes, store
from data.access import LIBELLES_ROLES, ROLES, ROLES_AVEC_TERRITOIRE, Personne
from loaders.headers import PEOPLE
from pages.components import erreurs
from core.formatting import count, number
from pages.components.store import db_path, read, refresh_version

_MESSAGE = "adm_message"
ACTIONS = {
    personnes.AJOUT: "Ajout d'une personne",
    personnes.ROLE: "Changement de rôle ou de territoire",
    personnes.DESACTIVATION: "Désactivation d'une personne",
    personnes.REACTIVATION: "Réactivation d'une personne",
    "depot.enregistre": "Dépôt enregistré",
    "depot.refuse": "Dépôt refusé",
    "depot.annulation": "Annulation d'un dépôt",
    "siao.correspondance": "Correspondance des colonnes SI-SIAO",
    "siao.comptage": "Comptage d'un extrait SI-SIAO",
}
COLONNES_PERSONNES = {"email": "Adresse électronique", "libelle_role": "Rôle", "territoire": "Code territoire",
                      "territoire_nom": "Territoire", "actif": "Actif", "modifie_par": "Modifié par",
                      "modifie_le": "Modifié le"}
COLONNES_JOURNAL = {"quand": "Quand", "qui": "Qui", "action": "Action", "objet": "Objet", "details": "Détails"}


def flash() -> None:
    """The outcome of the last write (set by a callback), shown once."""
    kind, text = st.session_state.pop(_MESSAGE, (None, None))
    if kind:
        getattr(st, kind)(text)
        # also in a toast: the form that caused it may sit far down the page
        st.toast(text, icon=":material/check_circle:" if kind == "success" else ":material/error:")


def _write(fn, *args) -> None:
    try:
        with store.connect(db_path()) as con:
            done = fn(con, *args)
    except Exception as exc:  # refused (core.errors) or a bug (an incident), shown by flash() like any outcome
        st.session_state[_MESSAGE] = ("error", erreurs.message_page(exc, "L'enregistrement"))
        return
    refresh_version()  # the tables drawn in this run show the change
    st.session_state[_MESSAGE] = ("success", done) if done else ("info", "Aucun changement : rien n'a été enregistré.")


def _save(actor: Personne) -> None:
    s = st.session_state
    email, role, terr, actif = s["adm_email"], s["adm_role"], s["adm_territoire"], s["adm_actif"]

    def save(con, *_):
        action = personnes.save(con, actor, email, role, terr if role in ROLES_AVEC_TERRITOIRE else None, actif)
        return action and f"Enregistré ({ACTIONS[action].lower()}) : {personnes.normalise_email(email)}."
    _write(save)


def person_form(actor: Personne, territories: dict[str, str]) -> None:
    """Add a person, or change the role, territory or status of an existing one (same e-mail)."""
    with st.form("adm_form", clear_on_submit=False):
        st.text_input("Adresse électronique", key="adm_email", placeholder="prenom.nom@exemple.gouv.fr")
        c1, c2 = st.columns(2)
        c1.selectbox("Rôle", ROLES, format_func=LIBELLES_ROLES.get, key="adm_role", placeholder="Choisir un rôle")
        c2.selectbox("Territoire (coordination et services de l'État seulement)", [None, *territories],
                     placeholder="Choisir un territoire",
                     format_func=lambda c: "(aucun)" if c is None else f"{territories[c]} ({c})", key="adm_territoire")
        st.checkbox("Actif", value=True, key="adm_actif")
        st.form_submit_button("Enregistrer la personne", type="primary", on_click=_save, args=(actor,))


def deactivation(actor: Personne, active_emails: list[str]) -> None:
    """Deactivate a person (never deleted: they stay in the journal)."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    email = c1.selectbox("Personne à désactiver", active_emails, index=None, key="adm_desactiver",
                         placeholder="Choisir une adresse")

    def done(con, who):
        return personnes.deactivate(con, actor, who) and f"{who} est désactivée : elle n'a plus accès au tableau de bord."
    c2.button("Désactiver", disabled=email is None, on_click=_write, args=(done, email), key="adm_bouton_desactiver")


def people_import(actor: Personne) -> None:
    """A people file (email;role;code_territoire[;actif]) through the same loader as the command line."""
    from pages.components.tables import tableau

    upload = st.file_uploader("Fichier des personnes (CSV ou xlsx : email;role;code_territoire, colonne actif facultative)",
                              type=["csv", "xlsx"], key="adm_fichier")
    if upload is None or not st.button("Importer les personnes", key="adm_importer"):
        return
    result = _imported("L'import des personnes", upload.getvalue(), upload.name, kind=PEOPLE, user=actor.email,
                       actor=actor)
    if result is None:
        return
    refresh_version()  # accepted or refused, the file is now in the audit trail
    if result.report.ok:
        o = result.outcome
        st.session_state[_MESSAGE] = ("success", f"Import de {upload.name} enregistré : "
                                                 f"{count(o.nouvelles, 'personne ajoutée', 'personnes ajoutées')}, "
                                                 f"{count(o.revisees, 'modifiée')}, {count(o.inchangees, 'inchangée')}.")
        st.rerun()  # the people table above is drawn again with the imported rows
    st.error(f"Fichier refusé : {result.report.summary()}. Rien n'a été enregistré.")
    problems = pd.DataFrame([p.as_dict() for p in result.report.sorted_errors()])
    tableau(problems.drop(columns=["gravite"]), "problemes import personnes", key="adm_problemes")


def _imported(action: str, data: bytes, name: str, **options):
    """loaders.importer.import_bytes on this server's store; None after an unexpected error, shown
    as an incident (a bug is no refusal of the file)."""
    from loaders.importer import import_bytes

    try:
        return import_bytes(data, name, db_path(), **options)
    except Exception as exc:
        erreurs.afficher_incident(exc, action)
        return None


def reference_import(actor: Personne) -> None:
    """A roadmap file or the territory list (format-depot.md), validated as on the command line,
    shown, then stored on confirmation; national administrators only (the page and this check)."""
    from loaders import headers
    from loaders.importer import audit_refused
    from pages.components.tables import tableau

    if not actor.peut_administrer:
        st.error("Seule l'équipe nationale dépose les feuilles de route et la liste des territoires.")
        return
    upload = st.file_uploader("Feuille de route ou liste des territoires (CSV ou xlsx)", type=["csv", "txt", "xlsx"],
                              key="adm_reference")
    if upload is None:
        return
    data = upload.getvalue()
    dry = _imported("Le contrôle du fichier", data, upload.name, user=actor.email, dry_run=True)
    if dry is None:
        return
    unreadable = dry.kind is None and not any(p.code == "type-inconnu" for p in dry.report.errors)
    if dry.kind not in (headers.ROADMAP, headers.TERRITORIES) and not unreadable:
        st.error("Ce fichier n'est ni une feuille de route ni une liste des territoires (voir le format de dépôt) ; "
                 "les valeurs trimestrielles se déposent sur la page « Déposer des données ».")
        return
    if not dry.report.ok:
        audited: set = st.session_state.setdefault("adm_reference_audites", set())
        if (digest := hashlib.sha256(data).hexdigest()) not in audited:  # once per file, not per rerun
            audit_refused(dry, data, upload.name, db_path(), user=actor.email)
            audited.add(digest)
            refresh_version()
        kind = f" ({headers.KIND_LABELS[dry.kind]})" if dry.kind else ""
        st.error(f"Fichier refusé{kind} : {dry.report.summary()}. Rien n'a été enregistré.")
        problems = pd.DataFrame([p.as_dict() for p in dry.report.sorted_errors()])
        tableau(problems.drop(columns=["gravite"]), "problemes-reference", key="adm_reference_problemes")
        return
    o = dry.outcome
    st.info(f"Fichier valide ({headers.KIND_LABELS[dry.kind]}) : {count(o.nouvelles, 'nouvelle ligne', 'nouvelles lignes')}, "
            f"{count(o.revisees, 'révisée')}, {count(o.inchangees, 'inchangée')}. Rien n'est enregistré avant confirmation.")
    if dry.report.warnings:
        warnings = pd.DataFrame([p.as_dict() for p in dry.report.warnings])
        tableau(warnings.drop(columns=["gravite"]), "avertissements-reference", key="adm_reference_avertissements")
    if st.button("Enregistrer ce fichier", type="primary", key="adm_reference_ok"):
        done = _imported("L'enregistrement du fichier", data, upload.name, user=actor.email)
        refresh_version()
        if done is None:
            return
        if done.stored:
            st.session_state[_MESSAGE] = ("success", f"{upload.name} enregistré ({headers.KIND_LABELS[dry.kind]}) : "
                                                     f"{count(done.outcome.nouvelles, 'nouvelle')}, "
                                                     f"{count(done.outcome.revisees, 'révisée')}.")
        else:
            st.session_state[_MESSAGE] = ("error", f"{upload.name} refusé : {done.report.summary()}.")
        st.rerun()


def audit_filters() -> dict:
    """Filters of the audit trail: since a day, one action (or family), part of the author."""
    c1, c2, c3 = st.columns(3)
    since = c1.date_input("Depuis le", value=None, format="DD/MM/YYYY", key="adm_depuis")
    actions = read(personnes.audit_actions)
    action = c2.selectbox("Action", actions, index=None, format_func=lambda a: ACTIONS.get(a, a),
                          placeholder="Toutes les actions", key="adm_action")
    who = c3.text_input("Auteur (tout ou partie)", key="adm_qui").strip() or None
    return {"since": since, "action": action, "who": who}


def audit_frame(filters: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, exported) audit trail: French headers, dates as dd/mm/yyyy hh:mm:ss on screen."""
    frame = read(personnes.audit_trail, filters["since"], filters["action"], filters["who"])
    frame = frame.assign(action=frame["action"].map(lambda a: ACTIONS.get(a, a)))
    shown = frame.assign(quand=frame["quand"].map(lambda t: t.strftime("%d/%m/%Y %H:%M:%S")))
    return shown.rename(columns=COLONNES_JOURNAL), frame.rename(columns=COLONNES_JOURNAL)


def since_label(since: dt.date | None) -> str:
    return f" depuis le {since:%d/%m/%Y}" if since else ""


# ------------------------------------------------------------------ the AMI envelope (fiche 5)


def _save_envelope(actor: Personne, territories: dict[str, str]) -> None:
    from data import budget

    s = st.session_state
    grid = s.get("adm_enveloppe_grille_valeurs")
    notified = {}
    if grid is not None:
        for code, amount in zip(grid["Code"], grid["Crédits notifiés (€)"]):
            if amount is not None and str(amount).strip() not in ("", "nan", "None"):
                notified[code] = amount
    year = int(s["adm_enveloppe_exercice"])
    total = s[f"adm_enveloppe_montant_{year}"].strip() or None

    def save(con, *_):
        counts = budget.enregistrer_enveloppe(con, actor, int(s["adm_enveloppe_exercice"]), total, notified,
                                              commentaire=s[f"adm_enveloppe_commentaire_{year}"].strip() or None,
                                              effacer_commentaire=bool(s.get(f"adm_enveloppe_effacer_{year}")))
        if not counts["nouvelles"] + counts["revisees"]:
            return None
        return (f"Enveloppe {int(s['adm_enveloppe_exercice'])} enregistrée : "
                f"{count(counts['nouvelles'], 'montant nouveau', 'montants nouveaux')}, "
                f"{count(counts['revisees'], 'révisé')} (les anciennes valeurs sont conservées).")

    _write(save)


def _euros_saisis(amount) -> str:
    """An amount as the envelope form shows it for editing, French style: 55 000 ; 12 500,50 ; ''."""
    if amount is None or amount != amount:
        return ""
    return number(amount, 0 if float(amount).is_integer() else 2, missing="")


def envelope_form(actor: Personne, territories: dict[str, str]) -> None:
    """The AMI envelope of an exercice (national total) and the credits notified per territory,
    recorded by the national team (data.budget.enregistrer_enveloppe checks the actor again)."""
    this_year = dt.date.today().year
    exercice = st.number_input("Exercice", min_value=2017, max_value=this_year + 2, value=this_year, step=1,
                               key="adm_enveloppe_exercice")
    from data import budget

    national, notifie = read(budget.enveloppes, int(exercice))
    current = dict(zip(notifie["territoire"], notifie["notifie"]))
    # keys per exercice: a keyed widget keeps its state when its value= changes, so another year
    # chosen would still show the former year's amount
    st.text_input("Enveloppe nationale notifiée (€)", key=f"adm_enveloppe_montant_{int(exercice)}",
                  value="" if national.empty else _euros_saisis(national["montant"].iloc[0]),
                  help="Crédits spécifiques de l'État pour l'AMI (par exemple 4 000 000 pour 2021).")
    stored_note = None if national.empty else national["commentaire"].iloc[0]
    st.text_input("Commentaire", key=f"adm_enveloppe_commentaire_{int(exercice)}")
    if isinstance(stored_note, str) and stored_note:
        st.caption(f"Commentaire enregistré : « {stored_note} ». Laissé vide, le champ le conserve ; pour le retirer, "
                   "cochez « Effacer le commentaire ».")
        st.checkbox("Effacer le commentaire", key=f"adm_enveloppe_effacer_{int(exercice)}")
    else:
        st.caption("Aucun commentaire enregistré pour cet exercice.")
    grid = pd.DataFrame({"Code": list(territories), "Territoire": list(territories.values()),
                         "Crédits notifiés (€)": [_euros_saisis(current.get(c)) for c in territories]})
    # a text column: the grid's number formats follow the browser's locale (55,000.00), not French
    st.session_state["adm_enveloppe_grille_valeurs"] = st.data_editor(
        grid, key=f"adm_enveloppe_grille_{int(exercice)}", hide_index=True, disabled=["Code", "Territoire"],
        column_config={"Crédits notifiés (€)": st.column_config.TextColumn(
            help="En euros, écrits à la française : 55 000 ou 12 500,50. Une cellule vide ne change rien.")})
    st.button("Enregistrer l'enveloppe", type="primary", key="adm_enveloppe_ok", on_click=_save_envelope,
              args=(actor, territories))


# ------------------------------------------------------------------ the SI-SIAO column mapping


def correspondance_siao(actor: Personne) -> None:
    """The column mapping of SI-SIAO extracts (export column -> documented column): the current
    one, its history, and a new one uploaded, checked, then stored on confirmation (national only)."""
    from data import siao
    from loaders import siao_mapping
    from pages.components.tables import tableau

    if not actor.peut_administrer:
        st.error("Seule l'équipe nationale change la correspondance des colonnes SI-SIAO.")
        return
    current = siao_mapping.depuis_enregistree(read(siao.correspondance_enregistree))
    st.markdown(f"Correspondance en vigueur : **{current.origine}**.")
    pairs = pd.DataFrame(current.paires, columns=["Colonne de l'export", "Colonne documentée"])
    tableau(pairs, "correspondance-siao", key="adm_siao_paires")
    history = read(siao.historique_correspondances)
    if history:
        st.caption("Versions précédentes : " + " ; ".join(
            f"{h['quand']:%d/%m/%Y %H:%M} par {h['qui']} ({h['fichier']}, {count(h['paires'], 'colonne')})"
            for h in history))
    upload = st.file_uploader("Nouvelle correspondance (CSV : colonne_export;colonne_documentee)",
                              type=["csv", "txt"], key="adm_siao_correspondance")
    if upload is None:
        return
    data = upload.getvalue()
    found, report = siao_mapping.lire(data, upload.name)
    if found is None:
        st.error(f"Correspondance refusée : {report.summary()}. Rien n'a été enregistré.")
        problems = pd.DataFrame([p.as_dict() for p in report.sorted_errors()])
        tableau(problems.drop(columns=["gravite"]), "problemes-correspondance", key="adm_siao_problemes")
        return
    st.info(f"Correspondance valide : {count(len(found.paires), 'colonne')}. Rien n'est enregistré avant confirmation.")
    tableau(pd.DataFrame(found.paires, columns=["Colonne de l'export", "Colonne documentée"]),
            "correspondance-siao-nouvelle", key="adm_siao_nouvelle")
    if st.button("Enregistrer cette correspondance", type="primary", key="adm_siao_ok"):
        def save(con, *_):
            done = siao.enregistrer_correspondance(con, actor, list(found.paires), upload.name,
                                                   hashlib.sha256(data).hexdigest())
            return f"Correspondance {upload.name} enregistrée : les prochains extraits SI-SIAO la suivent." if done else None
        _write(save)
        st.rerun()
