"""One polite HTTP helper for every source: timeouts, retries that honour the server, a rate limit.

Why shared: the three clients differ in what they ask and how they parse, not in how they
behave on the wire. Retrying 429/5xx with the server's own wait hint, spacing requests, and
turning transport failures into one-line ``SourceError`` messages is the same job for all.
``sleep`` and ``clock`` are injectable so tests exercise retries without waiting.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from tools.errors import SourceError
from tools.settings import Settings
from tools.sources.records import RawResponse, SourceName

log = logging.getLogger(__name__)

USER_AGENT = "trade-narrator/0.1 (+https://github.com/trade-narrator; weekly trade briefing research tool)"
#: Never wait longer than this on one server hint; a longer hint is a quota problem, not congestion.
MAX_HINT_WAIT = 120.0
#: Headers the bundled sample transport sets; honoured only when the client replays the sample.
SAMPLE_CAPTURED_AT = "x-sample-captured-at"
SAMPLE_SYNTHETIC = "x-sample-synthetic"

_HINT = re.compile(r"try again in (\d+(?:\.\d+)?) second", re.IGNORECASE)


class _Retryable(Exception):
    """A 429/5xx answer worth asking again; carries the server's wait hint if it gave one."""

    def __init__(self, response: httpx.Response, hint: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.hint = hint


def wait_hint(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` (seconds or date) or 'Try again in N seconds'."""
    value = response.headers.get("retry-after", "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                return max(0.0, (when - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    match = _HINT.search(response.text[:2000]) if response.content else None
    return float(match.group(1)) if match else None


@dataclass
class HttpPolicy:
    """How one source is asked: limits come from settings, sleep/clock are swappable for tests."""

    timeout: float = 30.0
    attempts: int = 4
    min_interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    backoff: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> HttpPolicy:
        policy = cls(
            timeout=settings.float("AGENT_HTTP_TIMEOUT"),
            attempts=max(1, settings.int("AGENT_HTTP_RETRIES")),
            min_interval=max(0.0, settings.float("AGENT_RATE_LIMIT")),
        )
        for name, value in overrides.items():
            setattr(policy, name, value)
        return policy


class SourceHttp:
    """An httpx client bound to one source, with retries, spacing and typed errors."""

    def __init__(
        self,
        source: SourceName,
        policy: HttpPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        replaying_sample: bool = False,
    ) -> None:
        self.source = source
        self.policy = policy or HttpPolicy()
        self.replaying_sample = replaying_sample
        self._last_request: float | None = None
        #: Things a user should hear about that did not stop the fetch (e.g. broken pagination).
        self.warnings: list[str] = []
        self._client = httpx.Client(
            timeout=self.policy.timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SourceHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _space_out(self) -> None:
        if self._last_request is not None and self.policy.min_interval > 0:
            waited = time.monotonic() - self._last_request
            if waited < self.policy.min_interval:
                self.policy.sleep(self.policy.min_interval - waited)
        self._last_request = time.monotonic()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.hint is not None:
            return min(exc.hint, MAX_HINT_WAIT)
        return self.policy.backoff * (2 ** (state.attempt_number - 1))

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        form: Sequence[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> RawResponse:
        """Send one request (retrying 429/5xx and transport errors); return the answer as received."""

        def once() -> httpx.Response:
            self._space_out()
            log.info("%s %s %s", self.source, method, url)
            response = self._client.request(
                method, url, params=list(params) or None, data=dict(form) if form else None, headers=headers
            )
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(response, wait_hint(response))
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            sleep=self.policy.sleep,
            reraise=True,
        )
        where = _public(url)
        try:
            response = retrying(once)
        except _Retryable as exc:
            code = exc.response.status_code
            what = "rate limit (HTTP 429)" if code == 429 else f"HTTP {code}"
            raise SourceError(
                f"{self.source}: {what} from {where}, still failing after {self.policy.attempts} attempts"
            ) from None
        except httpx.TimeoutException:
            raise SourceError(
                f"{self.source}: {where} did not answer within {self.policy.timeout:g} s "
                f"({self.policy.attempts} attempts; raise AGENT_HTTP_TIMEOUT for slow queries)"
            ) from None
        except httpx.TransportError as exc:
            raise SourceError(f"{self.source}: cannot reach {where}: {type(exc).__name__} {exc}".strip()) from None
        if response.status_code >= 400:
            snippet = " ".join(response.text.split())[:160]
            raise SourceError(f"{self.source}: HTTP {response.status_code} from {where}: {snippet}")
        fetched_at = self.policy.clock()
        synthetic = False
        if self.replaying_sample:
            captured = response.headers.get(SAMPLE_CAPTURED_AT)
            if captured:
                fetched_at = datetime.fromisoformat(captured.replace("Z", "+00:00"))
            synthetic = response.headers.get(SAMPLE_SYNTHETIC, "") == "true"
        return RawResponse(
            source=self.source,
            method=method.upper(),
            url=url,
            params=tuple(params),
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            body=response.content,
            fetched_at=fetched_at,
            synthetic=synthetic,
            form=tuple(form),
        )


def _public(url: str) -> str:
    """A URL safe to print (no query string, so no key)."""
    return url.split("?", 1)[0]
