"""Indexing and search: encoders, the jieba + BM25 lexical side, the SQLite clause store, the
versioned on-disk index (FAISS + BM25 + SQLite + manifest) and hybrid search over it.

A new search signal goes in ``search`` (computed in :meth:`Searcher.signal_scores`, weighted in
:class:`~lawgov_nlp.config.SearchConfig`); a new encoder in ``encoders`` behind ``get_encoder``.
"""
