"""The ``lawgov-nlp`` command: a thin layer that parses options, calls the library and hands the
result to the output layer (``views.output``). One module per command group; library errors
(``LawgovError``) become one line on stderr here, and only here (``app.handle_errors``)."""
from . import diff, documents, index, policy, search, serve  # noqa: F401  (each module registers its commands)
from .app import app, main

__all__ = ["app", "main"]
