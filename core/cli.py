"""The French argument parser of every ``python -m`` command (loaders, indicators), and the one
mapping of the expected errors (core.errors) to the command line's output.

argparse writes its help and its usage errors in English; they are translated here, and a usage
error exits with code 2 after a French message."""

from __future__ import annotations

import argparse
import os
import sys

from core.errors import EXIT_SORTIE_FERMEE, EXIT_USAGE, ErreurLda

# argparse's own words (prefix -> French), in its help and in its usage errors
_AIDE_FR = [
    ("usage:", "Utilisation :"),
    ("positional arguments:", "arguments :"),
    ("options:", "options :"),
    ("show this help message and exit", "afficher cette aide"),
]
_ERREURS_FR = [
    ("the following arguments are required: ", "arguments obligatoires manquants : "),
    ("unrecognized arguments: ", "arguments non reconnus : "),
    ("invalid choice: ", "choix invalide : "),
    ("expected one argument", "une valeur est attendue"),
    ("choose from ", "choisir parmi "),
    ("argument ", "option "),
]


def _traduire(text: str, table: list[tuple[str, str]]) -> str:
    for english, french in table:
        text = text.replace(english, french)
    return text


class ParseurFrancais(argparse.ArgumentParser):
    """argparse.ArgumentParser with French help and usage errors (exit code 2)."""

    def format_usage(self) -> str:
        return _traduire(super().format_usage(), _AIDE_FR[:1])

    def format_help(self) -> str:
        return _traduire(super().format_help(), _AIDE_FR)

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"Erreur d'utilisation : {_traduire(message, _ERREURS_FR)}", file=sys.stderr)
        sys.exit(EXIT_USAGE)



def _sortie_fermee() -> int:
    """The reader of the standard output is gone: say nothing more (the interpreter's last flush
    would print a BrokenPipeError otherwise) and exit as a Unix tool does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a captured stdout has no file descriptor
        pass
    return EXIT_SORTIE_FERMEE


def executer(action) -> int:
    """Run a command-line action (returning its exit code): an expected error (core.errors) becomes
    its French message on stderr and its exit code instead of a traceback; output piped into a
    reader that stops early (`| head`) ends quietly with EXIT_SORTIE_FERMEE. Every ``python -m``
    command runs through it."""
    try:
        code = action()
        sys.stdout.flush()  # here, not at the interpreter's exit: a closed pipe is caught below
        return code
    except BrokenPipeError:
        return _sortie_fermee()
    except ErreurLda as exc:
        stream = sys.stdout if exc.sur_sortie_standard else sys.stderr
        for line in exc.lignes_terminal():
            print(line, file=stream)
        return exc.sortie
