"""`agent fetch` / `agent sources` as a user runs them, plus the atomicity of a failing fetch."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pandas as pd
import pytest
import respx
from sources_helpers import FIXTURES, SAMPLE

from agent.config import load_settings
from tools.sources.fetch import FetchOptions, fetch_sample, month_windows, run_fetch
from tools.sources.http import HttpPolicy
from tools.sources.sample import SampleRoutes
from tools.store import Store


def agent(*args: str, data_dir: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENT_", "CENSUS_", "COMTRADE_", "MOFCOM_"))}
    env.update({"AGENT_DATA_DIR": str(data_dir), "COLUMNS": "160"}, **(extra_env or {}))
    return subprocess.run([sys.executable, "-m", "agent", *args], env=env, cwd=data_dir.parent,
                          capture_output=True, text=True, timeout=120)


def test_fetch_from_sample_as_a_user_would(tmp_path: Path) -> None:
    data = tmp_path / "agent-data"
    first = agent("fetch", "--from-sample", data_dir=data)
    assert first.returncode == 0, first.stderr
    store = Store(data)
    census = store.census_monthly()
    # 2013-01..2025-11 per partner (the 2025 API vintage joins the 2026 pages), the all-countries total to 2024-12
    assert set(census["cty_code"]) == {"5700", "5830", "5880", "5800", "4280", "-"}
    assert census[census.cty_code != "-"].groupby("cty_code")["period"].agg(["min", "max", "count"]).to_dict(
        "list") == {"min": ["2013-01"] * 5, "max": ["2025-11"] * 5, "count": [155] * 5}
    assert (census.cty_code == "-").sum() == 144
    hs = store.census_hs("HS2")
    assert len(hs) == 13984 and set(hs["flow"]) == {"imports"} and hs["period"].max() == "2024-12"
    taiwan_2025 = census[(census.cty_code == "5830") & census.period.between("2025-01", "2025-11")]
    assert len(taiwan_2025) == 11 and not census["synthetic"].any()
    comtrade = store.comtrade_annual()
    assert comtrade["synthetic"].any() and not comtrade.loc[
        (comtrade.reporter_code == 842) & (comtrade.partner_code == 392) & (comtrade.year == 2023), "synthetic"].any()
    docs = store.policy_docs()
    assert len([d for d in docs if not d.doc_number]) == 31 and len([d for d in docs if d.doc_number]) == 165
    assert len(store.worldbank_indicators()) == 4 * 5 * 7
    again = agent("fetch", "--from-sample", data_dir=data)
    assert again.returncode == 0 and len(store.manifest()) == len(Store(data).manifest())
    assert "new" in again.stdout
    listing = agent("sources", data_dir=data)
    assert listing.returncode == 0 and "24 of 25" in listing.stdout and "stale" in listing.stdout


def run_main(args: tuple[str, ...], data_dir: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The console-script entry in-process (same error edge, no interpreter start-up)."""
    from agent.cli import main

    monkeypatch.chdir(data_dir.parent)
    monkeypatch.delenv("AGENT_CONFIG", raising=False)
    monkeypatch.setenv("AGENT_DATA_DIR", str(data_dir))
    monkeypatch.setattr(sys, "argv", ["agent", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_source_is_one_line_and_exit_2_from_the_console(tmp_path: Path) -> None:
    result = agent("fetch", "--source", "nope", data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "error: unknown source 'nope'; choose from comtrade, census, mofcom, worldbank, federal-register"]


@pytest.mark.parametrize("args", [
    ("fetch", "--source", "census", "--since", "2024-13"),
    ("fetch", "--from-sample", "--until", "2025-01"),
    ("fetch", "--year", "1900"),
    ("sources", "--show", "everything"),
    ("fetch", "--source", "census", "--hs", "HS3"),
    ("fetch", "--source", "comtrade", "--hs", "HS2"),
    ("fetch", "--from-sample", "--source", "census", "--hs", "HS6"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(args, tmp_path / "d", monkeypatch, capsys)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error:"), err
    assert not (tmp_path / "d").exists()  # nothing was written


def test_sources_on_an_empty_store_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_main(("sources",), tmp_path / "empty", monkeypatch, capsys)
    assert code == 0 and "agent fetch --from-sample" in out


# ---------------------------------------------------------------- a local server replaying the API
class _Replay(BaseHTTPRequestHandler):
    routes: SampleRoutes
    bases: dict[str, str]
    seen: list[str]

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        url = f"http://{self.headers['host']}{self.path}"
        request = httpx.Request(self.command, url, content=body)
        self.seen.append(f"{self.command} {self.path}")
        response = self.routes.answer(request, self.bases)
        self.send_response(response.status_code)
        self.send_header("Content-Type", response.headers.get("content-type", "text/plain"))
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def replay_server() -> Iterator[tuple[str, list[str]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Replay)
    base = f"http://127.0.0.1:{server.server_address[1]}/data/timeseries/intltrade"
    _Replay.routes, _Replay.bases, _Replay.seen = SampleRoutes(SAMPLE), {"CENSUS_API_BASE": base}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, _Replay.seen
    finally:
        server.shutdown()
        server.server_close()


def test_live_census_fetch_from_a_local_server_stores_what_the_sample_stores(
    tmp_path: Path, replay_server: tuple[str, list[str]]
) -> None:
    base, seen = replay_server
    config = tmp_path / "agent.toml"
    config.write_text(f'census_api_base = "{base}"\nagent_rate_limit = "0"\n', encoding="utf-8")
    live_dir, sample_dir = tmp_path / "live", tmp_path / "sample"
    live = agent("fetch", "--source", "census", "--since", "2024-01", "--until", "2025-11",
                 data_dir=live_dir, extra_env={"AGENT_CONFIG": str(config), "CENSUS_API_KEY": "local-key"})
    assert live.returncode == 0, live.stderr
    assert len(seen) == 2 and all("/hs?" in s for s in seen)
    assert agent("fetch", "--from-sample", "--source", "census", data_dir=sample_dir).returncode == 0
    cols = ["cty_code", "cty_name", "period", "exports_usd", "imports_usd", "exports_ytd_usd", "imports_ytd_usd", "synthetic"]
    from_live = Store(live_dir).census_monthly()[cols]
    from_sample = Store(sample_dir).census_monthly()
    from_sample = from_sample[(from_sample.period >= "2024-01") & (from_sample.cty_code != "-")][cols]
    from_sample = from_sample.reset_index(drop=True)
    pd.testing.assert_frame_equal(from_live, from_sample)
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (live_dir / "raw" / "census").iterdir()}
    assert shas <= {p.name for p in (sample_dir / "raw" / "census").iterdir()}  # same bytes stored
    assert "local-key" not in " ".join(Store(live_dir).manifest()["source_url"])


# ---------------------------------------------------------------- atomicity across a failing fetch
def test_fetch_failing_midway_leaves_the_earlier_snapshot_unchanged(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path), "CENSUS_API_BASE": "https://census.test/api"})
    store = Store(tmp_path)
    fetch_sample(store, settings, ["census"])
    before, manifest_before, revisions_before = store.census_monthly(), store.manifest(), store.census_revisions()
    revised = (SAMPLE / "census" / "exports_2024-01_2025-11.json").read_bytes().replace(b'"3118000000"', b'"1"')
    with respx.mock:
        respx.get("https://census.test/api/exports/hs").mock(return_value=httpx.Response(200, content=revised))
        respx.get("https://census.test/api/imports/hs").mock(return_value=httpx.Response(503))
        outcomes = run_fetch(
            store, settings, FetchOptions(sources=("census",), since="2024-01", until="2025-11"),
            policy=HttpPolicy(timeout=1, attempts=2, min_interval=0, sleep=lambda s: None),
        )
    assert "HTTP 503" in outcomes[0].error
    pd.testing.assert_frame_equal(before, store.census_monthly())  # the good half was not stored either
    pd.testing.assert_frame_equal(manifest_before, store.manifest())
    pd.testing.assert_frame_equal(revisions_before, store.census_revisions())  # only the sample's own vintages


def test_revision_from_a_later_vintage_is_listed(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path), "CENSUS_API_BASE": "https://census.test/api"})
    store = Store(tmp_path)
    fetch_sample(store, settings, ["census"])
    sample_dir = SAMPLE / "census"
    revised = (sample_dir / "exports_2024-01_2025-11.json").read_bytes().replace(b'"3118000000"', b'"3120000000"')
    with respx.mock:
        respx.get("https://census.test/api/exports/hs").mock(return_value=httpx.Response(200, content=revised))
        respx.get("https://census.test/api/imports/hs").mock(
            return_value=httpx.Response(200, content=(sample_dir / "imports_2024-01_2025-11.json").read_bytes()))
        outcomes = run_fetch(store, settings, FetchOptions(sources=("census",), since="2024-01", until="2025-11"),
                             policy=HttpPolicy(timeout=1, attempts=1, min_interval=0))
    assert outcomes[0].error == "" and outcomes[0].new == 2  # another base URL is another question
    rev = store.census_revisions()
    rev = rev[rev["new_vintage"] > "2026-02-13T23:51:06Z"]  # the sample's 2025→2026 vintages differ by rounding
    assert rev[["cty_code", "period", "flow", "old_value", "new_value"]].to_dict("records") == [
        {"cty_code": "5830", "period": "2024-01", "flow": "exports", "old_value": 3.118e9, "new_value": 3.12e9}]
    latest = store.census_monthly().set_index(["cty_code", "period"])
    assert latest.loc[("5830", "2024-01"), "exports_usd"] == 3.12e9


def test_census_answer_with_no_data_is_stored_and_reported(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path), "CENSUS_API_BASE": "https://census.test/api"})
    store = Store(tmp_path)
    with respx.mock:
        respx.get("https://census.test/api/exports/hs").mock(return_value=httpx.Response(204))
        respx.get("https://census.test/api/imports/hs").mock(return_value=httpx.Response(200, content=b""))
        outcome = run_fetch(store, settings, FetchOptions(sources=("census",), since="2030-01", until="2030-02"),
                            policy=HttpPolicy(timeout=1, attempts=1, min_interval=0))[0]
    assert outcome.error == "" and len(outcome.warnings) == 2 and "no data" in outcome.warnings[0]
    assert store.census_monthly().empty and len(store.manifest()) == 2


def test_missing_sample_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AGENT_SAMPLE_DIR", str(tmp_path / "no-sample-here"))
    code, _out, err = run_main(("fetch", "--from-sample"), tmp_path / "d", monkeypatch, capsys)
    assert code == 1 and "no bundled sample found" in err and len(err.strip().splitlines()) == 1


def test_fetch_hs_detail_from_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    monkeypatch.setenv("CENSUS_API_BASE", "https://census.test/api")
    monkeypatch.setenv("AGENT_RATE_LIMIT", "0")
    with respx.mock:
        ex = respx.get("https://census.test/api/exports/hs").mock(return_value=httpx.Response(
            200, content=(FIXTURES / "census_hs2_exports_2025-01_2025-02.json").read_bytes()))
        im = respx.get("https://census.test/api/imports/hs").mock(return_value=httpx.Response(
            200, content=(FIXTURES / "census_hs2_imports_2025-01_2025-02.json").read_bytes()))
        code, out, err = run_main(("fetch", "--source", "census", "--hs", "hs2", "--since", "2025-01",
                                   "--until", "2025-02"), data, monkeypatch, capsys)
    assert code == 0, err
    assert ex.call_count == 1 and im.call_count == 1  # HS2: one question per flow, totals not asked
    assert ex.calls.last.request.url.params["COMM_LVL"] == "HS2"
    store = Store(data)
    hs = store.census_hs("HS2")
    assert len(hs) == 18 and store.census_monthly().empty
    taiwan_machinery = hs[(hs.flow == "imports") & (hs.cty_code == "5830") & (hs.commodity == "84")]
    assert taiwan_machinery["value_usd"].tolist() == [5_123_456_789.0, 4_987_654_321.0]
    code, out, _ = run_main(("sources", "--show", "census_hs"), data, monkeypatch, capsys)
    assert code == 0 and "census_hs: 18 rows" in out


def test_fine_hs_levels_are_asked_one_partner_and_six_months_at_a_time(tmp_path: Path) -> None:
    settings = load_settings({"AGENT_DATA_DIR": str(tmp_path), "CENSUS_API_BASE": "https://census.test/api"})
    with respx.mock:
        route = respx.get(url__regex=r"https://census\.test/api/(ex|im)ports/hs").mock(return_value=httpx.Response(204))
        outcome = run_fetch(Store(tmp_path), settings,
                            FetchOptions(sources=("census",), since="2024-11", until="2025-11", hs_level="HS6"),
                            policy=HttpPolicy(timeout=1, attempts=1, min_interval=0))[0]
        asked = {(c.request.url.params["CTY_CODE"], c.request.url.params["time"]) for c in route.calls}
    assert outcome.error == "" and route.call_count == 5 * 3 * 2  # partners x windows x flows
    assert all(len(c.request.url.params.get_list("CTY_CODE")) == 1 for c in route.calls)
    assert {t for _, t in asked} == {"from 2024-11 to 2025-04", "from 2025-05 to 2025-10", "2025-11"}


def test_month_windows_cover_the_range_without_gaps() -> None:
    assert month_windows("2024-11", "2025-11", 6) == [("2024-11", "2025-04"), ("2025-05", "2025-10"), ("2025-11", "2025-11")]
    assert month_windows("2025-03", "2025-03", 6) == [("2025-03", "2025-03")]
