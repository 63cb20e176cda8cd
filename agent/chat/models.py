"""What a chat answer is, independent of the surface (CLI, REPL, a future web panel)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.facts.model import Fact


class DocCite(BaseModel):
    """A retrieved policy document the answer relies on."""

    doc_id: str
    title: str
    url: str
    date: str = Field(description="publish date YYYY-MM-DD")
    effective: list[str] = Field(default_factory=list, description="effective dates YYYY-MM-DD, when stated")
    quotes: list[str] = Field(default_factory=list, description="document sentences quoted (provisions)")
    provision_ids: list[str] = Field(default_factory=list, description="provisions the answer restates")
    vouched: list[str] = Field(default_factory=list, description="provision values the answer may state")


class Answer(BaseModel):
    """One answer. ``text`` only holds numbers that are display forms of ``facts`` (verified)."""

    question: str
    text: str
    fact_ids: list[str] = Field(default_factory=list)
    docs: list[DocCite] = Field(default_factory=list)
    refused: bool = False
    available: str = Field(default="", description="what the data does hold (shown with refusals)")
    route: Literal["router", "agent"] = "router"
    week: str = ""
    facts: dict[str, Fact] = Field(default_factory=dict, description="the cited facts, for /sources")
    problems: list[str] = Field(default_factory=list, description="verifier messages for dropped text")
