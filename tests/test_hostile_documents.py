"""Hostile policy documents (an ingested note, a MOFCOM list answer) cannot inject script, event
handlers, ``javascript:`` links or Liquid into the published page, rendered with raw HTML on.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "e2e"))
from hostile_page import HostilePage, build_hostile_page  # noqa: E402

from tools import markup  # noqa: E402

#: The one Liquid tag the page is meant to carry (the site's report navigation).
NAV_INCLUDE = re.compile(r"\{% include report-nav\.html [^%{}]*%\}")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostilePage:
    return build_hostile_page(tmp_path_factory.mktemp("hostile"))


def test_no_script_handler_javascript_link_or_liquid_survives_publishing(hostile: HostilePage) -> None:
    tags = elements(hostile.html)
    names = {t for t, _ in tags}
    assert "script" not in names and "img" not in names and "iframe" not in names
    handlers = [(t, k) for t, attrs in tags for k, _ in attrs if k.lower().startswith("on")]
    assert handlers == []
    targets = [(v or "").strip().lower() for _, attrs in tags for k, v in attrs if k in ("href", "src", "action")]
    assert targets and all(t.startswith(("http://", "https://", "/", "#")) for t in targets), targets
    assert "javascript:" not in hostile.markdown.lower()
    without_nav = NAV_INCLUDE.sub("", hostile.markdown)
    assert "{{" not in without_nav and "{%" not in without_nav, "a Liquid tag survived"
    ials = re.findall(r"\{:.*", without_nav)  # kramdown attribute lists: only the template's own
    assert ials and all(a.startswith(("{: .comparison-table}", "{: .article-summary", "{: .key-answer")) for a in ials)


def test_the_hostile_strings_are_shown_as_text_not_dropped(hostile: HostilePage) -> None:
    page = hostile.markdown
    assert markup.text("<script>alert(1)</script>") in page  # the title is still there, inert
    assert markup.text("<img src=x onerror=alert(3)>") in page  # so is the publisher
    assert markup.text("{{7*7}}") in page  # and the notice number
    policy = page.split("## 三、政策更新")[1].split("## 四、")[0]
    rows = [line for line in policy.splitlines() if line.startswith("| ") and "alert(1)" in line]
    assert len(rows) == 2 and all(line.count(" | ") == 3 for line in rows)  # no cell broken out of its table
    # the note's javascript: URL is not linked; the MOFCOM document's http(s) URL is
    assert "[原文](http://exportcontrol.mofcom.gov.cn/article/gndt/202602/9999.html)" in policy


@pytest.mark.parametrize(("raw", "safe"), [
    ("javascript:alert(2)", ""), ("JavaScript:alert(2)", ""), ("data:text/html,<script>", ""),
    ("vbscript:x", ""), ("//evil.test/x", ""), ("http://", ""), ("http://a.test/x y", ""),
    ("http://a.test/a)(b", "http://a.test/a%29%28b"), ("https://a.test/p?q={{x}}", "https://a.test/p?q=%7B%7Bx%7D%7D"),
    ("https://exportcontrol.mofcom.gov.cn/article/a.html", "https://exportcontrol.mofcom.gov.cn/article/a.html"),
])
def test_only_http_urls_become_link_targets_and_cannot_break_out(raw: str, safe: str) -> None:
    assert markup.safe_url(raw) == safe
    assert markup.link("原文", raw) == (f"[原文]({safe})" if safe else "原文")


def test_escaping_is_idempotent_one_line_and_digit_free() -> None:
    hostile = "<b>x</b>\n# heading [a](b) {{ y }} {% z %} {: .c} a|b `c` \\ \u202e"
    once = markup.text(hostile)
    assert markup.text(once) == once
    assert "\n" not in once and "\u202e" not in once
    assert not re.search(r"[<>\[\]{}|`\\]", once)
    assert not re.search(r"\d", once)  # the number verifier sees no new digits


FIXTURES = Path(__file__).parent / "fixtures" / "review"
GOOD_EDIT = "美國對中國貿易逆差 2025 年 1–11 月為 USD 1,894 億，較 2024 年同期收窄 29.9%。"


def test_reviewer_edits_refuse_javascript_links_remote_images_and_liquid(tmp_path: Path) -> None:
    import shutil

    from agent.config import load_settings
    from agent.review import ReviewDesk
    from tools.errors import VerificationError

    out = tmp_path / "drafts" / "trade-briefing"
    out.mkdir(parents=True)
    for f in FIXTURES.glob("2026-W07-trade-briefing.*"):
        shutil.copy(f, out / f.name)
    desk = ReviewDesk(load_settings({"AGENT_DATA_DIR": str(tmp_path / "data"), "AGENT_DRAFTS_DIR": str(out.parent), "AGENT_SITE_DIR": str(tmp_path / "site")}))
    item = desk.item("imports-c41e07", "2026-W07")
    for extra in ("[原文](javascript:alert(1))", "![x](http://evil.test/pixel.png)", "{{ site.secret }}",
                  "{% include evil.html %}", "{: onclick=\"alert(1)\"}", "[a]: data:text/html,x"):
        with pytest.raises(VerificationError, match="refused"):
            desk.decide(item, "edit", "ann", text=f"{GOOD_EDIT}{extra}")
    desk.decide(item, "edit", "ann", text=f"{GOOD_EDIT}[原文](https://www.census.gov/foreign-trade/)")
    for other in desk.items("2026-W07"):
        if other.decision is None:
            desk.decide(other, "approve", "<script>alert(5)</script>")
    page = desk.publish("2026-W07", "<b onmouseover=alert(6)>pat</b>").path.read_text(encoding="utf-8")
    front = page.split("---")[1]
    assert "<script>" not in front and "<b " not in front
    assert markup.text("<script>alert(5)</script>") in front
