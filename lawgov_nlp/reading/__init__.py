"""Reading documents: from a file in any Chinese encoding (txt, portal HTML, docx) to a
:class:`~lawgov_nlp.reading.document.Document` with a cleaning report, metadata and a clause tree.

``ingest`` decodes files (``pdf`` lays PDF pages out again, ``doc`` reads Word 97-2003/WPS),
``files`` chooses the files of a folder, ``clean`` drops scraping residue without rewriting text,
``numbering`` is the grammar of official numbering, ``segment`` builds the clause tree,
``metadata`` (with the type and level rules in ``doctype``) reads title/issuer/year/type,
``document`` ties them together and ``corpus`` reads folders and manifests.
``normalize`` makes the derived forms used for matching; original text is never modified.
A new input format goes in ``ingest``; a new numbering style in ``numbering``.
"""
