"""A remote SPARQL 1.1 server as the store (setting `store=remote`), through SPARQLWrapper.

For deployments that outgrow one machine: API nodes stay stateless and share one
store (Virtuoso, GraphDB, Fuseki, Neptune). The corpus is loaded into it graph by
graph, submissions and awards are written to it, and queries run on it. Tested
against Debian's Virtuoso 7.2; what it does differently, and what we do about it:

- INSERT DATA may not contain blank nodes (SP031): triples with blank nodes are
  written with INSERT { GRAPH <g> { … } } WHERE { }, one request per set of triples
  that share blank nodes, so that each blank node stays one node.
- A long INSERT DATA fails ("generated SQL text has exceeded 10000 lines"): data
  is sent in chunks of CHUNK triples.
- Blank nodes in results are written `nodeID://b123`, not a valid blank node label:
  renamed before pyoxigraph parses the results.
- Numbers come back canonical (5000.0 -> "5000"^^xsd:decimal): same values, other
  lexical forms, so answers are compared as typed values, not as strings.
- Its Turtle and JSON-LD drop or change datatypes (5000.0 printed as the integer
  `5000`): graphs are fetched as N-Triples and serialised here by pyoxigraph.
- A POST of `application/sparql-query` never answers (Virtuoso 7.2.5): queries and
  updates are sent form-encoded (`query=` / `update=`), which every server accepts.
- Its default graph is the union of all graphs as a set (pyoxigraph's union is a
  bag: a triple stated in two graphs is matched twice), and it also holds
  Virtuoso's own system graphs: library queries use DISTINCT and match our
  vocabulary only, so their answers are the same on both stores.
- It compiles each query text anew (a value in VALUES makes a new text), and compiling a query of seven or
  more patterns takes longer than running it (7.5 ms of a project's pending-requests query, 90 of the
  enterprise's): the registry's own queries whose patterns are written in join order (`IN_ORDER` in their
  text) are sent with `DEFINE sql:select-option "order"`, which keeps that order, when the server says it
  is Virtuoso (its `Server` header); any other server gets the query as written.
- Parameters are bound with a VALUES block opening the WHERE group (no
  substitutions over HTTP), built from typed terms, never spliced.
- Its dataset clauses are not a way to hide the registry from /sparql: the
  protocol's default-graph-uri does not replace a query's own FROM (the registry
  graph it names is read), a FROM list of the 18 corpus graphs makes some library
  queries fail ("estimated execution time 2004 s exceeds the limit") or answer
  wrongly (a correlated NOT EXISTS: 84 rows instead of 0), and a union copy of the
  corpus in one graph doubles every triple of the default graph for the other
  queries (Virtuoso's union is a bag: 760 is_part_of triples instead of 380). So
  /sparql, whose dataset is the corpus only, is answered from a copy of the corpus
  in the API node's query workers (sparql_exec.RemoteExecutor), never from here;
  only the curated registry queries run here.
"""
from __future__ import annotations

import math
import re
import urllib.error
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

from policykg.config import Settings
from policykg.corpus import META_GRAPH, corpus_version, iter_corpus_quads
from policykg.errors import BadInput, PolicyKGError, QueryTimeout
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql import Answer, QueryJob, bind_with_values, serialize, serialize_ntriples
from policykg.store.base import IN_ORDER, VERSION_Q, is_replaced_on_reload
from policykg.store.embedded import OxiStore

CHUNK = 500  # triples per update request
XML_RESULTS = "application/sparql-results+xml"
N_TRIPLES = "application/n-triples"
_BNODE = re.compile(rb"<bnode>nodeID://")
KEEP_ORDER = 'DEFINE sql:select-option "order"\n'  # Virtuoso: join the patterns in the order written


class RemoteStoreError(PolicyKGError):
    """The remote store failed or refused (not the client's fault)."""

    status = 502
    code = "remote-store"


class RemoteStore:
    """The Store protocol of server/store/embedded.py over SPARQL 1.1 Protocol (query) and Update."""

    def __init__(self, settings: Settings) -> None:
        if not settings.remote_query_url:
            raise RemoteStoreError("store=remote needs remote_query_url (POLICYKG_REMOTE_QUERY_URL)")
        self.query_url = settings.remote_query_url
        self.update_url = settings.remote_update_url or settings.remote_query_url
        self.user, self.password = settings.remote_user, settings.remote_password
        self.timeout_s = settings.query_timeout_s
        self._digest = False  # switched on when the server challenges for Digest
        self.virtuoso = False  # the server said it is Virtuoso (its Server header): IN_ORDER queries keep their order
        # The corpus reads (every read but the registry's own) are answered from a copy of the corpus
        # in memory (~40 MB), loaded by ensure_corpus: Virtuoso's dataset clauses cannot be trusted to
        # keep the submission graphs out (see above), and this copy holds nothing else by construction.
        self.corpus: Any = None

    # -- HTTP -------------------------------------------------------------
    def _request(self, url: str, text: str, accept: str | None = None,
                 dataset: tuple[Iterable[str], Iterable[str]] = ((), ())) -> bytes:
        for attempt in (1, 2):
            w = SPARQLWrapper(url, updateEndpoint=url)
            w.setMethod(POST)
            w.setRequestMethod(URLENCODED)  # Virtuoso 7.2 hangs on a POST of application/sparql-query
            w.setOnlyConneg(True)  # no format=json&output=json parameters: Accept decides
            w.setTimeout(max(1, math.ceil(self.timeout_s)))
            w.setQuery(text)
            if accept:
                w.addCustomHttpHeader("Accept", accept)
            for g in dataset[0]:
                w.addDefaultGraph(g)
            for g in dataset[1]:
                w.addNamedGraph(g)
            if self.user:
                w.setCredentials(self.user, self.password or "")
                if self._digest:
                    w.setHTTPAuth(DIGEST)
            try:
                with w.query().response as r:
                    self.virtuoso = "virtuoso" in (r.headers.get("Server") or "").lower()
                    return r.read()
            except Unauthorized:
                if attempt == 1 and self.user and not self._digest:
                    self._digest = True  # Virtuoso's /sparql-auth speaks Digest only
                    continue
                raise RemoteStoreError("the remote store refused our credentials", {"url": url}) from None
            except QueryBadFormed as e:
                raise BadInput("the remote store rejected the query", {"message": _msg(e)}) from None
            except TimeoutError:
                raise QueryTimeout(f"the remote store did not answer within {self.timeout_s:g} s",
                                   {"timeoutSeconds": self.timeout_s}) from None
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError):
                    raise QueryTimeout(f"the remote store did not answer within {self.timeout_s:g} s",
                                       {"timeoutSeconds": self.timeout_s}) from None
                raise RemoteStoreError(f"the remote store is unreachable: {e.reason}", {"url": url}) from None
            except (SPARQLWrapperException, urllib.error.HTTPError, OSError) as e:
                raise RemoteStoreError(f"the remote store failed: {_msg(e)}", {"url": url}) from None
        raise AssertionError("unreachable")

    def update(self, text: str) -> None:
        self._request(self.update_url, text)

    def _results(self, text: str, dataset: tuple[Iterable[str], Iterable[str]] = ((), ())) -> Any:
        body = self._request(self.query_url, text, XML_RESULTS, dataset)
        try:
            return ox.parse_query_results(_BNODE.sub(b"<bnode>", body), format=ox.QueryResultsFormat.XML)
        except SyntaxError as e:
            raise RemoteStoreError(f"unreadable results from the remote store: {e}") from None

    # -- the Store protocol -------------------------------------------------
    def select(self, query: str, bindings: dict[str, Any] | None = None, *,
               registry: bool = False) -> list[dict[str, Any]]:
        if not registry and self.corpus is not None:
            return self.corpus.select(query, bindings)
        res = self._results(self._ordered(bind_with_values(query, _terms(bindings))))
        names = [v.value for v in res.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in res]

    def ask(self, query: str, bindings: dict[str, Any] | None = None, *, registry: bool = False) -> bool:
        if not registry and self.corpus is not None:
            return self.corpus.ask(query, bindings)
        return bool(self._results(self._ordered(bind_with_values(query, _terms(bindings)))))

    def _ordered(self, text: str) -> str:
        return KEEP_ORDER + text if self.virtuoso and IN_ORDER in text else text

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Drop the graph and write the quads into it (one request when small enough)."""
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        requests = _insert_requests(graph, triples)
        drop = f"DROP SILENT GRAPH <{graph}>"
        if len(requests) <= 1:
            self.update(" ;\n".join([drop, *requests]))
            return
        self.update(drop)
        for r in requests:
            self.update(r)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        g = ox.NamedNode(graph)
        res = self._results(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o }} }}")
        return [ox.Quad(r["s"], r["p"], r["o"], g) for r in res]

    def named_graphs(self) -> list[str]:
        """Our graphs only (the server's own system graphs are not ours to list)."""
        # Virtuoso 7.2 runs the bare DISTINCT ?g into its 30 s limit once there are ~10k graphs (a registry);
        # the same DISTINCT as a subquery answers in ~40 ms with the same graphs (tests/sparql/test_remote_many_graphs.py).
        res = self._results("SELECT ?g WHERE { { SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } } }")
        return sorted(r["g"].value for r in res if isinstance(r["g"], ox.NamedNode) and r["g"].value.startswith(BASE))

    def stored_version(self) -> str | None:
        rows = self.select(VERSION_Q, registry=True)  # the remote store's own, not the copy's
        return rows[0]["v"].value if rows else None

    def ensure_corpus(self, root: Path) -> bool:
        """Load the corpus if the remote store lacks this version; the version triple goes in last."""
        version = corpus_version(root)
        if self.corpus is None:
            copy = OxiStore(None)
            copy.ensure_corpus(root)
            self.corpus = copy
        if self.stored_version() == version:
            return False
        by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in iter_corpus_quads(root):  # parse everything before touching the store
            by_graph[q.graph_name.value].append(q)
        self.update(f"DROP SILENT GRAPH <{META_GRAPH}>")
        for g in self.named_graphs():
            if is_replaced_on_reload(g) and g not in by_graph:
                self.update(f"DROP SILENT GRAPH <{g}>")
        meta = by_graph.pop(str(META_GRAPH), [])
        for g, quads in by_graph.items():
            self.replace_graph(g, quads)
        self.replace_graph(str(META_GRAPH), meta)
        return True

    def close(self) -> None:
        pass

    # -- the endpoint ---------------------------------------------------------
    def run_job(self, job: QueryJob) -> Answer:
        """A user's (already parsed and checked) query on the remote store, answered by our serialiser."""
        text = self._ordered(_prologue(job) + bind_with_values(job.text, job.bindings))  # a curated registry query
        dataset = (job.default_graphs, job.named_graphs)
        if job.form in ("CONSTRUCT", "DESCRIBE"):
            body = self._request(self.query_url, text, N_TRIPLES, dataset)
            return serialize_ntriples(body, job.format, job.max_rows, job.prefixes)
        return serialize(self._results(text, dataset), job.format, job.max_rows, job.prefixes)


def _prologue(job: QueryJob) -> str:
    """Our BASE and default prefixes, which the user's own declarations (later) override."""
    lines = [f"BASE <{job.base_iri}>"] if job.base_iri else []
    lines += [f"PREFIX {k}: <{v}>" for k, v in (job.prefixes or PREFIXES).items()]
    return "\n".join(lines) + "\n"


def _terms(bindings: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v if isinstance(v, (ox.NamedNode, ox.Literal)) else ox.Literal(str(v))
            for k, v in (bindings or {}).items()}


def _insert_requests(graph: str, triples: list[ox.Triple]) -> list[str]:
    """INSERT DATA chunks for ground triples; one INSERT … WHERE {} per group of triples sharing blank nodes."""
    ground = [t for t in triples if not _has_bnode(t)]
    out = [f"INSERT DATA {{ GRAPH <{graph}> {{\n{_lines(ground[i:i + CHUNK])}\n}} }}"
           for i in range(0, len(ground), CHUNK)]
    groups = _bnode_groups([t for t in triples if _has_bnode(t)])
    batch: list[ox.Triple] = []
    for group in groups:
        if batch and len(batch) + len(group) > CHUNK:
            out.append(f"INSERT {{ GRAPH <{graph}> {{\n{_lines(batch)}\n}} }} WHERE {{ }}")
            batch = []
        batch += group
    if batch:
        out.append(f"INSERT {{ GRAPH <{graph}> {{\n{_lines(batch)}\n}} }} WHERE {{ }}")
    return out


def _lines(triples: list[ox.Triple]) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _bnode_groups(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples grouped so that all triples mentioning one blank node are in one group (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in triples:
        ids = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    groups: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        first = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        groups[find(first.value)].append(t)
    return list(groups.values())


def _msg(e: Exception) -> str:
    text = getattr(e, "msg", None) or str(e)
    return text.strip()[:500]
