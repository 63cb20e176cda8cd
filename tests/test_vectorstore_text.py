"""Pure pieces of the policy corpus: cleaning, ids, notice numbers, chunking, BM25, fusion, dedup, in-force."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tools.errors import InputError
from tools.sources.models import PolicyDoc
from vectorstore.bm25 import BM25, reciprocal_rank_fusion, tokens
from vectorstore.chunking import chunk_text
from vectorstore.dedup import duplicate_of
from vectorstore.files import read_policy_file
from vectorstore.glossary import expand_query
from vectorstore.inforce import in_force_on
from vectorstore.records import DocExtras, doc_id_for, to_record
from vectorstore.textclean import clean_body, derive_title, effective_dates, notice_number, to_simplified

FOOTER = (
    "本站转载、编译或摘编文章原文均来自其他媒体，转载、编译或摘编的目的在于传递更多信息，"
    "并不代表本站赞同其观点和对其真实性负责。其他媒体、网站或个人转载使用时必须保留本站注明的文章来源，并自负法律责任。"
)


def _doc(url: str, title: str, body: str, day: str = "2025-10-09", **kw: object) -> PolicyDoc:
    return PolicyDoc(
        url=url,
        title=title,
        publish_date=date.fromisoformat(day),
        body_text=body,
        fetched_at=datetime(2026, 1, 29, tzinfo=UTC),
        **kw,  # type: ignore[arg-type]
    )


def test_clean_body_drops_footer_chrome_and_entities_but_keeps_simplified_text() -> None:
    raw = "问：商务部宣布加强两用物项对日本出口管制，请问有何考虑？&ensp;\n\n\n\n答：中方决定禁止。\n[Content truncated for brevity - see source URL for full text]\n" + FOOTER
    text = clean_body(raw)
    assert "本站转载" not in text and "法律责任" not in text
    assert "&ensp;" not in text and "Content truncated" not in text
    assert "\n\n\n" not in text
    assert "两用物项对日本出口管制" in text  # simplified original kept for quoting


def test_site_name_title_is_replaced_by_the_question_asked() -> None:
    rec = to_record(
        _doc(
            "http://exportcontrol.mofcom.gov.cn/article/gndt/202601/1204.html",
            "中国出口管制信息网",
            "问：2026年1月6日，商务部宣布加强两用物项对日本出口管制，请问有何考虑？\n答：……" + FOOTER,
            "2026-01-06",
        )
    )
    assert rec.doc_id == "mofcom-1204"
    assert "出口管制信息网" not in rec.title
    assert "對日本出口管制" in rec.title  # zh-Hant display title
    assert "对日本出口管制" in rec.title_orig
    assert rec.category == "press"


def test_derive_title_falls_back_to_first_sentence() -> None:
    assert derive_title("2025年10月31日，双方在布鲁塞尔举行对话。双方同意继续沟通。") == "2025年10月31日，双方在布鲁塞尔举行对话"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项 实施出口管制的决定", ("商务部、海关总署公告2025年第10号", "2025-10")),
        ("商务部公告2025第62号 公布对稀土相关技术实施出口管制的决定", ("商务部公告2025年第62号", "2025-62")),
        ("商务部新闻发言人就加强稀土相关物项出口管制应询答记者问", ("", "")),
    ],
)
def test_notice_numbers_are_normalised(title: str, expected: tuple[str, str]) -> None:
    assert notice_number(title) == expected


def test_notice_number_is_read_from_the_title_only() -> None:
    """A Q&A that discusses 第61号 must not become notice 61 (it would be merged with it)."""
    rec = to_record(_doc("http://x/a.html", "商务部新闻发言人答记者问", "答：关于2025年第61号公告，……"))
    assert rec.notice_key == ""


def test_effective_dates_from_dated_and_on_publication_sentences() -> None:
    assert effective_dates("本公告自2025年11月8日起正式实施。", date(2025, 10, 9)) == [date(2025, 11, 8)]
    assert effective_dates("本公告自发布之日起正式实施。", date(2025, 2, 4)) == [date(2025, 2, 4)]
    assert effective_dates("没有日期。", date(2025, 2, 4)) == []


def test_doc_ids_are_stable_across_scheme_and_content() -> None:
    a = doc_id_for("http://exportcontrol.mofcom.gov.cn/article/gndt/202511/1199.html", "x")
    b = doc_id_for("https://exportcontrol.mofcom.gov.cn/article/gndt/202511/1199.html", "y")
    assert a == b == "mofcom-1199"
    assert doc_id_for("", "甲") == doc_id_for("", "甲") != doc_id_for("", "乙")


def test_chunks_end_on_sentence_boundaries_overlap_and_cover_everything() -> None:
    sentences = [f"第{i}句话讲的是稀土相关物项的出口管制要求和许可程序。" for i in range(40)]
    text = "".join(sentences)
    chunks = chunk_text(text, max_chars=200, overlap_chars=60)
    assert len(chunks) > 3
    assert all(len(c) <= 200 + 60 for c in chunks)
    assert all(c.endswith("。") for c in chunks)
    joined = "".join(chunks)
    assert all(s in joined for s in sentences)
    # consecutive chunks share at least one whole sentence
    assert all(set(a.split("\n")) & set(b.split("\n")) for a, b in zip(chunks, chunks[1:], strict=False))


def test_bm25_finds_rare_exact_terms() -> None:
    docs = ["对钨、碲、铋相关物项实施出口管制", "对稀土相关技术实施出口管制", "安世半导体问题答记者问"]
    bm = BM25([tokens(d) for d in docs])
    scores = bm.scores(tokens(to_simplified("鉍")))
    assert scores.index(max(scores)) == 0 and scores[1] == scores[2] == 0


def test_english_terms_reach_the_lexical_side_through_the_glossary() -> None:
    assert "钨" in expand_query("China export controls on tungsten")
    assert "暂停" in expand_query("US suspends the rule")
    assert expand_query("稀土") == "稀土"


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert fused["a"] == fused["b"] > fused["c"] > 0 and fused["c"] == fused["d"]


def test_near_duplicates_by_notice_number_and_by_text() -> None:
    body = "根据有关规定，决定对下列物项实施出口管制：人造金刚石微粉。本公告自2025年11月8日起正式实施。" * 3
    kept = to_record(_doc("http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202510/1175.html", "商务部 海关总署公告2025年第55号 超硬材料", body))
    same_notice = to_record(_doc("https://mirror.example/55.html", "商务部、海关总署公告2025年第55号（转载）", "不同的转载文字。"))
    near_text = to_record(_doc("https://mirror.example/copy.html", "转载：超硬材料", body + "（来源：商务部网站）"))
    other = to_record(_doc("https://mirror.example/other.html", "其他", "完全不同的文字内容，讲的是安世半导体。"))
    assert duplicate_of(same_notice, [kept]) is kept
    assert duplicate_of(near_text, [kept]) is kept
    assert duplicate_of(other, [kept]) is None
    assert duplicate_of(kept, [kept]) is None  # a doc never duplicates itself


def test_suspension_notice_pauses_earlier_notices_until_its_end_date() -> None:
    n55 = to_record(_doc("http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202510/1175.html",
                         "商务部 海关总署公告2025年第55号", "本公告自2025年11月8日起正式实施。"))
    n10 = to_record(_doc("http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202502/1098.html",
                         "商务部 海关总署公告2025年第10号", "本公告自发布之日起正式实施。", "2025-02-04"))
    pause = to_record(
        _doc("", "公告2025年第70号", "暂停实施。", "2025-11-07"),
        DocExtras(doc_id="note-70", kind="analyst_note", suspends=["2025-55", "2025年第61号"], suspension_until=date(2026, 11, 10)),
    )
    docs = [n55, n10, pause]
    assert pause.suspends == ["2025-55", "2025-61"]
    assert not in_force_on(n55, date(2025, 10, 20), docs)  # not yet effective
    assert not in_force_on(n55, date(2026, 3, 1), docs)  # suspended
    assert in_force_on(n55, date(2026, 11, 11), docs)  # suspension over
    assert in_force_on(n10, date(2026, 3, 1), docs)  # untouched by the suspension


def test_policy_file_front_matter(tmp_path: Path) -> None:
    good = tmp_path / "note.md"
    good.write_text(
        "---\ntitle: 分析師筆記\ndate: 2025-11-07\nkind: analyst_note\nsuspends: [2025-55]\nsuspended_until: 2026-11-10\n---\n# 標題\n> 引文\n正文。\n",
        encoding="utf-8",
    )
    doc, extras = read_policy_file(good)
    assert doc.title == "分析師筆記" and doc.publish_date == date(2025, 11, 7)
    assert extras.kind == "analyst_note" and extras.suspension_until == date(2026, 11, 10)
    assert "#" not in doc.body_text and ">" not in doc.body_text and "正文" in doc.body_text

    html = tmp_path / "page.html"
    html.write_text("---\ndate: 2025-01-01\n---\n<html><title>站名</title><body><nav>菜单</nav><h1>真標題</h1><p>內容&ensp;一。</p></body></html>", encoding="utf-8")
    doc, _ = read_policy_file(html)
    assert doc.title == "真標題" and "菜单" not in doc.body_text and "內容" in doc.body_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\ntitle: x\n---\n正文", "no date"),
        ("---\ntitle: [unclosed\n---\n正文", "not valid YAML"),
        ("---\ntitle: x\ndate: 2025-13-01\n---\n正文", "not a YYYY-MM-DD date"),
        ("---\ntitle: x\ndate: 2025-01-01\n---\n   \n", "empty body"),
    ],
)
def test_malformed_policy_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_policy_file(bad)
    assert str(bad) in str(err.value) and message in str(err.value)
