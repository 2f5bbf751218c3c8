"""Every CLI command is documented in the README (as sqlite-utils checks its docs)."""
from __future__ import annotations

import re

import typer.main
from helpers import ROOT

from lawgov_nlp.cli import app


def _commands(group, prefix=""):
    cmd = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, sub in sorted(cmd.commands.items()):
        full = f"{prefix}{name}"
        if hasattr(sub, "commands"):
            yield from _commands(sub, full + " ")
        else:
            yield full


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands(app) if not re.search(rf"lawgov-nlp {re.escape(c)}\b", readme)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[:2500]
    assert "make demo" in first_screen and "make test" in first_screen
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
