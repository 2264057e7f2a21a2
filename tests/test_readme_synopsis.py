"""The README's command synopsis is the argparse usage: every `python -m X ...` line of its code
blocks equals, whitespace aside, the line built from X's parser (one per subcommand, in order), and
every command package of the project is documented there. A drifted README or parser fails here."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
_FENCE = re.compile(r"^```.*?$(.*?)^```", re.M | re.S)
_COMMAND = re.compile(r"^python -m (\w+)\b")


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
        differ = [f"README: {line}\n  usage: " + "\n  usage: ".join(built) for line in written if line not in built]
        differ += [f"not in README: {line}" for line in built if line not in written]
        drift += differ
        if not differ and written != built:
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
    # spacing is not drift
    spaced = text.replace("python -m loaders import FICHIER", "python -m loaders   import  FICHIER")
    assert synopsis_drift(readme_synopsis(spaced), parsers) == []
    # a renamed option, a dropped choice, a forgotten command, an unknown package, another order
    drifted = [
        text.replace("[--dry-run]", "[--simulation]"),
        text.replace("table|csv|json]", "table|csv]", 1),
        text.replace("python -m loaders demo [--db CHEMIN]\n", ""),
        text.replace("```bash\n", "```bash\npython -m inconnu run\n", 1),
        text.replace("[--db CHEMIN] [--kind", "[--kind", 1).replace("[--dry-run]", "[--dry-run] [--db CHEMIN]", 1),
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
