"""MOFCOM client and text rules against list-API / article-page answers (respx)."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest
import respx
from sources_helpers import FIXTURES, SAMPLE, quick_http

from tools.errors import SourceError
from tools.sources.mofcom import LIST_PATH, MofcomClient
from tools.sources.mofcom_text import effective_dates, notice_number, strip_gloss

BASE = "http://mofcom.test"
LIST = BASE + LIST_PATH
ARTICLES = SAMPLE / "mofcom" / "article"


def client() -> MofcomClient:
    return MofcomClient(quick_http("mofcom"), BASE)


def list_answer(rows: list[dict[str, object]], max_page: int = 1) -> dict[str, object]:
    return {"pageInfo": {"pageNumber": 1, "pageSize": 20, "total": len(rows), "maxPageNum": max_page, "rows": rows}}


def row(path: str, title: str, when: str = "2025-10-09 00:00:00", source: str = "安全与管制局") -> dict[str, object]:
    return {"id": 1, "title": title, "url": path, "publishTimeStr": when, "source": source, "content": ""}


@respx.mock
def test_article_becomes_a_clean_policy_doc() -> None:
    path = "/article/zcfg/gnzcfg/zcfggzqd/202510/1176.html"
    title = "商务部 海关总署公告2025年第56号 公布对部分稀土设备和原辅料相关物项实施出口管制的决定"
    lister = respx.post(LIST).mock(return_value=httpx.Response(200, json=list_answer([row(path, title)])))
    respx.get(BASE + path).mock(return_value=httpx.Response(
        200, content=(ARTICLES / "article_zcfg_gnzcfg_zcfggzqd_202510_1176.html").read_bytes()))
    fetched = client().column(9)
    request = lister.calls.last.request
    assert request.headers["X-Requested-With"] == "XMLHttpRequest"
    assert b"pageNumber=1" in request.content and b"columnID=9" in request.content
    doc = fetched[-1].policy[0]
    assert doc.title == title  # not the site-name <title>
    assert doc.url == "http://exportcontrol.mofcom.gov.cn" + path
    assert doc.notice_no == "商务部 海关总署公告2025年第56号"
    assert doc.effective_dates == [date(2025, 11, 8)]
    assert doc.publish_date == date(2025, 10, 9) and doc.publisher == "安全与管制局"
    assert "本站转载" not in doc.body_text and doc.body_text.endswith("同步予以更新。")
    assert doc.column == "zcfg/gnzcfg/zcfggzqd"


@respx.mock
def test_entities_are_decoded_and_site_name_titles_fall_back_to_the_body() -> None:
    path = "/article/gndt/202601/1204.html"
    respx.post(LIST).mock(return_value=httpx.Response(200, json=list_answer([row(path, "中国出口管制信息网")])))
    respx.get(BASE + path).mock(return_value=httpx.Response(
        200, content=(ARTICLES / "article_gndt_202601_1204.html").read_bytes()))
    doc = client().column(1)[-1].policy[0]
    assert doc.title == "商务部新闻发言人就加强对日两用物项出口管制答记者问"
    assert "&ensp;" not in doc.body_text and "\u2002" not in doc.body_text
    assert doc.body_text.startswith("问：2026年1月6日")


@respx.mock
def test_question_mark_garbled_list_is_refused() -> None:
    respx.post(LIST).mock(return_value=httpx.Response(
        200, content=(FIXTURES / "mofcom_list_garbled.json").read_bytes()))
    with pytest.raises(SourceError, match=r"'\?' in place of Chinese"):
        client().column(9)


@respx.mock
def test_page_repeating_the_previous_one_stops_paging_with_a_warning() -> None:
    path = "/article/gndt/202511/1199.html"
    same = list_answer([row(path, "商务部新闻发言人就美方暂停实施出口管制穿透性规则答记者问")], max_page=45)
    lister = respx.post(LIST).mock(return_value=httpx.Response(200, json=same))
    article = respx.get(BASE + path).mock(return_value=httpx.Response(
        200, content=(ARTICLES / "article_gndt_202511_1199.html").read_bytes()))
    mofcom = client()
    fetched = mofcom.column(1, max_pages=10)
    assert lister.call_count == 2 and article.call_count == 1
    assert len([f for f in fetched if f.policy]) == 1
    assert any("repeats page 1" in w for w in mofcom.warnings)


@respx.mock
def test_malformed_list_json_is_refused() -> None:
    respx.post(LIST).mock(return_value=httpx.Response(200, content=b'{"pageInfo": {"rows": ['))
    with pytest.raises(SourceError, match="malformed JSON"):
        client().column(1)


@respx.mock
def test_article_without_body_paragraphs_is_refused() -> None:
    path = "/article/gndt/202511/1.html"
    respx.post(LIST).mock(return_value=httpx.Response(200, json=list_answer([row(path, "标题")])))
    respx.get(BASE + path).mock(return_value=httpx.Response(200, text="<html><title>中国出口管制信息网</title></html>"))
    with pytest.raises(SourceError, match="no body text"):
        client().column(1)


@pytest.mark.parametrize(("text", "expected"), [
    ("商务部公告2025第62号 公布对稀土相关技术实施出口管制的决定", "商务部公告2025年第62号"),
    ("商务部、海关总署公告2025年第56号 关于…", "商务部 海关总署公告2025年第56号"),
    ("商务部 海关总署公告 2025 年 第 10 号", "商务部 海关总署公告2025年第10号"),
    ("商务部新闻发言人就加强稀土相关物项出口管制应询答记者问", ""),
])
def test_notice_numbers_are_normalised(text: str, expected: str) -> None:
    assert notice_number(text) == expected


def test_effective_dates_explicit_and_on_publication() -> None:
    published = date(2025, 10, 9)
    assert effective_dates("本公告自2025年11月8日起正式实施。", published) == [date(2025, 11, 8)]
    assert effective_dates("本公告自发布之日起实施。", published) == [published]
    assert effective_dates("没有生效日期。", published) == []


def test_english_gloss_is_stripped_from_index_titles() -> None:
    assert strip_gloss("中欧出口管制对话磋商在布鲁塞尔举行（China-EU Export Control Dialogue）") == "中欧出口管制对话磋商在布鲁塞尔举行"
    assert strip_gloss("关于（试行）办法") == "关于（试行）办法"


def test_sample_list_pages_are_valid_list_api_answers() -> None:
    for column in (1, 9):
        info = json.loads((SAMPLE / "mofcom" / f"list_column{column}_page1.json").read_text(encoding="utf-8"))
        assert all(r["title"] != "中国出口管制信息网" for r in info["pageInfo"]["rows"])


@respx.mock
def test_articles_already_stored_are_not_fetched_again() -> None:
    path = "/article/gndt/202511/1199.html"
    respx.post(LIST).mock(return_value=httpx.Response(200, json=list_answer([row(path, "标题")])))
    article = respx.get(BASE + path).mock(return_value=httpx.Response(500))
    fetched = client().column(1, known=frozenset({"http://exportcontrol.mofcom.gov.cn" + path}))
    assert article.call_count == 0 and len(fetched) == 1 and not fetched[0].policy


@respx.mock
def test_list_rows_linking_off_the_configured_host_are_skipped() -> None:
    # A forged list answer: one row on the site, one pointing at an internal address, one at another site
    # with an /article/ path (which would otherwise be stored under the official MOFCOM URL).
    good = "/article/gndt/202601/1204.html"
    rows = [row(good, "商务部新闻发言人答记者问"),
            row("http://169.254.169.254/latest/meta-data/", "商务部公告"),
            row("https://evil.example/article/gndt/202601/9999.html", "商务部公告2026年第1号"),
            row("file:///etc/passwd", "商务部公告")]
    respx.post(LIST).mock(return_value=httpx.Response(200, json=list_answer(rows)))
    respx.get(BASE + good).mock(return_value=httpx.Response(
        200, content=(ARTICLES / "article_gndt_202601_1204.html").read_bytes()))
    internal = respx.get(url__startswith="http://169.254.169.254").mock(return_value=httpx.Response(200))
    evil = respx.get(url__startswith="https://evil.example").mock(return_value=httpx.Response(200))
    mofcom = client()
    fetched = mofcom.column(1)
    assert internal.call_count == 0 and evil.call_count == 0
    docs = [d for f in fetched for d in f.policy]
    assert [d.url for d in docs] == ["http://exportcontrol.mofcom.gov.cn" + good]
    skipped = [w for w in mofcom.warnings if "off the site" in w]
    assert len(skipped) == 3 and any("evil.example" in w for w in skipped)
    assert all("\n" not in w and "meta-data" not in w for w in skipped)
    with pytest.raises(SourceError, match="not the configured MOFCOM host"):
        mofcom.article(mofcom_row("https://evil.example/article/x.html"))


def mofcom_row(url: str):  # type: ignore[no-untyped-def]
    from tools.sources.mofcom import ListRow

    return ListRow(title="商务部公告", url=url, publishTimeStr="2026-01-05")
