"""Claim markers in the draft Markdown: find them, resolve them, and tidy what removal leaves.

Why pure text functions: publishing is "keep, replace or remove each flagged span, then make
the page read as if the removed text had never been there". Doing that on the Markdown lines
(not on rendered HTML) keeps the published file a normal Jekyll page, and keeping the
functions pure lets the tests pin each rule (no dangling heading, bullet or empty
key-takeaway block) without a database.
"""

from __future__ import annotations

import re

CLAIM_RE = re.compile(r"<!--claim:(?P<id>[^\s>]+?)-->(?P<text>.*?)<!--/claim:(?P=id)-->", re.DOTALL)
ANY_MARKER_RE = re.compile(r"<!--/?claim:[^\s>]*?-->")
FRONT_MATTER_RE = re.compile(r"\A---\n(?P<fm>.*?\n)---\n", re.DOTALL)

#: Marks where text was removed so the tidy pass only touches affected lines (private-use char).
_CUT = "\ue0ff"
_HEADING_RE = re.compile(r"^(#{1,6})\s")
_LIST_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])(?:\s+|$)")
_IAL_RE = re.compile(r"^\s*\{:.*\}\s*$")
_HR_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_TAKEAWAY_OPEN_RE = re.compile(r'^\s*<div class="key-takeaway"[^>]*>\s*$')
_DIV_CLOSE_RE = re.compile(r"^\s*</div>\s*$")
_TRAILING_SEP_RE = re.compile(r"[\s—–\-:：、，,；;]+$")
_BOLD_LABEL_RE = re.compile(r"^(?:\*\*[^*]*\*\*|__[^_]*__|\*[^*]*\*)$")
_LEFTOVER_RE = re.compile(r"^[\s。．.，,、；;：:—–\-（）()\[\]「」*_>]*$")
_TITLE_LINE_RE = re.compile(r"^\s*\*\*[^*]+\*\*\s*$")  # a paragraph's bold title on its own line
_SOURCE_LINE_RE = re.compile(r"^\s*\*[^*\s][^*]*\*\s*$")  # an italic 來源/依據 line under a paragraph
_QUOTE_RE = re.compile(r"^\s*>")


def claim_spans(markdown: str) -> dict[str, str]:
    """Claim id → the text between its markers, in page order."""
    return {m.group("id"): m.group("text") for m in CLAIM_RE.finditer(markdown)}


def strip_markers(markdown: str) -> str:
    """The page as a reader sees it: every marker gone, every claim text kept."""
    return ANY_MARKER_RE.sub("", CLAIM_RE.sub(lambda m: m.group("text"), markdown))


def split_front_matter(markdown: str) -> tuple[str, str]:
    """(front matter YAML without the ``---`` fences, body); ("", markdown) when there is none."""
    match = FRONT_MATTER_RE.match(markdown)
    if not match:
        return "", markdown
    return match.group("fm"), markdown[match.end():]


def resolve_claims(markdown: str, replacements: dict[str, str | None]) -> str:
    """Apply decisions: ``None`` removes the claim, a string replaces it, absent ids keep their text.

    Markers never survive. After removals the page is tidied so no heading, bullet,
    blockquote line or key-takeaway block is left empty.
    """
    front, body = split_front_matter(markdown)

    def substitute(match: re.Match[str]) -> str:
        claim_id = match.group("id")
        if claim_id not in replacements:
            return match.group("text")
        new = replacements[claim_id]
        return _CUT if new is None else new

    body = ANY_MARKER_RE.sub("", CLAIM_RE.sub(substitute, body))
    if _CUT in body:
        body = tidy(body)
    return (f"---\n{front}---\n" if front else "") + body


def _content_left(line: str) -> bool:
    """Does a line that lost text still say something (more than a list marker or a bare label)?"""
    text = line.replace(_CUT, "")
    text = re.sub(r"^\s*(?:>\s*)+", "", text)
    text = _LIST_RE.sub("", text, count=1)
    text = _TRAILING_SEP_RE.sub("", text).strip()
    return not (_LEFTOVER_RE.match(text) or _BOLD_LABEL_RE.match(text))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _tidy_line(line: str) -> str:
    parts = line.split(_CUT)
    joined = parts[0]
    for part in parts[1:]:
        if joined.endswith(" ") and part.startswith(" "):
            part = part.lstrip(" ")
        joined += part
    return joined.rstrip()


def tidy(body: str) -> str:
    """Remove what a removal left empty. Only lines carrying the cut mark (and the blocks and
    sections around them) are considered, so untouched parts of the page stay byte-identical."""
    lines: list[str | None] = list(body.split("\n"))
    touched = [False] * len(lines)

    # 1. lines that lost text: drop them if nothing is left (with a list item's continuation lines)
    for i, line in enumerate(lines):
        if line is None or _CUT not in line:
            continue
        touched[i] = True
        if _content_left(line):
            lines[i] = _tidy_line(line)
            continue
        lines[i] = None
        list_match = _LIST_RE.match(line.replace(_CUT, ""))
        if list_match:
            _drop_continuation(lines, touched, i, len(list_match.group("indent")))
        elif not _QUOTE_RE.match(line):
            _drop_title_and_source(lines, touched, i, i)

    # 2. key-takeaway blocks left with nothing inside
    for i, line in enumerate(lines):
        if line is None or not _TAKEAWAY_OPEN_RE.match(line):
            continue
        j = i + 1
        while j < len(lines) and (lines[j] is None or not _DIV_CLOSE_RE.match(lines[j] or "")):
            j += 1
        inner = [x for x in lines[i + 1:j] if x is not None and x.strip()]
        if j < len(lines) and not inner and any(touched[i:j + 1]):
            for k in range(i, j + 1):
                lines[k] = None
                touched[k] = True
            _drop_title_and_source(lines, touched, i, j)

    # 3. headings whose section became empty, deepest first so parents see their children go
    for level in range(6, 0, -1):
        for i, line in enumerate(lines):
            match = _HEADING_RE.match(line or "")
            if not match or len(match.group(1)) != level:
                continue
            end = _section_end(lines, i, level)
            section = range(i + 1, end)
            has_content = any(
                (x := lines[k]) is not None and x.strip() and not _IAL_RE.match(x) and not _HR_RE.match(x)
                and not _QUOTE_RE.match(x)  # a note about removed text is not content on its own
                for k in section
            )
            if not has_content and any(touched[k] for k in section):
                lines[i] = None
                touched[i] = True
                for k in section:
                    if lines[k] is not None and (_IAL_RE.match(lines[k] or "") or _QUOTE_RE.match(lines[k] or "")):
                        lines[k] = None

    kept = [x for x in lines if x is not None]
    return _collapse_rules_and_blanks(kept)


def _drop_continuation(lines: list[str | None], touched: list[bool], i: int, indent: int) -> None:
    j = i + 1
    while j < len(lines):
        line = lines[j]
        if line is None:
            j += 1
            continue
        if not line.strip():
            nxt = next((x for x in lines[j + 1:] if x is not None and x.strip()), None)
            if nxt is None or _indent(nxt) <= indent:
                return
        elif _indent(line) <= indent:
            return
        lines[j] = None
        touched[j] = True
        j += 1


def _neighbour(lines: list[str | None], i: int, step: int) -> int | None:
    """Index of the nearest non-blank line before (step=-1) or after (step=1) ``i``."""
    k = i + step
    while 0 <= k < len(lines):
        line = lines[k]
        if line is not None and line.strip():
            return k
        k += step
    return None


def _drop_title_and_source(lines: list[str | None], touched: list[bool], start: int, end: int) -> None:
    """A removed paragraph takes its bold title line above and its italic source line below with it."""
    before = _neighbour(lines, start, -1)
    if before is not None and before < start - 1 and _TITLE_LINE_RE.match(lines[before] or ""):
        lines[before], touched[before] = None, True
    after = _neighbour(lines, end, 1)
    if after is not None and after > end + 1 and _SOURCE_LINE_RE.match(lines[after] or ""):
        lines[after], touched[after] = None, True


def _section_end(lines: list[str | None], i: int, level: int) -> int:
    for k in range(i + 1, len(lines)):
        match = _HEADING_RE.match(lines[k] or "")
        if match and len(match.group(1)) <= level:
            return k
    return len(lines)


def _collapse_rules_and_blanks(lines: list[str]) -> str:
    """Two horizontal rules with nothing between become one; runs of blank lines become one."""
    out: list[str] = []
    for line in lines:
        if not line.strip() and out and not out[-1].strip():
            continue
        if _HR_RE.match(line):
            previous = next((x for x in reversed(out) if x.strip()), None)
            if previous is not None and _HR_RE.match(previous):
                continue
        out.append(line)
    return "\n".join(out)
