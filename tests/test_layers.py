"""Architecture rules a reviewer would otherwise check by hand.

- Layers point down: nothing under ``tools/`` or ``vectorstore/`` imports ``agent``.
- Fact ids are printed names, not data: nothing outside ``tools/facts`` takes one apart
  (regexes over ids, splitting on ".", substring tests like ``".balance." in fact.id``) or
  assembles one by hand (``f"census.{cty}…"``). Lookups go by ``Fact.key``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(*dirs: str, skip: str | None = None) -> list[Path]:
    out = []
    for d in dirs:
        for path in sorted((ROOT / d).rglob("*.py")):
            if skip and path.is_relative_to(ROOT / skip):
                continue
            out.append(path)
    return out


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_tools_and_vectorstore_never_import_agent() -> None:
    bad = [f"{p.relative_to(ROOT)}: {name}" for p in _modules("tools", "vectorstore") for name in _imports(p)
           if name == "agent" or name.startswith("agent.")]
    assert bad == [], "deterministic layers reach up into agent/:\n" + "\n".join(bad)


_ID_PARSING = [
    (re.compile(r"\.id\.(split|rsplit|partition|rpartition|startswith|endswith|removesuffix|removeprefix|"
                r"replace)\("), "takes a fact id apart"),
    (re.compile(r"""["']\.\w+\.["']\s+in\s+\w*(fact|\bf)\w*\.id"""), "tests a substring of a fact id"),
    (re.compile(r"""re\.(compile|match|search|fullmatch)\(\s*r?["']\^?(census|comtrade|mirror|cutoff|wow|yago)"""
                r"""\\?\."""), "a regex over fact ids"),
    (re.compile(r"""f["'](census|comtrade|mirror|cutoff|wow|yago|sources)\.[\w.]*\{"""), "builds a fact id by hand"),
]


def id_parsing(text: str) -> list[str]:
    """Lines of ``text`` that parse or assemble fact ids, with the rule each breaks."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        for pattern, why in _ID_PARSING:
            if pattern.search(line):
                found.append(f"{n}: {why}: {line.strip()}")
    return found


def test_the_id_parsing_check_catches_what_it_should() -> None:
    for line in ('m = re.compile(r"^census\\.(?P<cty>[^.]+)")', 'a.id.split(".")[:3]',
                 'return ".balance." in fact.id', 'fid = f"census.{cty}.{flow}.yoy"', 'id=f"sources.comtrade.{key}"', 'code = fact.id.rsplit(".", 1)'):
        assert id_parsing(line), line
    assert id_parsing('sheet.lookup(h.key.with_(measure="yoy"))') == []


def test_nothing_outside_tools_facts_parses_fact_ids() -> None:
    bad = []
    for path in _modules("agent", "tools", skip="tools/facts"):
        bad += [f"{path.relative_to(ROOT)}:{hit}" for hit in id_parsing(path.read_text(encoding="utf-8"))]
    assert bad == [], "fact ids parsed or built outside tools/facts (use Fact.key):\n" + "\n".join(bad)
