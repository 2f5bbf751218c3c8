"""Which files under the paths a user names are read, and one line about every file that is not.

A file named on the command line is read or refused with its own error. A folder is walked:
files of a type that is not read, and files of a readable type that cannot be read (a scanned
PDF, a password-protected one), are skipped so that one bad download does not stop a folder of
two hundred, and all of them are listed in one summary line, with the reason for each.
Hidden files and folders (``.git``, ``.DS_Store``) and the corpus manifest are not documents and
not mentioned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_NAMES = {"manifest.toml"}
_SHOW = 8  # names listed per category before "… and N more"


@dataclass
class FileSelection:
    files: list[Path] = field(default_factory=list)  # to read, in order
    walked: set[Path] = field(default_factory=set)  # found in a folder: a read error skips them
    not_documents: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (file, reason)
    roots: list[Path] = field(default_factory=list)  # the folders walked

    @property
    def skipped(self) -> list[tuple[Path, str]]:
        return [(p, "not a document type that is read") for p in self.not_documents] + list(self.unreadable)

    def skip_unreadable(self, path: Path, exc: Exception) -> None:
        reason = str(exc)
        prefix = f"{path}: "
        self.unreadable.append((path, reason[len(prefix):] if reason.startswith(prefix) else reason))

    def summary(self) -> str:
        """One line naming every skipped file, or "" when none was."""
        n = len(self.not_documents) + len(self.unreadable)
        if not n:
            return ""
        where = ", ".join(str(r) for r in self.roots) or "the folders given"
        total = n + len(self.files) - len(self.unreadable)
        parts = []
        if self.not_documents:
            parts.append("not documents: " + _names([self._rel(p) for p in self.not_documents]))
        if self.unreadable:
            parts.append("unreadable: " + _names([f"{self._rel(p)} ({reason})" for p, reason in self.unreadable]))
        return f"skipped {n} of {total} files under {where}; " + "; ".join(parts)

    def _rel(self, p: Path) -> str:
        for r in self.roots:
            try:
                return str(p.relative_to(r))
            except ValueError:
                continue
        return str(p)


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOW])
    return shown + (f" … and {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def select_files(paths, suffixes: set[str]) -> FileSelection:
    """Files under ``paths`` to read: named files as given, folders walked in sorted order."""
    sel = FileSelection()
    for p in map(Path, paths):
        if not p.is_dir():
            sel.files.append(p)
            continue
        sel.roots.append(p)
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p).parts
            if any(part.startswith(".") for part in rel) or not f.is_file():
                continue
            if f.name.lower() in MANIFEST_NAMES:
                continue
            if f.suffix.lower() in suffixes and not f.name.startswith("~$") and f.stem.lower() != "readme":
                sel.files.append(f)
                sel.walked.add(f)
            else:
                sel.not_documents.append(f)  # ~$x.doc: an Office lock file; README.txt: about the folder
    return sel
