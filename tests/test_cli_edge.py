"""The CLI edge: every usage error and bad argument is one line on stderr, exit 2, no traceback.

Most cases run ``agent.cli.main`` in-process (the same function the console script calls);
one case goes through a real subprocess to prove the installed entry point behaves the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run_main(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
             tmp_path: Path) -> tuple[int, str, str]:
    monkeypatch.setenv("AGENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AGENT_DRAFTS_DIR", str(tmp_path / "out"))
    monkeypatch.setattr(sys, "argv", ["agent", *args])

    def no_server(*_a: object, **_k: object) -> None:
        raise AssertionError("a refused port must not start the server")

    monkeypatch.setattr("uvicorn.run", no_server)
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["facts"], "--week"),
        (["facts", "--week", "2026-W07", "--no-such-option"], "--no-such-option"),
        (["no-such-command"], "no-such-command"),
        (["fetch", "--pages", "0"], "--pages"),
        (["serve", "--port", "abc"], "--port"),
        (["serve", "--port", "99999"], "--port"),
        (["serve", "--port", "0"], "--port"),
        (["policy", "search"], "QUERY"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, expected, capsys, monkeypatch, tmp_path):
    code, out, err = run_main(args, capsys, monkeypatch, tmp_path)
    assert code == 2
    line = one_line(err)
    assert line.startswith("error:") and expected.lower() in line.lower()
    assert "--help" in line  # says where to look


def test_help_and_bare_group_still_show_help(capsys, monkeypatch, tmp_path):
    code, out, _ = run_main(["facts", "--help"], capsys, monkeypatch, tmp_path)
    assert code == 0 and "--week" in out
    code, out, _ = run_main(["policy"], capsys, monkeypatch, tmp_path)
    assert code == 0 and "search" in out


def test_non_utf8_argument_is_refused_in_one_line(tmp_path):
    # A real process: Python decodes undecodable argv bytes to surrogates, which crash printing.
    env = {**os.environ, "AGENT_DATA_DIR": str(tmp_path), "LC_ALL": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "agent", "facts", "--week", os.fsdecode(b"2026-W0\xff")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "UTF-8" in line and "argument 3" in line


def test_usage_error_through_the_console_script(tmp_path):
    env = {**os.environ, "AGENT_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "agent", "facts"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "--week" in one_line(done.stderr)
