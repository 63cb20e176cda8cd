"""Write one section's prose: ask the backend, verify every sentence, re-ask once, then fall back.

Why this loop: the model proposes, the verifier disposes. A sentence reaches the page only if
every number in it is a cited fact's display form, its direction words agree with the cited
change, it names its subject, it is Traditional Chinese and (for policy) it cites a
retrieved document. A failing sentence is re-asked with the errors (bounded), and what still
fails is replaced by a plain sentence rendered from its facts and marked ``fallback``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from agent.llm import LLMBackend, LLMError, SectionRequest, Sentence, SentencePlan
from agent.sidecar import Claim, DocRef, FlagReason
from agent.verify import check_sentence, is_speculative, render_refs, tag_speculative, to_traditional
from agent.verify.numbers import referenced_ids
from agent.verify.policy import check_policy
from tools.facts.model import Fact

from .sentences import facts_sentence

#: Re-asks after the first answer (the tiny local model re-samples; chat models read the errors).
MAX_REVISIONS = 1
MAX_CHARS = 220
_MARKUP = re.compile(r"[<>|#`]|\{%|\{\{|\}\}|^\s*[-*]\s|\[.*\]\(")
_CJK = re.compile(r"[\u4e00-\u9fff]{2}")


@dataclass
class DocEvidence:
    """A retrieved document as a citation: its sidecar ref and the strings it vouches for."""

    ref: DocRef
    vouches: list[str]  # publish/effective dates, notice number, title (never the passage body)
    provisions: list[Any] = field(default_factory=list)  # vectorstore.provisions.Provision of this document


@dataclass
class SectionSpec:
    key: str
    plans: list[SentencePlan]
    facts: dict[str, Fact]
    docs: dict[str, DocEvidence] = field(default_factory=dict)
    policy: bool = False  # every sentence must cite a document; flagged policy_interpretation
    speculative: bool = False  # the whole part is impact analysis: flagged speculative
    max_sentences: int = 6
    model_plans: int | None = None  # at most this many plans go to the model (None: backend's budget)


@dataclass
class SectionResult:
    claims: list[Claim]
    tokens: int = 0
    seconds: float = 0.0
    kept: int = 0
    replaced: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Checked:
    text: str
    sentence: Sentence
    errors: list[str]
    speculative: bool


def _grounded(text: str, docs: list[DocEvidence]) -> bool:
    """A policy sentence must share wording with what it cites (else it is not about that doc)."""
    source = to_traditional(" ".join(d.ref.title + " " + d.ref.passage for d in docs))
    grams = {m.group(0) for m in _CJK.finditer(text)}
    shared = {g for g in grams if g in source}
    return len(shared) >= 2


def gate(sentence: Sentence, spec: SectionSpec) -> _Checked:
    """Verify one proposed sentence against the section's facts and documents."""
    text = to_traditional(sentence.text.strip())
    errors: list[str] = []
    fact_ids = list(dict.fromkeys(sentence.fact_ids + [i for i in referenced_ids(text) if i in spec.facts]))
    unknown = [i for i in fact_ids if i not in spec.facts]
    errors += [f"引用了本節沒有的數據 id「{i}」 (unknown fact id)" for i in unknown]
    facts = [spec.facts[i] for i in fact_ids if i in spec.facts]
    unknown_docs = [d for d in sentence.doc_ids if d not in spec.docs]
    errors += [f"引用了未檢索到的文件「{d}」 (doc not retrieved)" for d in unknown_docs]
    docs = [spec.docs[d] for d in sentence.doc_ids if d in spec.docs]
    if not text:
        errors.append("空白句子 (empty sentence)")
    if len(text) > MAX_CHARS:
        errors.append(f"句子過長（{len(text)} 字） (sentence too long)")
    if _MARKUP.search(render_refs(text, facts)):
        errors.append("句子含有 Markdown/HTML 標記 (markup not allowed in prose)")
    if spec.policy and not docs:
        errors.append("政策句子必須引用檢索到的文件 (policy sentence cites no retrieved document)")
    if spec.policy and docs and not _grounded(text, docs):
        errors.append("句子內容與所引用文件無關 (sentence not grounded in the cited document)")
    vouched = [v for d in docs for v in d.vouches]
    errors += check_sentence(text, facts, vouched)
    if spec.policy and docs:
        # Dates, notices, codes and names must be the cited documents' own provisions.
        errors += check_policy(render_refs(text, facts), [p for d in docs for p in d.provisions], vouched)
    speculative = spec.speculative or sentence.speculative or is_speculative(text)
    final = render_refs(text, facts)
    if speculative:
        final = tag_speculative(final)
    checked = Sentence(text=final, fact_ids=[f.id for f in facts], doc_ids=[d.ref.doc_id for d in docs],
                       speculative=speculative)
    return _Checked(final, checked, list(dict.fromkeys(errors)), speculative)


def _flags(spec: SectionSpec, speculative: bool, origin: str, data_quality: set[str],
           fact_ids: list[str]) -> list[FlagReason]:
    flags: list[FlagReason] = []
    if speculative:
        flags.append("speculative")
    if spec.policy or spec.speculative:
        flags.append("policy_interpretation")
    if origin == "fallback":
        flags.append("fallback")
    if data_quality.intersection(fact_ids):
        flags.append("data_quality")
    return flags


def _claim(spec: SectionSpec, text: str, fact_ids: list[str], doc_ids: list[str], speculative: bool,
           origin: str, attempts: int, errors: list[str], data_quality: set[str]) -> Claim:
    return Claim(id="", section=spec.key, text=text, fact_ids=fact_ids, doc_ids=doc_ids, speculative=speculative,
                 flags=_flags(spec, speculative, origin, data_quality, fact_ids), origin=origin,  # type: ignore[arg-type]
                 attempts=attempts, errors=errors)


def _plan_ids(plan: SentencePlan) -> set[str]:
    return {f.id for f in plan.facts} | set(plan.doc_ids)


def _fallback_for(sentence: Sentence, spec: SectionSpec, used: set[str]) -> tuple[str, list[str], list[str]] | None:
    """The plain sentence replacing a failed one: its plan's rendering, else its facts listed."""
    cited = {i for i in sentence.fact_ids if i in spec.facts} | {d for d in sentence.doc_ids if d in spec.docs}
    for plan in spec.plans:
        if plan.fallback and plan.key not in used and cited and cited & _plan_ids(plan):
            used.add(plan.key)
            return plan.fallback, [f.id for f in plan.facts], list(plan.doc_ids)
    facts = [spec.facts[i] for i in sentence.fact_ids if i in spec.facts]
    if facts and not spec.policy:
        return facts_sentence(facts), [f.id for f in facts], []
    return None


def template_section(spec: SectionSpec, data_quality: set[str], origin: str = "template",
                     errors: list[str] | None = None) -> list[Claim]:
    """Every plan as its plain sentence (template backend, or a section whose model call failed)."""
    return [_claim(spec, plan.fallback, [f.id for f in plan.facts], list(plan.doc_ids), spec.speculative,
                   origin, 0, list(errors or []), data_quality) for plan in spec.plans if plan.fallback]


def write_section(spec: SectionSpec, request: SectionRequest, backend: LLMBackend,
                  data_quality: set[str]) -> SectionResult:
    """Claims for one section from ``backend``, every one verified or replaced."""
    if not backend.capabilities.writes_prose or not spec.plans:
        return SectionResult(claims=template_section(spec, data_quality))
    budget = spec.model_plans if spec.model_plans is not None else backend.plan_budget
    if budget == 0:
        return SectionResult(claims=template_section(spec, data_quality))
    if budget is not None and len(spec.plans) > budget:
        lead = replace(spec, plans=spec.plans[:budget], model_plans=None)
        rest = replace(spec, plans=spec.plans[budget:], model_plans=None)
        result = write_section(lead, replace(request, plans=lead.plans), backend, data_quality)
        result.claims += template_section(rest, data_quality)
        return result
    started = time.perf_counter()
    tokens = 0
    try:
        generation = backend.write(request)
    except LLMError as exc:
        claims = template_section(spec, data_quality, origin="fallback", errors=[str(exc)])
        return SectionResult(claims=claims, seconds=time.perf_counter() - started, replaced=len(claims),
                             errors=[str(exc)])
    tokens += generation.tokens
    proposed = generation.output.sentences[: spec.max_sentences]
    if not proposed:
        claims = template_section(spec, data_quality, origin="fallback", errors=["model returned no sentences"])
        return SectionResult(claims=claims, tokens=tokens, seconds=time.perf_counter() - started,
                             replaced=len(claims))
    accepted: list[tuple[_Checked, int, list[str]]] = []
    pending: list[tuple[Sentence, list[str]]] = []
    for sentence in proposed:
        checked = gate(sentence, spec)
        if checked.errors:
            pending.append((sentence, checked.errors))
        else:
            accepted.append((checked, 1, []))
    section_errors: list[str] = []
    attempt = 1
    while pending and attempt <= MAX_REVISIONS:
        attempt += 1
        try:
            revision = backend.revise(request, pending)
        except LLMError as exc:
            section_errors.append(str(exc))
            break
        tokens += revision.tokens
        still: list[tuple[Sentence, list[str]]] = []
        revised = revision.output.sentences
        for index, (old, old_errors) in enumerate(pending):
            new = revised[index] if index < len(revised) else None
            revised_check = gate(new, spec) if new is not None else None
            if revised_check is not None and not revised_check.errors:
                accepted.append((revised_check, attempt, old_errors))
            else:
                still.append((old, old_errors + (revised_check.errors if revised_check else ["no revision returned"])))
        pending = still
    claims = [_claim(spec, c.text, c.sentence.fact_ids, c.sentence.doc_ids, c.speculative, "model", tries, errs,
                     data_quality) for c, tries, errs in accepted]
    kept = len(claims)
    used: set[str] = {p.key for p in spec.plans if any(_plan_ids(p) & set(c.fact_ids + c.doc_ids) for c in claims)}
    replaced = 0
    for sentence, errs in pending:
        fallback = _fallback_for(sentence, spec, used)
        replaced += 1
        if fallback is None:
            continue
        text, fact_ids, doc_ids = fallback
        speculative = spec.speculative
        claims.append(_claim(spec, tag_speculative(text) if speculative else text, fact_ids, doc_ids, speculative,
                             "fallback", attempt, errs, data_quality))
    return SectionResult(claims=claims, tokens=tokens, seconds=time.perf_counter() - started, kept=kept,
                         replaced=replaced, errors=section_errors)
