"""Can the local runtime run this model on this CPU? Asked once, in a child process, and remembered.

Why a child: a runtime built for CPU features the machine lacks does not raise, it dies (SIGILL),
and a broken GGUF can abort inside C. Either would take the whole ``agent draft`` down with no
message. The child loads the model and writes two tokens; the parent reads its exit status.
The verdict is cached in the data dir keyed on the runtime version, the CPU's feature flags and
the model file, so a new wheel, another machine or another model is probed again, and a machine
that passed pays nothing the next time.

Run as ``python -m agent.llm.probe MODEL.gguf`` it is the child itself.
"""

from __future__ import annotations

import hashlib
import json
import platform
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.atomic import write_text_atomic

from .gguf_runtime import runtime_version

CACHE_FILE = "local-probe.json"
PROBE_TIMEOUT = 180.0


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def cpu_flags() -> str:
    """The CPU feature flags the kernel reports (Linux), else the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(("flags", "Features")):
                return " ".join(sorted(set(line.split(":", 1)[1].split())))
    except OSError:
        pass
    return platform.machine() + " " + platform.processor()


def cache_key(model_path: Path) -> str:
    try:
        stat = model_path.stat()
        file_id = f"{model_path.resolve()}|{stat.st_size}|{int(stat.st_mtime)}"
    except OSError:
        file_id = f"{model_path}|missing"
    text = "\n".join([runtime_version(), cpu_flags(), file_id])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def _run_child(command: Sequence[str], timeout: float) -> tuple[Verdict, bool]:
    """(verdict, cacheable): a timeout may be a busy machine, so it is not remembered."""
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Verdict(False, f"the local model did not answer within {timeout:.0f} s"), False
    except OSError as exc:
        return Verdict(False, f"cannot start the probe: {exc.strerror or exc}"), False
    if done.returncode == 0:
        return Verdict(True), True
    if done.returncode < 0:
        name = _signal_name(-done.returncode)
        hint = " (the runtime uses CPU instructions this machine cannot execute)" if name == "SIGILL" else ""
        return Verdict(False, f"the local runtime crashed with {name}{hint}"), True
    detail = _last_line(done.stderr) or f"exit status {done.returncode}"
    return Verdict(False, f"the local model failed to load: {detail}"), True


def _read_cache(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def probe(model_path: Path, cache_dir: Path, command: Sequence[str] | None = None,
          timeout: float = PROBE_TIMEOUT) -> Verdict:
    """The cached verdict for ``model_path`` on this machine, probing in a child when there is none.

    ``command`` replaces the child (tests pass one that crashes the way a bad runtime does).
    """
    key = cache_key(model_path)
    cache_path = cache_dir / CACHE_FILE
    cache = _read_cache(cache_path)
    known = cache.get(key)
    if isinstance(known, dict) and isinstance(known.get("ok"), bool):
        return Verdict(bool(known["ok"]), str(known.get("reason", "")))
    if not model_path.is_file():
        return Verdict(False, f"model file {model_path} does not exist")
    child = command or [sys.executable, "-m", "agent.llm.probe", str(model_path)]
    verdict, cacheable = _run_child(child, timeout)
    if cacheable:
        cache[key] = {"ok": verdict.ok, "reason": verdict.reason, "runtime": runtime_version()}
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            write_text_atomic(cache_path, json.dumps(cache, ensure_ascii=False, indent=1))
        except OSError:
            pass  # an unwritable data dir costs a probe next time, nothing else
    return verdict


def _child(model_path: str) -> int:
    """Load the model and write two tokens; any failure is a non-zero exit with one stderr line."""
    from .gguf_runtime import GgufRuntime

    try:
        GgufRuntime(Path(model_path), n_ctx=256).complete("1, 2, 3,", max_tokens=2, stop=[], temperature=0.0)
    except Exception as exc:  # the parent only needs the reason, in one line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
