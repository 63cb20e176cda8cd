"""The draft's JSON sidecar: every claim on the page with what it cites and how it was made.

Why it exists: the reviewer, the publish step and the tests must be able to trace every
number and every policy statement in the Markdown back to fact ids / doc ids without
re-parsing prose. Flagged claims are wrapped in the Markdown as
``<!--claim:ID-->text<!--/claim:ID-->`` so publish can keep, replace or remove them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field

from tools.facts.model import Fact, QualityFlag

FlagReason = Literal["speculative", "policy_interpretation", "fallback", "data_quality"]


class DocRef(BaseModel):
    doc_id: str
    title: str = Field(description="zh-Hant display title")
    date: str = Field(description="publish date YYYY-MM-DD")
    url: str
    passage: str = Field(default="", description="the retrieved passage shown to the model (original text)")


class Quote(BaseModel):
    """A provision's sentence as the document states it, for the reviewer to read beside the claim."""

    provision_id: str
    doc_id: str
    kind: str = ""
    value: str = ""
    text: str = Field(description="the quoted sentence, exactly as stored (original script)")
    start: int | None = Field(default=None, description="offset of the quote in the stored document text")
    end: int | None = None


class Claim(BaseModel):
    id: str = Field(description="stable: section key + short hash of the claim's source facts/text")
    section: str = Field(description="summary | exports | imports | policy | concentration | watchlist | ...")
    text: str = Field(description="final text as it appears in the Markdown (fact refs already rendered)")
    fact_ids: list[str] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list)
    speculative: bool = False
    flags: list[FlagReason] = Field(default_factory=list)
    origin: Literal["model", "template", "fallback"] = "template"
    attempts: int = 0
    errors: list[str] = Field(default_factory=list, description="verifier errors seen before acceptance/fallback")
    provision_ids: list[str] = Field(default_factory=list, description="policy provisions the claim restates")
    quotes: list[Quote] = Field(default_factory=list, description="the quoted spans of those provisions")

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


class ChartRef(BaseModel):
    """A chart drawn from facts: the page shows ``file`` (relative to the page's URL) with alt and caption."""

    id: str
    kind: str = Field(description="balance_monthly | hhi | hs_contribution")
    file: str = Field(description="path relative to the page, e.g. charts/balance-monthly.svg")
    title: str
    alt: str
    caption: str = Field(description="what, period and basis, source")
    fact_ids: list[str] = Field(default_factory=list, description="every fact the chart draws")
    labels: list[str] = Field(default_factory=list, description="text drawn on the chart (traced like prose)")


class Sidecar(BaseModel):
    #: Sidecars written before report ids existed carry only ``week``: they are weekly briefings.
    report: str = "trade-briefing"
    period: str = Field(validation_alias=AliasChoices("period", "week"), description="e.g. 2026-W07, 2026-01")
    report_path: str
    generated_at: datetime
    backend: str
    model: str = ""
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict, description="step -> seconds")
    tokens: dict[str, int] = Field(default_factory=dict, description="section -> completion tokens")
    claims: list[Claim] = Field(default_factory=list)
    facts: dict[str, Fact] = Field(default_factory=dict, description="every fact the page shows, tables included")
    docs: dict[str, DocRef] = Field(default_factory=dict)
    quality_flags: list[QualityFlag] = Field(default_factory=list)
    vouched: list[str] = Field(default_factory=list, description=(
        "other strings the page-wide number trace accepts (document notice numbers and effective dates, "
        "source labels, report week and fetch dates), kept so publish can re-trace the page"))
    charts: list[ChartRef] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """The report key review and publish use: ``trade-briefing/2026-W07``."""
        return f"{self.report}/{self.period}"

    def flagged_claims(self) -> list[Claim]:
        return [c for c in self.claims if c.flagged]
