"""Views: how results look. ``output`` is the one output layer (``--format``/``-o``, atomic writes,
terminal-safe text); ``render`` draws documents, indexes and search results in a terminal,
``report`` draws diff-plans reports (terminal and HTML), ``plots`` and ``frames`` serve notebooks.

A new output format goes in ``output.render``; a new result type registers its terminal and HTML
views with ``output.terminal_view`` / ``output.html_view``.
"""
