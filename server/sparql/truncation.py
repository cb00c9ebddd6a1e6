"""How a cut SPARQL answer says so inside its own body (docs/api.md, "Large results").

The HTTP headers (`X-Result-Truncated: true`) say it for every format; a saved file
keeps only its body, so where the format has a place for a flag it carries one too:

- SPARQL JSON results: `head.link` (the spec's own place for links about the results,
  SPARQL 1.1 Query Results JSON Format, the `head` object) holds TRUNCATED_LINK, and a top-level
  `"truncated": true` member says it plainly (JSON parsers of SPARQL results, such as
  SPARQLWrapper's, rdflib's and YASR's, read `head` and `results` and ignore it);
- SPARQL XML results: `<link href="TRUNCATED_LINK"/>` in `<head>` after the variables
  (SPARQL Query Results XML Format, the `head` element);
- Turtle and N-Triples: a `#` comment line first; RDF/XML: an XML comment;
- CSV, TSV and JSON-LD have no place for it that parsers would skip: the headers only.

Bytes in, bytes out: the engine's serialisation is edited at its start, never re-parsed
(a cut answer may be several MiB).
"""
from __future__ import annotations

import json

TRUNCATED_LINK = "https://w3id.org/policykg/sparql#truncated"
NOTE = "truncated: the first rows of a longer answer (a server cap; see the X-Result-Truncated header)"


def mark_results(body: bytes, fmt: str) -> bytes:
    """A SPARQL JSON or XML results document with the truncation flag; other formats unchanged."""
    if fmt == "json":
        return _json(body)
    if fmt == "xml":
        link = f'<link href="{TRUNCATED_LINK}"/>'.encode()
        if b"</head>" in body:
            return body.replace(b"</head>", link + b"</head>", 1)
        return body.replace(b"<head/>", b"<head>" + link + b"</head>", 1)
    return body


def _json(body: bytes) -> bytes:
    start = b'{"head":{'
    link = b'"link":[' + json.dumps(TRUNCATED_LINK).encode() + b"]"
    if body.startswith(start):  # the engine's compact output: edit in place
        rest = body[len(start):]
        return b'{"truncated":true,"head":{' + link + (b"" if rest.startswith(b"}") else b",") + rest
    data = json.loads(body)  # any other layout: parse and write again
    data.setdefault("head", {}).setdefault("link", []).append(TRUNCATED_LINK)
    data["truncated"] = True
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def mark_graph(body: bytes, fmt: str) -> bytes:
    """An RDF serialisation with a comment saying it is cut, where the syntax has comments."""
    if fmt in ("turtle", "ntriples"):
        return f"# {NOTE}\n".encode() + body
    if fmt == "rdfxml":
        comment = f"<!-- {NOTE} -->".encode()
        if body.startswith(b"<?xml"):
            end = body.index(b"?>") + 2
            return body[:end] + b"\n" + comment + body[end:]
        return comment + b"\n" + body
    return body
