import json

import pyoxigraph as ox
import pytest

from policykg.cli.main import main


@pytest.mark.parametrize("fmt,parse_fmt", [("turtle", ox.RdfFormat.TURTLE), ("nquads", ox.RdfFormat.N_QUADS),
                                           ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_dumps_the_whole_corpus_in_each_format(fmt, parse_fmt, tmp_path, store) -> None:
    out = tmp_path / f"corpus.{fmt}"
    assert main(["export", "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    parsed = list(ox.parse(data, format=parse_fmt))
    triples = {(q.subject, q.predicate, q.object) for q in store.ox.quads_for_pattern(None, None, None)}
    assert len({(t.subject, t.predicate, t.object) for t in parsed}) == len(triples)
    if fmt == "jsonld":
        json.loads(data)
