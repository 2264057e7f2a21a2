"""The README's command synopsis is the argparse usage: every `python -m X ...` line of its code
blocks equals the line built from X's parser (one per subcommand, in order), whitespace and the order
of options aside (argparse takes options in any order; positionals keep theirs), and every command
package of the project is documented there. A drifted README or parser fails here."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
_FENCE = re.compile(r"^```.*?$(.*?)^```", re.M | re.S)
_COMMAND = re.compile(r"^python -m (\w+)\b")
# one argument of a synopsis: [--opt VALUE] or [--opt], --opt VALUE, or a bare word
_TOKEN = re.compile(r"\[[^\]]*\]|--\S+(?: (?!-)[^\s\[]+)?|\S+")


def canonical(line: str) -> tuple:
    """A synopsis line as (words and positionals in order, options sorted): what must agree."""
    words, options = [], []
    for token in _TOKEN.findall(line):
        (options if token.startswith(("[", "--")) else words).append(token)
    return tuple(words), tuple(sorted(options))


def readme_synopsis(text: str) -> dict[str, list[str]]:
    """The `python -m X` lines of the text's fenced code blocks, whitespace normalised, by package."""
    found: dict[str, list[str]] = {}
    for block in _FENCE.findall(text):
        for line in block.splitlines():
            line = " ".join(line.split())
            match = _COMMAND.match(line)
            if match:
                found.setdefault(match.group(1), []).append(line)
    return found


def _argument(action: argparse.Action) -> str:
    """One argument as a synopsis writes it: FICHIER, --kind a|b, [--db CHEMIN], [--dry-run]."""
    if action.metavar is not None:
        value = action.metavar
    elif action.choices is not None:
        value = "|".join(map(str, action.choices))
    else:
        value = action.dest.upper()
    if not action.option_strings:
        if action.nargs not in (None, 1):
            raise NotImplementedError(f"synopsis of nargs={action.nargs!r}")
        return value
    option = action.option_strings[-1]  # the long form
    written = option if action.nargs == 0 else f"{option} {value}"
    return written if action.required else f"[{written}]"


def parser_synopsis(parser: argparse.ArgumentParser) -> list[str]:
    """One line per subcommand: ``prog command`` then its arguments in declaration order (-h aside)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        return [" ".join([parser.prog] + [_argument(a) for a in parser._actions
                                          if not isinstance(a, argparse._HelpAction)])]
    return [" ".join([sub.prog] + [_argument(a) for a in sub._actions if not isinstance(a, argparse._HelpAction)])
            for sub in subparsers[0].choices.values()]


def synopsis_drift(documented: dict[str, list[str]], parsers: dict[str, list[str]]) -> list[str]:
    """What differs between the documented lines and the parsers' (empty when they agree)."""
    drift = []
    for package in sorted(set(documented) | set(parsers)):
        if package not in parsers:
            drift.append(f"README documents `python -m {package}`, which has no command parser")
            continue
        written, built = documented.get(package, []), parsers[package]
        written_forms, built_forms = [canonical(line) for line in written], [canonical(line) for line in built]
        differ = [f"README: {line}\n  usage: " + "\n  usage: ".join(built)
                  for line, form in zip(written, written_forms) if form not in built_forms]
        differ += [f"not in README: {line}" for line, form in zip(built, built_forms) if form not in written_forms]
        drift += differ
        if not differ and written_forms != built_forms:
            drift.append(f"README lists `python -m {package}`'s commands in another order than its parser")
    return drift


def command_packages() -> dict[str, list[str]]:
    """The synopsis of each top-level package runnable with `python -m` (its __main__'s parser)."""
    found = {}
    for main in sorted(ROOT.glob("*/__main__.py")):
        module = importlib.import_module(f"{main.parent.name}.__main__")
        build = getattr(module, "build_parser", None) or getattr(module, "parser")
        found[main.parent.name] = parser_synopsis(build())
    return found


def test_the_readme_synopsis_is_the_argparse_usage():
    documented = readme_synopsis(README.read_text(encoding="utf-8"))
    assert {"loaders", "indicators"} <= set(documented)
    assert synopsis_drift(documented, command_packages()) == []


def test_a_drifted_readme_fails_the_comparison():
    text = README.read_text(encoding="utf-8")
    parsers = command_packages()
    documented = readme_synopsis(text)
    assert documented["loaders"][0].startswith("python -m loaders import FICHIER [--db CHEMIN]")
    # spacing and the order of options are not drift
    spaced = text.replace("python -m loaders import FICHIER", "python -m loaders   import  FICHIER")
    moved = text.replace("[--db CHEMIN] [--kind", "[--kind", 1).replace("[--dry-run]", "[--dry-run] [--db CHEMIN]", 1)
    for same in (spaced, moved):
        assert same != text and synopsis_drift(readme_synopsis(same), parsers) == []
    # a renamed option, a dropped choice, another metavar, an optional option written as required,
    # a forgotten command, an unknown package, a positional written after another word
    drifted = [
        text.replace("[--dry-run]", "[--simulation]"),
        text.replace("table|csv|json]", "table|csv]", 1),
        text.replace("[--user NOM]", "[--user USER]"),
        text.replace("[--user NOM]", "--user NOM"),
        text.replace("python -m loaders demo [--db CHEMIN]\n", ""),
        text.replace("```bash\n", "```bash\npython -m inconnu run\n", 1),
        text.replace("python -m loaders import FICHIER", "python -m loaders FICHIER import"),
    ]
    for changed in drifted:
        assert changed != text
        assert synopsis_drift(readme_synopsis(changed), parsers) != []
    order = readme_synopsis(text)
    order["indicators"].reverse()
    assert synopsis_drift(order, parsers) == [
        "README lists `python -m indicators`'s commands in another order than its parser"]


@pytest.mark.parametrize("args,expected", [
    ((["--db"], {}), "[--db DB]"),
    ((["--db"], {"metavar": "CHEMIN"}), "[--db CHEMIN]"),
    ((["--format"], {"choices": ("csv", "xlsx")}), "[--format csv|xlsx]"),
    ((["--history"], {"action": "store_true"}), "[--history]"),
    ((["--territory"], {"required": True, "metavar": "CODE"}), "--territory CODE"),
    ((["file"], {"metavar": "FICHIER"}), "FICHIER"),
])
def test_each_argument_is_written_as_a_synopsis_writes_it(args, expected):
    parser = argparse.ArgumentParser(prog="python -m x")
    names, options = args
    parser.add_argument(*names, **options)
    assert parser_synopsis(parser) == [f"python -m x {expected}"]


def test_an_unmarked_test_cannot_start_a_python_process():
    """The guard of tests/conftest.py: what starts Python is marked subprocess (make test-fast skips it)."""
    import subprocess
    import sys

    with pytest.raises(AssertionError, match="mark it @pytest.mark.subprocess"):
        subprocess.run([sys.executable, "-c", "pass"])
