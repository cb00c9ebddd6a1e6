"""The docs stand alone: generated tables equal the code, every example validates, nothing points outside the repo."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policykg.submission.jsonform import COMMON, TYPES
from tools import gen_submission_doc

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.json"))


def test_submission_md_is_the_fresh_generation_from_the_form():
    committed = (ROOT / "docs" / "submission.md").read_text(encoding="utf-8").splitlines()
    fresh = gen_submission_doc.render().splitlines()
    changed = [f"line {i}: {a!r} != {b!r}" for i, (a, b) in enumerate(zip(committed, fresh, strict=False), 1) if a != b]
    assert (changed, len(committed)) == ([], len(fresh)), "run `python tools/gen_submission_doc.py`"


def test_every_submission_type_has_an_example():
    assert sorted(p.stem for p in EXAMPLES) == sorted(TYPES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_validates_and_uses_only_fields_of_its_type(client, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) - {"id", "type"} <= set(COMMON) | set(TYPES[path.stem])
    r = client.post("/api/validate", json=data)
    assert r.status_code == 200, r.text
    report = r.json()
    assert isinstance(report["results"], list) and "conforms" in report


def test_the_docs_name_only_files_that_exist():
    for md in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", md.read_text(encoding="utf-8")):
            assert (md.parent / target).exists(), f"{md.name} links {target}"


def _nest(flat: dict[str, object]) -> dict[str, object]:
    """{"requests.amount": 2400, …} -> {"requests": [{"amount": 2400, …}], …} (lists as the form wants them)."""
    out: dict[str, object] = {}
    for path, value in flat.items():
        head, _, leaf = path.partition(".")
        if leaf:
            kind = COMMON.get(head) or next(k[head] for k in TYPES.values() if head in k)
            holder = out.setdefault(head, {} if kind == "applicant" else [{}])
            (holder if isinstance(holder, dict) else holder[0])[leaf] = value
        else:
            out[path] = value
    return out


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_example_value_in_the_field_tables_is_accepted_by_the_form(client, kind):
    """The table's example column, all of a type's values in one submission: a report, not a 422."""
    fields = set(COMMON) | set(TYPES[kind])
    flat = {p: v for p, v in gen_submission_doc.examples(sorted(TYPES))[kind].items() if p.split(".")[0] in fields}
    data = {"id": "every-example", "type": kind, **json.loads(json.dumps(_nest(flat), default=str))}
    assert set(data) == fields | {"id", "type"}
    r = client.post("/api/validate", json=data)
    assert r.status_code == 200, r.text
    assert "conforms" in r.json()
