"""`jtbd review`: a local web page to check each interview's forces, with the audio at every quote.

Reads the workspace files on every request (a `jtbd run` may update them meanwhile) and writes
only review.json. Local only: bound to 127.0.0.1, and requests naming another host or posted
from another origin are refused (DNS rebinding, cross-site requests). Request bodies are capped
(413) and notes too (422): a 60 MB note once grew review.json and the page to 63 MB.
"""
from __future__ import annotations

import mimetypes
import socket
import threading
import webbrowser
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import jinja2
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from schemas import FORCE_TYPES, STAGES, CoachReport, ForceType, Quote, Redaction, Review, Stage
from schemas.extraction import Verdict
from schemas.vocabulary import (CUE_LABEL, FORCE_STYLES, KIND_LABELS, KIND_TITLES, REVIEW_STATES, STAGE_LABELS, clock,
                                force_css, item_label, turn_ref)

from .. import privacy
from ..errors import BadInputError, JtbdError
from ..grounding import quote_at
from ..privacy.engine import PLACEHOLDER_LABELS
from ..settings import Settings
from ..workspace import ReviewedInterview, Workspace, read_model, write_model
from . import view
from .decisions import add_force, decide, decide_redaction, review_state, undecided

HERE = Path(__file__).parent
LOCAL_NAMES = ("127.0.0.1", "localhost")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_BODY_BYTES = 64 * 1024  # a decision with the longest note is under 25 kB of JSON
NOTE_MAX_CHARS = 5000  # about two pages; a note is a reason, not a document


# request bodies ---------------------------------------------------------------
class Span(BaseModel):
    model_config = ConfigDict(extra="forbid")
    turn: int
    start_char: int
    end_char: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Verdict | None = None
    type: ForceType | None = None
    stage: Stage | None = None
    note: str | None = Field(default=None, max_length=NOTE_MAX_CHARS)
    span: Span | None = None


class AddIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    span: Span
    type: ForceType
    stage: Stage | None = None
    note: str | None = Field(default=None, max_length=NOTE_MAX_CHARS)


class RedactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["add", "remove", "undo"]
    texts: list[str]
    entity: str = "PERSON"


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["in_review", "reviewed"]


# workspace access -------------------------------------------------------------
Loaded = ReviewedInterview  # the interview with its review applied, as Workspace.load_reviewed makes it


def _summary(loaded: Loaded) -> view.Summary:
    return view.summary(loaded.transcript, loaded.review, loaded.reviewed, loaded.extracted)


def _coach(store: "Store", interview_id: str) -> CoachReport | None:
    """The interview coach's report, shown beside the review; absent when `jtbd run` skipped it."""
    path = store.ws.coach_path(interview_id)
    try:
        return read_model(path, CoachReport) if path.is_file() else None
    except BadInputError:
        return None


class Store:
    """One folder's files; a lock so two quick clicks never lose a decision."""

    def __init__(self, folder: Path):
        self.ws = Workspace(folder)
        self.lock = threading.Lock()

    def ids(self) -> list[str]:
        return self.ws.interview_ids()

    def load(self, interview_id: str) -> Loaded:
        if interview_id not in self.ids():  # ids come from the folder listing, never from the URL
            raise HTTPException(404, f"no interview '{interview_id}'")
        return self.ws.load_reviewed(interview_id)

    def save(self, review: Review) -> Loaded:
        write_model(self.ws.review_path(review.interview_id), review)
        return self.load(review.interview_id)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _span_quote(loaded: Loaded, span: Span) -> Quote:
    turns = loaded.transcript.turns
    if not 0 <= span.turn < len(turns):
        raise HTTPException(400, "that turn is not in the transcript")
    turn = turns[span.turn]
    if turn.role != "participant":
        raise HTTPException(400, "evidence comes from the participant: select text in a participant turn")
    start, end = view.snap_span(turn.text, span.start_char, span.end_char)
    if end - start < 3:
        raise HTTPException(400, "select at least a few words")
    return quote_at(turn, start, end)


def _state_json(loaded: Loaded) -> dict:
    reviewed = loaded.reviewed
    return {
        "state": review_state(loaded.review, reviewed.extraction),
        "items": [view.item_json(i, i.id in reviewed.matches) for i in reviewed.extraction.items()],
        "orphans": [d.model_dump() for d in reviewed.orphans],
        "forces": view.force_counts(reviewed.extraction),
        "undecided": undecided(reviewed.extraction),
    }


# security ---------------------------------------------------------------------
def _allowed_hosts(port: int) -> set[str]:
    hosts = {f"{name}:{port}" for name in LOCAL_NAMES}
    return hosts | set(LOCAL_NAMES) if port == 80 else hosts


def _install_local_only(app: FastAPI) -> None:
    @app.middleware("http")
    async def local_only(request: Request, call_next):
        port = (request.scope.get("server") or ("", 0))[1]
        hosts = _allowed_hosts(port)
        if request.headers.get("host", "") not in hosts:
            return PlainTextResponse("forbidden: this page only answers to 127.0.0.1 or localhost", status_code=403)
        origin = request.headers.get("origin")
        if request.method not in SAFE_METHODS and origin is not None and origin not in {f"http://{h}" for h in hosts}:
            return PlainTextResponse("forbidden: cross-origin request", status_code=403)
        response = await call_next(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413 before any handler reads it. The body
    is read here (bodies are small JSON) so a sender that states no length is cut off too."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        stated = dict(scope["headers"]).get(b"content-length", b"")
        if stated.isdigit() and int(stated) > self.max_bytes:
            return await self._too_large(send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await self._too_large(send)

        async def replay():
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)

    async def _too_large(self, send) -> None:
        response = JSONResponse({"detail": f"request too large: the most this page accepts is {self.max_bytes // 1024} kB"}, status_code=413)
        await response({"type": "http"}, None, send)


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with one readable line ('note: at most 5000 characters'), which the page shows as it is."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if p != "body")
    message = f"note is too long: at most {NOTE_MAX_CHARS:,} characters" if first.get("type") == "string_too_long" and where.endswith("note") else first["msg"]
    return JSONResponse({"detail": f"{message}" if where.endswith("note") else f"{where}: {message}"}, status_code=422)


# the app ----------------------------------------------------------------------
def create_app(folder: Path, settings: Settings) -> FastAPI:
    store = Store(folder)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)  # transcript text is data
    templates = Jinja2Templates(env=env)
    templates.env.globals.update(STAGE_LABELS=STAGE_LABELS, KIND_LABELS=KIND_LABELS, KIND_TITLES=KIND_TITLES,
                                 FORCE_STYLES=FORCE_STYLES, REVIEW_STATES=REVIEW_STATES, FORCE_TYPES=FORCE_TYPES,
                                 STAGES=STAGES, clock=clock, turn_ref=turn_ref, item_label=item_label,
                                 force_css=force_css(), folder=store.ws.folder.name)
    app = FastAPI(title="jtbd review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.settings = store, settings
    _install_local_only(app)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.exception_handler(JtbdError)
    async def unusable_file(request: Request, exc: JtbdError) -> Response:  # e.g. a hand-edited review.json that no longer parses
        return PlainTextResponse(exc.line(), status_code=500)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        rows = [_summary(store.load(interview_id)) for interview_id in store.ids()]
        return templates.TemplateResponse(request, "index.html", {"rows": rows})

    @app.get("/i/{interview_id}", response_class=HTMLResponse)
    def interview(request: Request, interview_id: str) -> Response:
        loaded = store.load(interview_id)
        reviewed = loaded.reviewed.extraction
        by_turn: dict[int, list] = {}
        for item in reviewed.items():
            by_turn.setdefault(item.quote.turn, []).append(item)
        redaction = _redaction(store, settings, loaded)
        pii = (lambda i, where="text": redaction.for_turn(i, where)) if redaction else (lambda i, where="text": [])
        context = {
            "t": loaded.transcript, "s": _summary(loaded),
            "lane": view.lane(reviewed), "stage_starts": view.stage_starts(reviewed),
            "segments": {t.index: view.segments(t.text, by_turn.get(t.index, []), pii(t.index)) for t in loaded.transcript.turns},
            "speaker_pii": {t.index: (pii(t.index, "speaker") or [None])[0] for t in loaded.transcript.turns},
            "redaction": redaction, "personal": view.personal_values(redaction) if redaction else [],
            "redact_entities": settings.redact.entities, "redaction_outputs": privacy.redacts_outputs(settings),
            "others": [i for i in reviewed.items() if i.kind != "force"], "orphans": loaded.reviewed.orphans,
            "data": _state_json(loaded), "has_audio": _audio_path(store, loaded) is not None,
            "coach": _coach(store, interview_id),
            "meta": {"stages": STAGES, "stage_labels": STAGE_LABELS, "kind_labels": KIND_LABELS, "cue_label": CUE_LABEL,
                     "review_states": REVIEW_STATES,
                     "spans": [s.model_dump(include={"stage", "start_turn", "end_turn"}) for s in reviewed.stages]},
        }
        return templates.TemplateResponse(request, "interview.html", context)

    @app.get("/api/i/{interview_id}")
    def state(interview_id: str) -> JSONResponse:
        return JSONResponse(_state_json(store.load(interview_id)))

    @app.post("/api/i/{interview_id}/items/{item_id}")
    def post_decision(interview_id: str, item_id: str, body: DecisionIn) -> JSONResponse:
        with store.lock:
            loaded = store.load(interview_id)
            item = loaded.reviewed.item(item_id)
            if item is None:
                raise HTTPException(404, "no such item (the extraction may have been re-run: reload the page)")
            changes = body.model_dump(exclude_none=True, exclude={"span"})
            if body.type is not None and item.kind != "force":
                raise HTTPException(400, "only forces have a type")
            if body.span is not None:
                changes["quote"] = _span_quote(loaded, body.span)
            loaded = store.save(decide(loaded.review, loaded.reviewed, item, changes, _now()))
        return JSONResponse(_state_json(loaded))

    @app.post("/api/i/{interview_id}/items")
    def post_add(interview_id: str, body: AddIn) -> JSONResponse:
        with store.lock:
            loaded = store.load(interview_id)
            quote = _span_quote(loaded, body.span)
            review, new_id = add_force(loaded.review, quote, body.model_dump(exclude_none=True, exclude={"span"}), _now())
            loaded = store.save(review)
        return JSONResponse({"id": new_id, **_state_json(loaded)})

    @app.post("/api/i/{interview_id}/redactions")
    def post_redaction(interview_id: str, body: RedactionIn) -> JSONResponse:
        if not privacy.needed(settings):
            raise HTTPException(400, 'redaction is off for this folder (redact = "off", or no LLM configured at level "llm")')
        texts = [" ".join(t.split()) for t in body.texts if len(t.strip()) >= 2]
        if not texts or any(len(t) > 200 for t in texts):
            raise HTTPException(400, "select the words to redact (2 to 200 characters)")
        if body.entity not in PLACEHOLDER_LABELS:
            raise HTTPException(400, f"unknown entity type '{body.entity}'")
        with store.lock:
            loaded = store.load(interview_id)
            loaded = store.save(decide_redaction(loaded.review, body.action, texts, body.entity, _now()))
            redaction = privacy.interview_redaction(store.ws, loaded.transcript, settings)
        return JSONResponse({"spans": len(redaction.spans), "decisions": [d.model_dump() for d in redaction.decisions]})

    @app.post("/api/i/{interview_id}/state")
    def post_state(interview_id: str, body: StateIn) -> JSONResponse:
        with store.lock:
            loaded = store.load(interview_id)
            loaded = store.save(loaded.review.model_copy(update={"state": body.state}))
        return JSONResponse(_state_json(loaded))

    @app.post("/api/i/{interview_id}/orphans/{item_id}/discard")
    def discard_orphan(interview_id: str, item_id: str) -> JSONResponse:
        with store.lock:
            loaded = store.load(interview_id)
            matched = set(loaded.reviewed.matches.values())
            kept = [d for n, d in enumerate(loaded.review.decisions) if n in matched or d.item_id != item_id]
            if len(kept) == len(loaded.review.decisions):
                raise HTTPException(404, "no such orphan decision")
            loaded = store.save(loaded.review.model_copy(update={"decisions": kept}))
        return JSONResponse(_state_json(loaded))

    @app.get("/audio/{interview_id}")
    def audio(interview_id: str) -> Response:
        path = _audio_path(store, store.load(interview_id))
        if path is None:
            raise HTTPException(404, "this interview has no recording")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media)  # answers Range requests with 206

    return app


def _redaction(store: Store, settings: Settings, loaded: Loaded) -> Redaction | None:
    """The interview's redaction (real words and placeholders), when this folder redacts at all."""
    if not privacy.needed(settings):
        return None
    return privacy.interview_redaction(store.ws, loaded.transcript, settings)


def _audio_path(store: Store, loaded: Loaded) -> Path | None:
    interview = loaded.transcript.interview
    if interview.kind != "audio":
        return None
    try:
        path = store.ws.source_path(interview.source)
    except BadInputError:
        return None
    return path if path.is_file() else None


# serving ----------------------------------------------------------------------
def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise BadInputError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from None
    return sock


def serve(folder: Path, settings: Settings, port: int = 0, open_browser: bool = True) -> None:
    """Serve the review page on 127.0.0.1 until Ctrl-C. Port 0 picks a free port."""
    ws = Workspace(folder)
    if not Path(folder).is_dir():
        raise BadInputError("not a folder", str(folder))
    if not ws.interview_ids():
        raise BadInputError(f"no results to review; run `jtbd run {folder}` first", str(folder))
    sock = _bind(port)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    config = uvicorn.Config(create_app(folder, settings), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    count = len(ws.interview_ids())
    print(f"Reviewing {count} interview{'' if count == 1 else 's'} at {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled; stopping is the normal way out
        pass
    finally:
        sock.close()
    print("Review server stopped; decisions are saved in each interview's review.json", flush=True)
