"""Federal Register API: BIS export-control documents (Entity List rules, EAR amendments) → ``PolicyDoc``.

Why a second policy source: the reports follow export controls on both sides, and US rules
are published in the Federal Register with a document number and an FR citation that a
compliance reader checks. The API needs no key; ``documents.json`` answers one page of
``results`` with ``count``, ``total_pages`` and ``next_page_url``. The next page is asked
at the configured base with the query of ``next_page_url`` (so a mirror or the sample keeps
answering, and a server cannot send the client elsewhere), and it must be the page after
the one just read. An HTML page (maintenance, blocked) or an ``errors`` object is refused.

What is kept: document number, title, type, abstract (title + abstract are the document's text),
publication date, effective date when the answer carries one (``effective_on``; a missing
or null field stays unknown, never guessed from the publication date), FR citation, agency
names and the docket number.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.models import PolicyDoc
from tools.sources.records import Fetched, RawResponse

DOCUMENTS_PATH = "/api/v1/documents.json"
AGENCY = "industry-and-security-bureau"
#: Fields asked for explicitly, so the answer's shape does not drift with the API's defaults.
FIELDS = (
    "abstract", "agencies", "citation", "docket_ids", "document_number", "effective_on",
    "html_url", "publication_date", "title", "type",
)
PER_PAGE = 100
#: The API serves at most this many pages of one search; beyond it the search must be narrowed.
MAX_PAGES = 20
#: Documents are identified by their page on the real site, whatever mirror served them.
PUBLIC_SITE = "https://www.federalregister.gov"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^\d{4}-\d{3,6}$")


class Agency(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    raw_name: str | None = None
    slug: str | None = None


class Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document_number: str
    title: str
    type: str
    publication_date: str
    html_url: str
    abstract: str | None = None
    citation: str | None = None
    effective_on: str | None = None
    agencies: list[Agency] = Field(default_factory=list)
    docket_ids: list[str] = Field(default_factory=list)


class Page(BaseModel):
    model_config = ConfigDict(extra="ignore")

    count: int = 0
    total_pages: int = 0
    next_page_url: str | None = None
    results: list[Result] = Field(default_factory=list)


#: Titles of the Paperwork Reduction Act notices BIS files for OMB approval of its forms: they renew
#: how information is collected and change no export control, so a briefing never leads with them.
PAPERWORK_TITLE = re.compile(r"^\s*Agency Information Collection Activities", re.I)


def is_paperwork_notice(title: str) -> bool:
    """True for a Federal Register information-collection (paperwork) notice, by its fixed title."""
    return PAPERWORK_TITLE.match(title) is not None


#: The Federal Register's agency names as a Traditional-Chinese page credits them.
PUBLISHER_ZH = {
    "Commerce Department; Industry and Security Bureau": "美國商務部產業安全局（BIS）",
    "Industry and Security Bureau": "美國商務部產業安全局（BIS）",
    "Commerce Department; International Trade Administration": "美國商務部國際貿易署（ITA）",
}


#: The register's document types as a zh-Hant sentence names them: a rule changes the regulations
#: (the EAR), a proposed rule asks for comments, a notice announces (an order, a meeting, a form).
DOC_TYPE_ZH = {"Rule": "規則", "Proposed Rule": "擬議規則", "Notice": "公告"}


def publisher_zh(name: str) -> str:
    """The zh-Hant name of a Federal Register publisher; the English name when it is not a known agency."""
    return PUBLISHER_ZH.get(" ".join(name.split()), name)


def check_day(value: str, what: str) -> str:
    if not _DATE.match(value):
        raise InputError(f"{what} must look like YYYY-MM-DD, got {value!r}")
    return value


class FederalRegisterClient:
    """Searches BIS documents by publication date and pages through the answer."""

    def __init__(self, http: SourceHttp, base_url: str, per_page: int = PER_PAGE) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.per_page = per_page

    def request_for(self, since: str, until: str | None = None) -> tuple[str, list[tuple[str, str]]]:
        params = [("conditions[agencies][]", AGENCY),
                  ("conditions[publication_date][gte]", check_day(since, "--since"))]
        if until:
            if check_day(until, "--until") < since:
                raise InputError(f"--since {since} is after --until {until}")
            params.append(("conditions[publication_date][lte]", until))
        params += [("fields[]", f) for f in FIELDS]
        params += [("order", "oldest"), ("per_page", str(self.per_page))]
        return self.base_url + DOCUMENTS_PATH, params

    def documents(self, since: str, until: str | None = None) -> list[Fetched]:
        """Every page of BIS documents published in the window (one ``Fetched`` per page)."""
        url, params = self.request_for(since, until)
        fetched: list[Fetched] = []
        page = 1
        while True:
            raw = self.http.request("GET", url, params=params)
            answer = parse_page(raw)
            fetched.append(Fetched(raw=raw, policy=[to_doc(r, raw) for r in answer.results]))
            if not answer.next_page_url or not answer.results:
                return fetched
            if page >= MAX_PAGES:
                raise SourceError(
                    f"federal-register: more than {MAX_PAGES} pages of {self.per_page}; narrow the window with --since"
                )
            params = next_page_params(answer.next_page_url, page + 1)
            page += 1


def next_page_params(next_url: str, expected: int) -> list[tuple[str, str]]:
    """The query of ``next_page_url``, checked to ask for the page after the current one."""
    params = parse_qsl(urlsplit(next_url).query, keep_blank_values=True)
    pages = [v for k, v in params if k == "page"]
    if pages != [str(expected)]:
        raise SourceError(
            f"federal-register: next_page_url asks for page {pages[0] if pages else '(none)'}, expected {expected}"
        )
    return params


def parse_page(raw: RawResponse) -> Page:
    """One page of ``documents.json``; anything that is not one becomes a one-line ``SourceError``."""
    text = raw.body.decode("utf-8", errors="replace").strip()
    if text.startswith("<") or "html" in raw.content_type.lower():
        snippet = " ".join(re.sub(r"<[^>]+>", " ", text).split())[:100]
        raise SourceError(f"federal-register: the API answered with an HTML page instead of JSON: {snippet!r}")
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"federal-register: malformed JSON from {raw.url} ({exc.msg} at char {exc.pos})") from None
    if isinstance(answer, dict) and answer.get("errors"):
        raise SourceError(f"federal-register: the API refused the search: {_errors(answer['errors'])}")
    try:
        page = Page.model_validate(answer)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise SourceError(f"federal-register: unexpected answer shape from {raw.url} (at {where})") from None
    for result in page.results:
        if not _NUMBER.match(result.document_number):
            raise SourceError(f"federal-register: document number {result.document_number!r} is not YYYY-NNNNN")
        for value in (result.publication_date, result.effective_on):
            if value is not None and not _DATE.match(value):
                raise SourceError(f"federal-register: {result.document_number} has date {value!r} (want YYYY-MM-DD)")
    return page


def to_doc(result: Result, raw: RawResponse) -> PolicyDoc:
    """A Federal Register document as a policy-corpus document; its text is the title and abstract."""
    agencies = [a.name or a.raw_name or "" for a in result.agencies]
    abstract = (result.abstract or "").strip()
    return PolicyDoc(
        url=canonical_url(result.html_url),
        title=result.title.strip(),
        publish_date=date.fromisoformat(result.publication_date),
        body_text=f"{result.title.strip()}\n\n{abstract}" if abstract else result.title.strip(),
        publisher="; ".join(a for a in agencies if a),
        column=f"federal-register/{result.type.lower().replace(' ', '-')}",
        # The FR citation lives in ``citation``: ``notice_no`` is a MOFCOM 公告 number, which the in-force
        # rules and the narrator's vouching read as such.
        effective_dates=[date.fromisoformat(result.effective_on)] if result.effective_on else [],
        language="en",
        fetched_at=raw.fetched_at,
        raw_sha256=raw.sha256,
        synthetic=raw.synthetic,
        doc_number=result.document_number,
        citation=result.citation or "",
        doc_type=result.type,
    )


def canonical_url(url: str) -> str:
    path = urlsplit(url).path
    return PUBLIC_SITE + path if path.startswith("/documents/") else url


def window_start(today: date | None = None) -> str:
    """Default live window: January 1 of last year (same reach as the Census months)."""
    today = today or datetime.now().date()
    return f"{today.year - 1}-01-01"


def _errors(errors: object) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {v}" for k, v in errors.items())[:200]
    return str(errors)[:200]
