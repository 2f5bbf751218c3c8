"""Shared test helpers: paths of the corpus and fixtures, structure oracles, a CLI runner."""
from __future__ import annotations

import hashlib
import io
import json
import sys
import unicodedata
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "fixtures"
SHARED = ROOT.parent / "shared"


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def numbered_tree(doc, parent_id=None):
    """The document's numbered clauses (no inline 一是 points, no table rows) as marker/heading trees."""
    out = []
    for c in doc.clauses:
        if c.parent_id == parent_id and c.kind == "body" and c.numbering != "ordinal":
            out.append({"marker": c.marker, "heading": c.heading, "children": numbered_tree(doc, c.id)})
    return out


def assert_structure(doc, expected):
    """Compare a segmented document with the hand-written oracle in tests/data/expected_structure.json."""
    counts = doc.counts()
    assert counts.get("part", 0) == expected["parts"]
    assert counts.get("item", 0) == expected["items"]

    def norm(tree):
        return [{"marker": nfkc(n["marker"]), "heading": nfkc(n["heading"]), "children": norm(n["children"])} for n in tree]

    assert norm(numbered_tree(doc)) == norm(expected["tree"])
    pre = [c for c in doc.clauses if c.kind == "preamble"]
    if expected["preamble_starts"]:
        assert pre and pre[0].text.startswith(expected["preamble_starts"])
    # every clause's text is the original text at its span (offsets stay honest)
    for c in doc.clauses:
        first = c.text.split("\n")[0]
        assert doc.text[c.span[0]:c.span[0] + len(first)] == first
        assert c.span[0] < c.span[1] <= len(doc.text)




@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(args: list[str]) -> CliResult:
    """Run ``lawgov-nlp ARGS`` through ``main()`` exactly as the console script does (one-line
    errors included), in this process, capturing stdout and stderr."""
    from lawgov_nlp.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["lawgov-nlp", *map(str, args)]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    return CliResult(code, out.getvalue(), err.getvalue())


def tree_digest(root: Path) -> dict[str, str]:
    """Every file (and symlink) under ``root`` with a hash of its bytes: compare before/after to show
    that nothing a user owns was changed or removed."""
    import hashlib
    import os

    out = {}
    root = Path(root)
    if root.is_symlink():
        return {".": "link:" + os.readlink(root)}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def dead_pid() -> int:
    """The id of a process that has exited."""
    import subprocess

    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


@dataclass
class HttpResult:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def http_get(base: str, path: str, params=None, headers=None, method: str = "GET") -> HttpResult:
    """One request to a local test server; 4xx/5xx are returned, not raised."""
    import urllib.error
    import urllib.parse
    import urllib.request

    url = base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            return HttpResult(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def http_post_form(base: str, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]], params=None,
                   headers=None) -> HttpResult:
    """A multipart/form-data POST (a browser's file upload) to a local test server; redirects are not
    followed, so a 303 is returned as it came."""
    import urllib.error
    import urllib.parse
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + v.encode() + b"\r\n")
    for k, (name, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    url = base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **(headers or {})})
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=120) as res:
            return HttpResult(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


class BigramEncoder:
    """Character bigrams hashed into 256 dimensions: texts sharing words share directions. Written only
    to the ``Encoder`` protocol, so a test that needs embeddings but not their quality loads no model."""

    id = "test-bigram-256"
    spec = "test-bigram-256"
    dim = 256

    def __init__(self):
        self.calls = 0

    def encode(self, texts: Sequence[str], *, is_query: bool = False, progress=None) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                out[i, hashlib.blake2b((a + b).encode(), digest_size=2).digest()[0]] += 1.0
            if progress:
                progress(i + 1, len(texts))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
