"""How a result object shows itself in a notebook (``_repr_html_``), without importing views.

Result types live in ``reading``/``indexing``/``analysis``/``evaluation``; their HTML is built in
``views``, which imports those types. If a result imported its view to draw itself, the two layers
would import each other. Instead a result calls :func:`render_html` here; this module holds, by type
name, the dotted name of the views module that registers that type's renderer, and imports it by
name (importlib) the first time one is shown. It imports nothing of the package, so any layer may
use it.

A new result type with an HTML view: register the renderer in its views module with
:func:`register_html` (``views.output.html_view`` does so too), add the type's name and that
module to ``_VIEW_MODULES``, and give the type ``def _repr_html_(self): return render_html(self)``.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

# type name -> the views module whose import registers its renderer
_VIEW_MODULES: dict[str, str] = {
    "DiffReport": "lawgov_nlp.views.report",
    "SearchResults": "lawgov_nlp.views.render",
    "CommitmentSet": "lawgov_nlp.views.policy",
    "IndicatorMatrix": "lawgov_nlp.views.policy",
    "PolicyComparison": "lawgov_nlp.views.policy",
    "CitationSet": "lawgov_nlp.views.policy",
    "TraceReport": "lawgov_nlp.views.policy",
}

# type name -> fn(obj, standalone=..., **options) -> str
_RENDERERS: dict[str, Callable[..., str]] = {}


def register_html(type_name: str, fn: Callable[..., str]) -> Callable[..., str]:
    """Register ``fn(obj, standalone=..., **options) -> str`` as the HTML of objects of type ``type_name``."""
    _RENDERERS[type_name] = fn
    return fn


def renderer(obj: Any) -> Callable[..., str] | None:
    """The registered HTML renderer of ``obj``'s type (or a base type's), importing its views module on first use."""
    names = [klass.__name__ for klass in type(obj).__mro__]
    for name in names:
        if name not in _RENDERERS and name in _VIEW_MODULES:
            importlib.import_module(_VIEW_MODULES[name])
        if name in _RENDERERS:
            return _RENDERERS[name]
    return None


def render_html(obj: Any, standalone: bool = False, **options) -> str:
    """``obj`` as an HTML fragment (notebooks) or, with ``standalone=True``, a whole page."""
    fn = renderer(obj)
    if fn is None:
        raise TypeError(f"no HTML view is registered for {type(obj).__name__}")
    return fn(obj, standalone=standalone, **options)
