"""Backend choice and the OpenAI-compatible client, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.config import load_settings
from agent.llm import LLMError, SectionRequest, get_backend, local_available
from agent.llm.parse import parse_section
from tools.errors import ConfigError, InputError


def completion(content: str) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "test-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.answer = json.dumps({"sentences": [{"text": "好", "fact_ids": ["a"], "doc_ids": [], "speculative": False}]})


@pytest.fixture()
def server() -> Iterator[tuple[str, Recorder]]:
    rec = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            rec.bodies.append(body)
            data = json.dumps(completion(rec.answer)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", rec
    httpd.shutdown()


def _request() -> SectionRequest:
    return SectionRequest(section="summary", system="sys", prompt="寫摘要", plans=[], max_tokens=123)


def test_openai_backend_sends_max_tokens_in_body_and_parses_sentences(server: tuple[str, Recorder]) -> None:
    url, rec = server
    backend = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": url, "AGENT_LLM_MODEL": "tiny"}))
    generation = backend.write(_request())
    assert [s.text for s in generation.output.sentences] == ["好"]
    assert generation.tokens == 7
    body = rec.bodies[0]
    assert body["max_tokens"] == 123  # llama.cpp server ignores max_completion_tokens
    assert body["model"] == "tiny"
    assert body["messages"][0]["role"] == "system"


def test_openai_backend_broken_json_is_an_llm_error(server: tuple[str, Recorder]) -> None:
    url, rec = server
    rec.answer = '{"sentences": [{"text": "未完'
    backend = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": url}))
    with pytest.raises(LLMError):
        backend.write(_request())


def test_unreachable_endpoint_is_an_llm_error() -> None:
    backend = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": "http://127.0.0.1:9/v1",
                                                   "AGENT_HTTP_TIMEOUT": "2"}))
    with pytest.raises(LLMError):
        backend.write(_request())


def test_parse_accepts_fenced_json_and_bare_lists() -> None:
    fenced = '說明\n```json\n{"sentences": [{"text": "甲", "fact_ids": ["x"]}]}\n```'
    assert parse_section(fenced).sentences[0].fact_ids == ["x"]
    assert parse_section('[{"text": "乙"}]').sentences[0].text == "乙"
    with pytest.raises(LLMError):
        parse_section('{"sentences": "not a list"}')


def test_backend_choice_follows_settings() -> None:
    assert get_backend(None, load_settings({"AGENT_LLM_BASE_URL": "http://127.0.0.1:1/v1"})).name == "openai"
    assert get_backend(None, load_settings({"AGENT_LLM": "template"})).name == "template"
    auto = get_backend(None, load_settings({})).name
    assert auto == ("local" if local_available() else "template")
    assert get_backend("template", load_settings({"OPENAI_API_KEY": "sk-x"})).name == "template"
    with pytest.raises(InputError):
        get_backend("gpt5", load_settings({}))
    with pytest.raises(ConfigError):
        get_backend("openai", load_settings({}))


def test_backends_declare_what_they_can_do() -> None:
    from agent.llm import LocalBackend, TemplateBackend

    openai = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": "http://127.0.0.1:1/v1"})).capabilities
    assert openai.structured_output and openai.tool_calling and openai.writes_prose
    assert LocalBackend.capabilities.fewshot_completion and not LocalBackend.capabilities.tool_calling
    assert not TemplateBackend.capabilities.writes_prose and not TemplateBackend.capabilities.tool_calling
    with pytest.raises(LLMError):
        TemplateBackend().chat_model()


def test_no_behaviour_is_chosen_by_a_backend_name() -> None:
    """Behaviour follows ``capabilities``; a renamed or new backend must not need a code change."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "agent"
    by_name = re.compile(r"""\.name\s*[!=]=\s*["'](?:openai|local|template)["']|"name", ""\)\s*[!=]=""")
    offenders = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if by_name.search(line)]
    assert offenders == []


def test_chat_answer_and_agent_modules_do_not_import_each_other() -> None:
    import ast
    from pathlib import Path

    chat = Path(__file__).resolve().parents[1] / "agent" / "chat"

    def imported(name: str) -> set[str]:
        tree = ast.parse((chat / f"{name}.py").read_text(encoding="utf-8"))
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}

    assert not ("agent.chat.agent_llm" in imported("answer") and "agent.chat.answer" in imported("agent_llm"))
    assert "agent.chat.answer" not in imported("agent_llm")


def test_a_trickling_endpoint_is_cut_off_by_the_llm_deadline() -> None:
    import time

    class Trickle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(1000):  # one byte every 0.2 s: each read is quick, the answer never ends
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        backend = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": url, "AGENT_HTTP_TIMEOUT": "5",
                                                       "AGENT_LLM_DEADLINE": "1.5"}))
        started = time.monotonic()
        with pytest.raises(LLMError, match="within 1.5 s"):
            backend.write(_request())
        assert time.monotonic() - started < 6
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_gzip_bomb_from_the_llm_endpoint_is_one_line_not_memory_error() -> None:
    import gzip

    bomb = gzip.compress(b" " * (32 * 1024 * 1024), compresslevel=9)  # ~32 KB on the wire, 32 MB inflated

    class Bomb(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        backend = get_backend("openai", load_settings({"AGENT_LLM_BASE_URL": url, "AGENT_HTTP_MAX_MB": "1"}))
        with pytest.raises(LLMError) as err:
            backend.write(_request())
        assert "larger than 1 MB once decompressed" in str(err.value) and "\n" not in str(err.value)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_gzip_answer_within_the_cap_still_works() -> None:
    from tools.capped_http import CappedTransport

    def gzipped(request: Any) -> Any:
        import gzip

        import httpx

        body = gzip.compress(json.dumps(completion('{"sentences": [{"text": "好", "fact_ids": ["a"]}]}')).encode())
        return httpx.Response(200, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
                              content=body)

    import httpx

    client = httpx.Client(transport=CappedTransport(1024 * 1024, httpx.MockTransport(gzipped)))
    answer = client.get("http://llm.test/v1").json()
    assert answer["choices"][0]["message"]["content"].startswith('{"sentences"')
