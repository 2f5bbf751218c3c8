"""Alignment and policy analysis: diff-plans (a reference plan item by item against local
documents), and the analyses built on the same engine.

``model`` (reference items, term weights, embeddings) → ``target`` (passages of a file or an index
document) → ``signals`` (array-level matrices) → ``decide`` (the one status rule) → ``explain``
(evidence, reasons); ``results`` holds the :class:`~.results.Status` vocabulary and result types,
``terms`` the term data files, ``align`` wires the steps. A new status rule goes in
``decide.item_statuses`` (a ``RULE_*`` name, its reason sentence in ``explain``), its thresholds in
:class:`~lawgov_nlp.config.DiffConfig`; a new signal in ``signals``.
"""
