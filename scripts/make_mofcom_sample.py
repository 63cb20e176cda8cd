"""Serve the 31 captured MOFCOM articles as the site serves them: list-API JSON + article pages.

Why: the offline sample must exercise the real client (list API → article page → PolicyDoc),
including the site's quirks: every page's <title> is the site name, the body sits in <p>
tags, the fixed disclaimer closes every article, and entities such as ``&ensp;`` appear raw.
Texts are verbatim from the capture; where the capture's title is the site name, the
headline comes from the URL index (its English gloss removed). No raw HTML of the site was
ever captured, so the page chrome around the verbatim text is a minimal reconstruction.

Run: python scripts/make_mofcom_sample.py  (deterministic; rewrites data/sample/mofcom/)
"""

from __future__ import annotations

import csv
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "mofcom"
#: The first 12 articles (issue 2) and 19 more (issue 12), same fields, same site.
TEXTS = (OUT / "source" / "exportcontrol_article_texts_verbatim.jsonl",
         OUT / "source" / "exportcontrol_article_texts_more.jsonl")
INDEX = OUT / "source" / "exportcontrol_url_index.csv"
SITE = "中国出口管制信息网"
FOOTER = ("本站转载、编译或摘编文章原文均来自其他媒体，转载、编译或摘编的目的在于传递更多信息，并不代表本站赞同其观点和对其真实性负责。"
          "其他媒体、网站或个人转载使用时必须保留本站注明的文章来源，并自负法律责任。")
#: columnID → (column path prefix, column name) as the list API is asked in tools.sources.mofcom.
#: IDs as scrapers report them (2 = 国际动态, 15 = 规章及规范性文件; see the site notes).
COLUMNS = {1: ("gndt", "国内动态"), 2: ("gjdt", "国际动态"), 9: ("zcfg/gnzcfg/zcfggzqd", "管制清单"),
           15: ("zcfg/gnzcfg/gzjgfxwj", "规章及规范性文件")}
LIST_PATH = "/edi_ecms_web_front/front/column/getColumnList"
GLOSS = re.compile(r"\s*[（(][^（）()]*[A-Za-z][^（）()]*[）)]\s*$")

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{site}</title>
</head>
<body>
<div class="top-bar">{site}</div>
<div class="article">
<div class="art-title">{title}</div>
<div class="art-info"><span>来源：{source}</span> <span>发布时间：{date}</span></div>
<div class="art-con">
{paragraphs}
</div>
</div>
<div class="footer-links">主办单位：中华人民共和国商务部</div>
</body>
</html>
"""


def body_paragraphs(text: str) -> list[str]:
    """Paragraphs of the captured body, the footer restored in full where the capture cut it."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    cut = next((i for i, p in enumerate(paras) if p.startswith(FOOTER[:12])), len(paras))
    return paras[:cut] + [FOOTER]


def as_html(text: str) -> str:
    """Escape for HTML but keep the raw entities the site itself leaves in its text."""
    return html.escape(text, quote=False).replace("&amp;ensp;", "&ensp;")


def main(out: Path = OUT) -> None:
    index = {row["url"]: row for row in csv.DictReader(INDEX.open(encoding="utf-8"))}
    articles = [json.loads(line) for texts in TEXTS for line in texts.open(encoding="utf-8") if line.strip()]
    captured_at = {}
    rows_by_column: dict[int, list[dict[str, object]]] = {c: [] for c in COLUMNS}
    (out / "article").mkdir(parents=True, exist_ok=True)
    routes = []
    for art in articles:
        path = art["url"].split("mofcom.gov.cn", 1)[1]
        column_id = next(c for c, (prefix, _) in COLUMNS.items() if path.startswith(f"/article/{prefix}/"))
        title = art["title"] if art["title"] != SITE else GLOSS.sub("", index[art["url"]]["title"]).strip()
        assert title and title != SITE, art["url"]
        source = art["original_source_field"] or ""
        article_id = int(path.rsplit("/", 1)[1].removesuffix(".html"))
        rows_by_column[column_id].append({
            "id": article_id, "title": title, "url": path, "publishTimeStr": f"{art['date']} 00:00:00",
            "source": source, "content": "", "columnName": COLUMNS[column_id][1],
        })
        page = PAGE.format(
            site=SITE, title=html.escape(title), source=html.escape(source), date=art["date"],
            paragraphs="\n".join(f"<p>{as_html(p)}</p>" for p in body_paragraphs(art["body_text"])),
        )
        name = path.strip("/").replace("/", "_")
        (out / "article" / name).write_text(page, encoding="utf-8")
        when = art["fetched_by_third_party"].replace(" ", "T") + "Z"
        captured_at[path] = when
        routes.append({
            "base": "MOFCOM_BASE_URL", "method": "GET", "path": path, "params": [], "form": [],
            "file": f"mofcom/article/{name}", "status": 200, "content_type": "text/html; charset=utf-8",
            "captured_at": when, "synthetic": False,
        })
    for column_id, rows in rows_by_column.items():
        rows.sort(key=lambda r: (str(r["publishTimeStr"]), int(str(r["id"]))), reverse=True)
        answer = {"pageInfo": {"pageNumber": 1, "pageSize": 20, "total": len(rows), "maxPageNum": 1, "rows": rows}}
        name = f"list_column{column_id}_page1.json"
        (out / name).write_text(json.dumps(answer, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        routes.append({
            "base": "MOFCOM_BASE_URL", "method": "POST", "path": LIST_PATH, "params": [],
            "form": [["pageNumber", "1"], ["columnID", str(column_id)]], "file": f"mofcom/{name}", "status": 200,
            "content_type": "application/json;charset=UTF-8",
            "captured_at": max(captured_at[str(r["url"])] for r in rows), "synthetic": False,
        })
    (out / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(articles)} articles and {len(rows_by_column)} list pages to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
