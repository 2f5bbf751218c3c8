"""Views: how results look. ``output`` is the one output layer (``--format``/``-o``, atomic writes,
terminal-safe text); ``render`` draws documents, indexes and search results in a terminal,
``report`` draws diff-plans reports (terminal and HTML), ``plots`` and ``frames`` serve notebooks.

A new output format: its name in ``output.ALL_FORMATS``, a branch in ``output.render``, and the
commands that offer it list it in ``@output_options``. A new result type registers its terminal and
HTML views with ``output.terminal_view`` / ``output.html_view``; ``html_view`` also registers the
notebook HTML in :mod:`lawgov_nlp.display`, whose ``_VIEW_MODULES`` names the module to import.
Nothing below ``views`` imports it: results reach their views only through ``display``.
"""
