"""The one family of expected errors: each a French message for the person, a stable code and the
exit code of the command line.

It sits at the bottom (data/, importing nothing of the project) so that every layer raises the same
classes; their output is decided in two places only: ``core.cli.executer`` for every
``python -m`` command, ``pages.components.erreurs.afficher_erreur`` for the pages. Anything else
raised is a bug: an incident on a page, a traceback on the command line.
"""

from __future__ import annotations

# Exit codes of every command line (README, « Codes de sortie »)
EXIT_OK = 0
EXIT_REFUSE = 1  # the request was refused for its content or its rights: nothing stored
EXIT_USAGE = 2  # usage error, unreadable path or database that cannot be opened
EXIT_OCCUPEE = 3  # database busy beyond the allowed wait: nothing stored
EXIT_SORTIE_FERMEE = 128 + 13  # the reader of the output went away (`... | head`): a Unix tool's SIGPIPE status

# exit code -> its meaning, in the README's words (tests/test_forme_erreurs.py reads the README)
SORTIES = {
    EXIT_OK: "enregistré",
    EXIT_REFUSE: "fichier refusé",
    EXIT_USAGE: "erreur d'utilisation ou chemin illisible",
    EXIT_OCCUPEE: "base occupée",
    EXIT_SORTIE_FERMEE: "sortie fermée par le programme qui la lisait",
}


class ErreurLda(Exception):
    """An expected error, said in French. ``detail``: technical text for the log and the support
    only (never the message's first words)."""

    code = "erreur"
    sortie = EXIT_REFUSE

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    @property
    def sur_sortie_standard(self) -> bool:
        """Whether the command line writes it on stdout, as the command's result (else stderr)."""
        return False

    def lignes_terminal(self) -> list[str]:
        """The lines a terminal shows, the technical detail last."""
        if self.detail:
            return [f"{self.message} (détail pour l'assistance : {self.detail})"]
        return [self.message]

    def as_dict(self) -> dict:
        """The error's shape, the same for every class."""
        return {"code": self.code, "message": self.message, "sortie": self.sortie}


class AccesRefuse(ErreurLda, PermissionError):
    """The person may not do or read this."""

    code = "acces-refuse"


class SaisieInvalide(ErreurLda, ValueError):
    """What was typed or asked for is not acceptable (unknown territory, e-mail, role...)."""

    code = "saisie-invalide"


class DepotRefuse(ErreurLda):
    """An upload, or an action on an upload, is refused; ``rapport``: the file's report of problems
    (loaders.problems.Report) when its content is the reason, ``lignes`` its problems for a terminal
    (loaders.summary.lignes_detail)."""

    code = "depot-refuse"

    def __init__(self, message: str, *, rapport=None, lignes=(), detail: str | None = None):
        super().__init__(message, detail=detail)
        self.rapport, self.lignes = rapport, list(lignes)

    @property
    def sur_sortie_standard(self) -> bool:
        return self.rapport is not None  # a file's report is the import's result (README)

    def lignes_terminal(self) -> list[str]:
        """The message, then the report's problems."""
        return super().lignes_terminal() + self.lignes


class BaseOccupee(ErreurLda):
    """The database file stayed locked by another program beyond the allowed wait."""

    code = "base-occupee"
    sortie = EXIT_OCCUPEE


class BaseInaccessible(ErreurLda):
    """The database file cannot be opened (not a DuckDB file, missing folder, no rights)."""

    code = "base-inaccessible"
    sortie = EXIT_USAGE


class UtilisationIncorrecte(ErreurLda):
    """A command line used wrongly, or a path it cannot read or write."""

    code = "utilisation-incorrecte"
    sortie = EXIT_USAGE


def famille() -> list[type[ErreurLda]]:
    """Every class of the family, the base first (subclasses declared anywhere included)."""
    found, todo = [], [ErreurLda]
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found
