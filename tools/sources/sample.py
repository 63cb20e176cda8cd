"""The bundled offline sample: recorded answers served to the real clients through httpx.

Why a transport and not a loader: ``agent fetch --from-sample`` must run exactly the code a
live fetch runs (request building, validation, parsing, storing), so the only difference is
where bytes come from. ``routes.json`` files under the sample directory map each request
(method, path under a configured base, query, form) to a file, its capture time and whether
it is synthetic; both this transport and the test replay server answer from that table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx

from tools.errors import StoreError
from tools.sources.http import SAMPLE_CAPTURED_AT, SAMPLE_SYNTHETIC
from tools.sources.records import SECRET_PARAMS

#: Census windows the bundled capture answers (the lone 2023-09 month carries no YTD basis).
SAMPLE_CENSUS_WINDOWS = (("2024-01", "2025-11", True), ("2023-09", "2023-09", False))
#: The Census API pull of 2025 (an older vintage): all-commodity monthly totals 2013–2024 for the five
#: partners and ``-`` (total for all countries), no YTD; and HS2 general imports 2023–2024 (no exports).
SAMPLE_CENSUS_TOTAL = "-"
SAMPLE_CENSUS_HISTORY = ("2013-01", "2024-12")
SAMPLE_CENSUS_HS = ("HS2", "2023-01", "2024-12", ("imports",))
#: The one real Comtrade answer bundled: USA–Japan 2023, both flows, captured without breakdown filters.
SAMPLE_COMTRADE_PAIR = (842, 392, 2023)
#: The bundled Federal Register capture: every BIS document published from this day (165 of them).
SAMPLE_FR_SINCE = "2025-01-01"


def _key(method: str, path: str, params: list[tuple[str, str]], form: list[tuple[str, str]]) -> str:
    public = sorted((k, v) for k, v in params if k not in SECRET_PARAMS)
    return json.dumps([method.upper(), "/" + path.strip("/"), public, sorted(form)], ensure_ascii=False)


@dataclass(frozen=True)
class Route:
    base: str
    file: Path
    status: int
    content_type: str
    captured_at: str
    synthetic: bool


class SampleRoutes:
    """Every recorded request → answer under one sample directory."""

    def __init__(self, sample_dir: Path) -> None:
        self.sample_dir = sample_dir
        self.routes: dict[str, Route] = {}
        files = sorted(sample_dir.glob("*/routes.json"))
        if not files:
            raise StoreError(f"no bundled sample found under {sample_dir} (AGENT_SAMPLE_DIR)")
        for routes_file in files:
            for entry in json.loads(routes_file.read_text(encoding="utf-8")):
                key = _key(entry["method"], entry["path"], [tuple(p) for p in entry["params"]],
                           [tuple(p) for p in entry["form"]])
                self.routes[key] = Route(
                    base=entry["base"], file=sample_dir / entry["file"], status=int(entry["status"]),
                    content_type=entry["content_type"], captured_at=entry["captured_at"],
                    synthetic=bool(entry["synthetic"]),
                )

    def lookup(self, method: str, path: str, params: list[tuple[str, str]], form: list[tuple[str, str]]) -> Route | None:
        return self.routes.get(_key(method, path, params, form))

    def answer(self, request: httpx.Request, bases: dict[str, str]) -> httpx.Response:
        """The recorded answer to ``request`` (404 naming the request when it was never recorded)."""
        url = str(request.url)
        relative = None
        for base in sorted(bases.values(), key=len, reverse=True):
            if url.startswith(base.rstrip("/") + "/"):
                relative = urlsplit(url).path[len(urlsplit(base).path.rstrip("/")):]
                break
        params = list(request.url.params.multi_items())
        form = parse_qsl(request.content.decode("utf-8"), keep_blank_values=True) if request.content else []
        route = self.lookup(request.method, relative or urlsplit(url).path, params, form) if relative else None
        if route is None:
            return httpx.Response(404, text=f"not in the bundled sample: {request.method} {url}")
        return httpx.Response(
            route.status,
            content=route.file.read_bytes(),
            headers={
                "content-type": route.content_type,
                SAMPLE_CAPTURED_AT: route.captured_at,
                SAMPLE_SYNTHETIC: "true" if route.synthetic else "false",
            },
        )


def sample_transport(sample_dir: Path, bases: dict[str, str]) -> httpx.MockTransport:
    """An httpx transport answering from the bundled sample instead of the network."""
    routes = SampleRoutes(sample_dir)
    return httpx.MockTransport(lambda request: routes.answer(request, bases))
