"""MOFCOM export-control site: list API pages and article pages → ``PolicyDoc``.

Why so defensive: the site answers HTTP 200 with every Chinese character replaced by '?'
when the request does not look like its own JavaScript (XHR headers), its pagination has
been seen to return the same page for every page number, and every article's <title> is the
site name. Each of those is detected here rather than stored as if it were content.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.errors import InputError, SourceError
from tools.sources.http import SourceHttp
from tools.sources.models import PolicyDoc
from tools.sources.mofcom_text import (
    clean_text,
    column_of,
    effective_dates,
    is_garbled,
    notice_number,
    parse_article,
    strip_footer,
    title_or_none,
)
from tools.sources.records import Fetched, Provenance

log = logging.getLogger(__name__)

LIST_PATH = "/edi_ecms_web_front/front/column/getColumnList"
#: 1 = 国内动态 (spokesperson answers, dialogues), 2 = 国际动态 (foreign control news),
#: 9 = 管制清单 / 公告, 15 = 规章及规范性文件 (column ids as scrapers report them).
DEFAULT_COLUMNS = (1, 2, 9, 15)

MOFCOM_PROVENANCE = Provenance(dataset="mofcom.exportcontrol")


class ListRow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str
    url: str
    publishTimeStr: str
    source: str | None = ""
    id: int | str | None = None
    content: str | None = ""
    columnName: str | None = ""


class PageInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rows: list[ListRow] = Field(default_factory=list)
    maxPageNum: int = 1
    total: int | None = None


class ListAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pageInfo: PageInfo


class MofcomClient:
    """Pages through a column's list API, then fetches each article page."""

    def __init__(self, http: SourceHttp, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    @property
    def warnings(self) -> list[str]:
        return self.http.warnings

    def _xhr_headers(self) -> dict[str, str]:
        return {
            "X-Requested-With": "XMLHttpRequest",
            "Accept": "application/json, text/javascript, */*; q=0.01",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "Accept-Encoding": "identity",
            "Referer": self.base_url + "/",
        }

    def list_page(self, column_id: int, page: int) -> tuple[Fetched, PageInfo]:
        if page < 1 or column_id < 1:
            raise InputError(f"MOFCOM column and page must be positive, got column {column_id} page {page}")
        raw = self.http.request(
            "POST", self.base_url + LIST_PATH,
            form=[("pageNumber", str(page)), ("columnID", str(column_id))], headers=self._xhr_headers(),
        )
        text = raw.body.decode("utf-8", errors="replace")
        try:
            info = ListAnswer.model_validate(json.loads(text)).pageInfo
        except json.JSONDecodeError as exc:
            if text.lstrip().startswith("<"):
                raise SourceError("mofcom: the list API answered with an HTML page instead of JSON (blocked by the site's WAF?)") from None
            raise SourceError(f"mofcom: malformed JSON from the list API ({exc.msg} at char {exc.pos})") from None
        except ValidationError:
            raise SourceError("mofcom: the list API answer has no pageInfo.rows") from None
        if any(is_garbled(r.title) for r in info.rows):
            raise SourceError(
                "mofcom: the list API answered with '?' in place of Chinese characters "
                "(the request lacked XHR headers or a proxy re-encoded it); nothing stored"
            )
        return Fetched(raw=raw, provenance=MOFCOM_PROVENANCE), info

    def column(self, column_id: int, max_pages: int = 3, known: frozenset[str] = frozenset()) -> list[Fetched]:
        """List pages of one column and every article they name (stops on a repeated page).

        ``known`` holds canonical URLs already stored: published articles do not change, so
        they are not fetched again (the list pages always are: they show what is new).
        """
        fetched: list[Fetched] = []
        rows: list[ListRow] = []
        previous: list[str] | None = None
        page = 1
        while page <= max_pages:
            answer, info = self.list_page(column_id, page)
            urls = [r.url for r in info.rows]
            if previous is not None and urls == previous:
                self.warnings.append(
                    f"mofcom column {column_id}: page {page} repeats page {page - 1}; pagination looks broken, stopped"
                )
                break
            fetched.append(answer)
            rows.extend(info.rows)
            previous = urls
            if page >= info.maxPageNum or not info.rows:
                break
            page += 1
        seen: set[str] = set()
        for row in rows:
            url = urljoin(self.base_url + "/", row.url)
            if not self._on_site(url):
                if url not in seen:
                    seen.add(url)
                    self.warnings.append(
                        f"mofcom column {column_id}: skipped a list row linking off the site ({_public_host(url)}); "
                        "only articles on the configured MOFCOM host are fetched"
                    )
                continue
            if url not in seen and _canonical(url) not in known:
                seen.add(url)
                fetched.append(self.article(row))
        return fetched

    def _on_site(self, url: str) -> bool:
        """True when ``url`` is on the configured base host (same scheme family, host and port).

        Why: a list answer arrives over plain http; a forged row must not make us request internal
        addresses, nor have another host's page stored under the official MOFCOM URL.
        """
        base, target = urlsplit(self.base_url), urlsplit(url)
        return (
            target.scheme in ("http", "https")
            and target.hostname is not None
            and target.hostname == base.hostname
            and (target.port or _default_port(target.scheme)) == (base.port or _default_port(base.scheme))
        )

    def article(self, row: ListRow) -> Fetched:
        url = urljoin(self.base_url + "/", row.url)
        if not self._on_site(url):
            raise SourceError(f"mofcom: refused to follow {_public_host(url)}: not the configured MOFCOM host")
        raw = self.http.request("GET", url, headers={"Referer": self.base_url + "/"})
        page = raw.body.decode("utf-8", errors="replace")
        headline, paragraphs, _site_title = parse_article(page)
        body_paras = strip_footer(paragraphs)
        body = "\n\n".join(body_paras)
        if is_garbled(body) or is_garbled(headline):
            raise SourceError(f"mofcom: {url} came back with '?' in place of Chinese characters")
        if not body:
            raise SourceError(f"mofcom: {url} has no body text in <p> paragraphs")
        title = title_or_none(row.title, headline)
        if title is None:
            raise SourceError(f"mofcom: {url} has no headline in the list or the page body (only the site name)")
        published = _publish_date(row.publishTimeStr, url)
        doc = PolicyDoc(
            url=_canonical(url),
            title=title,
            publish_date=published,
            body_text=body,
            publisher=clean_text(row.source or ""),
            column=column_of(url),
            notice_no=notice_number(title, body_paras[0] if body_paras else ""),
            effective_dates=effective_dates(body, published),
            fetched_at=raw.fetched_at,
            raw_sha256=raw.sha256,
            synthetic=raw.synthetic,
        )
        return Fetched(raw=raw, policy=[doc], provenance=MOFCOM_PROVENANCE)


def _publish_date(value: str, url: str) -> date:
    try:
        return datetime.strptime(value.strip()[:10], "%Y-%m-%d").date()
    except ValueError:
        raise SourceError(f"mofcom: publish time {value!r} of {url} is not YYYY-MM-DD") from None


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _public_host(url: str) -> str:
    """Scheme and host of a URL, for messages (never its path or query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" if parts.hostname else repr(url[:60])


def _canonical(url: str) -> str:
    """Documents are identified by their path on the real site, whatever mirror served them."""
    path = urlsplit(url).path
    return "http://exportcontrol.mofcom.gov.cn" + path if path.startswith("/article/") else url
