"""``lawgov-nlp serve``: a local web app over one index — search, documents, compare.

``create_app(index_dir)`` (in :mod:`.app`) builds the ASGI application; :func:`serve` runs it
with uvicorn. Every contact with the rest of the library goes through :mod:`.adapter`.
Needs the ``web`` extra: ``pip install 'lawgov-nlp[web]'``.
"""
from __future__ import annotations

from ..errors import MissingDependency


def require_web() -> None:
    """Fail with the extra to install when the web packages are missing."""
    missing = []
    for mod in ("starlette", "jinja2", "uvicorn"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise MissingDependency(f"lawgov-nlp serve needs {', '.join(missing)}: pip install 'lawgov-nlp[web]'")


def create_app(index_dir, **kwargs):
    require_web()
    from .app import create_app as _create

    return _create(index_dir, **kwargs)
