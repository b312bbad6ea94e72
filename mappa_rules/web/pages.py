"""The pages: start, the guided interview, the result and its downloads, caseload uploads, and the
decision record. Rendered on the server from the reports' templates; no script, so they work with
JavaScript switched off. An interview travels in each form (state.py), so case data is only ever in
POST bodies; every form carries a CSRF token bound to a cookie."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from mappa_rules import MARKING
from mappa_rules.case import UNCERTAIN
from mappa_rules.errors import CaseError, MappaError, OptionError
from mappa_rules.interview import Interview, answer_lines, choices
from mappa_rules.plain import show
from mappa_rules.report import AUDIENCES, assessment_titles, glossary, render, render_page
from mappa_rules.web import state as carried
from mappa_rules.web.guard import CSRF_COOKIE, check_csrf, csrf_token, new_cookie_value, session_cookie, token_matches
from mappa_rules.web.settings import is_loopback
from mappa_rules.web.service import off_loop

KIND_WORDS = {
    "case": "A person: MAPPA eligibility, category, management level and risk",
    "referral": "A referral decision: is it on time, and is it accepted",
    "complaint": "A complaint: MAPPA or a single agency's procedure",
    "disagreement": "A disagreement about a referral or a level",
    "meeting_notice": "A meeting notice: is it given in time",
}
RECORD_NUMBERS = range(1, 2 ** 63)  # what a record's number can be (a database's 64-bit integer)
EXPIRED = "This form has expired or came from elsewhere: start again from the first page."


def router(app_state: Any) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    library, settings = app_state.library, app_state.settings
    limit_mb = settings.max_body // (1024 * 1024)

    def page(request: Request, template: str, title: str, status: int = 200, **context: Any) -> HTMLResponse:
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = not cookie
        cookie = cookie or new_cookie_value()
        context.setdefault("problem", None)
        context.setdefault("notice", None)
        html = render_page(template, title, csrf=csrf_token(settings.secret, cookie), **context)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    async def form_of(request: Request) -> Any:
        form = await request.form()
        given = form.get("csrf")
        if not isinstance(given, str) or not check_csrf(settings.secret, request.cookies.get(CSRF_COOKIE), given):
            raise _Forbidden
        return form

    def problem(request: Request, text: str, status: int = 422, heading: str = "Not accepted") -> HTMLResponse:
        return page(request, "web/problem.j2", "MAPPA decision support", status, heading=heading, problem=text)

    def refusal(request: Request, exc: Exception) -> HTMLResponse:
        """A form without its CSRF token (403), or input the rules refuse (422), as a page."""
        return problem(request, EXPIRED, 403) if isinstance(exc, _Forbidden) else problem(request, for_person(exc, library.current))

    async def carried_form(request: Request) -> tuple[Any, Interview]:
        """A form and the interview it carries, both checked."""
        form = await form_of(request)
        return form, await off_loop(carried.decode, str(form.get("state") or ""), library)

    @pages.get("/", response_class=HTMLResponse)
    async def start(request: Request) -> HTMLResponse:
        kinds = [(kind, KIND_WORDS.get(kind, show(kind))) for kind in library.current.kinds]
        return page(request, "web/start.j2", "MAPPA decision support: start an assessment", kinds=kinds)

    @pages.post("/interview", response_class=HTMLResponse)
    async def interview(request: Request) -> Response:
        try:
            form = await form_of(request)
        except _Forbidden as exc:
            return refusal(request, exc)
        action = str(form.get("action") or "continue")

        def step() -> tuple[Interview, str | None, str | None]:
            if action == "start":
                return _started(library, form), None, None
            interview = carried.decode(str(form.get("state") or ""), library)
            asking, trouble = None, None
            if action == "answer":
                fact = str(form.get("fact") or "")
                said = "uncertain" if form.get("unknown") else str(form.get("answer") or "").strip()
                if fact not in interview.book.facts:
                    raise OptionError("the question answered is not one of this case's facts (start again)")
                if not said:
                    asking, trouble = fact, "Choose an answer, or say you don't know."
                else:
                    try:
                        interview.answer(fact, said)
                    except MappaError as exc:
                        asking, trouble = fact, str(getattr(exc, "reason", exc))
            elif action == "back":
                interview.back()
            elif action == "change":
                fact = str(form.get("change") or "")
                asking = fact if fact in interview.book.facts else None
            return interview, asking, trouble
        try:
            interview, asking, trouble = await off_loop(step)
        except MappaError as exc:
            return refusal(request, exc)
        try:
            if action == "result":
                return await _result_page(request, interview, "practitioner")
            return await off_loop(lambda: _interview_page(request, interview, asking, trouble))
        except MappaError as exc:  # e.g. a carried answer the case refuses once it is undone
            return problem(request, for_person(exc, interview.book))

    def _interview_page(request: Request, interview: Interview, asking: str | None, trouble: str | None) -> HTMLResponse:
        book = interview.book
        result = interview.result()
        question = interview.next_question() if asking is None else interview.question_for(asking)
        spec = book.facts[question["fact"]] if question else None
        given = [(name, book.facts[name].label or show(name), "not known" if value == UNCERTAIN else show(value))
                 for name, value in interview.facts.items() if name in book.facts]
        if interview.area is not None:
            given.insert(0, ("area", book.facts["area"].label or "Area", show(interview.area)))
        title, reference = assessment_titles(interview.case_id)
        return page(request, "web/interview.j2", title, 422 if trouble else 200,
                    state=carried.encode(interview), question=question, spec=spec,
                    current=interview.facts.get(question["fact"]) if question else None,
                    choices=choices(book, question) if question else "", answer_lines=answer_lines(result),
                    given=given, asked=interview.asked, problem=trouble, reference=reference)

    async def _result_page(request: Request, interview: Interview, audience: str) -> HTMLResponse:
        def build() -> HTMLResponse:
            result, book = interview.result(), interview.book
            title, reference = assessment_titles(result["case_id"])
            return page(request, "web/result.j2", title, audience=audience, r=result,
                        words=glossary(book), reference=reference, state=carried.encode(interview),
                        recording=app_state.store is not None)
        return await off_loop(build)

    @pages.post("/result", response_class=HTMLResponse)
    async def result_page(request: Request) -> Response:
        try:
            form, interview = await carried_form(request)
        except (_Forbidden, MappaError) as exc:
            return refusal(request, exc)
        return await _result_page(request, interview, _audience(form))

    @pages.post("/download")
    async def download(request: Request) -> Response:
        try:
            form, interview = await carried_form(request)
        except (_Forbidden, MappaError) as exc:
            return refusal(request, exc)
        fmt = str(form.get("format") or "case")
        if fmt not in ("case", "json", "html"):
            return problem(request, "format: a download is the case file, the JSON result or the HTML report")
        name = _file_name(interview.case_id)

        def build() -> Response:
            if fmt == "case":
                body = f"# {MARKING}\n" + yaml.safe_dump(interview.document(), sort_keys=False, allow_unicode=True)
                return _attachment(body, f"{name}.yaml", "application/yaml")
            result = interview.result()
            if fmt == "json":
                return _attachment(render(result, "json"), f"{name}.json", "application/json")
            report = render(result, "html", _audience(form), words=glossary(interview.book))
            return _attachment(report, f"{name}.html", "text/html; charset=utf-8")
        return await off_loop(build)

    # --- caseloads --------------------------------------------------------------------------------
    @pages.get("/caseload", response_class=HTMLResponse)
    async def caseload_form(request: Request) -> HTMLResponse:
        return page(request, "web/caseload.j2", "MAPPA caseload: upload", limit_mb=limit_mb)

    @pages.post("/caseload")
    async def caseload_upload(request: Request) -> Response:
        try:
            form = await form_of(request)
        except _Forbidden as exc:
            return refusal(request, exc)
        upload = form.get("caseload")
        if upload is None or not hasattr(upload, "read"):
            return page(request, "web/caseload.j2", "MAPPA caseload: upload", 422, problem="Choose a caseload file to upload.",
                        limit_mb=limit_mb)
        data = await upload.read()
        try:
            job_id = await off_loop(app_state.jobs.start, upload.filename or "", data)
        except MappaError as exc:
            return page(request, "web/caseload.j2", "MAPPA caseload: upload", 422, problem=str(exc),
                        limit_mb=limit_mb)
        return RedirectResponse(f"/caseload/{job_id}", status_code=303)

    @pages.get("/caseload/{job_id}", response_class=HTMLResponse)
    async def caseload_job(request: Request, job_id: str) -> Response:
        job = app_state.jobs.status(job_id)
        if job is None:
            return problem(request, "There is no such caseload on this server (it may have been restarted).", 404, "Not found")
        if job["finished"]:
            return HTMLResponse(app_state.jobs.file(job_id, "summary.html").read_text(encoding="utf-8"))
        return page(request, "web/job.j2", "MAPPA caseload: assessing", job=job)

    @pages.get("/caseload/{job_id}/{which}")
    async def caseload_file(request: Request, job_id: str, which: str) -> Response:
        path = app_state.jobs.file(job_id, f"{which}.jsonl") if which in ("results", "errors") else None
        if path is None:
            return problem(request, "There is no such file for this caseload.", 404, "Not found")
        return FileResponse(path, media_type="application/x-ndjson", filename=f"caseload-{which}.jsonl")

    # --- the decision record ----------------------------------------------------------------------
    @pages.get("/record", response_class=HTMLResponse)
    async def records(request: Request) -> Response:
        store = app_state.store
        if store is None:
            return page(request, "web/records.j2", "MAPPA decision record", configured=False, rows=[], limit=0)
        try:
            rows = await off_loop(lambda: store.listing(newest=200))
        except MappaError as exc:
            return problem(request, str(exc), 503, "The decision record cannot be read")
        shown = [{**row, "what": _what(row), "when": f"{show(row['recorded_at'][:10])}, {row['recorded_at'][11:16]} UTC"} for row in rows]
        return page(request, "web/records.j2", "MAPPA decision record", configured=True, rows=shown, limit=200)

    @pages.post("/record")
    async def record_assessment(request: Request) -> Response:
        from mappa_rules.chain import Assessment

        store = app_state.store
        try:
            form, interview = await carried_form(request)
            if store is None:
                raise OptionError("no decision record is configured on this server (mappa serve --db)")
            result = await off_loop(interview.result)
            (number,) = await off_loop(store.record, [Assessment.of(result)], str(form.get("by") or ""))
        except (_Forbidden, MappaError) as exc:
            return refusal(request, exc)
        return RedirectResponse(f"/record/{number}", status_code=303)

    async def _record_page(request: Request, number: int, status: int = 200, **extra: Any) -> Response:
        from mappa_rules.recorded import decision_view, result_of
        from mappa_rules.wording import outcome_label

        store = app_state.store
        if store is None:
            return page(request, "web/records.j2", "MAPPA decision record", configured=False, rows=[], limit=0)
        if number not in RECORD_NUMBERS:
            return problem(request, f"record {number}: there is no such record", 404, "Not found")

        def build() -> Response:
            record = store.get(number)
            result = result_of(record, library)
            view = decision_view(record, store.decisions_on(number), result)
            keys = list(dict.fromkeys([*result.get("outcomes", {}), *result.get("answers", {})]))
            title, reference = assessment_titles(result["case_id"])
            return page(request, "web/record.j2", f"{title} (record {number})", status,
                        r=result, rec=view, words=glossary(library.for_data({"as_of": result["as_of"]})),
                        reference=reference, outcomes=[(k, outcome_label(k)) for k in keys], **extra)
        try:
            return await off_loop(build)
        except OptionError as exc:  # no such record, or not an assessment; any other fault is the server's (500)
            return problem(request, str(exc), 404, "Not found")
        except CaseError as exc:  # a record whose result these rules cannot give again (made under other rules)
            return problem(request, str(exc), 422, "Cannot be shown")

    @pages.get("/record/{number}", response_class=HTMLResponse)
    async def record_page(request: Request, number: int, recorded: int | None = None, on: int | None = None) -> Response:
        notice = None
        if recorded is not None and app_state.store is not None and recorded in RECORD_NUMBERS:  # from recording a decision
            decisions = await off_loop(app_state.store.decisions_on, number) if number in RECORD_NUMBERS else []
            if any(d["seq"] == recorded for d in decisions):  # only a decision on this record is announced
                notice = f"Recorded as record {recorded}." + ("" if on in (None, number) else
                                                              " It is linked to this record, the case's latest assessment.")
        return await _record_page(request, number, notice=notice)

    @pages.post("/record/{number}/override", response_class=HTMLResponse)
    async def override(request: Request, number: int) -> Response:
        if number not in RECORD_NUMBERS:
            return problem(request, f"record {number}: there is no such record", 404, "Not found")
        from mappa_rules.recorded import book_for, decided_value

        store = app_state.store
        try:
            form = await form_of(request)
            if store is None:
                raise OptionError("no decision record is configured on this server (mappa serve --db)")
            record = await off_loop(store.get, number)
            if not record["case_id"]:
                raise OptionError(f"record {number} has no case reference, so no decision can be linked to it")
            outcome = str(form.get("outcome") or "")
            latest = await off_loop(store.latest_assessment, record["case_id"])
            value = decided_value(str(form.get("value") or ""), outcome, book_for(latest, library))
            seq, latest = await off_loop(store.override, record["case_id"], outcome, value,
                                         str(form.get("reason") or ""), str(form.get("by") or ""))
        except _Forbidden as exc:
            return refusal(request, exc)
        except MappaError as exc:
            return await _record_page(request, number, 422, problem=_in_form_words(str(exc)))
        # to the record's page by GET, so that reloading it shows the decision and never records it twice
        return RedirectResponse(f"/record/{latest['seq']}?recorded={seq}&on={number}", status_code=303)

    # --- the token, when the server has one --------------------------------------------------------
    @pages.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> HTMLResponse:
        return page(request, "web/login.j2", "MAPPA decision support: sign in")

    @pages.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        form = await request.form()
        if not token_matches(settings, str(form.get("token") or "")):
            return page(request, "web/login.j2", "MAPPA decision support: sign in", 401, problem="That is not this server's token.")
        response = RedirectResponse("/", status_code=303)
        name, value = session_cookie(settings)
        response.set_cookie(name, value, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https" or not is_loopback(settings.host))
        return response

    return pages


FIELD_LABELS = {"as_of": "Assessed as of", "case_id": "Case reference", "area": "Area", "kind": "Kind of assessment",
                "facts": "Facts", "interview": "The interview"}


def for_person(exc: Exception, book: Any) -> str:
    """A refusal as a page says it: the field by its label, the reason, no clause ids or where in a file."""
    if not isinstance(exc, CaseError):
        return str(exc)
    field = exc.field or ""
    name = field.removeprefix("facts.")
    spec = book.facts.get(name) if name != field or name in book.facts else None
    label = (spec.label or spec.meaning) if spec is not None else FIELD_LABELS.get(field)
    return f"{label}: {exc.reason}" if label else exc.reason


_FORM_LABELS = {"--outcome": "Outcome decided", "--value": "Value decided", "--reason": "Reason", "--by": "Decided by"}


def _in_form_words(message: str) -> str:
    """A refusal worded for the command line, with the form's labels for its options."""
    return re.sub(r"--(outcome|value|reason|by)\b", lambda m: _FORM_LABELS[m.group(0)], message)


class _Forbidden(Exception):
    """A form without a valid CSRF token."""


def _started(library: Any, form: Any) -> Interview:
    kind = str(form.get("kind") or "case")
    if kind not in library.current.kinds:
        raise OptionError(f"kind: '{show(kind)}' is not a kind of assessment this server knows")
    data: dict[str, Any] = {"kind": kind}
    for name in ("case_id", "as_of"):
        text = str(form.get(name) or "").strip()
        if text:
            data[name] = text
    return Interview.start(library, data)


def _audience(form: Any) -> str:
    """The audience a form asks for; the practitioner's unless it names another known one."""
    audience = str(form.get("audience") or "practitioner")
    return audience if audience in AUDIENCES else "practitioner"


def _file_name(case_id: str | None) -> str:
    """A download's name from the case reference: letters, digits, - and _ only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", case_id or "").strip("-")[:60]
    return f"mappa-{cleaned}" if cleaned else "mappa-case"


def _attachment(body: str, name: str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={"content-disposition": f'attachment; filename="{name}"'})


def _what(row: dict[str, Any]) -> str:
    from mappa_rules.wording import outcome_label

    if row["type"] == "override":
        return f"Decision on record {row['refers_to']}: {outcome_label(row['outcome'])} {show(json.loads(row['value']))}"
    if row["type"] == "checkpoint":
        return "Retention checkpoint"
    return f"Assessment ({show(row['case_kind'])})"
