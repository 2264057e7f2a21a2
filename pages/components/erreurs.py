"""Errors on a page, in one place: an expected error (core.errors: access denied, invalid input,
upload refused, store busy or unusable) shows its French message; anything else is a bug, never
passed off as the user's fault, nor shown in Streamlit's raw English error box.

``incident()`` logs the exception with its traceback on the server (logger ``lda``) under a short
reference, and returns the French message naming that reference: the line a user quotes leads to
the log record. Problems of the data are not incidents: they are refusals, with their report.
app.py calls ``afficher_incident()`` around every page; a component that can go on after a failed
step (the upload page, the administration's imports) calls it itself."""

from __future__ import annotations

import logging
import secrets
import sys

import streamlit as st

from core.errors import BaseOccupee, ErreurLda

LOGGER = logging.getLogger("lda")
if not LOGGER.handlers:  # Streamlit configures its own loggers only: ours goes to the server's stderr
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    LOGGER.addHandler(_handler)
    LOGGER.setLevel(logging.INFO)


def incident(exc: BaseException, action: str = "L'opération demandée") -> str:
    """Log ``exc`` with its traceback under a new reference (6 hexadecimal digits); the French
    message for the user, naming ``action`` (« La vérification du fichier ») and the reference."""
    reference = secrets.token_hex(3).upper()
    LOGGER.error("Incident %s — %s : %s: %s", reference, action, type(exc).__name__, exc, exc_info=exc)
    return (f"Erreur de l'application (référence {reference}) : {action} n'a pas pu aboutir. Ce n'est pas un "
            "problème de vos données, mais une erreur du tableau de bord. Réessayez ; si elle se répète, "
            f"transmettez la référence {reference} à l'équipe qui administre le tableau de bord.")


# where a page says it in its own words: the command line's message names the database file
MESSAGES_PAGE = {
    BaseOccupee: "La base de données est occupée par une autre opération (un import planifié, par exemple) "
                 "depuis trop longtemps. Réessayez dans quelques instants : aucune donnée n'est perdue.",
}


def message_page(exc: BaseException, action: str = "L'opération demandée") -> str:
    """The French message a page shows for ``exc``: an expected error's own message (logged as a
    warning, with its technical detail), else ``incident()``."""
    if isinstance(exc, ErreurLda):
        LOGGER.warning("%s [%s]%s", exc.message, exc.code, f" — {exc.detail}" if exc.detail else "")
        return next((text for cls, text in MESSAGES_PAGE.items() if isinstance(exc, cls)), exc.message)
    return incident(exc, action)


def afficher_incident(exc: BaseException, action: str = "L'affichage de cette page") -> str:
    """``message_page()`` shown on the page as an error; returns the message. app.py calls it around
    every page, and every component's error handling: a store held too long by another program, an
    access denied, an invalid input are no bugs, their own French message is shown."""
    message = message_page(exc, action)
    st.error(message, icon=":material/error:")
    return message
