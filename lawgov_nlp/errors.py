"""Typed errors. The library raises these; only ``cli.py`` turns them into one-line messages."""


class LawgovError(Exception):
    """Base class for every error the library raises on purpose."""


class InputError(LawgovError):
    """A document could not be read: missing, empty, binary, undecodable, unsupported."""


class IndexStoreError(LawgovError):
    """An index is missing, corrupt, locked, or built with another format or encoder."""


class QueryError(LawgovError):
    """A query that cannot be answered (empty, only punctuation, too long)."""


class MissingDependency(LawgovError):
    """An optional package is not installed; the message names the extra to install."""


class ReviewError(InputError):
    """A reviewer's file cannot be applied: unreadable or unsupported, an unknown status, an item or
    document the report does not have, two rows of one item that disagree. The message names the
    file, the row and the value."""
