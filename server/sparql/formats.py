"""SPARQL result formats, content negotiation, and evaluation with a row cap.

Results are serialised by the engine (pyoxigraph), never by hand. The row cap works
on the engine's own TSV (one line per solution; newlines in literals are escaped) or
N-Triples (one line per triple): serialisation stops at cap + 1 lines, the answer keeps
the first `cap` (Answer.truncated, cut_by "rows"), and the capped bytes are parsed back
by the engine and written in the format asked for. The byte cap (`max_bytes`) cuts the
answer too: serialisation stops at the last whole row within the cap (fewer rows again if
the format asked for is larger than TSV; cut_by "bytes"); a row that alone passes the cap
leaves no row. A cut answer says so (the API's `X-Result-Truncated: true`), and inside
the results where the format has a place for it (server/sparql/truncation.py).

This module is imported by the query worker processes: it needs nothing but
pyoxigraph and the error classes (no rdflib, no web framework).
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from policykg.errors import NotAcceptable
from policykg.sparql.guard import bind_with_values
from policykg.sparql.truncation import mark_graph, mark_results

QRF, RDF = ox.QueryResultsFormat, ox.RdfFormat


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str  # what the response says
    accepts: tuple[str, ...]  # media types that select it
    engine: Any  # QueryResultsFormat or RdfFormat


RESULT_FORMATS = {f.key: f for f in (
    Format("json", "application/sparql-results+json", ("application/sparql-results+json", "application/json"), QRF.JSON),
    Format("xml", "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml"), QRF.XML),
    Format("csv", "text/csv; charset=utf-8", ("text/csv",), QRF.CSV),
    Format("tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), QRF.TSV),
)}
GRAPH_FORMATS = {f.key: f for f in (
    Format("turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), RDF.TURTLE),
    Format("ntriples", "application/n-triples", ("application/n-triples", "text/plain"), RDF.N_TRIPLES),
    Format("jsonld", "application/ld+json", ("application/ld+json", "application/json"), RDF.JSON_LD),
    Format("rdfxml", "application/rdf+xml", ("application/rdf+xml", "application/xml", "text/xml"), RDF.RDF_XML),
)}
# `format=` values a browser may use, by query kind.
FORMAT_ALIASES = {
    "results": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
              "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml",
              "xml": "rdfxml"},
}


def kind_of(form: str) -> str:
    return "graph" if form in ("CONSTRUCT", "DESCRIBE") else "results"


def formats_for(form: str) -> dict[str, Format]:
    return GRAPH_FORMATS if kind_of(form) == "graph" else RESULT_FORMATS


def _accept_items(accept: str) -> list[tuple[float, int, int, str]]:
    """(q, specificity, order, media range) of an Accept header; malformed parts are skipped."""
    out = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not re.fullmatch(r"[\w.+*-]+/[\w.+*-]+", media):
            continue
        q = 1.0
        for f in fields[1:]:
            k, _, v = f.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        spec = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((q, spec, order, media))
    return out


def negotiate(form: str, accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer in: `format=` first (browsers), then Accept with q-values; 406 if none fits."""
    table = formats_for(form)
    if format_param:
        key = FORMAT_ALIASES[kind_of(form)].get(format_param.strip().lower())
        if key is None:
            raise NotAcceptable(f"format {format_param!r} is not available for a {form} query",
                                {"available": sorted(FORMAT_ALIASES[kind_of(form)])})
        return table[key]
    if not accept or not accept.strip():
        return next(iter(table.values()))
    items = _accept_items(accept)

    def q_for(media: str) -> tuple[float, int, int] | None:
        """(q, specificity, -order) of the most specific media range that matches (RFC 9110 §12.5.1)."""
        found = [(spec, q, -order) for q, spec, order, rng in items if _matches(rng, media)]
        if not found:
            return None
        spec, q, order = max(found, key=lambda f: f[0])
        return q, spec, order

    best: tuple[tuple, Format] | None = None
    for i, fmt in enumerate(table.values()):
        canonical = q_for(fmt.accepts[0])
        if canonical is not None and canonical[1] == 2:  # named exactly: that decides, aliases do not
            score = (canonical[0], 2, 1, canonical[2])
        else:  # (q, specificity, matched by its own media type rather than an alias, Accept order)
            scored = [(s[0], s[1], int(k == 0), s[2]) for k, s in enumerate(map(q_for, fmt.accepts)) if s is not None]
            score = max(scored, default=None)
        if score is not None and score[0] > 0 and (best is None or (*score, -i) > best[0]):
            best = ((*score, -i), fmt)
    if best is None:
        raise NotAcceptable(f"none of the media types in Accept can carry the result of a {form} query",
                            {"accept": accept, "available": [f.accepts[0] for f in table.values()]})
    return best[1]


def _matches(media_range: str, media: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media.startswith(media_range[:-1])
    return media_range == media


class TooManyRows(Exception):
    """The answer has more rows (or triples) than the cap (no longer raised by serialize: it cuts)."""


class _Cut(Exception):
    """The answer reached the row or byte cap: serialisation stops (what was written is kept, whole lines)."""


class _LineCap:
    """A binary writer that keeps the first `limit` lines and stops there (cut_by "rows"), or at
    `max_bytes` (cut_by "bytes"; whole lines kept)."""

    def __init__(self, limit: int, max_bytes: int | None = None, keep_first: bool = False) -> None:
        self.buf = bytearray()
        self.lines = 0
        self.limit = limit
        self.max_bytes, self.keep_first = max_bytes, keep_first
        self.cut_by: str | None = None

    def write(self, b: bytes) -> int:
        if self.cut_by:  # the engine may write again after the first _Cut: nothing more is kept
            raise _Cut()
        b = bytes(b)
        self.buf += b
        self.lines += b.count(b"\n")
        if self.lines > self.limit:  # a line past the cap: keep the first `limit` lines, whole
            pos = len(self.buf)
            for _ in range(self.lines - self.limit + 1):
                pos = self.buf.rfind(b"\n", 0, pos)
            del self.buf[pos + 1:]
            self.lines, self.cut_by = self.limit, "rows"
        if self.max_bytes is not None and len(self.buf) > self.max_bytes:
            cut = self.buf.rfind(b"\n", 0, self.max_bytes)
            if self.keep_first:  # the TSV header line stays, whatever its size
                cut = max(cut, self.buf.find(b"\n"))
            del self.buf[cut + 1:]
            self.lines, self.cut_by = self.buf.count(b"\n"), "bytes"
        if self.cut_by:
            raise _Cut()
        return len(b)

    def flush(self) -> None:
        pass


@dataclass
class Answer:
    body: bytes
    media_type: str
    count: int  # solutions, triples, or 1 for ASK
    truncated: bool = False  # cut at the row cap or the byte cap: the first `count` rows of a longer answer
    cut_by: str | None = None  # "rows" (max_rows) or "bytes" (max_bytes)


def _fit(lines: bytes, head: int, convert: Any, max_bytes: int | None, cut_by: str | None) -> tuple[bytes, int, str | None]:
    """`convert(lines, truncated)` with as many of the rows (after `head` header lines) as fit in
    `max_bytes`: (body, rows, cut_by). The rows are cut in proportion, at most 8 times, then to none."""
    rows = lines.splitlines(keepends=True)
    header, body_rows = rows[:head], rows[head:]
    keep = len(body_rows)
    for _ in range(8):
        data = convert(b"".join(header + body_rows[:keep]), cut_by is not None)
        if max_bytes is None or len(data) <= max_bytes or keep == 0:
            return data, keep, cut_by
        keep, cut_by = int(keep * max_bytes / len(data) * 0.95), "bytes"
    return convert(b"".join(header), True), 0, "bytes"


def serialize(res: Any, fmt: Format, max_rows: int, prefixes: dict[str, str] | None = None,
              max_bytes: int | None = None) -> Answer:
    """Engine serialisation of a query result in `fmt`: the first `max_rows` rows or triples, cut
    at `max_bytes` (Answer.truncated and cut_by say which cap cut it)."""
    if isinstance(res, ox.QueryBoolean):
        if fmt.key not in RESULT_FORMATS:
            raise NotAcceptable("an ASK query answers in a SPARQL results format", None)
        return Answer(res.serialize(format=fmt.engine), fmt.media_type, 1)
    if isinstance(res, ox.QuerySolutions):
        w = _LineCap(max_rows + 1, max_bytes, keep_first=True)  # the header line and the rows
        try:
            res.serialize(w, format=QRF.TSV)
        except _Cut:
            pass

        def results(tsv: bytes, truncated: bool) -> bytes:
            if fmt.key == "tsv":
                return tsv
            out = ox.parse_query_results(tsv, format=QRF.TSV).serialize(format=fmt.engine)
            return mark_results(out, fmt.key) if truncated else out

        data, n, cut_by = _fit(bytes(w.buf), 1, results, max_bytes, w.cut_by)
        return Answer(data, fmt.media_type, n, cut_by is not None, cut_by)
    w = _LineCap(max_rows, max_bytes)
    try:
        res.serialize(w, format=RDF.N_TRIPLES)
    except _Cut:
        pass
    data, n, cut_by = _fit(bytes(w.buf), 0, _graph_writer(fmt, prefixes), max_bytes, w.cut_by)
    return Answer(data, fmt.media_type, n, cut_by is not None, cut_by)


def _graph_writer(fmt: Format, prefixes: dict[str, str] | None) -> Any:
    def graph(nt: bytes, truncated: bool) -> bytes:
        if fmt.key == "ntriples":
            out = nt
        else:
            out = ox.serialize(ox.parse(nt, format=RDF.N_TRIPLES), format=fmt.engine,
                               prefixes=prefixes if fmt.key in ("turtle", "rdfxml") else None)
        return mark_graph(out, fmt.key) if truncated else out
    return graph


def serialize_ntriples(data: bytes, fmt: Format, max_rows: int, prefixes: dict[str, str] | None = None) -> Answer:
    """A graph received as N-Triples (one triple per line): its first `max_rows` triples, written by the engine in `fmt`."""
    lines = [line for line in data.splitlines(keepends=True) if line.strip() and not line.lstrip().startswith(b"#")]
    cut_by = "rows" if len(lines) > max_rows else None
    kept = b"".join(ln if ln.endswith(b"\n") else ln + b"\n" for ln in lines[:max_rows])
    out = _graph_writer(fmt, prefixes)(kept, cut_by is not None)
    return Answer(out, fmt.media_type, min(len(lines), max_rows), cut_by is not None, cut_by)


@dataclass
class QueryJob:
    """One query to evaluate, with everything the evaluation needs (picklable)."""

    text: str
    fmt: str  # a key of RESULT_FORMATS or GRAPH_FORMATS
    form: str = "SELECT"
    max_rows: int = 10_000
    max_bytes: int | None = None  # the answer is cut (Answer.truncated) past this many bytes
    union_default: bool = True  # False when the query names its own dataset (FROM / FROM NAMED)
    protocol_dataset: bool = False  # default-graph-uri / named-graph-uri were given
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: dict[str, Any] = field(default_factory=dict)  # variable -> NamedNode | Literal
    base_iri: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    # The graphs the query may read (None: every graph – trusted library queries only). When set,
    # the dataset is always given to the engine explicitly, so the query's own FROM never widens it.
    public_graphs: tuple[str, ...] | None = None
    query_from: tuple[str, ...] = ()  # the query's FROM <g> (read lexically by sparql_guard.inspect)
    query_from_named: tuple[str, ...] = ()  # its FROM NAMED <g>
    reads: str | None = None  # a library query's `reads` (e.g. "awards"): what of the registry it matches

    @property
    def format(self) -> Format:
        return formats_for(self.form)[self.fmt]


def restricted_dataset(job: QueryJob) -> tuple[list[str], list[str]] | None:
    """(default graphs, named graphs) the query reads when limited to `job.public_graphs`, else None.

    Without a dataset of its own the query reads the union of the public graphs as its
    default graph and each of them as a named graph; a dataset it names (protocol
    parameters first, then FROM / FROM NAMED) is cut down to the public graphs, so a
    graph outside them reads as empty, like a graph the store does not hold.
    """
    if job.public_graphs is None:
        return None
    public = set(job.public_graphs)
    if job.protocol_dataset:
        dg, ng = job.default_graphs, job.named_graphs
    elif job.query_from or job.query_from_named:
        dg, ng = job.query_from, job.query_from_named
    else:
        return list(job.public_graphs), list(job.public_graphs)

    def cut(graphs: tuple[str, ...]) -> list[str]:
        resolved = (urllib.parse.urljoin(job.base_iri or "", g) for g in graphs)
        return list(dict.fromkeys(g for g in resolved if g in public))

    return cut(dg), cut(ng)


def evaluate(store: ox.Store, job: QueryJob) -> Answer:
    """Run `job` on a pyoxigraph store. Raises SyntaxError, TooManyRows, or the engine's errors."""
    kw: dict[str, Any] = {"base_iri": job.base_iri, "prefixes": job.prefixes or None}
    limited = restricted_dataset(job)
    if limited is not None:
        kw["default_graph"] = [ox.NamedNode(g) for g in limited[0]]  # [] is an empty default graph
        kw["named_graphs"] = [ox.NamedNode(g) for g in limited[1]]
    elif job.protocol_dataset:
        # SPARQL 1.1 Protocol §2.1.4: the protocol's dataset replaces the query's FROM clauses.
        kw["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs] or [ox.DefaultGraph()]
        kw["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif job.union_default:
        kw["use_default_graph_as_union"] = True
    text = job.text
    if job.bindings and job.public_graphs is None:  # a curated registry query: values that choose an index
        text = bind_with_values(text, job.bindings)  # (pyoxigraph does not plan with substitutions)
    elif job.bindings:
        kw["substitutions"] = {ox.Variable(k): v for k, v in job.bindings.items()}
    res = store.query(text, **kw)
    return serialize(res, job.format, job.max_rows, job.prefixes, job.max_bytes)


_POSITION = re.compile(r"error at (\d+):(\d+)")


def syntax_detail(message: str) -> dict[str, Any]:
    """{line, column, message} from pyoxigraph's 'error at L:C: …'."""
    m = _POSITION.search(message)
    text = message[m.end():].lstrip(": ") if m else message
    return {"line": int(m.group(1)) if m else None, "column": int(m.group(2)) if m else None, "message": text}
