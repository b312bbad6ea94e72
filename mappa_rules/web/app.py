"""The ASGI app of `mappa serve`: the JSON API and the pages behind the guard (see guard.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.responses import Response

from mappa_rules import __version__
from mappa_rules.loader import load_library
from mappa_rules.web import api, pages
from mappa_rules.web.guard import FAULT, Guard, answers_json, refusal_body
from mappa_rules.web.jobs import Jobs
from mappa_rules.web.settings import Settings

DESCRIPTION = ("MAPPA decision support: eligibility, category, management level and risk, with the rules' reasons. "
               "Every response is OFFICIAL-SENSITIVE. `POST /api/assess` answers exactly as `mappa assess --format json`; "
               "a refused case is status 422 with the CLI's error object.")


def create_app(settings: Settings) -> Guard:
    """The app for one server's settings (the library loaded once; a decision record opened if configured)."""
    work = Path(settings.work_dir) if settings.work_dir else Path(tempfile.mkdtemp(prefix="mappa-serve-"))
    state = SimpleNamespace(settings=settings, library=load_library(Path(settings.rulesets_dir) if settings.rulesets_dir else None),
                            store=None, jobs=Jobs(work, settings.rulesets_dir))
    if settings.db:
        from mappa_rules.record import Store, database_url

        state.store = Store(database_url(settings.db))
    _warm(state.library)
    app = FastAPI(title="mappa-rules", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")
    app.state.mappa = state
    app.include_router(api.router(state))
    app.include_router(pages.router(state))
    app.add_exception_handler(Exception, _failed)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _http_error)
    return Guard(app, settings)  # outermost: every answer, a fault's too, passes it and carries its headers


async def _failed(request: Request, exc: Exception) -> Response:
    """A fault of the server, answered in one line (the guard logs it by type and place)."""
    body, kind = refusal_body(request.url.path, FAULT)
    return Response(body, status_code=500, media_type=kind)


async def _http_error(request: Request, exc: Exception) -> Response:
    """A route that is not there, a method not allowed, a path parameter refused: one line, marked."""
    status = getattr(exc, "status_code", 422)
    text = {404: "There is no such page or endpoint.", 405: "That method is not allowed here."}.get(
        status, "The request's path or parameters are not valid." if status == 422 else "The request was refused.")
    body, kind = refusal_body(request.url.path, f"request: {text}" if answers_json(request.url.path) else text)
    return Response(body, status_code=status, media_type=kind)


def app_from_env() -> Guard:
    """For uvicorn's worker processes: the settings `mappa serve` put in the environment."""
    return create_app(Settings.from_env())


def _warm(library: Any) -> None:
    """Assess an empty document of each kind once, so a worker's first request does not pay for the
    engine's and the diagrams' first use (measured: 0.24 to 0.65 s)."""
    from mappa_rules.errors import MappaError
    from mappa_rules.web.service import assess_data

    for kind in library.current.kinds:
        try:
            assess_data(library, {"kind": kind})
        except MappaError:  # a kind that needs more than nothing: warmed as far as it goes
            pass
