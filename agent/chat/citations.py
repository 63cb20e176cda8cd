"""The short citation block under an answer: each query URL once, fact ids compact.

Why: a share of five partners' deficits cites eleven facts, and every one of them came from
the same two Census queries; printing each URL beside each fact buried the answer under
the same links ten times. Here each distinct query gets one numbered line and each fact
one short line naming the numbers of its queries. ``--json`` still carries every fact
with all its sources.
"""

from __future__ import annotations

from agent.chat.models import Answer


def source_lines(ans: Answer) -> list[str]:
    """Lines of the citation block (no heading): ``[fact] id [1,2]``, ``[1] dataset URL``, ``[doc] …``."""
    numbers: dict[tuple[str, str], int] = {}
    queries: list[str] = []
    facts: list[str] = []
    for fid in ans.fact_ids:
        fact = ans.facts.get(fid)
        refs: list[int] = []
        for s in fact.sources if fact is not None else []:
            key = (s.url, s.dataset)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                flow = f" ({s.flow})" if s.flow else ""
                queries.append(f"  [{numbers[key]}] {s.dataset}{flow}{' (synthetic)' if s.synthetic else ''} {s.url}")
            if numbers[key] not in refs:
                refs.append(numbers[key])
        facts.append(f"  [fact] {fid}" + (f" [{','.join(str(n) for n in refs)}]" if refs else ""))
    docs = [f"  [doc] {d.title} ({d.date}) {d.url}" for d in ans.docs]
    return facts + queries + docs
