"""Hostile but plausible inputs at the CLI: markup in scraped titles, huge questions and files,
YAML alias bombs, non-scalar front matter, a lone rejected file. Each ends in one line or prints as text.

The policy commands run in-process with the cheap hashing embedder (the real one is exercised
by tests/test_policy_search.py); what is under test is the CLI and file edge, not retrieval quality.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_cli_edge import one_line, run_main
from test_vectorstore_index import HashEmbedder

MARKUP_TITLE = "[/bold]商务部公告[red]2025年第99号[/red] [link=javascript:x]点击[/link]"
MARKUP_TAGS = ("[/bold]", "[red]", "[/red]", "[link=javascript:x]", "[/link]")


def note(path: Path, title: str = "商务部公告2025年第99号", body: str = "稀土出口管制物项清单调整。\n",
         extra: str = "") -> Path:
    path.write_text(f"---\ntitle: \"{title}\"\ndate: 2025-11-07\n{extra}---\n{body}", encoding="utf-8")
    return path


@pytest.fixture()
def hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vectorstore.index.get_embedder", lambda _settings: HashEmbedder())


def test_markup_in_a_title_prints_as_text_in_policy_list_and_search(hashed, tmp_path, capsys, monkeypatch):
    from rich.console import Console

    monkeypatch.setattr("agent.cli.policy_cmd.out", Console(width=400))  # wide enough for whole titles
    code, _, err = run_main(["policy", "ingest", str(note(tmp_path / "n.md", MARKUP_TITLE))], capsys, monkeypatch,
                            tmp_path)
    assert code == 0, err
    code, out, err = run_main(["policy", "list"], capsys, monkeypatch, tmp_path)
    assert code == 0, err
    assert all(tag in out for tag in MARKUP_TAGS), out  # shown as written (in zh-Hant), not interpreted
    code, out, err = run_main(["policy", "search", "稀土出口管制"], capsys, monkeypatch, tmp_path)
    assert code == 0, err
    assert all(tag in out for tag in MARKUP_TAGS), out


def test_markup_in_an_answer_prints_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cli.chat_cmd import print_answer

    doc = SimpleNamespace(title=MARKUP_TITLE, date="2025-11-07", url="http://exportcontrol.mofcom.gov.cn/article/1")
    ans = SimpleNamespace(refused=False, text=f"依據《{MARKUP_TITLE}》，稀土物項須申請許可。", available="",
                          fact_ids=[], docs=[doc], facts={})
    print_answer(ans)
    out = capsys.readouterr().out
    assert out.count(MARKUP_TITLE) == 2


@pytest.mark.parametrize("command", [["ask"], ["policy", "search"]])
def test_an_overlong_question_is_refused_at_once(command, hashed, tmp_path, capsys, monkeypatch):
    started = time.monotonic()
    code, _, err = run_main([*command, "出口管制" * 4000], capsys, monkeypatch, tmp_path)
    assert code == 2 and "16000 characters" in one_line(err) and "1000" in err
    assert time.monotonic() - started < 10  # it took over 60 s before


def test_an_overlong_chat_line_is_one_error_and_the_session_goes_on(tmp_path, capsys, monkeypatch):
    from agent.cli import chat_cmd

    with pytest.raises(Exception) as err:
        chat_cmd.checked_question("稀" * 1001)
    assert "1001 characters" in str(err.value)
    assert chat_cmd.checked_question("稀土") == "稀土"


def test_a_large_file_is_skipped_by_name_and_a_lone_rejected_file_fails(hashed, tmp_path, capsys, monkeypatch):
    big = note(tmp_path / "big.md", body="商务部公告稀土出口管制。\n" * 6000)  # ~200 KB
    started = time.monotonic()
    code, out, err = run_main(["policy", "ingest", str(big)], capsys, monkeypatch, tmp_path)
    assert time.monotonic() - started < 20  # never embedded: refused by size
    assert code == 2
    assert "big.md" in err and "64 KB limit" in err and "Traceback" not in err
    assert "nothing ingested" in err


def test_a_yaml_alias_bomb_is_refused_fast(hashed, tmp_path, capsys, monkeypatch):
    # A small bomb (10^4 leaves) so that the old code, which expanded it, stays harmless here;
    # the real one (10^9 leaves in 700 bytes) is refused by the same rule before composing.
    bomb = ('a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n")
    path = note(tmp_path / "bomb.md", extra=bomb)
    code, _, err = run_main(["policy", "ingest", str(path)], capsys, monkeypatch, tmp_path)
    assert code == 2 and "anchors/aliases" in err and "bomb.md" in err


def test_the_full_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    from tools.errors import InputError
    from vectorstore.files import read_policy_file

    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    path = note(tmp_path / "bomb.md", extra="\n".join(levels) + "\n")
    started = time.monotonic()
    with pytest.raises(InputError, match="anchors/aliases"):
        read_policy_file(path)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("extra", ["publisher: {name: 分析师}\n", "notice_no: [a, b]\n", "effective: [[2025-11-07]]\n"])
def test_non_scalar_front_matter_is_refused(extra: str, tmp_path: Path) -> None:
    from tools.errors import InputError
    from vectorstore.files import read_policy_file

    with pytest.raises(InputError, match="plain value"):
        read_policy_file(note(tmp_path / "n.md", extra=extra))
    doc, _ = read_policy_file(note(tmp_path / "ok.md", extra="effective: [2025-11-07, 2025-12-01]\n"))
    assert len(doc.effective_dates) == 2

