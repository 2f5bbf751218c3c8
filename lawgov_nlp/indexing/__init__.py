"""Indexing and search: encoders, the jieba + BM25 lexical side, the SQLite clause store, the
versioned on-disk index (FAISS + BM25 + SQLite + manifest) and hybrid search over it.

The index on disk: ``layout`` (versions behind a pointer, the lock, who owns what), ``manifest``
(checked field by field, checksums), ``postings`` (BM25 segments with global statistics),
``index`` (build, add, remove), ``reader`` (``open_index`` and :class:`ClauseIndex`).

A new search signal goes in ``search`` (computed in :meth:`Searcher.signal_scores`, weighted in
:class:`~lawgov_nlp.config.SearchConfig`); a new encoder in ``encoders`` behind ``get_encoder``.
"""
