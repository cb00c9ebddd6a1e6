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
    assert (ROOT / "docs" / "submission.md").read_text(encoding="utf-8") == gen_submission_doc.render()


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
