"""``lawgov-nlp serve``: the local web app over an index."""
from __future__ import annotations

from typing import Optional

import typer

from .app import IndexOpt, app, handle_errors, index_dir, warn


@app.command()
@handle_errors
def serve(
    index: Optional[str] = IndexOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port (0: any free port)."),
):
    """Search, browse and compare in a local web app (models loaded once; read-only over the index)."""
    from ..views.output import console
    from ..web import require_web

    require_web()
    from ..web.app import create_app
    from ..web.server import bind, run, url_of

    if host not in ("localhost", "::1") and not host.startswith("127."):
        warn(f"listening on {host}: anyone who can reach this machine can read the index (there is no login)")
    sock = bind(host, port)  # before the index loads: a port in use fails at once
    target = index_dir(index)
    application = create_app(target, host=host)
    m = application.state.handle.current().manifest
    console(stderr=True).print(f"serving {target} ({m.documents} documents, {m.clauses} clauses) at {url_of(sock)} — Ctrl-C to stop",
                               markup=False, soft_wrap=True)
    run(application, sock)
