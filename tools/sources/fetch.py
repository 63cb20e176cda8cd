"""Fetch plans: which questions each source is asked, run live or against the bundled sample.

Why one module: live and sample fetches must differ only in the transport (and the plan of
what the sample can answer), so results are stored identically. Each source's answers are
collected and validated first, then saved in one store transaction: a source that fails
midway stores nothing and leaves its previous snapshot as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tools.errors import InputError, SourceError
from tools.settings import SPECS, Settings
from tools.sources.census import DEFAULT_COUNTRIES, CensusClient, check_level, check_month
from tools.sources.comtrade import DEFAULT_REPORTERS, DEFAULT_YEARS, FLOWS, ComtradeClient
from tools.sources.federal_register import FederalRegisterClient, window_start
from tools.sources.http import HttpPolicy, SourceHttp
from tools.sources.mofcom import DEFAULT_COLUMNS, MofcomClient
from tools.sources.records import SOURCES, Fetched, SourceName
from tools.sources.registry import SOURCE_SPECS
from tools.sources.sample import (
    SAMPLE_CENSUS_HISTORY,
    SAMPLE_CENSUS_HS,
    SAMPLE_CENSUS_TOTAL,
    SAMPLE_CENSUS_WINDOWS,
    SAMPLE_COMTRADE_PAIR,
    SAMPLE_FR_SINCE,
    sample_transport,
)
from tools.sources.worldbank import DEFAULT_ECONOMIES, INDICATORS, WorldBankClient
from tools.sources.worldbank import DEFAULT_YEARS as WB_YEARS
from tools.store import Store

#: Setting that holds each source's base URL (declared in its SourceSpec).
BASE_SETTINGS: dict[SourceName, str] = {name: s.base_setting for name, s in SOURCE_SPECS.items()}
_DEFAULTS = {s.name: s.default for s in SPECS}


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch. Census months default to January two years ago through this month."""

    sources: tuple[SourceName, ...] = SOURCES
    from_sample: bool = False
    since: str | None = None
    until: str | None = None
    years: tuple[int, ...] = DEFAULT_YEARS
    mofcom_pages: int = 3
    #: Census only: fetch HS-level detail at this COMM_LVL (HS2/HS4/HS6/HS10) instead of country totals.
    hs_level: str | None = None
    #: Federal Register only: first publication day (YYYY-MM-DD) of the BIS search (default: Jan 1 last year).
    fr_since: str | None = None


@dataclass
class Outcome:
    """What one source's fetch did, for the CLI summary."""

    source: SourceName
    answers: int = 0
    new: int = 0
    unchanged: int = 0
    rows: int = 0
    synthetic: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str = ""


Job = tuple[str, Callable[[], list[Fetched]]]
Progress = Callable[[str], None]


def parse_sources(value: str | None) -> tuple[SourceName, ...]:
    if not value:
        return SOURCES
    names = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    unknown = [n for n in names if n not in SOURCES]
    if unknown or not names:
        raise InputError(f"unknown source {', '.join(unknown) or value!r}; choose from {', '.join(SOURCES)}")
    return names  # type: ignore[return-value]


def _clients(
    settings: Settings, options: FetchOptions, policy: HttpPolicy, transport: httpx.BaseTransport | None
) -> tuple[dict[SourceName, SourceHttp], dict[SourceName, str]]:
    if options.from_sample:
        bases = {s: _DEFAULTS[BASE_SETTINGS[s]] for s in SOURCES}
        transport = sample_transport(
            Path(settings.sample_dir), {BASE_SETTINGS[s]: b for s, b in bases.items()}
        )
        policy = HttpPolicy(timeout=policy.timeout, attempts=1, min_interval=0.0, sleep=policy.sleep)
    else:
        bases = {s: settings[BASE_SETTINGS[s]] for s in SOURCES}
    http = {s: SourceHttp(s, policy, transport, replaying_sample=options.from_sample) for s in options.sources}
    return http, bases


def plan(settings: Settings, options: FetchOptions, http: dict[SourceName, SourceHttp],
         bases: dict[SourceName, str], known_docs: Sequence[str] = ()) -> dict[SourceName, list[Job]]:
    """The questions to ask, per source, as deferred calls."""
    jobs: dict[SourceName, list[Job]] = {}

    def key(name: str) -> str:  # the sample is always asked without credentials
        return "" if options.from_sample else settings.get(name)

    if "census" in http:
        census = CensusClient(http["census"], bases["census"], key(SOURCE_SPECS["census"].key_setting))
        if options.from_sample:
            windows = list(SAMPLE_CENSUS_WINDOWS)
        else:
            now = datetime.now(UTC)
            # two calendar years back: enough for a year-to-date comparison with the same months a year earlier
            since = check_month(options.since, "--since") if options.since else f"{now.year - 2}-01"
            until = check_month(options.until, "--until") if options.until else now.strftime("%Y-%m")
            windows = [(since, until, True)]
        if options.hs_level:
            jobs["census"] = (_sample_hs_jobs(census) if options.from_sample
                              else _hs_jobs(census, options.hs_level, windows[0][0], windows[0][1]))
        else:
            jobs["census"] = [
                (f"census {flow} {since}..{until}", _call(census.monthly_totals, flow, since, until, DEFAULT_COUNTRIES,
                                                           with_ytd=ytd))
                for since, until, ytd in windows for flow in ("exports", "imports")
            ]
            if options.from_sample:
                jobs["census"] += _sample_history_jobs(census) + _sample_hs_jobs(census)
    if "comtrade" in http:
        comtrade = ComtradeClient(http["comtrade"], bases["comtrade"], key(SOURCE_SPECS["comtrade"].key_setting))
        cjobs: list[Job] = [
            (f"comtrade {r} {y} {f}", functools.partial(comtrade.annual_partners_split, r, y, f))
            for r in DEFAULT_REPORTERS for y in options.years for f in FLOWS
        ]
        if options.from_sample:
            r, p, y = SAMPLE_COMTRADE_PAIR
            cjobs.append((f"comtrade {r}-{p} {y}", _call(comtrade.annual_pair, r, p, y, ("M", "X"), totals_only=False)))
        jobs["comtrade"] = cjobs
    if "mofcom" in http:
        mofcom = MofcomClient(http["mofcom"], bases["mofcom"])
        known = frozenset(known_docs)
        jobs["mofcom"] = [
            (f"mofcom column {c}", functools.partial(mofcom.column, c, options.mofcom_pages, known))
            for c in DEFAULT_COLUMNS
        ]
    if "worldbank" in http:
        worldbank = WorldBankClient(http["worldbank"], bases["worldbank"])
        jobs["worldbank"] = [
            (f"worldbank {i}", functools.partial(worldbank.indicator, i, DEFAULT_ECONOMIES, WB_YEARS))
            for i in INDICATORS
        ]
    if "federal-register" in http:
        fr = FederalRegisterClient(http["federal-register"], bases["federal-register"])
        if options.from_sample:
            since = SAMPLE_FR_SINCE
        else:
            since = options.fr_since or window_start()
        jobs["federal-register"] = [(f"federal-register BIS since {since}", functools.partial(fr.documents, since))]
    return jobs


#: Months per HS6/HS10 question: bigger ones time out at the API (HTTP 500 after ~150 s).
FINE_HS_MONTHS = 6


def month_windows(since: str, until: str, size: int) -> list[tuple[str, str]]:
    """Consecutive windows of at most ``size`` months covering ``since``..``until`` (YYYY-MM)."""
    def index(month: str) -> int:
        return int(month[:4]) * 12 + int(month[5:7]) - 1

    def label(i: int) -> str:
        return f"{i // 12:04d}-{i % 12 + 1:02d}"

    first, last = index(since), index(until)
    return [(label(i), label(min(i + size - 1, last))) for i in range(first, last + 1, size)]


def _hs_jobs(census: CensusClient, level: str, since: str, until: str) -> list[Job]:
    """HS detail per flow; HS6/HS10 are asked one partner and at most six months at a time (big queries time out)."""
    level = check_level(level)
    groups: list[tuple[str, ...]]
    if level in ("HS2", "HS4"):
        groups, windows = [tuple(DEFAULT_COUNTRIES)], [(since, until)]
    else:
        groups, windows = [(c,) for c in DEFAULT_COUNTRIES], month_windows(since, until, FINE_HS_MONTHS)
    return [
        (f"census {level} {flow} {group[0] if len(group) == 1 else 'partners'} {a}..{b}",
         _call(census.hs_detail, flow, level, a, b, group))
        for group in groups for a, b in windows for flow in ("exports", "imports")
    ]


def _sample_history_jobs(census: CensusClient) -> list[Job]:
    """The older vintage the sample holds: monthly totals since 2013 with the all-countries total row."""
    since, until = SAMPLE_CENSUS_HISTORY
    countries = (*DEFAULT_COUNTRIES, SAMPLE_CENSUS_TOTAL)
    return [(f"census {flow} {since}..{until} (2025 vintage)",
             _call(census.monthly_totals, flow, since, until, countries, with_ytd=False))
            for flow in ("exports", "imports")]


def _sample_hs_jobs(census: CensusClient) -> list[Job]:
    """The HS detail the sample holds (HS2 imports 2023–2024), asked exactly as a live ``--hs HS2`` asks it."""
    level, since, until, flows = SAMPLE_CENSUS_HS
    countries = (*DEFAULT_COUNTRIES, SAMPLE_CENSUS_TOTAL)
    return [(f"census {level} {flow} partners {since}..{until}",
             _call(census.hs_detail, flow, level, since, until, countries, with_ytd=False)) for flow in flows]


def _call(fn: Callable[..., Fetched], *args: object, **kwargs: object) -> Callable[[], list[Fetched]]:
    """A deferred single-answer call (bound now, so loop variables are not captured late)."""
    return lambda: [fn(*args, **kwargs)]


def count_jobs(jobs: dict[SourceName, list[Job]]) -> int:
    return sum(len(v) for v in jobs.values())


def run_fetch(
    store: Store,
    settings: Settings,
    options: FetchOptions,
    *,
    policy: HttpPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_step: Progress | None = None,
) -> list[Outcome]:
    """Fetch each source in turn and save each one atomically; a failing source does not stop the others."""
    if options.from_sample and (options.since or options.until):
        raise InputError("--since/--until choose live Census months; the bundled sample has fixed months")
    if options.hs_level:
        check_level(options.hs_level)
        if options.from_sample and check_level(options.hs_level) != SAMPLE_CENSUS_HS[0]:
            raise InputError(f"the bundled sample holds {SAMPLE_CENSUS_HS[0]} detail only "
                             f"({SAMPLE_CENSUS_HS[1]}..{SAMPLE_CENSUS_HS[2]}, imports); "
                             f"got --hs {options.hs_level}")
        if "census" not in options.sources:
            raise InputError("--hs applies to the census source; add --source census")
    policy = policy or HttpPolicy.from_settings(settings)
    http, bases = _clients(settings, options, policy, transport)
    outcomes: list[Outcome] = []
    try:
        known = [d.url for d in store.policy_docs()] if "mofcom" in options.sources else []
        jobs = plan(settings, options, http, bases, known)
        if on_plan:
            on_plan(count_jobs(jobs))
        for source in options.sources:
            outcome = Outcome(source)
            outcomes.append(outcome)
            collected: list[Fetched] = []
            try:
                for label, job in jobs[source]:
                    if on_step:
                        on_step(label)
                    collected.extend(job())
            except SourceError as exc:
                outcome.error = str(exc)
                continue
            finally:
                outcome.warnings.extend(http[source].warnings)
            report = store.save(collected)
            outcome.answers = len(collected)
            outcome.new, outcome.unchanged, outcome.rows = report.new, report.unchanged, report.rows
            outcome.synthetic = sum(1 for f in collected if f.raw.synthetic)
            outcome.warnings.extend(
                f"{source}: no data in answer to {f.raw.url}" for f in collected
                if f.raw.source == "census" and not f.census and not f.census_hs
            )
    finally:
        for client in http.values():
            client.close()
    return outcomes


def fetch_sample(store: Store, settings: Settings, sources: Sequence[SourceName] | None = None) -> list[Outcome]:
    """Store the bundled sample through the same clients a live fetch uses (no network)."""
    options = FetchOptions(sources=tuple(sources or SOURCES), from_sample=True)
    return run_fetch(store, settings, options)
