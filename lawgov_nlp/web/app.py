"""The web app: Starlette routes over one index, pages rendered on the server with Jinja2.

Pages: Search (``/search``), Documents (``/documents``, ``/documents/{id}``) and Compare
(``/compare``: diff-plans with the coverage matrix, one cell's evidence, exports). JSON beside
them for scripts: ``/api/search``, ``/api/documents``, ``/api/status``.

Safe by default:
- read-only: GET (and HEAD) routes, but for one POST that applies a reviewer's form to a comparison
  in memory (only from this server's own page: Sec-Fetch-Site or Origin checked; the body bounded
  before it is parsed, and parsed in memory); nothing writes a file (exports are downloads built in
  memory; diff-plans runs without the embedding cache); the SQLite store is opened read-only;
- every document string is escaped by the templates' autoescaping, and a Content-Security-Policy
  allows no inline script, so markup in a document can neither run nor load anything;
- bounded: query length, page number (so result counts), documents per comparison;
- a bad request gets a 4xx with a one-line message; an unexpected error a 500 with one line and no
  traceback; requests whose Host header is not this server's are refused (DNS rebinding).
"""
from __future__ import annotations

import logging
import time
import urllib.parse
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import LawgovError, QueryError
from ..views.html import environment, package_dir
from .adapter import (
    POLICY_TOOLS,
    Comparisons,
    IndexHandle,
    PolicyResults,
    SearchRequest,
    Snapshot,
    clause_tree,
    html_fragment,
    render_export,
    report_subset,
    run_search,
    search_weights,
    tune_for_queries,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE = 10  # at most 100 results per query
MAX_QUERY_CHARS = 200  # a search box, not a document: longer queries are refused with a message
MAX_PARAM_CHARS = 200
MODES = ("hybrid", "lexical", "dense")
MAX_POLICY_DOCS = 50  # documents chosen one by one (all of them is its own choice)
MAX_REVIEW_BYTES = 50_000_000  # a review form of 600 documents' evidence is ~30 MB as xlsx
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8", "html": "text/html; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# -- request parameters ------------------------------------------------------------------------

def _param(request, name: str, default: str = "", limit: int = MAX_PARAM_CHARS) -> str:
    value = request.query_params.get(name, default)
    if len(value) > limit:
        raise BadRequest(f"parameter '{name}' is {len(value)} characters long; the limit is {limit}")
    return value.strip()


def _int(request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = _param(request, name)
    if not raw:
        return default
    try:
        n = int(raw)
    except ValueError:
        raise BadRequest(f"parameter '{name}' must be a whole number, got '{raw[:20]}'") from None
    if not lo <= n <= hi:
        raise BadRequest(f"parameter '{name}' must be between {lo} and {hi}, got {n}")
    return n


def _choice(request, name: str, choices, default: str) -> str:
    value = _param(request, name, default) or default
    if value not in choices:
        raise BadRequest(f"parameter '{name}' must be one of {', '.join(choices)}, got '{value[:20]}'")
    return value


def query_string(params: dict[str, Any]) -> str:
    """A canonical query string: empty and default values left out (permalinks stay short)."""
    items = []
    for k, v in params.items():
        if v in (None, "", False):
            continue
        if isinstance(v, (list, tuple)):
            items.extend((k, str(x)) for x in v)
        else:
            items.append((k, "1" if v is True else str(v)))
    return urllib.parse.urlencode(items)


# -- the application ---------------------------------------------------------------------------

def create_app(index_dir: str | Path, host: str = "127.0.0.1", handle: IndexHandle | None = None, check_every: float = 1.0):
    """The ASGI app serving ``index_dir`` (opened now: a missing or broken index fails here)."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    tune_for_queries()
    from starlette.formparsers import MultiPartParser

    # a review form is parsed in memory (its body is bounded by read_body): Starlette would spool a part
    # over 1 MB to a temporary file, and this server writes no file
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, MAX_REVIEW_BYTES + 64 * 1024)
    handle = handle or IndexHandle(index_dir, check_every=check_every)
    comparisons = Comparisons()
    policy_results = PolicyResults()
    env = environment(str(Path(__file__).parent / "templates"))
    base_dirs = [Path(index_dir).resolve().parent.parent]  # indexes/NAME → the folder the build ran in

    def page(request, name: str, status: int = 200, headers: dict | None = None, **ctx) -> HTMLResponse:
        snap = ctx.pop("snap", None) or handle.current()
        html = env.get_template(name).render(
            request_path=request.url.path, snap=snap, index_error=handle.error, version=__version__,
            index_name=Path(index_dir).name, qs=query_string, **ctx)
        return HTMLResponse(html, status_code=status, headers=headers)

    def wants_json(request) -> bool:
        return request.url.path.startswith("/api/")

    # -- search --------------------------------------------------------------------------------
    def search_request(request) -> SearchRequest:
        q = _param(request, "q", limit=10_000)
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS} (search for the key phrase instead)")
        return SearchRequest(
            query=q, mode=_choice(request, "mode", MODES, "hybrid"), doc=_param(request, "doc"), region=_param(request, "region"),
            level=_param(request, "level"), doc_type=_param(request, "type"), year_from=_int(request, "from", None, 1900, 2100),
            year_to=_int(request, "to", None, 1900, 2100), page=_int(request, "page", 1, 1, MAX_PAGE) or 1,
        )

    def do_search(snap: Snapshot, req: SearchRequest):
        t0 = time.perf_counter()
        results = run_search(snap, req, k=req.page * PAGE_SIZE)
        return results, (time.perf_counter() - t0) * 1000

    def search_params(req: SearchRequest, **over) -> dict:
        p = {"q": req.query, "mode": req.mode if req.mode != "hybrid" else "", "doc": req.doc, "region": req.region, "level": req.level,
             "type": req.doc_type, "from": req.year_from, "to": req.year_to, "page": req.page if req.page > 1 else ""}
        p.update(over)
        return p

    async def search_page(request):
        req = search_request(request)
        snap = handle.current()
        results, ms, error = None, 0.0, None
        if req.query:
            try:
                results, ms = await _threaded(do_search, snap, req)
            except QueryError as exc:
                error = str(exc)
        shown = list(results)[(req.page - 1) * PAGE_SIZE:] if results is not None else []
        more = results is not None and len(results) == req.page * PAGE_SIZE and req.page < MAX_PAGE
        maxima = {}
        for r in shown:
            for k, v in r.scores.items():
                maxima[k] = max(maxima.get(k, 0.0), float(v))
        return page(request, "search.html", status=400 if error else 200, headers={"Server-Timing": f"search;dur={ms:.1f}"},
                    snap=snap, req=req, results=shown, error=error, ms=ms, more=more, weights=search_weights(results) if results is not None else {},
                    maxima=maxima, facets=snap.facets(), docs=snap.documents(), params=search_params, offset=(req.page - 1) * PAGE_SIZE,
                    permalink="/search?" + query_string(search_params(req)))

    async def api_search(request):
        req = search_request(request)
        if not req.query:
            raise BadRequest("give a query: /api/search?q=…")
        results, ms = await _threaded(do_search, handle.current(), req)
        data = results.to_dict()
        data["results"] = data["results"][(req.page - 1) * PAGE_SIZE:]
        data["server_ms"] = round(ms, 2)
        return JSONResponse(data, headers={"Server-Timing": f"search;dur={ms:.1f}"})

    # -- documents -----------------------------------------------------------------------------
    async def documents_page(request):
        snap = handle.current()
        cleaning, total = await _threaded(snap.cleaning_summaries, base_dirs, 3.0)
        return page(request, "documents.html", snap=snap, docs=snap.documents(), cleaning=cleaning, pending=total - len(cleaning))

    async def api_documents(request):
        snap = handle.current()
        return JSONResponse({"index": snap.version, "documents": snap.documents()})

    async def document_page(request):
        snap = handle.current()
        doc_id = request.path_params["doc_id"]
        if len(doc_id) > MAX_PARAM_CHARS:
            raise BadRequest("document id too long")
        try:
            row = snap.document_row(doc_id)
        except QueryError as exc:
            raise BadRequest(str(exc), 404) from None
        doc = await _threaded(snap.document, doc_id)
        cleaning = await _threaded(snap.cleaning, doc_id, base_dirs)
        return page(request, "document.html", snap=snap, row=row, doc=doc, tree=clause_tree(doc), cleaning=cleaning)

    # -- compare -------------------------------------------------------------------------------
    def compare_args(request, snap: Snapshot) -> tuple[str, list[str], bool, str]:
        """Reference, targets, whether they are all the others, and the outline a local reference is
        read through ('' for none; the reference itself when it is the outline: nothing to read through)."""
        docs = snap.documents()
        ids = [d["doc_id"] for d in docs]
        ref = _param(request, "ref")
        if not ref:
            return "", [], False, ""
        if ref not in ids:
            raise BadRequest(f"reference '{ref[:60]}' is not a document of this index", 404)
        via = _param(request, "via")
        if via and via not in ids:
            raise BadRequest(f"outline '{via[:60]}' is not a document of this index", 404)
        if via and (via == ref or not _has_body_text(snap, ref)):
            # an outline as the reference is judged directly (the form's default reads every reference
            # through the 纲要); dropped here, so the run and its key are those of a direct comparison
            via = ""
        chosen = [x for x in request.query_params.getlist("doc") if x]
        all_docs = _param(request, "all") == "1" or not chosen
        if all_docs:
            targets = [d for d in ids if d not in (ref, via)]
        else:
            unknown = [x for x in chosen if x not in ids]
            if unknown:
                raise BadRequest(f"document '{unknown[0][:60]}' is not in this index", 404)
            targets = [x for x in dict.fromkeys(chosen) if x not in (ref, via)]
        if not targets:
            raise BadRequest("choose at least one document other than the reference")
        return ref, targets, all_docs, via

    def _has_body_text(snap: Snapshot, doc_id: str) -> bool:
        try:
            return snap.has_body_text(doc_id)
        except LawgovError:
            return True  # a reference with no numbered items: the comparison itself says so, on its page

    def visible_docs(mm: dict, q: str, show_unrelated: bool) -> list[dict]:
        # the same rule as matrix.js, so an export holds exactly what the page shows
        q = q.lower()
        return [d for d in mm["docs"] if (show_unrelated or not d["unrelated"]) and (not q or q in d["search"].lower())]

    async def compare_page(request):
        from ..views.diff_html import matrix_model

        snap = handle.current()
        ref, targets, all_docs, via = compare_args(request, snap)
        docs = snap.documents()
        outlines = [d for d in docs if "纲要" in (d.get("doc_type") or "")]
        default_ref = outlines[0]["doc_id"] if outlines else (docs[0]["doc_id"] if docs else "")
        # a fresh form reads a local reference through the index's 纲要; a comparison shows what it ran with
        ctx = dict(snap=snap, docs=docs, ref=ref or default_ref, targets=targets, all_docs=all_docs or not targets, job=None, mm=None,
                   outlines=outlines, via=via if ref else default_ref if outlines else "",
                   filter_text=_param(request, "q"), show_unrelated=_param(request, "unrelated") == "1")
        if not ref:
            return page(request, "compare.html", **ctx)
        job = comparisons.get(snap, ref, targets, via=via)
        ctx.update(job=job, base_qs=query_string({"job": job.id}))
        if job.error:
            return page(request, "compare.html", status=422, **ctx)
        if job.data is None:
            return page(request, "compare.html", status=202, headers={"Refresh": "1"}, **ctx)
        mm = matrix_model(job.data)
        last = next(reversed(job.signatures), None)
        ctx.update(mm=mm, r=job.data, signed_qs=query_string({"job": job.id, "signed": last}) if last else "",
                   **matrix_links({"job": job.id}))
        return page(request, "compare.html", **ctx)

    def finished_job(request):
        job = comparisons.by_id(_param(request, "job"))
        if job is None or job.data is None:
            raise BadRequest("this comparison is not ready or no longer kept: open it again from the Compare page", 409)
        return job

    def find_doc(job, doc_id: str, request=None, data: dict | None = None) -> tuple[int, dict]:
        docs = (data or job.data)["documents"]
        if request is not None and not doc_id and _param(request, "k"):
            k = _int(request, "k", 0, 0, max(0, len(docs) - 1))  # the matrix links by position: short links for 600 rows
            return k, docs[k]
        for k, d in enumerate(docs):
            if d["doc_id"] == doc_id:
                return k, d
        raise BadRequest(f"document '{doc_id[:60]}' is not part of this comparison", 404)

    def job_view(request, job) -> tuple[dict, Any, dict]:
        """The tool's report of a job, or (``signed=ID``) one a reviewer's form signed, with the query
        string its links carry."""
        sid = _param(request, "signed")
        if sid:
            sig = job.signatures.get(sid)
            if sig is None:
                raise BadRequest("this signed report is not kept (or the comparison was never signed): apply the review form "
                                 "again on the Compare page", 409)
            return sig.data, sig.report, {"job": job.id, "signed": sid}
        return job.data, job.report, {"job": job.id}

    def matrix_links(link: dict) -> dict:
        qs = query_string(link)
        return dict(cell_href=lambda k, i: f"/compare/cell?{qs}&k={k}&item={i}", doc_href=lambda k: f"/compare/document?{qs}&k={k}")

    async def compare_cell(request):
        snap = handle.current()
        job = finished_job(request)
        data, _, link = job_view(request, job)
        k, doc = find_doc(job, _param(request, "d"), request, data)
        i = _int(request, "item", 0, 0, max(0, len(doc["items"]) - 1))
        partial = _param(request, "partial") == "1"
        return page(request, "cell.html", snap=snap, doc=doc, k=k, i=i, it=doc["items"][i], ref=data["reference"], partial=partial,
                    base_qs=query_string(link))

    async def compare_document(request):
        snap = handle.current()
        job = finished_job(request)
        data, _, link = job_view(request, job)
        k, doc = find_doc(job, _param(request, "d"), request, data)
        return page(request, "compare_document.html", snap=snap, doc=doc, k=k, ref=data["reference"], partial=_param(request, "partial") == "1",
                    base_qs=query_string(link))

    async def compare_export(request):
        from ..views.diff_html import matrix_model

        fmt = _choice(request, "fmt", tuple(EXPORT_TYPES), "csv")
        job = finished_job(request)
        data, report, _ = job_view(request, job)
        mm = matrix_model(data)
        keep = {d["doc_id"] for d in visible_docs(mm, _param(request, "q"), _param(request, "unrelated") == "1")}
        if not keep:
            raise BadRequest("no document is shown with these filters: nothing to export")
        body = await _threaded(render_export, report_subset(report, keep), fmt)
        signed = "-signed" if report is not job.report else ""
        name = f"diff-plans-{_safe_name(data['reference']['doc_id'])}-{len(keep)}docs{signed}.{fmt}"
        return Response(body, media_type=EXPORT_TYPES[fmt], headers={"Content-Disposition": f"attachment; filename=\"{name}\""})

    def same_origin(request) -> None:
        """A form may sign a report only from this server's own page: a page elsewhere that posts to
        127.0.0.1 (the browser sends its Origin) would otherwise put its statuses under a reviewer's name."""
        site = request.headers.get("sec-fetch-site")  # set by the browser, which no page can forge
        if site is not None:
            ok = site == "same-origin"
        else:  # an older browser: its Origin (this page sends no Referer)
            ok = urllib.parse.urlsplit(request.headers.get("origin") or "").netloc == request.headers.get("host", "")
        if not ok:
            raise BadRequest("a review form can be applied only from this server's Compare page", 403)

    async def compare_review(request):
        from ..analysis.review import apply_review, review_from_bytes, review_warnings
        from ..config import limits

        same_origin(request)
        job = finished_job(request)
        limit = min(limits().max_file_bytes, MAX_REVIEW_BYTES)
        await read_body(request, limit + 64 * 1024)  # the form and a little multipart framing, or 413 before parsing
        try:
            async with request.form(max_files=1, max_fields=4, max_part_size=4096) as form:
                upload, reviewer = form.get("form"), str(form.get("reviewer") or "").strip()[:MAX_PARAM_CHARS]
                if upload is None or isinstance(upload, str) or not upload.filename:
                    raise BadRequest("choose the review form to upload: the CSV, xlsx or JSON exported from this comparison")
                name = Path(upload.filename.replace("\\", "/")).name or "form"
                data = await upload.read()
        except BadRequest:
            raise
        except Exception as exc:  # noqa: BLE001  (python-multipart's errors for a malformed body)
            raise BadRequest(f"the upload could not be read ({' '.join(str(exc).split())[:120]})") from None
        if len(data) > limit:
            raise BadRequest(f"{name}: {len(data):,} bytes, over the limit of {limit:,} bytes for a review form", 413)
        try:
            signed = await _threaded(lambda: apply_review(job.report, review_from_bytes(name, data), reviewer))
        except LawgovError as exc:
            raise BadRequest(str(exc)) from None
        warnings = review_warnings(signed) + ([] if reviewer else ["no reviewer's name: the signed report does not say who signed it"])
        sid = job.sign(signed, warnings)
        return RedirectResponse(f"/compare/signed?{query_string({'job': job.id, 'signed': sid})}", status_code=303)

    async def read_body(request, limit: int) -> None:
        """The whole request body, at most ``limit`` bytes (413 beyond, whatever Content-Length says),
        kept on the request for the form parser: an upload is never spooled to a file."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BadRequest(f"the upload is {int(declared):,} bytes, over the limit of {limit:,}", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BadRequest(f"the upload is over the limit of {limit:,} bytes", 413)
            chunks.append(chunk)
        request._body = b"".join(chunks)  # Starlette's form parser reads a body already read from here

    async def compare_signed(request):
        from ..views.diff_html import matrix_model

        snap = handle.current()
        job = finished_job(request)
        data, _, link = job_view(request, job)
        if not link.get("signed"):
            raise BadRequest("which signed report? open it from the link the sign-off gave (signed=…)", 400)
        return page(request, "compare_signed.html", snap=snap, job=job, r=data, mm=matrix_model(data), base_qs=query_string(link),
                    warnings=job.signatures[link["signed"]].warnings, show_unrelated=False, filter_text="", **matrix_links(link))

    # -- policy views ----------------------------------------------------------------------------
    def policy_args(request, snap: Snapshot) -> tuple[str, list[str], str, bool]:
        ids = [d["doc_id"] for d in snap.documents()]
        tool = _choice(request, "tool", tuple(POLICY_TOOLS), "commitments")
        chosen = [x for x in request.query_params.getlist("doc") if x]
        if len(chosen) > MAX_POLICY_DOCS:
            raise BadRequest(f"{len(chosen)} documents chosen; the limit is {MAX_POLICY_DOCS} (or choose all)")
        unknown = [x for x in chosen if x not in ids]
        if unknown:
            raise BadRequest(f"document '{unknown[0][:60]}' is not in this index", 404)
        plan = _param(request, "plan")
        all_docs = _param(request, "all") == "1"
        if tool == "trace":
            if not plan:
                return tool, [], "", False
            if plan not in ids:
                raise BadRequest(f"plan '{plan[:60]}' is not a document of this index", 404)
            if all_docs:
                raise BadRequest("trace takes a plan and chosen reports, not all documents")
            targets = [x for x in dict.fromkeys(chosen) if x != plan]
            if not targets:
                raise BadRequest("choose one or more reports to trace the plan in")
            return tool, targets, plan, False
        if all_docs:
            return tool, ids, "", True
        return tool, list(dict.fromkeys(chosen)), "", False

    def policy_qs(tool: str, doc_ids: list[str], plan: str, all_docs: bool, **extra) -> str:
        return query_string({"tool": tool, "plan": plan, "all": all_docs, "doc": [] if all_docs else doc_ids, **extra})

    async def policy_page(request):
        snap = handle.current()
        tool, doc_ids, plan, all_docs = policy_args(request, snap)
        ctx = dict(snap=snap, docs=snap.documents(), tools=POLICY_TOOLS, tool=tool, chosen=doc_ids, plan=plan, all_docs=all_docs,
                   fragment=None, export_qs=None)
        if doc_ids:
            result = await _threaded(policy_results.get, snap, tool, doc_ids, plan)
            ctx.update(fragment=await _threaded(html_fragment, result), export_qs=policy_qs(tool, doc_ids, plan, all_docs))
        return page(request, "policy.html", **ctx)

    async def policy_export(request):
        snap = handle.current()
        fmt = _choice(request, "fmt", tuple(EXPORT_TYPES), "csv")
        tool, doc_ids, plan, _all_docs = policy_args(request, snap)
        if not doc_ids:
            raise BadRequest("choose documents to export the analysis of")
        result = await _threaded(policy_results.get, snap, tool, doc_ids, plan)
        body = await _threaded(render_export, result, fmt)
        return Response(body, media_type=EXPORT_TYPES[fmt], headers={"Content-Disposition": f"attachment; filename=\"{tool}-{len(doc_ids)}docs.{fmt}\""})

    async def api_status(request):
        snap = handle.current()
        out: dict[str, Any] = {"version": snap.version, "documents": snap.manifest.documents, "clauses": snap.manifest.clauses,
                               "encoder": snap.manifest.encoder, "reloads": handle.reloads, "index_error": handle.error}
        if _param(request, "ref"):
            ref, targets, _, via = compare_args(request, snap)
            job = comparisons.get(snap, ref, targets, start=False, via=via)
            out["compare"] = None if job is None else {"done": job.done, "total": job.total, "ready": job.data is not None, "error": job.error}
        return JSONResponse(out)

    async def home(request):
        return RedirectResponse("/search", status_code=307)

    # -- errors: one line, never a traceback ---------------------------------------------------
    def _back_link(request) -> str:
        """The page of this server the failed request came from (a Compare page whose review form was
        refused), so the reviewer returns to the comparison; '' when it is another site's or none."""
        ref = request.headers.get("referer", "")
        try:
            u = urllib.parse.urlsplit(ref)
        except ValueError:
            return ""
        if (not ref or u.netloc != request.headers.get("host", "") or not u.path.startswith("/") or u.path.startswith("//")
                or "\\" in u.path or len(ref) > 4000):
            return ""  # //host/… or /\host/… would take the browser to another site
        return u.path + (f"?{u.query}" if u.query else "")

    def error_response(request, status: int, message: str):
        message = " ".join(str(message).split())
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        if _param_safe(request, "partial") == "1":
            return PlainTextResponse(message, status_code=status)
        try:
            return page(request, "error.html", status=status, status_code=status, message=message, back=_back_link(request))
        except Exception:  # noqa: BLE001  (the error page itself failed: plain text)
            return PlainTextResponse(message, status_code=status)

    async def on_bad_request(request, exc: BadRequest):
        return error_response(request, exc.status, str(exc))

    async def on_http(request, exc: HTTPException):
        msg = {404: "not found", 405: "method not allowed: this server only reads, but for applying a review form"}.get(exc.status_code, exc.detail or "error")
        return error_response(request, exc.status_code, msg)

    async def on_lawgov(request, exc: LawgovError):
        return error_response(request, 400 if isinstance(exc, QueryError) else 500, str(exc))

    async def on_error(request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return error_response(request, 500, f"internal error: {type(exc).__name__} (the server log has the details)")

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/search", search_page, methods=["GET"]),
        Route("/documents", documents_page, methods=["GET"]),
        Route("/documents/{doc_id:path}", document_page, methods=["GET"]),
        Route("/compare", compare_page, methods=["GET"]),
        Route("/compare/cell", compare_cell, methods=["GET"]),
        Route("/compare/document", compare_document, methods=["GET"]),
        Route("/compare/export", compare_export, methods=["GET"]),
        Route("/compare/review", compare_review, methods=["POST"]),
        Route("/compare/signed", compare_signed, methods=["GET"]),
        Route("/policy", policy_page, methods=["GET"]),
        Route("/policy/export", policy_export, methods=["GET"]),
        Route("/api/search", api_search, methods=["GET"]),
        Route("/api/documents", api_documents, methods=["GET"]),
        Route("/api/status", api_status, methods=["GET"]),
        Mount("/static/views", app=StaticFiles(directory=str(package_dir("views", "static"))), name="views-static"),
        Mount("/static/fonts", app=StaticFiles(directory=str(package_dir("data", "fonts"))), name="fonts"),
        Mount("/static", app=StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host)), Middleware(SecurityHeaders)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={
        BadRequest: on_bad_request, HTTPException: on_http, LawgovError: on_lawgov, Exception: on_error})
    app.state.handle = handle
    app.state.comparisons = comparisons
    return app


def allowed_hosts(host: str) -> list[str]:
    """Host headers this server answers: its loopback names, and the host it was told to bind."""
    if host in ("0.0.0.0", "::", ""):
        return ["*"]  # told to serve the network: any name that reaches it
    return sorted({"127.0.0.1", "localhost", "[::1]", host, f"[{host}]" if ":" in host else host})


class SecurityHeaders:
    """Adds the headers that keep a page's content inert (CSP, nosniff, no framing) and send no
    Referer to other sites (``same-origin``: this server's own form POST keeps its Origin, which
    ``no-referrer`` would make "null")."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")):
                    if k not in names:
                        headers.append((k, v))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store" if not scope["path"].startswith("/static") else b"max-age=3600"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _threaded(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def _param_safe(request, name: str) -> str:
    try:
        return request.query_params.get(name, "")
    except Exception:  # noqa: BLE001  (a query string that cannot be decoded: the error page still renders)
        return ""


def _safe_name(s: str) -> str:
    import re

    return re.sub(r"[^0-9A-Za-z_.\-]+", "-", s).strip("-")[:60] or "report"
