"""lawgov-nlp: search and compare Chinese 法治政府建设 policy documents clause by clause.

The public API is importable from here; heavy dependencies (faiss, torch, the encoders) load
only when a function that needs them is called.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .corpus import load_corpus, load_path
from .document import Document, load_document
from .errors import LawgovError
from .segment import Clause

__all__ = ["Clause", "Document", "LawgovError", "load_corpus", "load_document", "load_path", "__version__"]
