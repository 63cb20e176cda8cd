"""SIGKILL `agent fetch` at spread-out moments: the store holds the old snapshot or the new, never a mix.

Bounded: ten kills, each of one CLI run (a few seconds), the store restored to the old snapshot
before each, so every kill interrupts the same old → new change at a different moment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.store import Store

ROOT = Path(__file__).resolve().parents[1]
KILLS = 10


def fetch(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "agent", "fetch", "--from-sample", "--source", "census"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def values(data_dir: Path) -> frozenset[tuple[str, str, float, float]]:
    df = Store(data_dir).census_monthly()
    return frozenset(zip(df["cty_code"], df["period"], df["exports_usd"], df["imports_usd"], strict=True))


def revised_sample(tmp: Path) -> Path:
    """The bundled sample with every 2024–2025 Census value raised: a new vintage of every month."""
    sample = tmp / "sample"
    shutil.copytree(ROOT / "data" / "sample", sample)
    for name in ("exports_2024-01_2025-11.json", "imports_2024-01_2025-11.json"):
        path = sample / "census" / name
        rows = json.loads(path.read_text(encoding="utf-8"))
        for row in rows[1:]:
            for i, cell in enumerate(row):
                if i in (2, 3) and isinstance(cell, str) and cell.isdigit():
                    row[i] = str(int(cell) + 1000)
        path.write_text(json.dumps(rows), encoding="utf-8")
    return sample


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_fetches_leave_the_old_or_the_new_snapshot(tmp_path: Path) -> None:
    data, backup = tmp_path / "data", tmp_path / "old"
    env = {**os.environ, "AGENT_DATA_DIR": str(data)}
    assert fetch(env).wait(timeout=120) == 0
    old = values(data)
    shutil.copytree(data, backup)
    new_env = {**env, "AGENT_SAMPLE_DIR": str(revised_sample(tmp_path))}

    started = time.monotonic()
    assert fetch(new_env).wait(timeout=120) == 0
    duration = time.monotonic() - started
    new = values(data)
    assert new != old and len(new) == len(old)

    outcomes = []
    for i in range(KILLS):
        shutil.rmtree(data)
        shutil.copytree(backup, data)
        child = fetch(new_env)
        time.sleep(duration * (i + 0.5) / KILLS)  # spread over the whole run, start to finish
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        now = values(data)  # the store still opens and reads …
        assert now in (old, new), f"kill {i} left a mix of snapshots"  # … and holds one snapshot, whole
        outcomes.append("new" if now == new else "old")
    assert "old" in outcomes  # the early kills did interrupt the fetch
    assert fetch(new_env).wait(timeout=120) == 0  # and a rerun completes
    assert values(data) == new
