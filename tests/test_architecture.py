"""The layout of server/ is the architecture: one-way layers, no import circle, one import name."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

import policykg

ROOT = Path(__file__).resolve().parents[1]


def test_the_package_is_imported_as_policykg_from_the_server_folder():
    assert Path(policykg.__file__).resolve().parent == ROOT / "server"


def test_no_module_imports_itself_through_a_circle():
    graph = grimp.build_graph("policykg")
    circles = sorted({tuple(sorted((m, n))) for m in graph.modules
                      for n in graph.find_modules_directly_imported_by(m) if graph.chain_exists(n, m)})
    assert circles == []


def test_the_layers_contract_of_pyproject_is_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is a test dependency"
    done = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_every_folder_of_server_is_an_installed_package():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {"policykg" + "".join("." + p for p in d.relative_to(ROOT / "server").parts)
               for d in [ROOT / "server", *(p.parent for p in (ROOT / "server").rglob("__init__.py"))]}
    data = {"policykg.web.static", "policykg.web.templates"}  # templates and static files, shipped as data
    assert listed == folders | data


def test_no_module_under_server_is_much_over_300_lines():
    long = {str(f.relative_to(ROOT)): n for f in (ROOT / "server").rglob("*.py")
            if (n := len(f.read_text().splitlines())) > 340}
    assert long == {}


def test_nothing_points_at_documents_outside_the_repository():
    hits = []
    for base in ("server", "tests", "docs", "bench", "tools", "ontology", "policies", "queries", "shapes", "scripts"):
        for f in (ROOT / base).rglob("*"):
            if f.is_file() and f.suffix in (".py", ".md", ".html", ".yaml", ".rq", ".ttl", ".sh") and f != Path(__file__):
                text = f.read_text(encoding="utf-8", errors="replace")
                hits += [f"{f.relative_to(ROOT)}" for name in ("contract", "design") if f"{name}.md" in text]
    assert not [n for n in ("contract", "design") if f"{n}.md" in (ROOT / "README.md").read_text(encoding="utf-8")]
    assert hits == []


def test_other_packages_import_a_package_by_the_names_its_init_exports():
    """`from policykg.store import OxiStore`, not `from policykg.store.embedded import OxiStore`: a package's
    modules are its own business (a module may be imported whole: `from policykg.registry import records`)."""
    import ast

    inner = []
    for f in (ROOT / "server").rglob("*.py"):
        rel = f.relative_to(ROOT / "server").with_suffix("").parts
        own = rel[0] if len(rel) > 1 else None
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("policykg."):
                parts = node.module.split(".")
                if len(parts) >= 3 and parts[1] != own:
                    inner.append(f"{f.relative_to(ROOT)}: from {node.module} import …")
    assert inner == []


def test_grep_for_the_two_outside_documents_finds_nothing_in_server_tests_docs_and_the_readme():
    """`grep -rn` for the names of the two documents the code once pointed at, outside the repository, prints
    nothing: the repository's own docs (docs/architecture.md, docs/api.md, docs/submission.md) are the
    reference. The pattern is grep's (`(.)` is its `.`, any one character), written so that this file
    does not match it."""
    import re

    pattern = re.compile(rb"contract(.)md|design(.)md")
    paths = [ROOT / "README.md", *(f for base in ("server", "tests", "docs") for f in (ROOT / base).rglob("*")
                                   if f.is_file() and "__pycache__" not in f.parts)]
    hits = [f"{f.relative_to(ROOT)}:{n}" for f in paths
            for n, line in enumerate(f.read_bytes().splitlines(), 1) if pattern.search(line)]
    assert hits == []
