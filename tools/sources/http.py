"""One polite HTTP helper for every source: timeouts, retries that honour the server, a rate limit.

Why shared: the three clients differ in what they ask and how they parse, not in how they
behave on the wire. Retrying 429/5xx with the server's own wait hint, spacing requests, and
turning transport failures into one-line ``SourceError`` messages is the same job for all.
``sleep`` and ``clock`` are injectable so tests exercise retries without waiting.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from tools.errors import ConfigError, SourceError
from tools.settings import Settings
from tools.sources.records import RawResponse, SourceName

log = logging.getLogger(__name__)

USER_AGENT = "trade-narrator/0.1 (+https://github.com/trade-narrator; weekly trade briefing research tool)"
#: Never wait longer than this on one server hint; a longer hint is a quota problem, not congestion,
#: so the request fails at once, naming the hint, instead of sleeping for hours.
MAX_HINT_WAIT = 120.0
#: Bytes kept of an error answer (enough for a wait hint or a one-line snippet).
_ERROR_BODY_BYTES = 64 * 1024
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


class _HintTooLong(Exception):
    """The server asked for a wait longer than ``MAX_HINT_WAIT``: give up now, say what it asked."""

    def __init__(self, response: httpx.Response, hint: float) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.hint = hint


class _BodyTooLarge(Exception):
    pass


class _DeadlinePassed(Exception):
    pass


def wait_hint(response: httpx.Response, body: bytes | None = None) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` (seconds or date) or 'Try again in N seconds'."""
    value = response.headers.get("retry-after", "").strip()
    if value:
        try:
            hinted = float(value)
            if math.isfinite(hinted):
                return max(0.0, hinted)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                return max(0.0, (when - datetime.now(UTC)).total_seconds())
            except (TypeError, ValueError):
                pass
    text = (response.content if body is None else body)[:2000].decode("utf-8", errors="replace")
    match = _HINT.search(text) if text else None
    return float(match.group(1)) if match else None


@dataclass
class HttpPolicy:
    """How one source is asked: limits come from settings, sleep/clock are swappable for tests."""

    timeout: float = 30.0
    attempts: int = 4
    min_interval: float = 1.0
    #: Wall-clock seconds for one answer (connect to last body byte): a server trickling bytes is cut off.
    deadline: float = 300.0
    #: Decompressed bytes accepted in one answer: a gzip bomb ends in a one-line error, not MemoryError.
    max_bytes: int = 256 * 1024 * 1024
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    backoff: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> HttpPolicy:
        timeout = settings.float("AGENT_HTTP_TIMEOUT")
        if timeout <= 0:
            raise ConfigError(f"AGENT_HTTP_TIMEOUT must be more than 0 seconds, got {settings['AGENT_HTTP_TIMEOUT']!r}")
        interval = settings.float("AGENT_RATE_LIMIT")
        if interval < 0:
            raise ConfigError(f"AGENT_RATE_LIMIT must be 0 or more seconds, got {settings['AGENT_RATE_LIMIT']!r}")
        deadline = settings.float("AGENT_HTTP_DEADLINE")
        if deadline <= 0:
            raise ConfigError(f"AGENT_HTTP_DEADLINE must be more than 0 seconds, got {settings['AGENT_HTTP_DEADLINE']!r}")
        max_mb = settings.float("AGENT_HTTP_MAX_MB")
        if max_mb <= 0:
            raise ConfigError(f"AGENT_HTTP_MAX_MB must be more than 0, got {settings['AGENT_HTTP_MAX_MB']!r}")
        policy = cls(
            timeout=timeout,
            attempts=max(1, settings.int("AGENT_HTTP_RETRIES")),
            min_interval=interval,
            deadline=deadline,
            max_bytes=int(max_mb * 1024 * 1024),
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

    def _read_body(self, response: httpx.Response, started: float, limit: int, *, truncate: bool = False) -> bytes:
        """The decompressed body, read chunk by chunk against the wall-clock deadline and the size cap."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    break
                raise _BodyTooLarge
            chunks.append(chunk)
            if time.monotonic() - started > self.policy.deadline:
                raise _DeadlinePassed
        return b"".join(chunks)

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

        def once() -> tuple[httpx.Response, bytes]:
            self._space_out()
            log.info("%s %s %s", self.source, method, url)
            started = time.monotonic()
            request = self._client.build_request(
                method, url, params=list(params) or None, data=dict(form) if form else None, headers=headers
            )
            response = self._client.send(request, stream=True)
            try:
                failing = response.status_code == 429 or response.status_code >= 500
                if response.status_code >= 400:  # only a hint or a snippet is wanted from an error answer
                    body = self._read_body(response, started, _ERROR_BODY_BYTES, truncate=True)
                else:
                    body = self._read_body(response, started, self.policy.max_bytes)
            finally:
                response.close()
            if failing:
                hint = wait_hint(response, body)
                if hint is not None and hint > MAX_HINT_WAIT:
                    raise _HintTooLong(response, hint)
                raise _Retryable(response, hint)
            return response, body

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            sleep=self.policy.sleep,
            reraise=True,
        )
        where = _public(url)
        try:
            response, body = retrying(once)
        except _HintTooLong as exc:
            raise SourceError(
                f"{self.source}: {where} asks to wait {exc.hint:.0f} s before asking again (HTTP "
                f"{exc.response.status_code}); that is longer than the {MAX_HINT_WAIT:.0f} s this client waits, "
                "so it stopped now: try again later"
            ) from None
        except _BodyTooLarge:
            raise SourceError(
                f"{self.source}: the answer from {where} is larger than {self.policy.max_bytes / 2**20:g} MB "
                "once decompressed; refused (raise AGENT_HTTP_MAX_MB if it is genuine)"
            ) from None
        except _DeadlinePassed:
            raise SourceError(
                f"{self.source}: {where} took longer than {self.policy.deadline:g} s to send its answer; "
                "cut off (raise AGENT_HTTP_DEADLINE for slow queries)"
            ) from None
        except httpx.TooManyRedirects:
            raise SourceError(f"{self.source}: {where} redirects in a loop (too many redirects); nothing stored") from None
        except httpx.DecodingError:
            raise SourceError(f"{self.source}: the answer from {where} is not validly encoded (bad compression?)") from None
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
            raise SourceError(f"{self.source}: cannot reach {where}: {type(exc).__name__} {_redact(str(exc))}".strip()) from None
        except httpx.RequestError as exc:
            raise SourceError(f"{self.source}: request to {where} failed: {type(exc).__name__}") from None
        if response.status_code >= 400:
            snippet = " ".join(body.decode("utf-8", errors="replace").split())[:160]
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
            body=body,
            fetched_at=fetched_at,
            synthetic=synthetic,
            form=tuple(form),
        )


_SECRET_PARAM = re.compile(r"(?i)\b(key|api_key|apikey|token|subscription-key)=[^&\s\"']+")


def _redact(text: str) -> str:
    """Replace the value of key-like query parameters (the Census key travels as ``key=``)."""
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=***", text)


class _RedactKeys(logging.Filter):
    """httpx logs every request URL at INFO (shown by ``-v``); keys in query strings must not reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


logging.getLogger("httpx").addFilter(_RedactKeys())


def _public(url: str) -> str:
    """A URL safe to print (no query string, so no key)."""
    return url.split("?", 1)[0]
