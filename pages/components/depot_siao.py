"""The SI-SIAO extract option of the « Déposer des données » page: the extraction period, the drop,
the report and the counting report, then the same preview and confirmation as values (the counted
values go through the one browser pipeline, loaders.depot). Owns the ``depot_siao_*`` keys of
st.session_state."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from core import quarters
from core.parameters import TAILLE_MAX_EXTRAIT_SIAO_MO
from data.access import Personne
from loaders.depot import Preparation, auditer_refus, preparer
from loaders.headers import SIAO
from loaders.siao import Periode
from loaders.siao_comptage import par_indicateur_et_trimestre
from loaders.siao_rapport import demandes
from pages.components import erreurs
from core.formatting import number
from data import reads
from pages.components.store import db_path, read, refresh_version
from pages.components.tables import tableau

VALEURS, EXTRAIT = "Valeurs trimestrielles", "Extrait SI-SIAO (une ligne par demande)"


def choix_extrait(person: Personne) -> bool:
    """Whether the person drops an SI-SIAO extract rather than quarterly values."""
    if not person.peut_deposer():
        return False
    choice = st.radio("Type de fichier", (VALEURS, EXTRAIT), key="depot_siao_type", horizontal=True,
                      help="Un extrait SI-SIAO est compté ici en six indicateurs par territoire et par trimestre ; "
                           "seuls ces comptes sont enregistrés, jamais les demandes elles-mêmes.")
    return choice == EXTRAIT


def _periode() -> Periode | None:
    """The extraction period the person states, or None (that of the requests in the file)."""
    st.caption("La période d'extraction est celle des demandes de l'extrait : un trimestre qu'elle ne couvre qu'en "
               "partie n'est pas enregistré, et une demande datée en dehors refuse le fichier.")
    if not st.checkbox("Indiquer la période d'extraction (sinon : de la première à la dernière demande du fichier)",
                       key="depot_siao_avec_periode"):
        return None
    last = quarters.last_complete()
    c1, c2 = st.columns(2)
    first_day = quarters.end_date(quarters.shift(last, -1)) + dt.timedelta(days=1)  # of the last whole quarter
    du = c1.date_input("Du", value=first_day, key="depot_siao_du", format="DD/MM/YYYY")
    au = c2.date_input("Au", value=quarters.end_date(last), key="depot_siao_au", format="DD/MM/YYYY")
    return Periode(du, au)


def _prepare(data: bytes, name: str, person: Personne, periode: Periode | None, auditer: bool) -> Preparation:
    """preparer() once per file content and period in this session."""
    cache: dict = st.session_state.setdefault("depot_siao_preparations", {})
    key = (hashlib.sha256(data).hexdigest(), name, person, periode.du if periode else None,
           periode.au if periode else None)
    if key not in cache:
        with st.spinner("Vérification et comptage de l'extrait…"):
            cache.clear()  # an extract is big: only the latest is kept
            cache[key] = preparer(data, name, db_path(), personne=person, auditer=auditer, kind=SIAO,
                                  periode=periode)
    return cache[key]


def _comptage(prep: Preparation) -> None:
    """The counting report: every request of the file in one row, the requests counted per
    territory, and a warning for each territory whose figures come from part of its communes."""
    counted = prep.comptage
    if counted is None:
        return
    st.markdown(f"**Comptage de l'extrait** (du {counted.du:%d/%m/%Y} au {counted.au:%d/%m/%Y}) : chaque demande "
                "du fichier figure dans une seule ligne.")
    rows = counted.repartition()
    tableau(pd.DataFrame({"Demandes": [label for label, _n in rows], "Nombre": [number(n) for _l, n in rows]}),
            "comptage-siao", key="depot_siao_comptage", titre=f"Comptage de l'extrait — {prep.name}")
    if counted.par_territoire:
        st.markdown("Demandes comptées par territoire (une demande compte dans chaque territoire qui contient sa "
                    "commune : ces nombres se recouvrent) :\n" + "\n".join(
                        f"- {code} ({counted.noms.get(code, code)}) : {demandes(n)}"
                        for code, n in sorted(counted.par_territoire.items())))
    partial = counted.avertissements_couverture()
    if partial:
        st.warning("**Territoires comptés sur une partie de leurs communes.** Les chiffres d'un EPCI, d'un "
                   "département ou d'un groupement sont la somme des demandes des communes présentes dans "
                   "l'extrait :\n" + "\n".join(f"- {line}" for line in partial))


def _par_indicateur(prep: Preparation) -> None:
    """The preview per indicator (its French label, the code beside) and quarter: how many values
    are new, revised, unchanged."""
    table = par_indicateur_et_trimestre(prep.apercu.lignes)
    libelles = read(reads.catalogue).set_index("code")["libelle"]
    shown = pd.DataFrame({
        "Indicateur": table["indicateur"].map(lambda c: libelles.get(c, c)),
        "Trimestre": table["trimestre"].map(quarters.label),
        "Nouvelles": table["nouvelle"].map(number), "Révisées": table["revisee"].map(number),
        "Inchangées": table["inchangee"].map(number), "Code": table["indicateur"]})
    st.markdown("**Par indicateur et par trimestre** (nombre de territoires dont la valeur est nouvelle, révisée "
                "ou inchangée) :")
    config = {"Code": st.column_config.Column("Code", help="Code de l'indicateur dans les fichiers et les exports")}
    tableau(shown, "apercu-siao", key="depot_siao_apercu", titre=f"Aperçu de l'extrait — {prep.name}",
            column_config=config)


def section(person: Personne, problemes, apercu) -> None:
    """Drop an extract, see its report (``problemes(prep, key)``), counting report and preview,
    and confirm (``apercu(prep, person)``: the page's own preview and confirmation)."""
    scope = "" if person.est_national else f" Seules les valeurs de votre territoire ({person.territoire}) sont " \
                                           "enregistrées ; les demandes d'autres territoires sont comptées à part."
    limit = min(TAILLE_MAX_EXTRAIT_SIAO_MO, int(st.get_option("server.maxUploadSize")))
    bigger = (f" Un extrait plus gros (jusqu'à {TAILLE_MAX_EXTRAIT_SIAO_MO} Mo) s'importe en ligne de commande "
              "(`python -m loaders import EXTRAIT --kind siao`)." if limit < TAILLE_MAX_EXTRAIT_SIAO_MO else "")
    st.caption("Extrait CSV (séparateur « ; », Windows-1252 ou UTF-8) ou classeur .xlsx, une ligne par demande : "
               "id_demande, id_personne (empreinte SHA-256), code_commune, volet, date_demande, situation_avant, "
               f"issue, date_issue, dispositif. **{limit} Mo au plus** ici.{bigger} Rien n'est "
               "enregistré avant votre confirmation." + scope)
    periode = _periode()
    n = st.session_state.setdefault("depot_n", 0)
    upload = st.file_uploader("Extrait SI-SIAO", type=["csv", "txt", "xlsx"], key=f"depot_siao_fichier_{n}")
    if upload is None:
        return
    data, name = upload.getvalue(), upload.name
    audited: set = st.session_state.setdefault("depot_audites", set())
    try:
        prep = _prepare(data, name, person, periode, auditer=hashlib.sha256(data).hexdigest() not in audited)
    except Exception as exc:  # a bug, not the file's fault
        erreurs.afficher_incident(exc, "La vérification de l'extrait")
        return
    if not prep.ok and prep.sha256 not in audited:
        auditer_refus(prep, db_path(), personne=person)
        audited.add(prep.sha256)
        refresh_version()
    if prep.message:
        st.error(prep.message)
        return
    if not prep.report.ok:
        st.error(f"**Extrait refusé : {prep.report.summary()}.** Rien n'a été enregistré.")
        problemes(prep, key="depot_siao_problemes")
        return
    _comptage(prep)
    if prep.report.warnings:
        problemes(prep, key="depot_siao_problemes")
    _par_indicateur(prep)
    st.caption(f"{number(prep.result.row_count)} demandes lues ; seuls les comptes ci-dessous seront enregistrés, "
               "avec la source « extrait SI-SIAO ».")
    apercu(prep, person)
