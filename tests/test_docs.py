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


def test_no_merge_conflict_markers_are_committed():
    # A merge once left <<<<<<< markers in BENCHMARKS.md; a reader would have seen both halves raw.
    import shutil
    import subprocess

    import pytest

    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    found = [f for f in files if f.endswith((".md", ".py", ".toml", ".html", ".js", ".css", ".txt"))
             and (ROOT / f).is_file() and marker.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))]
    assert not found, f"conflict markers in {found}"
