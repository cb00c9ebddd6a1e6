"""The hand-written docs keep up with the code: every package, section and route they are asked for is there."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCH = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = sorted(p.parent.name for p in (ROOT / "server").glob("*/__init__.py"))


def _sections(md: str) -> set[str]:
    return {m.strip().lower() for m in re.findall(r"^#{2,3} (.+)$", md, flags=re.MULTILINE)}


def test_every_subpackage_has_its_own_row_in_the_readme_and_in_the_architecture_table():
    assert [p for p in PACKAGES if f"| `server/{p}/` |" not in README] == []
    assert [p for p in PACKAGES if not re.search(rf"^\|[^|\n]*\| [^|\n]*`{p}`", ARCH, flags=re.MULTILINE)] == []


def test_every_section_the_code_points_at_in_the_architecture_page_exists():
    """Comments say `docs/architecture.md (engines)`: each name in parentheses is a section title."""
    named = set()
    for base in ("server", "tests", "bench", "tools"):
        for f in (ROOT / base).rglob("*.py"):
            named |= set(re.findall(r"docs/architecture\.md \(([a-z ]+)\)", f.read_text(encoding="utf-8")))
    assert named - _sections(ARCH) == set()
    assert {"engines", "security", "house style", "machine notes"} <= _sections(ARCH)


def test_the_architecture_page_says_where_each_kind_of_change_goes():
    for change in ("A new document", "A new rule kind", "A new route", "A new query"):
        assert f"**{change}**" in ARCH


def test_every_route_of_the_openapi_document_is_in_api_md(client):
    """A new router without its line in docs/api.md fails here (path parameters compared as `{}`)."""
    def norm(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path)

    documented = {norm(p.rstrip(".,:")) for p in re.findall(r"/[A-Za-z0-9_.{}/\-]+", API)}
    paths = client.get("/openapi.json").json()["paths"]
    assert sorted(p for p in paths if norm(p) not in documented) == []


def test_api_md_has_the_error_shape_the_statuses_the_headers_and_the_cli():
    assert '{"error": "<message>", "detail": <context or null>}' in API
    for status in ("400", "403", "404", "405", "406", "409", "413", "415", "422", "503"):
        assert f"| {status} |" in API
    for header in ("Accept", "Accept-Language", "Idempotency-Key", "Retry-After", "Content-Type"):
        assert f"| `{header}` |" in API
    assert "receipt" in API and "## CLI" in API
    assert [s for s in _sub_commands() if not re.search(rf"^\| `{s}[ `]", API, flags=re.MULTILINE)] == []


def _sub_commands() -> list[str]:
    import argparse

    from policykg.cli.main import build_parser

    subs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(subs.choices)


def test_the_unit_column_says_the_unit_the_ontology_comment_gives(store):
    """万元/m² (not m²), tce for "tonnes of standard coal", days for a notice, no unit for a boolean."""
    from policykg.submission import catalog

    units = {f.name: f.unit for fields in catalog(store).values() for f in fields}
    assert {k: units[k] for k in ("revenuePerM2", "annualEnergyTce", "publicNoticeDays", "newParkCommitment")} == {
        "revenuePerM2": "万元/m²", "annualEnergyTce": "tce", "publicNoticeDays": "天", "newParkCommitment": ""}
