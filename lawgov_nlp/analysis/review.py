"""A reviewer's sign-off on a diff-plans report: read their file, check it, and apply it.

diff-plans agrees with careful readers on about 70% of items, so the staff who sign a report off
check every status and overrule some. Their form is the report's own export (CSV, or the
``evidence`` sheet of the workbook) with two columns filled in, ``review_status`` and
``review_note``, or its JSON (``-f json``) with the same two fields filled in; the project's
gold-label JSON (``{"target", "items": [{"ref", "status", "note"}]}``) is read too. :func:`load_review` reads a file into a :class:`Review`; :func:`apply_review` returns
a new report whose items carry the reviewer's status beside the tool's (the inputs are unchanged)
and which records the file it was signed with (path, sha256, counts).

Every problem is a :class:`~lawgov_nlp.errors.ReviewError` naming the file, the row and the value:
a review applied wrongly would sign off statuses nobody chose, so nothing is guessed or skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import InputError, MissingDependency, ReviewError
from ..reading.normalize import strip_punct
from .results import DiffReport, ReviewRecord, Status

SUFFIXES = (".csv", ".xlsx", ".json")
# the columns an exported report names an item by: ``ref`` in the CSV, ``item`` in the evidence sheet
_REF_COLUMNS = ("ref", "item")
_ALLOWED = ", ".join([*(s.value for s in Status), *(s.zh for s in Status)])


@dataclass(frozen=True)
class ReviewEntry:
    """One row (or gold item) with something in it: a status, a note, or both."""

    doc_id: str  # "" when the file names no document: then the report must have exactly one
    ref: str  # as written: 二、/（五）, （五）, or a clause id
    status: Status | None  # None: the reviewer agrees with the tool (or only wrote a note)
    note: str
    where: str  # "row 7", "sheet evidence, row 7", "item #3": for messages
    heading: str = ""  # the item heading the row was exported with: a form made for another reference shows here
    blank: bool = False  # nothing filled in: the row agrees with the tool, but still names its document and item
    tool: Status | None = None  # the tool's status the form was exported with (None: the file does not say)


@dataclass(frozen=True)
class AdditionEntry:
    """A reviewer's word on one of the tool's local additions: still an addition (keep), or not."""

    doc_id: str
    clause_id: str
    keep: bool | None  # None: only a note
    note: str
    where: str


# what a reviewer writes in review_addition: is the clause really an addition?
_KEEP = {"yes": True, "y": True, "true": True, "keep": True, "是": True, "保留": True, "确认": True,
         "no": False, "n": False, "false": False, "drop": False, "否": False, "不是": False, "删除": False, "剔除": False}


@dataclass(frozen=True)
class Review:
    path: str
    sha256: str
    entries: tuple[ReviewEntry, ...]
    additions: tuple[AdditionEntry, ...] = ()  # the reviewer's word on the tool's local additions (xlsx additions sheet, JSON)
    signed_before: str = ""  # the form is a signed export: who signed it, when, with which file (kept in the new record)
    via: str | None = None  # the outline the exporting run read its reference through ('' none; None: the form does not say)
    run: tuple[tuple[str, str], ...] = ()  # what the form records of its run: (encoder, …), (config_fingerprint, …)

    def error(self, entry: ReviewEntry | None, message: str) -> ReviewError:
        return ReviewError(f"{self.path}{', ' + entry.where if entry else ''}: {message}")


def load_review(path: str | Path) -> Review:
    """Read a review file (the .csv, .xlsx or .json diff-plans exported, or gold-format .json). Statuses
    are checked here; items and documents are checked against a report by :func:`resolve_review`."""
    from ..config import limits

    p = Path(path)
    _check_suffix(str(p))
    try:
        size = p.stat().st_size
        if size > limits().max_file_bytes:
            raise ReviewError(f"{p}: {size:,} bytes, over the limit of {limits().max_file_bytes:,} bytes per file")
        data = p.read_bytes()  # hashed and parsed from the same bytes: the hash names what was applied
    except FileNotFoundError:
        raise ReviewError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ReviewError(f"{p}: is a directory, expected a review file") from None
    except OSError as exc:
        raise ReviewError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return review_from_bytes(str(p), data)


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ReviewError(f"{name}: unsupported review file '{suffix or Path(name).name}' (give the .csv, .xlsx or .json of diff-plans)")
    return suffix


def review_from_bytes(name: str, data: bytes) -> Review:
    """A review form from its bytes (an upload to the web app); ``name`` gives its format by its
    extension and names it in the signed report and in errors."""
    from ..config import limits

    suffix = _check_suffix(name)
    if len(data) > limits().max_file_bytes:
        raise ReviewError(f"{name}: {len(data):,} bytes, over the limit of {limits().max_file_bytes:,} bytes per file")
    review = Review(name, hashlib.sha256(data).hexdigest(), ())
    form = _parse(review, suffix, data)  # once: the rows, the additions and an earlier signature are all read from it
    try:
        reader = {".csv": _csv_rows, ".xlsx": _xlsx_rows, ".json": _json_rows}[suffix]
        entries = tuple(_entries(review, reader(review, form)))
        additions = tuple(_addition_entries(review, suffix, form))
        signed_before = _signed_before(suffix, form)
        via, run = _exported_run(suffix, form)
    finally:
        if suffix == ".xlsx":
            form.close()
    return replace(review, entries=entries, additions=additions, signed_before=signed_before, via=via, run=run)


def _parse(review: Review, suffix: str, data: bytes):
    """The form as its format reads: CSV text, the JSON document, or an open (read-only) workbook."""
    if suffix == ".csv":
        return _decode(review, data)
    if suffix == ".json":
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise review.error(None, "not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise ReviewError(f"{review.path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise review.error(None, "JSON nested too deeply to be a review form") from None
    try:
        import openpyxl  # lazily: only a workbook review needs it
    except ImportError:
        raise MissingDependency("reading a .xlsx review needs openpyxl: pip install openpyxl") from None
    from ..config import limits
    from ..reading.docx import check_zip

    try:
        check_zip(Path(review.path), data, limits(), ".xlsx")  # a workbook is a zip: refuse a bomb before openpyxl inflates it
    except InputError as exc:
        raise ReviewError(str(exc)) from None
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises zipfile, KeyError and its own errors for a damaged file
        raise review.error(None, f"not a readable .xlsx workbook ({type(exc).__name__})") from None


def _addition_entries(review: Review, suffix: str, form) -> Iterable[AdditionEntry]:
    """``review_addition`` (yes/no, 是/否) and ``review_note`` on the additions of an xlsx form's
    ``additions`` sheet or a JSON form's ``additions`` / ``struck_additions``."""
    raw: list[tuple[str, str, str, str, str]] = []  # where, doc_id, clause_id, verdict, note
    if suffix == ".xlsx" and "additions" in form.sheetnames:
        rows = form["additions"].iter_rows(values_only=True)
        cols = {_text(h).strip(): k for k, h in enumerate(next(rows, ()))}
        if "review_addition" in cols and "clause_id" in cols:
            for n, row in enumerate(rows, start=2):
                def get(name, row=row):
                    k = cols.get(name)
                    return _text(row[k]).strip() if k is not None and k < len(row) else ""
                raw.append((f"sheet additions, row {n}", get("doc_id"), get("clause_id"), get("review_addition"), get("review_note")))
    elif suffix == ".json":
        doc = form
        for d in (doc.get("documents") or []) if isinstance(doc, dict) and isinstance(doc.get("documents"), list) else []:
            for key in ("additions", "struck_additions"):
                listed = d.get(key) if isinstance(d, dict) else None
                if listed is None:
                    continue
                if not isinstance(listed, list):
                    raise ReviewError(f"{review.path}, document {_shown(str(d.get('doc_id')))}: '{key}' must be a list, as diff-plans writes it")
                for k, a in enumerate(listed, start=1):
                    if not isinstance(a, dict):
                        raise ReviewError(f"{review.path}, document {_shown(str(d.get('doc_id')))}, {key} #{k}: expected an object")
                    verdict = a.get("review_addition")
                    if verdict is None:
                        verdict = ""
                    elif isinstance(verdict, bool):  # a JSON true/false is the plain answer to "is it an addition?"
                        verdict = "yes" if verdict else "no"
                    note = a.get("review_note") or ""
                    if not isinstance(verdict, str) or not isinstance(note, str):
                        raise ReviewError(f"{review.path}, document {_shown(str(d.get('doc_id')))}, {key} #{k}: "
                                          "'review_addition' (yes/no) and 'review_note' must be text")
                    if verdict or note:
                        raw.append((f"document {d.get('doc_id')}, {key} #{k}", str(d.get("doc_id") or ""), str(a.get("clause_id") or ""),
                                    verdict, note))
    for where, doc_id, clause_id, verdict, note in raw:
        if not verdict and not note:
            continue
        keep = None
        if verdict:
            keep = _KEEP.get(verdict.strip().lower())
            if keep is None:
                raise ReviewError(f"{review.path}, {where}: unknown review_addition '{_shown(verdict)}' (yes/是 it is an addition, "
                                  "no/否 it is not, or leave it empty)")
        if not clause_id:
            raise ReviewError(f"{review.path}, {where}: a review of an addition without its clause_id")
        yield AdditionEntry(doc_id, clause_id, keep, note.replace("\r\n", "\n").replace("\r", "\n"), where)


def _settings(wb) -> dict:
    """A workbook's settings sheet (what produced the report, and who signed it) as setting → value."""
    return {str(r[0]): r[1] for r in wb["settings"].iter_rows(min_row=2, values_only=True) if r and r[0]}


def _signed_before(suffix: str, form) -> str:
    """``NAME on DATE (sha256 PREFIX)`` when the form is itself a signed report's export, else ''.
    Re-signing keeps this in the new record: a second signature does not erase the first."""
    sig: dict = {}
    try:
        if suffix == ".json":
            sig = form.get("review") or {} if isinstance(form, dict) else {}
            sig = {"by": sig.get("reviewer"), "on": sig.get("signed_on"), "sha": sig.get("sha256")} if isinstance(sig, dict) else {}
        elif suffix == ".csv":
            for row in csv.DictReader(io.StringIO(form, newline="")):
                if row.get("signed_on"):
                    sig = {"by": row.get("signed_by"), "on": row.get("signed_on"), "sha": row.get("review_sha256")}
                    break
        elif suffix == ".xlsx" and "settings" in form.sheetnames:
            rows = _settings(form)
            sig = {"by": rows.get("review.reviewer"), "on": rows.get("review.signed_on"), "sha": rows.get("review.sha256")}
    except Exception:  # noqa: BLE001 — the form itself was read and checked above; this is only a note about it
        return ""
    if not sig.get("on"):
        return ""
    by = " ".join(str(sig.get("by") or "").split()) or "an unnamed reviewer"
    sha = f" (sha256 {str(sig['sha'])[:12]})" if sig.get("sha") else ""
    return f"{by} on {sig['on']}{sha}"


_RUN_KEYS = ("encoder", "config_fingerprint")


def _via_cell(value) -> str | None:
    """The outline id a workbook's ``reference.via`` row holds: the id itself, or (a workbook written
    before the row held only the id) the JSON of the whole mapping, perhaps cut at the cell's limit;
    None when no id can be read from it (the form then says nothing about its run's --via)."""
    text = str(value or "").strip()
    if not text.startswith("{"):
        return text
    found = re.search(r'"doc_id"\s*:\s*"((?:[^"\\]|\\.)*)"', text)
    return json.loads(f'"{found.group(1)}"') if found else None


def _exported_run(suffix: str, form) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """What the form records of the run that exported it: the outline its reference was read through
    (diff-plans --via; '' for none, None where the form does not say: CSV, gold-format JSON), and its
    encoder and config fingerprint (to say why a form's statuses differ from this run's)."""
    try:
        if suffix == ".json" and isinstance(form, dict) and isinstance(form.get("reference"), dict):
            ref = form["reference"]
            via = ref.get("via")
            return (str(via.get("doc_id") or "") if isinstance(via, dict) else "",
                    tuple((k, str(ref[k])) for k in _RUN_KEYS if ref.get(k)))
        if suffix == ".xlsx" and "settings" in form.sheetnames:
            rows = _settings(form)
            if "reference.doc_id" in rows:
                return (_via_cell(rows.get("reference.via")),
                        tuple((k, str(rows[f"reference.{k}"])) for k in _RUN_KEYS if rows.get(f"reference.{k}")))
    except Exception:  # noqa: BLE001 — the rows were read and checked above; this only sharpens a later message
        pass
    return None, ()


# -- readers: each yields (where, doc_id, ref, status text, note, heading, tool status text) ------------

Row = tuple[str, str, str, str, str, str, str]


def _csv_rows(review: Review, text: str) -> Iterable[Row]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if not header:
        raise review.error(None, "empty file, expected the CSV diff-plans writes")
    # rows as a spreadsheet numbers them (the header is row 1), not lines: a clause's text spans lines
    try:
        yield from _table(review, header, rows, "row {}")
    except csv.Error as exc:  # a cell past the csv module's field limit (128 KB), a stray NUL
        raise review.error(None, f"line {rows.line_num}: cannot be read as CSV ({exc})") from None


def _decode(review: Review, data: bytes) -> str:
    # Excel on a Chinese Windows saves "CSV (逗号分隔)" in the ANSI code page, GB18030, not UTF-8
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise review.error(None, "not UTF-8 or GB18030 text; save the sheet as CSV UTF-8")


def _xlsx_rows(review: Review, wb) -> Iterable[Row]:
    # diff-plans writes several sheets; the form is the evidence sheet (or any with review_status)
    for name in sorted(wb.sheetnames, key=lambda n: n != "evidence"):
        rows = wb[name].iter_rows(values_only=True)
        header = [_text(c) for c in next(rows, ())]
        if "review_status" in header:
            yield from _table(review, header, ([_text(c) for c in r] for r in rows), f"sheet {name}, row {{}}")
            return
    raise review.error(None, "no sheet has a review_status column (export the report with -f xlsx and fill that column)")


def _text(v) -> str:
    if v is None:
        return ""
    return str(v)


def _table(review: Review, header: Sequence[str], rows, where: str) -> Iterable[Row]:
    cols = {str(h).strip().lstrip("\ufeff"): k for k, h in enumerate(header)}
    ref_col = next((cols[c] for c in _REF_COLUMNS if c in cols), None)
    if "review_status" not in cols or ref_col is None:
        missing = "review_status" if "review_status" not in cols else "ref (or item)"
        raise review.error(None, f"no {missing} column: give the CSV or xlsx diff-plans exported, with review_status filled in")
    st, note, doc = cols["review_status"], cols.get("review_note"), cols.get("doc_id")
    heading, final, tool, final_zh = cols.get("heading"), cols.get("status"), cols.get("tool_status"), cols.get("status_zh")

    def get(row, k):
        return row[k].strip() if k is not None and k < len(row) and row[k] is not None else ""

    n = 1
    for n, row in enumerate(rows, start=2):
        if not any(get(row, k) for k in range(len(row))):
            continue  # a spreadsheet's trailing empty rows
        where_n = where.format(n)
        if not get(row, st):
            _check_untouched(review, where_n, get(row, final), get(row, tool), get(row, final_zh))
        # the tool's status the form was exported with: a form from another document or run shows here
        exported = get(row, tool) if tool is not None else ("" if get(row, st) else get(row, final))
        yield where_n, get(row, doc), get(row, ref_col), get(row, st), get(row, note), get(row, heading), exported
    if n == 1:
        raise review.error(None, "a header and no rows: give the CSV or xlsx diff-plans exported, with review_status filled in")


def _check_untouched(review: Review, where: str, final: str, tool: str, final_zh: str) -> None:
    """A reviewer who typed into ``status`` (or ``status_zh``) instead of ``review_status`` would
    otherwise sign off the tool's status believing it was theirs; so would one who cleared
    ``review_status`` in a signed export, where ``status`` is the reviewer's."""
    f, t, z = Status.parse(final) if final else None, Status.parse(tool) if tool else None, Status.parse(final_zh) if final_zh else None
    if final and tool and f is not t:
        raise ReviewError(f"{review.path}, {where}: status says '{_shown(final)}', tool_status '{_shown(tool)}' and review_status "
                          f"is empty: put your status in review_status (to go back to the tool's, write {_shown(tool)} there) "
                          "and leave status as exported")
    if final and final_zh and z is not f:
        raise ReviewError(f"{review.path}, {where}: status_zh was changed to '{_shown(final_zh)}' (status says "
                          f"'{_shown(final)}'): put your status in review_status and leave status_zh as exported")


def _json_rows(review: Review, doc) -> Iterable[Row]:
    if isinstance(doc, dict) and isinstance(doc.get("documents"), list):
        yield from _report_json_rows(review, doc["documents"])
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise review.error(None, 'expected the JSON of diff-plans -f json, or the gold format: {"target": DOC_ID, "items": [{"ref", "status", "note"}]}')
    target = doc.get("target", "")
    if not isinstance(target, str):
        raise review.error(None, f"'target' must be a document id, got {json.dumps(target, ensure_ascii=False)[:60]}")
    for k, it in enumerate(doc["items"], start=1):
        where = f"item #{k}"
        if not isinstance(it, dict) or not isinstance(it.get("ref"), str):
            raise ReviewError(f"{review.path}, {where}: needs a 'ref' (the item's marker, e.g. （五）)")
        status, note = it.get("status", ""), it.get("note", "")
        if not isinstance(status, str) or not isinstance(note, str):
            raise ReviewError(f"{review.path}, {where}: 'status' and 'note' must be text")
        heading = it.get("heading", "")
        yield where, target, it["ref"], status, note, heading if isinstance(heading, str) else "", ""


def _report_json_rows(review: Review, documents: list) -> Iterable[Row]:
    """The JSON diff-plans wrote, with ``review_status`` / ``review_note`` filled in (as the CSV form)."""
    for d in documents:
        items = d.get("items") if isinstance(d, dict) else None
        if not isinstance(items, list) or not isinstance(d.get("doc_id"), str):
            raise review.error(None, "a document without doc_id or items: give the JSON diff-plans wrote")
        for it in items:
            ref = it.get("ref") if isinstance(it, dict) else None
            if not isinstance(ref, dict) or not isinstance(ref.get("path"), list):
                raise review.error(None, f"document {d['doc_id']}: an item without its ref path: give the JSON diff-plans wrote")
            marker = "/".join(str(x) for x in ref["path"])
            where = f"document {d['doc_id']}, item {marker}"
            status, note = it.get("review_status") or "", it.get("review_note") or ""
            if not isinstance(status, str) or not isinstance(note, str):
                raise ReviewError(f"{review.path}, {where}: 'review_status' and 'review_note' must be text")
            if not status:
                final, tool = it.get("status"), it.get("tool_status")
                _check_untouched(review, where, final if isinstance(final, str) else "", tool if isinstance(tool, str) else "", "")
            tool = it.get("tool_status") or it.get("status")
            yield where, d["doc_id"], marker, status, note, str(ref.get("heading") or ""), tool if isinstance(tool, str) else ""


def _entries(review: Review, rows: Iterable[Row]) -> Iterable[ReviewEntry]:
    for where, doc_id, ref, status_text, note, heading, tool_text in rows:
        note = note.replace("\r\n", "\n").replace("\r", "\n")  # a line break typed in Excel on Windows is CR LF
        tool = Status.parse(tool_text) if tool_text else None
        if not status_text and not note:
            # an empty cell agrees with the tool; the row is kept so that its document and item are
            # checked too (an unedited form for another document must not pass as a sign-off)
            if ref:
                yield ReviewEntry(doc_id, ref, None, "", where, heading, blank=True, tool=tool)
            continue
        status = None
        if status_text:
            status = Status.parse(status_text)
            if status is None:
                raise ReviewError(f"{review.path}, {where}: unknown status '{_shown(status_text)}' (use one of {_ALLOWED}, or leave it empty)")
        if not ref:
            raise ReviewError(f"{review.path}, {where}: a review without the item it is about (the ref/item column is empty)")
        yield ReviewEntry(doc_id, ref, status, note, where, heading, tool=tool)


def _shown(value: str) -> str:
    # a cell may hold a line break or a whole paragraph: the message stays one short line
    value = " ".join(value.split())
    return value if len(value) <= 40 else value[:40] + "…"


# -- checking against a report --------------------------------------------------------------------

def _key(label: str) -> str:
    # full-width/half-width and spaces differ between what people type and what the report writes
    return "".join(unicodedata.normalize("NFKC", label).split())


def _hkey(heading: str) -> str:
    # a heading is compared without its punctuation (the outline writes 。 after it, gold files do not)
    return strip_punct(unicodedata.normalize("NFKC", heading))


@dataclass(frozen=True)
class ItemVerdict:
    status: Status | None
    note: str


def _document(review: Review, where: str, doc_id: str, doc_ids: Sequence[str], known: set[str]) -> str:
    """The document a row is about: its doc_id, or the report's only one when the form names none."""
    if not doc_id:
        if len(doc_ids) != 1:
            raise ReviewError(f"{review.path}, {where}: names no document, and the report has {len(doc_ids)}: fill in doc_id")
        return doc_ids[0]
    if doc_id not in known:
        raise ReviewError(f"{review.path}, {where}: document '{_shown(doc_id)}' is not among the targets ({', '.join(doc_ids)})")
    return doc_id


def _placed(review: Review, items: Sequence[tuple], doc_ids: Sequence[str]) -> Iterable[tuple[ReviewEntry, str, int]]:
    """Each entry with its document and item index; raises on a document, item or heading the
    report does not have."""
    by_label: dict[str, int] = {}
    by_marker: dict[str, list[int]] = {}
    headings = [_hkey(it[2]) if len(it) > 2 and it[2] else "" for it in items]
    for i, (clause_id, path, *_) in enumerate(items):
        if path:
            by_label[_key("/".join(path))] = i
            by_marker.setdefault(_key(path[-1]), []).append(i)
        by_label[_key(clause_id)] = i
    known = set(doc_ids)
    for e in review.entries:
        doc_id = _document(review, e.where, e.doc_id, doc_ids, known)
        i = by_label.get(_key(e.ref))
        if i is None:
            marker = by_marker.get(_key(e.ref), [])
            if len(marker) > 1:
                raise review.error(e, f"item '{_shown(e.ref)}' is ambiguous in the reference: give its full path (e.g. 二、/（五）)")
            if not marker:
                raise review.error(e, f"item '{_shown(e.ref)}' is not an item of the reference")
            i = marker[0]
        if e.heading and headings[i] and _hkey(e.heading) != headings[i]:
            raise review.error(e, f"item '{_shown(e.ref)}' is '{items[i][2]}' in this reference, the file says "
                                  f"'{_shown(e.heading)}' (a form exported against another reference?)")
        yield e, doc_id, i


def resolve_review(review: Review, items: Sequence[tuple], doc_ids: Sequence[str]) -> dict[str, dict[int, ItemVerdict]]:
    """The review as ``{doc_id: {item index: verdict}}`` for a reference whose items are
    ``(clause_id, marker path[, heading])`` and the targets ``doc_ids``. Raises on a document or item
    the report does not have (on every row, filled in or not), on a row whose item heading is not the
    reference's (a form made against another reference), and on two rows of one item with different
    statuses. A file with nothing filled in is refused: it would sign off what nobody checked.

    Needs no diff, so the CLI checks a review before an hour of work, not after it."""
    out: dict[str, dict[int, ItemVerdict]] = {}
    first_row: dict[tuple[str, int], ReviewEntry] = {}
    for e, doc_id, i in _placed(review, items, doc_ids):
        if e.blank:
            continue
        seen = out.setdefault(doc_id, {}).get(i)
        if seen is None:
            out[doc_id][i] = ItemVerdict(e.status, e.note)
            first_row[doc_id, i] = e
            continue
        if e.status is not None and seen.status is not None and e.status is not seen.status:
            raise review.error(e, f"item '{_shown(e.ref)}' is reviewed as {e.status.value} here and as {seen.status.value} "
                                  f"in {first_row[doc_id, i].where}: keep one status per item")
        notes = seen.note if not e.note or e.note == seen.note else "; ".join(x for x in (seen.note, e.note) if x)
        out[doc_id][i] = ItemVerdict(seen.status or e.status, notes)
    if not out and not review.additions:
        where = " of the evidence or additions sheets (the only ones read)" if review.path.lower().endswith(".xlsx") else ""
        raise review.error(None, f"nothing is filled in (no review_status or review_note{where}); to sign off the tool's statuses "
                                 "as they are, write a note (e.g. 已核) in review_note of any row")
    return out


def _check_same_reading(review: Review, report: DiffReport) -> None:
    """A form of a run that read the reference through an outline (--via) signs statuses judged
    through the national items; applied to a run that did not (or the other way round) its rows mean
    something else: say which option differs rather than only that statuses do."""
    if review.via is None:
        return
    mine = str((report.reference.get("via") or {}).get("doc_id") or "")
    if bool(review.via) == bool(mine):
        return  # both read through an outline (the same one under another name, perhaps): the statuses decide
    if review.via:
        raise review.error(None, f"the form was exported from a run read through {_shown(review.via)} (--via; on the web, 'read a "
                                 f"local plan through'); this run is not: run it with --via and that outline (its file, or the id "
                                 f"{_shown(review.via)} with --index), or export the form again from this run")
    raise review.error(None, f"the form was exported from a run without --via; this run reads the reference through "
                             f"{_shown(mine)}: run it without --via, or export the form again from this run")


def _check_exported_from(review: Review, report: DiffReport, items: Sequence[tuple], doc_ids: Sequence[str]) -> None:
    """A form records the tool's status of every row; one that differs from this run's was exported
    for another document (its doc_id column deleted) or by another run (other settings, encoder or
    version): its empty rows would sign off statuses the reviewer never saw."""
    by_doc = {d.doc_id: d for d in report.documents}
    differ = [(e, doc_id, i) for e, doc_id, i in _placed(review, items, doc_ids)
              if e.tool is not None and e.tool is not by_doc[doc_id].items[i].status]
    if differ:
        e, doc_id, i = differ[0]
        more = f" ({len(differ)} rows differ)" if len(differ) > 1 else ""
        raise review.error(e, f"the form was exported with {e.tool.value} for '{_shown(e.ref)}', this run finds "
                              f"{by_doc[doc_id].items[i].status.value} for {doc_id}{more}: {_other_run(review, report)}; "
                              "export the form again from this run")


def _other_run(review: Review, report: DiffReport) -> str:
    """Why a form's statuses may differ from this run's, as far as the form records its run."""
    recorded = dict(review.run)
    mine = {k: str(report.reference.get(k) or "") for k in _RUN_KEYS}
    if recorded.get("encoder") and mine["encoder"] and recorded["encoder"] != mine["encoder"]:
        return f"the form's run used the encoder {_shown(recorded['encoder'])}, this one {_shown(mine['encoder'])} (--encoder)"
    if recorded.get("config_fingerprint") and mine["config_fingerprint"] and recorded["config_fingerprint"] != mine["config_fingerprint"]:
        return (f"the form's run had other settings (config {_shown(recorded['config_fingerprint'])}, this run's "
                f"{_shown(mine['config_fingerprint'])}: another version of the tool)")
    return "a form of another document or another run"


def _resolve_additions(review: Review, report: DiffReport) -> dict[str, dict[str, tuple[bool | None, str]]]:
    """The reviewer's word on additions, ``{doc_id: {clause_id: (keep, note)}}``; an addition this run
    does not list (another document, another run) is refused like an item it does not have."""
    listed = {d.doc_id: {a.clause_id for a in [*d.additions, *d.struck_additions]} for d in report.documents}
    out: dict[str, dict[str, tuple[bool | None, str]]] = {}
    doc_ids = [d.doc_id for d in report.documents]
    for a in review.additions:
        doc_id = _document(review, a.where, a.doc_id, doc_ids, set(doc_ids))
        if a.clause_id not in listed[doc_id]:
            raise ReviewError(f"{review.path}, {a.where}: clause {_shown(a.clause_id)} is not among the local additions this run "
                              f"lists for {doc_id} (a form of another run?): export the form again")
        seen = out.setdefault(doc_id, {}).get(a.clause_id)
        if seen is not None and a.keep is not None and seen[0] is not None and seen[0] is not a.keep:
            raise ReviewError(f"{review.path}, {a.where}: the addition {a.clause_id} is reviewed twice, differently")
        out[doc_id][a.clause_id] = (a.keep if a.keep is not None else (seen[0] if seen else None), a.note or (seen[1] if seen else ""))
    return out


def apply_review(report: DiffReport, review: Review, reviewer: str = "", signed_on: str | None = None) -> DiffReport:
    """A new report with ``review``'s statuses and notes on its items, the tool's statuses kept,
    and the file recorded, with who signed (``reviewer``) and when (``signed_on``, an ISO date;
    today by default). A review replaces any applied before: the report carries one signature."""
    import datetime as dt

    if not report.documents:
        raise review.error(None, "the report has no documents to review")
    items = [(it.ref.clause_id, it.ref.path, it.ref.heading) for it in report.documents[0].items]
    doc_ids = [d.doc_id for d in report.documents]
    verdicts = resolve_review(review, items, doc_ids)
    _check_same_reading(review, report)
    _check_exported_from(review, report, items, doc_ids)
    on_additions = _resolve_additions(review, report)
    docs = []
    for d in report.documents:
        mine = verdicts.get(d.doc_id, {})
        new_items = []
        for i, it in enumerate(d.items):
            v = mine.get(i)
            new_items.append(replace(it, review_status=v.status if v else None, review_note=v.note if v else ""))
        words = on_additions.get(d.doc_id, {})
        kept = [a for a in [*d.additions, *d.struck_additions] if words.get(a.clause_id, (True, ""))[0] is not False]
        struck = [a for a in [*d.additions, *d.struck_additions] if words.get(a.clause_id, (True, ""))[0] is False]
        docs.append(replace(d, items=new_items, notes=list(d.notes), warnings=list(d.warnings), additions=kept, struck_additions=struck,
                            addition_review=words))
    # the signature covers the documents the form says something about; the others stay unsigned
    signed_docs = tuple(d.doc_id for d in docs if d.reviewed or d.addition_review)
    record = ReviewRecord(review.path, review.sha256, sum(d.reviewed for d in docs), sum(d.changed for d in docs),
                          " ".join(reviewer.split()), signed_on or dt.date.today().isoformat(), signed_docs, len(docs), review.signed_before,
                          sum(len(d.struck_additions) for d in docs))
    return replace(report, reference=dict(report.reference), documents=docs, review=record)


def review_warnings(report: DiffReport) -> list[str]:
    """What a signer should know before sending a signed report on (said, not refused): documents the
    review does not cover, changed statuses without a note, and a form that was already signed."""
    r = report.review
    if r is None:
        return []
    out = []
    unsigned = [d.doc_id for d in report.documents if not r.covers(d.doc_id)]
    if unsigned:
        out.append(f"the review says nothing about {len(unsigned)} of {len(report.documents)} documents ({', '.join(unsigned[:5])}"
                   f"{', …' if len(unsigned) > 5 else ''}): they are not signed")
    bare = [f"{d.doc_id} {it.ref.path[-1] if it.ref.path else it.ref.clause_id}" for d in report.documents for it in d.items
            if it.overridden and not it.review_note]
    if bare:
        out.append(f"{len(bare)} changed status{'es' if len(bare) > 1 else ''} without a note ({', '.join(bare[:3])}{', …' if len(bare) > 3 else ''}): "
                   "a reader of the signed report will not see why")
    if r.previous:
        out.append(f"the form was already signed, by {r.previous}: this signature replaces it (the record keeps it as 'previous')")
        if r.path.lower().endswith(".csv") and any(d.additions for d in report.documents):
            out.append("a CSV form carries no word on local additions: any the earlier signature struck are listed again; "
                       "sign from the workbook or the JSON to keep them")
    return out
