"""The review web page (`agent serve`): FastAPI with server-rendered Jinja2 templates.

Why plain forms and no JavaScript: the page must work offline, be easy to audit, and be
driven by an end-to-end browser test. Security choices:
- every route except the sign-in page and the stylesheet needs a reviewer: a session cookie
  (HttpOnly, SameSite=Strict) opened with a token from `agent reviewer add`, or an
  ``Authorization: Bearer <token>`` header; pages redirect to sign-in, anything else gets 401;
- every cookie-authenticated POST carries the session's CSRF token (the sign-in form uses a
  double-submit cookie), compared in constant time;
- Jinja2 autoescaping plus a Markdown renderer with raw HTML disabled, and a strict
  Content-Security-Policy (no scripts at all), so scraped text can only ever render as text.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.trustedhost import TrustedHostMiddleware

from agent.config import Settings
from agent.review import Item, ReviewDesk
from agent.review.drafts import check_key
from agent.review.items import REASON_ZH
from agent.site.files import charts_of
from agent.web.render import front_matter_pairs, render_report
from tools.errors import AgentError, InputError, VerificationError

HERE = Path(__file__).parent
SESSION_COOKIE = "tn_session"
SIGNIN_CSRF_COOKIE = "tn_signin_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Reviewer:
    name: str
    csrf: str | None  # None for bearer-token requests (no cookie, so no CSRF exposure)


class NotSignedIn(Exception):
    pass


class BadCsrf(Exception):
    pass


LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(settings: Settings, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app; ``allowed_hosts`` (default: loopback names) refuses other Host headers, which
    stops a DNS-rebinding page from talking to a local server under a foreign name."""
    desk = ReviewDesk(settings)
    app = FastAPI(title="trade-narrator review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOCAL_HOSTS)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.globals["REASON_ZH"] = REASON_ZH
    templates.env.filters["http_url"] = http_url
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/signin", status_code=303)
        return PlainTextResponse("sign-in required", status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> Response:
        return PlainTextResponse("invalid or missing CSRF token; reload the page and try again", status_code=403)

    @app.exception_handler(AgentError)
    async def agent_error(request: Request, exc: AgentError) -> Response:
        status = 400 if isinstance(exc, InputError) else 500
        return page(request, "error.html", {"reviewer": None, "error": str(exc)}, status)

    def reviewer_of(request: Request) -> Reviewer:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            name = desk.store.reviewer_for_token(auth[7:].strip())
            if name is None:
                raise NotSignedIn()
            return Reviewer(name, None)
        session = desk.store.session(request.cookies.get(SESSION_COOKIE, ""))
        if session is None:
            raise NotSignedIn()
        return Reviewer(*session)

    def check_csrf(reviewer: Reviewer, token: str) -> None:
        if reviewer.csrf is not None and not hmac.compare_digest(reviewer.csrf.encode(), (token or "").encode()):
            raise BadCsrf()

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def draft_page(request: Request, reviewer: Reviewer, key: str, *, status: int = 200,
                   errors: dict[int, str] | None = None, message: str = "", publish_error: str = "",
                   drafts: dict[int, str] | None = None) -> HTMLResponse:
        draft = desk.draft(key)
        items = desk.items(key)
        open_items = [i for i in items if i.decision is None]
        return page(request, "draft.html", {
            "reviewer": reviewer, "report_key": key, "items": items, "open_items": open_items,
            "report": render_report(draft.markdown, items, chart_base=f"/drafts/{key}"),
            "front": front_matter_pairs(draft.markdown), "charts": draft.sidecar.charts,
            "errors": errors or {}, "drafts": drafts or {}, "message": message, "publish_error": publish_error,
            "published_at": desk.store.last_publication(key),
        }, status)

    # ---- sign-in ----------------------------------------------------------------------

    @app.get("/signin", response_class=HTMLResponse)
    def signin_form(request: Request) -> HTMLResponse:
        csrf = secrets.token_urlsafe(24)
        response = page(request, "signin.html", {"csrf": csrf, "error": ""})
        response.set_cookie(SIGNIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/signin")
        return response

    @app.post("/signin")
    def signin(request: Request, token: str = Form(""), csrf: str = Form("")) -> Response:
        cookie = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
            raise BadCsrf()
        name = desk.store.reviewer_for_token(token.strip())
        if name is None:
            fresh = secrets.token_urlsafe(24)
            response = page(request, "signin.html", {"csrf": fresh, "error": "unknown token"}, 401)
            response.set_cookie(SIGNIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", path="/signin")
            return response
        session_id, _ = desk.store.open_session(name)
        redirect = RedirectResponse("/", status_code=303)
        redirect.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="strict", path="/")
        redirect.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")
        return redirect

    @app.post("/signout")
    def signout(request: Request, csrf: str = Form("")) -> Response:
        reviewer = reviewer_of(request)
        check_csrf(reviewer, csrf)
        desk.store.close_session(request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ---- drafts -----------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        reviewer = reviewer_of(request)
        return page(request, "index.html", {"reviewer": reviewer, "reports": desk.reports(),
                                            "problems": desk.problems, "drafts_dir": str(desk.drafts_dir)})

    @app.get("/drafts/{period}")
    def shorthand(request: Request, period: str) -> Response:
        """``/drafts/2026-W07`` → the canonical ``/drafts/trade-briefing/2026-W07``."""
        reviewer = reviewer_of(request)
        try:
            key = check_key(period)
        except InputError as exc:
            return page(request, "error.html", {"reviewer": reviewer, "error": str(exc)}, 404)
        return RedirectResponse(f"/drafts/{key}", status_code=303)

    @app.get("/drafts/{report}/{period}", response_class=HTMLResponse)
    def draft(request: Request, report: str, period: str, msg: str = "") -> HTMLResponse:
        reviewer = reviewer_of(request)
        try:
            return draft_page(request, reviewer, check_key(f"{report}/{period}"), message=msg[:200])
        except InputError as exc:
            return page(request, "error.html", {"reviewer": reviewer, "error": str(exc)}, 404)

    @app.get("/drafts/{report}/{period}/charts/{name}")
    def chart(request: Request, report: str, period: str, name: str) -> Response:
        """A chart of the draft (only files its sidecar lists), for the figures in the report."""
        reviewer_of(request)
        draft = desk.draft(check_key(f"{report}/{period}"))
        listed = {Path(c.file).name for c in draft.sidecar.charts}
        path = charts_of(draft.files.markdown) / name
        if name not in listed or not path.is_file():
            return PlainTextResponse("no such chart", status_code=404)
        return Response(path.read_bytes(), media_type="image/svg+xml")

    @app.post("/drafts/{report}/{period}/items/{item_id}")
    def decide(request: Request, report: str, period: str, item_id: int, action: str = Form(""),
               text: str = Form(""), note: str = Form(""), csrf: str = Form(""), expected: str = Form(""),
               change: str = Form("")) -> Response:
        reviewer = reviewer_of(request)
        check_csrf(reviewer, csrf)
        try:
            key = check_key(f"{report}/{period}")
            item = desk.item(str(item_id), key)
        except InputError as exc:
            return page(request, "error.html", {"reviewer": reviewer, "error": str(exc)}, 404)
        expected_id = int(expected) if expected.isdigit() else None
        try:
            _, check = desk.decide(item, action, reviewer.name, text=text if action == "edit" else None,
                                   note=note[:500], change=bool(change), expected=expected_id)
        except VerificationError as exc:
            return draft_page(request, reviewer, key, status=422, errors={item.id: str(exc)},
                              drafts={item.id: text})
        except AgentError as exc:
            return draft_page(request, reviewer, key, status=409, errors={item.id: str(exc)})
        done = "; ".join([_done(item, action), *(check.notes if check else [])])
        return RedirectResponse(f"/drafts/{key}?msg={quote(done)}#item-{item.id}", status_code=303)

    @app.post("/drafts/{report}/{period}/publish")
    def publish(request: Request, report: str, period: str, csrf: str = Form("")) -> Response:
        reviewer = reviewer_of(request)
        check_csrf(reviewer, csrf)
        try:
            key = check_key(f"{report}/{period}")
        except InputError as exc:
            return page(request, "error.html", {"reviewer": reviewer, "error": str(exc)}, 404)
        try:
            result = desk.publish(key, reviewer.name)
        except AgentError as exc:
            return draft_page(request, reviewer, key, status=409, publish_error=str(exc))
        return RedirectResponse(f"/drafts/{key}?msg={quote(f'published to {result.path}')}", status_code=303)

    return app


def http_url(url: str) -> str:
    """Only http(s) links are rendered as links; anything else (``javascript:``, ``data:``) becomes inert."""
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else "#"


def _done(item: Item, action: str) -> str:
    past = {"approve": "approved", "reject": "rejected", "edit": "edited"}.get(action, action)
    return f"{item.ref} {past}"
