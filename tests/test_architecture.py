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
    for base in ("server", "tests", "docs", "bench", "tools"):
        for f in (ROOT / base).rglob("*"):
            if f.is_file() and f.suffix in (".py", ".md", ".html", ".yaml", ".rq") and f != Path(__file__):
                text = f.read_text(encoding="utf-8", errors="replace")
                hits += [f"{f.relative_to(ROOT)}" for name in ("contract.md", "design.md") if name in text]
    assert "contract.md" not in (ROOT / "README.md").read_text(encoding="utf-8")
    assert hits == []
