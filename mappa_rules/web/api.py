"""The JSON API: the contract of `mappa assess --format json`, over HTTP.

Errors are the CLI's error object, `{"error", "field", "cites"}`: status 422 for a case refused as
the CLI refuses it (malformed JSON included), 415 for a body of another type, 413 for one too large."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from mappa_rules import MARKING, __version__
from mappa_rules.catalogue import case_json_schema, rules_table
from mappa_rules.errors import MappaError
from mappa_rules.interview import Interview
from mappa_rules.report import render
from mappa_rules.web.service import assess_data, off_loop, parse_case

JSON_TYPES = ("application/json",)
LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines")


class ErrorBody(BaseModel):
    """Why a request was refused: one line, the field it concerns (if any) and the clauses it cites."""

    error: str = Field(description="One line: where, what and why")
    field: str | None = Field(default=None, description="The field refused, as a dotted path (facts.custody_months)")
    cites: list[str] = Field(default_factory=list, description="Policy clause ids behind the refusal")


class Health(BaseModel):
    status: str
    version: str
    marking: str


class NextQuestion(BaseModel):
    """The one question that matters next (none when every answer is as firm as the facts can make it)."""

    marking: str
    status: str
    next_question: dict[str, Any] | None
    answers: dict[str, Any]


def router(state: Any) -> APIRouter:
    """The API's routes; `state` holds the library and settings."""
    api = APIRouter()
    errors = {422: {"model": ErrorBody, "description": "The case was refused: the same error object as the CLI's"},
              415: {"model": ErrorBody, "description": "The body is not sent as application/json"},
              413: {"model": ErrorBody, "description": "The body is larger than the server's limit"}}
    case_body = {"requestBody": {"required": True, "content": {"application/json": {"schema": case_json_schema(state.library.current)}}}}

    @api.post("/api/assess", responses={200: {"description": "The result, exactly as `mappa assess --format json` prints it",
                                              "content": {"application/json": {"schema": {"type": "object"}}}}, **errors},
              openapi_extra=case_body, summary="Assess one case, referral, complaint, disagreement or meeting notice")
    async def assess_endpoint(request: Request) -> Response:
        refused = _content_type(request, JSON_TYPES)
        if refused:
            return refused
        raw = await request.body()
        try:
            text = await off_loop(lambda: render(assess_data(state.library, parse_case(raw)), "json"))
        except MappaError as exc:
            return JSONResponse(exc.to_json(), status_code=422)
        return Response(text, media_type="application/json")

    @api.post("/api/next-question", response_model=NextQuestion, responses=errors, openapi_extra=case_body,
              summary="The one question that matters next for a case, and the answers as they stand")
    async def next_question_endpoint(request: Request) -> Response:
        refused = _content_type(request, JSON_TYPES)
        if refused:
            return refused
        raw = await request.body()

        def ask() -> dict[str, Any]:
            interview = Interview.start(state.library, _mapping(parse_case(raw)))
            result = interview.result()
            return {"marking": MARKING, "status": result["status"], "next_question": interview.next_question(),
                    "answers": result.get("answers", {})}
        try:
            return JSONResponse(await off_loop(ask))
        except MappaError as exc:
            return JSONResponse(exc.to_json(), status_code=422)

    @api.post("/api/batch", responses={200: {"description": "One JSON line a row, in order: a result, or an error object naming the row",
                                             "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
              openapi_extra={"requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}},
              summary="Assess a caseload sent as JSON Lines; the results stream back as JSON Lines")
    async def batch_endpoint(request: Request) -> Response:
        refused = _content_type(request, LINES_TYPES)
        if refused:
            return refused
        folder = Path(tempfile.mkdtemp(prefix="batch-", dir=state.settings.work_dir or None))
        upload = folder / "caseload.jsonl"
        try:
            with upload.open("wb") as out:
                async for part in request.stream():
                    out.write(part)
        except BaseException:  # too large, or the client went away: nothing of it is kept
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return StreamingResponse(_stream_rows(state, upload, folder), media_type="application/x-ndjson")

    @api.get("/api/rules", summary="Every rule: id, title and the clauses it cites")
    async def rules_endpoint() -> JSONResponse:
        return JSONResponse(rules_table(state.library.current))

    @api.get("/api/schema", summary="The JSON Schema of a case file")
    async def schema_endpoint() -> JSONResponse:
        return JSONResponse(case_json_schema(state.library.current))

    @api.get("/healthz", response_model=Health, summary="Whether the server is up")
    async def health() -> Health:
        return Health(status="ok", version=__version__, marking=MARKING)

    return api


async def _stream_rows(state: Any, upload: Path, folder: Path) -> Any:
    """Each row's line as soon as it is assessed (the engine in a worker thread), then the upload removed."""
    from mappa_rules.batch import evaluate_row, read_rows

    rows: Iterator[Any] = read_rows(upload)
    try:
        while True:
            row = await off_loop(next, rows, None)
            if row is None:
                return
            _, _, line = await off_loop(evaluate_row, row, state.library)
            yield line if line.endswith("\n") else line + "\n"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _content_type(request: Request, accepted: tuple[str, ...]) -> JSONResponse | None:
    """A body of another type is refused (a form posted from another site cannot send JSON without asking first)."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given in accepted:
        return None
    return JSONResponse({"error": f"request: the body must be sent as {accepted[0]}, not {given or 'no type'}",
                         "field": None, "cites": []}, status_code=415)


def _mapping(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MappaError("request: a case is a mapping of kind, case_id, area, as_of and facts")
    return data


__all__ = ["router", "ErrorBody"]
