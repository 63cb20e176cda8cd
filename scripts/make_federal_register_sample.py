"""Rewrite the captured BIS document list as ``documents.json`` answer pages of the Federal Register API.

Why: ``agent fetch --from-sample`` must run the real client (search, paging through
``next_page_url``, validation) over the bundled documents. ``source/`` holds the API's own
metadata for the 165 documents the Bureau of Industry and Security published 2025-01..2026-08
(a CSV flattening of the API answer). They become the answer to one search —
``conditions[publication_date][gte]=2025-01-01``, oldest first, 100 per page — in two pages.

Kept as captured: document number, title, type, abstract (empty → ``null``, as the API does),
publication date, FR citation, html URL, docket number, agency names. Not captured, so left
out of the answers rather than made up: ``effective_on`` (the client then knows no effective
date), agency ids/raw names. Each page's capture time is the latest capture time of its documents.

Run: python scripts/make_federal_register_sample.py  (deterministic; rewrites data/sample/federal_register/)
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "federal_register"
SOURCE = OUT / "source" / "federal_register_bis_documents_2025_2026.csv"
SITE = "https://www.federalregister.gov"
PATH = "/api/v1/documents.json"
SINCE = "2025-01-01"  # tools.sources.sample.SAMPLE_FR_SINCE
PER_PAGE = 100
#: The client's field list, in its order (tools.sources.federal_register.FIELDS).
FIELDS = ("abstract", "agencies", "citation", "docket_ids", "document_number", "effective_on",
          "html_url", "publication_date", "title", "type")


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def params(page: int) -> list[tuple[str, str]]:
    out = [("conditions[agencies][]", "industry-and-security-bureau"), ("conditions[publication_date][gte]", SINCE)]
    out += [("fields[]", f) for f in FIELDS]
    out += [("order", "oldest"), ("per_page", str(PER_PAGE))]
    return out + ([("page", str(page))] if page > 1 else [])


def as_result(row: dict[str, str]) -> dict[str, object]:
    agencies = [a.strip() for a in row["source_agency"].split(";") if a.strip()]
    return {
        "abstract": row["abstract"].strip() or None,
        "agencies": [{"name": a, "slug": slug(a)} for a in agencies],
        "citation": row["fr_citation"] or None,
        "docket_ids": [row["case_number"]] if row["case_number"] else [],
        "document_number": row["document_id"],
        "html_url": row["source_url"],
        "publication_date": row["publication_date"],
        "title": row["title"],
        "type": row["document_type"],
    }


def stamp(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(out: Path = OUT) -> None:
    rows = list(csv.DictReader(SOURCE.open(encoding="utf-8")))
    rows.sort(key=lambda r: (r["publication_date"], r["document_id"]))
    pages = [rows[i:i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]
    routes = []
    for n, chunk in enumerate(pages, start=1):
        answer: dict[str, object] = {
            "count": len(rows),
            "description": "Documents from Industry and Security Bureau published on or after 01/01/2025",
            "total_pages": len(pages),
        }
        if n < len(pages):
            answer["next_page_url"] = f"{SITE}{PATH}?{urlencode(params(n + 1))}"
        answer["results"] = [as_result(r) for r in chunk]
        name = f"documents_bis_since_{SINCE}_page{n}.json"
        (out / name).write_text(json.dumps(answer, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        routes.append({
            "base": "FEDERAL_REGISTER_BASE_URL", "method": "GET", "path": PATH,
            "params": [list(p) for p in params(n)], "form": [], "file": f"federal_register/{name}",
            "status": 200, "content_type": "application/json; charset=utf-8",
            "captured_at": max(stamp(r["fetched_at"]) for r in chunk), "synthetic": False,
        })
    (out / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} documents in {len(pages)} pages to {out}")


if __name__ == "__main__":
    main()
