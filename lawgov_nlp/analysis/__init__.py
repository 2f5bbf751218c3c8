"""Alignment and policy analysis: diff-plans (a reference plan item by item against local
documents), and the analyses built on the same engine.

A new status rule for diff-plans goes in the decision step (see ``align``), its thresholds in
:class:`~lawgov_nlp.config.DiffConfig`.
"""
