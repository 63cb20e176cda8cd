"""The local backend never takes a command down: probe in a child, cache the verdict, fall back in one line."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import load_settings
from agent.llm import get_backend
from agent.llm import probe as probe_mod
from agent.llm.gguf_meta import GgufFormatError, chat_template, read_metadata

CRASH_SIGILL = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGILL)"]
FAIL_LOUDLY = [sys.executable, "-c", "import sys; print('noise'); sys.exit('bad magic in tensor 3')"]


def _gguf_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw


def write_gguf(path: Path, meta: dict[str, object]) -> Path:
    """A header-only GGUF v3 file: strings, uint32 values and one string array (as tokenizers have)."""
    body = b""
    entries = list(meta.items()) + [("tokenizer.ggml.tokens", ["<pad>", "<eos>", "你好"])]
    for key, value in entries:
        body += _gguf_string(key)
        if isinstance(value, str):
            body += struct.pack("<I", 8) + _gguf_string(value)
        elif isinstance(value, list):
            body += struct.pack("<I", 9) + struct.pack("<IQ", 8, len(value))
            body += b"".join(_gguf_string(v) for v in value)
        else:
            body += struct.pack("<I", 4) + struct.pack("<I", int(str(value)))
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, len(entries)) + body)
    return path


def test_gguf_header_tells_base_from_chat_model(tmp_path: Path) -> None:
    base = write_gguf(tmp_path / "base.gguf", {"general.architecture": "gemma3", "gemma3.block_count": 18})
    chat = write_gguf(tmp_path / "chat.gguf", {"general.architecture": "qwen2",
                                               "tokenizer.chat_template": "{% for m in messages %}…{% endfor %}"})
    assert read_metadata(base)["gemma3.block_count"] == 18
    assert chat_template(base) is None
    assert chat_template(chat) is not None and "messages" in str(chat_template(chat))


@pytest.mark.parametrize("content", [b"", b"GGML\x00\x00", b"GGUF\x03\x00\x00\x00" + b"\x00" * 8 + b"\xff" * 8])
def test_not_a_gguf_is_a_config_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.gguf"
    path.write_bytes(content)
    with pytest.raises(GgufFormatError):
        chat_template(path)


def test_crashing_child_is_a_cached_verdict_not_a_crash(tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "m.gguf", {"general.architecture": "gemma3"})
    verdict = probe_mod.probe(model, tmp_path / "data", command=CRASH_SIGILL)
    assert not verdict.ok
    assert "SIGILL" in verdict.reason and "CPU" in verdict.reason
    cache = json.loads((tmp_path / "data" / probe_mod.CACHE_FILE).read_text(encoding="utf-8"))
    assert [v["ok"] for v in cache.values()] == [False]
    # Asked again, the cached verdict answers: a command that would pass is never run.
    again = probe_mod.probe(model, tmp_path / "data", command=[sys.executable, "-c", "pass"])
    assert again == verdict


def test_cache_key_follows_runtime_cpu_and_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = write_gguf(tmp_path / "m.gguf", {"general.architecture": "gemma3"})
    key = probe_mod.cache_key(model)
    monkeypatch.setattr(probe_mod, "runtime_version", lambda: "xllamacpp 9.9")
    assert probe_mod.cache_key(model) != key
    monkeypatch.setattr(probe_mod, "cpu_flags", lambda: "avx2 fma")
    other_cpu = probe_mod.cache_key(model)
    model.write_bytes(model.read_bytes() + b"\x00")
    assert probe_mod.cache_key(model) != other_cpu


def test_failing_child_reports_its_last_line(tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "m.gguf", {"general.architecture": "gemma3"})
    verdict = probe_mod.probe(model, tmp_path, command=FAIL_LOUDLY)
    assert not verdict.ok and verdict.reason.endswith("bad magic in tensor 3")


def test_timeout_is_not_remembered(tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "m.gguf", {"general.architecture": "gemma3"})
    slow = [sys.executable, "-c", "import time; time.sleep(30)"]
    verdict = probe_mod.probe(model, tmp_path, command=slow, timeout=0.5)
    assert not verdict.ok and "did not answer" in verdict.reason
    assert not (tmp_path / probe_mod.CACHE_FILE).exists()


def test_backend_falls_back_to_template_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A runtime that dies on this CPU: the local backend becomes template, and the user is told why."""
    monkeypatch.setattr("agent.llm.local_backend.runtime_installed", lambda: True)
    monkeypatch.setattr("agent.llm.runtime_installed", lambda: True)
    real_probe = probe_mod.probe
    monkeypatch.setattr("agent.llm.probe_local_model", lambda path, cache_dir: real_probe(path, cache_dir, command=CRASH_SIGILL))
    model = write_gguf(tmp_path / "m.gguf", {"general.architecture": "gemma3"})
    settings = load_settings({"AGENT_LOCAL_MODEL": str(model), "AGENT_DATA_DIR": str(tmp_path / "data")})
    said: list[str] = []
    backend = get_backend("local", settings, notice=said.append)
    assert backend.name == "template"
    assert len(said) == 1 and "\n" not in said[0]
    assert "SIGILL" in said[0] and "--llm openai|template" in said[0]


def test_draft_with_a_broken_model_file_still_writes_the_page(tmp_path: Path) -> None:
    """End to end through the CLI: a garbage AGENT_LOCAL_MODEL gives a page and one stderr line."""
    pytest.importorskip("xllamacpp")  # `make test` installs it; a bare `make install` venv says "not installed"
    sample_env = {"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(tmp_path / "out"),
                  "AGENT_LOCAL_MODEL": str(tmp_path / "garbage.gguf"), "PATH": "/usr/bin:/bin"}
    (tmp_path / "garbage.gguf").write_bytes(b"not a model at all")
    agent = [sys.executable, "-m", "agent"]
    fetched = subprocess.run(agent + ["fetch", "--from-sample", "--source", "census,comtrade"], env=sample_env,
                             capture_output=True, text=True, timeout=300)
    assert fetched.returncode == 0, fetched.stderr
    done = subprocess.run(agent + ["draft", "--week", "2026-W07", "--llm", "local"], env=sample_env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    notice = [line for line in done.stderr.splitlines() if "local model unavailable" in line]
    assert len(notice) == 1 and "not a GGUF" in notice[0]
    assert list((tmp_path / "out").rglob("2026-W07*.md"))


def test_chat_model_gets_the_openai_prompts_and_reask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A GGUF with a chat template is asked system + section prompt, then the shared re-ask turn."""
    from agent.llm import LocalChatBackend, SectionRequest, Sentence
    from agent.llm.gguf_runtime import Completion, GgufRuntime

    seen: list[list[dict[str, str]]] = []

    def fake_chat(self: GgufRuntime, messages: list[dict[str, str]], **_: object) -> Completion:
        seen.append(messages)
        return Completion('{"sentences": [{"text": "美國對台灣逆差擴大。", "fact_ids": ["f1"]}]}', 12, "stop")

    monkeypatch.setattr(GgufRuntime, "chat", fake_chat)
    model = write_gguf(tmp_path / "qwen.gguf", {"tokenizer.chat_template": "{{ messages }}"})
    backend = LocalChatBackend(model)
    assert backend.structured and backend.model == "qwen"
    request = SectionRequest(section="summary", system="SYS", prompt="PROMPT", plans=[],
                             reask_template="請修正：{rejected}")
    first = backend.write(request)
    assert [s.fact_ids for s in first.output.sentences] == [["f1"]] and first.tokens == 12
    backend.revise(request, [(Sentence(text="錯句", fact_ids=["f1"]), ["數字 9 不在事實中"])])
    assert [m["role"] for m in seen[0]] == ["system", "user"]
    assert seen[1][-1]["content"].startswith("請修正：") and "數字 9 不在事實中" in seen[1][-1]["content"]


@pytest.mark.parametrize("cores,busy,threads", [
    (2, 0.0, 2), (2, 0.3, 2), (2, 1.0, 1), (2, 2.0, 1), (8, 3.0, 5), (1, 0.0, 1), (4, 9.0, 1),
])
def test_the_model_takes_one_thread_per_free_core(cores: int, busy: float, threads: int) -> None:
    """Spinning llama.cpp threads on a busy core stall the others (measured: 37.6 s vs 24.7 s)."""
    from agent.llm.local_backend import threads_for

    assert threads_for(cores, busy) == threads


def test_local_threads_setting_is_used_or_refused_in_one_line(tmp_path: Path) -> None:
    from agent.llm import _local_threads
    from tools.errors import ConfigError

    assert _local_threads(load_settings({"AGENT_DATA_DIR": str(tmp_path), "AGENT_LOCAL_THREADS": "3"})) == 3
    assert _local_threads(load_settings({"AGENT_DATA_DIR": str(tmp_path), "AGENT_LOCAL_THREADS": ""})) is None
    for bad in ("0", "two", "-1"):
        with pytest.raises(ConfigError, match="AGENT_LOCAL_THREADS"):
            _local_threads(load_settings({"AGENT_DATA_DIR": str(tmp_path), "AGENT_LOCAL_THREADS": bad}))
