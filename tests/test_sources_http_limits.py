"""Hostile servers on 127.0.0.1: trickling bodies, gzip bombs, redirect loops; and keys kept out of logs.

Each case is bounded in time by the policy under test (deadlines of a second or two) and by the
server thread, which stops when the test ends.
"""

from __future__ import annotations

import gzip
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agent.config import load_settings
from tools.errors import ConfigError, SourceError
from tools.sources.http import HttpPolicy, SourceHttp

BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB on the wire, 64 MB inflated


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.startswith("/trickle"):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)
        elif self.path.startswith("/bomb"):
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(BOMB)))
            self.end_headers()
            self.wfile.write(BOMB)
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def client(**limits: float) -> SourceHttp:
    policy = HttpPolicy(timeout=2.0, attempts=1, min_interval=0.0, sleep=lambda _s: None)
    for name, value in limits.items():
        setattr(policy, name, value)
    return SourceHttp("census", policy)


def test_a_trickling_server_is_cut_off_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError) as err:
        client(deadline=1.0).request("GET", server + "/trickle")
    assert time.monotonic() - started < 5  # one byte every 0.2 s would take 200 s
    assert "longer than 1 s" in str(err.value) and "\n" not in str(err.value)


def test_a_gzip_bomb_ends_in_one_line_not_memory_error(server: str) -> None:
    with pytest.raises(SourceError) as err:
        client(max_bytes=1024 * 1024).request("GET", server + "/bomb")
    assert "larger than 1 MB" in str(err.value) and "AGENT_HTTP_MAX_MB" in str(err.value)


def test_a_redirect_loop_is_one_line(server: str) -> None:
    with pytest.raises(SourceError) as err:
        client().request("GET", server + "/loop")
    assert "redirects in a loop" in str(err.value)


def test_an_ordinary_answer_still_comes_through(server: str) -> None:
    assert client(deadline=5.0, max_bytes=1024).request("GET", server + "/ok").body == b'{"ok": true}'


def test_verbose_request_logs_do_not_show_the_key(server: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="httpx")  # an earlier in-process CLI run quiets httpx to WARNING
    client().request("GET", server + "/ok", params=[("get", "CTY_CODE"), ("key", "sekrit-census-key")])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in logged  # httpx did log the URL …
    assert "sekrit-census-key" not in logged and "key=***" in logged  # … without the key


@pytest.mark.parametrize(
    ("name", "value"),
    [("AGENT_HTTP_TIMEOUT", "-1"), ("AGENT_HTTP_TIMEOUT", "nan"), ("AGENT_HTTP_TIMEOUT", "0"),
     ("AGENT_RATE_LIMIT", "inf"), ("AGENT_RATE_LIMIT", "-2"), ("AGENT_HTTP_DEADLINE", "inf"),
     ("AGENT_HTTP_MAX_MB", "0")],
)
def test_nonsense_http_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as err:
        HttpPolicy.from_settings(load_settings({name: value}))
    assert name in str(err.value)
