"""Line parsing and the clause tree: the deterministic segmenter proper (server/corpus/segment.py runs it).

Same source bytes -> same clauses -> same IRIs on every run. A document is read
line by line: an optional 通知 (notice) wrapping it, the title of the attached
text, then numbered units (第X章 / 一、 > 第X条 > （一） > 1. > (1), ranked in that
order) and unnumbered paragraphs. A label only starts a clause where a new
paragraph may start (after 。；： or a heading line, on a markdown heading or
bullet line), or where it is the next number of an open run; any other line
continues the sentence before it. Paragraphs of a clause that has numbered
children become paragraph clauses p1, p2…; a leaf clause keeps its whole body.
Source anomalies (a skipped or repeated number) are found by server/corpus/clause_rdf.py.

Text (prov:value): lines stripped of markdown and joined, whitespace runs collapsed
to one space, spaces between two CJK characters/punctuation removed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policykg.corpus.manifest import DocEntry, as_entry

CJK = "\u00b7\u2010-\u2027\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")
_ZH = "零一二三四五六七八九"
_NUM = "一二三四五六七八九十百零〇"
# style -> (rank, clauseLevel, pattern); the pattern's group 1 is the printed number.
STYLES: dict[str, tuple[int, str, re.Pattern[str]]] = {
    "chapter": (0, "chapter", re.compile(rf"^第([{_NUM}]+)章(?=\s|【|$)")),
    "section": (1, "chapter", re.compile(rf"^([{_NUM}]+)、")),
    "article": (2, "article", re.compile(rf"^第([{_NUM}]+)条(?=\s|【|$)")),
    "item": (3, "item", re.compile(rf"^[（(]\s*([{_NUM}]+)\s*[)）]")),
    "point": (4, "point", re.compile(r"^(\d{1,2})\s*[.．、](?!\d)")),
    "subpoint": (5, "point", re.compile(r"^[（(](\d{1,2})[)）]")),
}
DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]+〔\d{4}〕\s*\d+\s*号$")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
TITLE_END = re.compile(r"(方案|办法|导则|措施|细则|规定|意见|通知|[（(]试行[)）])$")
TITLE_MORE = re.compile(r"^[（(][^（()）]{1,15}[)）]$")
ATTACHED_TO = re.compile(r"^附件\s*\d*\s*[:：]$")
# Paragraphs that close a whole document (validity, attachments): kept at document level.
TAIL = re.compile(r"^(附件\s*\d*\s*[:：]|[（(]注\s*[:：]|本(措施|政策|方案|办法|细则|导则|规定)(自|执行期|有效期|在))")
TERMINAL = "。；;！？：:"
HEADING_NOT = re.compile(r"可以|应当|不得|须|应|的")


def clean(line: str) -> str:
    """One source line without markdown markup (leading #s, a leading bullet, **)."""
    s = line.replace("**", "").strip()
    s = re.sub(r"^#+\s*", "", s)
    return re.sub(r"^[-*]\s+", "", s).strip()


def join_text(lines: list[str]) -> str:
    """Lines stripped and joined, whitespace collapsed, spaces between CJK characters removed."""
    text = re.sub(r"\s+", " ", " ".join(c for c in map(clean, lines) if c)).strip()
    return _CJK_GAP.sub("", text)


def normalise_for_match(text: str) -> str:
    """All whitespace and markdown markup removed: for proving a clause text is in its source."""
    return "".join(re.sub(r"\s+", "", clean(line)) for line in text.splitlines())


def cn2int(s: str) -> int:
    total, cur = 0, 0
    for ch in s:
        if ch in "十百":
            total += (cur or 1) * (10 if ch == "十" else 100)
            cur = 0
        else:
            cur = {"〇": 0, "零": 0}.get(ch, _ZH.find(ch))
    return total + cur


def int2cn(n: int) -> str:
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _ZH[tens] + "十"
    return head + (_ZH[ones] if ones or not head else "")


@dataclass(frozen=True)
class Label:
    style: str
    number: int
    printed: str  # the label exactly as printed, e.g. 第十四条, （二）, (二), 1., 一、

    @property
    def rank(self) -> int:
        return STYLES[self.style][0]


def match_label(text: str) -> Label | None:
    for style, (_, _, pat) in STYLES.items():
        m = pat.match(text)
        if m:
            num = int(m.group(1)) if m.group(1).isdigit() else cn2int(m.group(1))
            return Label(style, num, re.sub(r"\s+", "", m.group(0)))
    return None


@dataclass(frozen=True)
class Clause:
    """One subdivision of a document, as printed."""

    iri: str
    parent: str
    label: str | None
    heading: str | None
    level: str  # chapter | article | item | point | paragraph | notice
    position: int
    text: str
    source_line: int
    source_end_line: int
    source_file: str = ""
    style: str | None = None  # label style (chapter, section, article, item, point, subpoint)
    number: int | None = None


@dataclass(eq=False)
class _Node:
    start: int
    end: int
    label: Label | None = None
    level: str = "paragraph"
    heading_only: bool = False
    children: list[_Node] = field(default_factory=list)

    def walk(self) -> list[_Node]:
        return [self] + [d for c in self.children for d in c.walk()]


def _closed(s: str) -> bool:
    return s.rstrip("”’").endswith(tuple(TERMINAL))


def _heading_only(label: Label, s: str, raw: str, next_line: str) -> bool:
    """A label line printing only a short title, its body (if any) on the following lines."""
    rest = s[len(label.printed):].strip() if s.startswith(label.printed) else s
    if not rest or any(p in rest for p in "，,。；;：:！？、《》()（）"):
        return False
    return len(rest) <= 12 or raw.lstrip().startswith("#") or match_label(clean(next_line)) is not None


def _front_matter(lines: list[str]) -> tuple[tuple[int, int] | None, int]:
    """The notice's line range (if the text is printed as a 通知) and the first body line."""
    nonempty = [i for i, raw in enumerate(lines, 1) if clean(raw)]
    k = 1 if ATTACHED_TO.match(clean(lines[nonempty[0] - 1])) else 0
    notice = None
    numbered = [i for i in nonempty[:14] if DOC_NUMBER.match(clean(lines[i - 1]))]
    if numbered:
        end = next((i for i in nonempty if i > numbered[0] and DATE_LINE.match(clean(lines[i - 1]))), 0)
        if not end:
            raise ValueError(f"notice with number on line {numbered[0]} has no date line")
        notice = (nonempty[k], end)
        k = nonempty.index(end) + 1
    for j in range(k, min(k + 4, len(nonempty))):  # the title of the (attached) text
        if TITLE_END.search(clean(lines[nonempty[j] - 1])):
            while j + 1 < len(nonempty) and TITLE_MORE.match(clean(lines[nonempty[j + 1] - 1])):
                j += 1
            return notice, nonempty[j] + 1
    raise ValueError(f"no title found after line {nonempty[k]}")


def _parse(lines: list[str]) -> _Node:
    notice, body = _front_matter(lines)
    root = _Node(0, 0)
    stack: list[_Node] = [root]
    cur: _Node = root
    closed = True

    def pop(rank: int) -> None:
        while len(stack) > 1 and stack[-1].label and stack[-1].label.rank >= rank:
            x = stack.pop()
            parent = stack[-1]
            # After the last 项 of a 条, a new paragraph is a new 款 of the article.
            moves = [c for c in x.children if c.label is None]
            if rank < x.label.rank and parent.level == "article" and not x.heading_only and \
                    len(moves) == len(x.children):
                x.children = []
                parent.children.extend(moves)

    nonempty = [i for i in range(body, len(lines) + 1) if clean(lines[i - 1])]
    for k, i in enumerate(nonempty):
        raw = lines[i - 1]
        s = clean(raw)
        lab = match_label(s)
        strong = closed or raw.lstrip().startswith(("#", "- ", "**"))
        expected = lab is not None and any(
            n.label and n.label.style == lab.style and n.label.number + 1 == lab.number for n in stack)
        if lab and (strong or expected):
            pop(lab.rank)
            following = lines[nonempty[k + 1] - 1] if k + 1 < len(nonempty) else ""
            cur = _Node(i, i, lab, STYLES[lab.style][1], _heading_only(lab, s, raw, following))
            stack[-1].children.append(cur)
            stack.append(cur)
            closed = cur.heading_only or _closed(s)
            continue
        if closed or TAIL.match(s):
            cur = _Node(i, i)
            stack[-1].children.append(cur)
        else:
            cur.end = i
        closed = _closed(s)
    pop(-1)
    # Closing paragraphs of the whole document (validity, attachments) belong to it.
    order = root.walk()
    tail: list[_Node] = []
    while order and order[-1].label is None and TAIL.match(clean(lines[order[-1].start - 1])):
        tail.insert(0, order.pop())
    for node in order:
        node.children = [c for c in node.children if c not in tail]
    root.children.extend(tail)
    if notice:
        root.children.insert(0, _Node(notice[0], notice[1], level="notice"))
    _finish(root, root)
    return root


def _finish(node: _Node, root: _Node) -> int:
    """Merge paragraphs into leaves (a clause without numbered children keeps its body); set ends."""
    if node is not root and not any(c.label for c in node.children):
        node.end = max([node.end] + [c.end for c in node.children])
        node.children = []
    for c in node.children:
        node.end = max(node.end, _finish(c, root))
    return node.end


def _heading(node: _Node, lines: list[str], text: str) -> str | None:
    """The printed title of a clause: a title line, a 【】 heading, or a short first sentence."""
    if node.label is None:
        return None
    rest = text[len(node.label.printed):].lstrip()
    if node.heading_only:
        return join_text([clean(lines[node.start - 1])])[len(node.label.printed):].strip().rstrip("。")
    if rest.startswith("【") and "】" in rest:
        return rest[: rest.index("】") + 1]
    m = re.match(r"([^。，,；;：:！？]{1,16})。", rest)
    if m and rest[m.end():].strip() and not HEADING_NOT.search(m.group(1)):
        return m.group(1)
    return None


def segment_document(entry: DocEntry | Mapping[str, Any]) -> list[Clause]:
    """The clauses of one manifest entry, in document order."""
    e = as_entry(entry)
    lines = e.source_path.read_text(encoding="utf-8").split("\n")
    out: list[Clause] = []

    def emit(node: _Node, parent_iri: str) -> None:
        seen: dict[str, int] = {}
        paras = 0
        for pos, c in enumerate(node.children, 1):
            if c.level == "notice":
                base = "notice"
            elif c.label is None:
                paras += 1
                base = f"p{paras}"
            else:
                base = str(c.label.number)
            seen[base] = seen.get(base, 0) + 1
            iri = f"{parent_iri}/{base}" + (f"-{seen[base]}" if seen[base] > 1 else "")
            text = join_text(lines[c.start - 1: c.end])
            out.append(Clause(
                iri=iri, parent=parent_iri, label=c.label.printed if c.label else None,
                heading=_heading(c, lines, text), level=c.level, position=pos, text=text,
                source_line=c.start, source_end_line=c.end, source_file=e.source,
                style=c.label.style if c.label else None, number=c.label.number if c.label else None))
            emit(c, iri)

    emit(_parse(lines), e.doc_iri)
    return out
