"""policies/manifest.yaml as typed entries: which source text each document comes from.

Paths are resolved against the project root found from this file, never the cwd.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policykg.config import ROOT
from policykg.namespaces import BASE


@dataclass(frozen=True)
class GazetteSlice:
    """The 1-based inclusive line range of a gazette file that a document's source copies."""

    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class DocEntry:
    """One in-corpus document of the manifest."""

    slug: str
    iri: str
    number: str | None
    source: str
    gazette: GazetteSlice | None = None
    root: Path = ROOT

    @property
    def doc_iri(self) -> str:
        return BASE + self.iri

    @property
    def source_path(self) -> Path:
        return self.root / "policies" / "sources" / self.source

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], root: Path = ROOT) -> DocEntry:
        gz = data.get("gazette")
        return cls(
            slug=str(data["slug"]),
            iri=str(data["iri"]),
            number=None if data.get("number") is None else str(data["number"]),
            source=str(data["source"]),
            gazette=GazetteSlice(str(gz["file"]), int(gz["start_line"]), int(gz["end_line"])) if gz else None,
            root=root,
        )


@dataclass(frozen=True)
class GazetteEntry:
    """The gazette issue itself (a publication, not a policy document)."""

    slug: str
    iri: str
    source: str
    root: Path = ROOT

    @property
    def source_path(self) -> Path:
        return self.root / "policies" / "sources" / self.source


def manifest_path(root: Path = ROOT) -> Path:
    return root / "policies" / "manifest.yaml"


def _load(root: Path) -> dict[str, Any]:
    with manifest_path(root).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{manifest_path(root)}: expected a mapping at top level")
    return data


def load_entries(root: Path = ROOT) -> list[DocEntry]:
    """The documents of the manifest, in manifest order."""
    return [DocEntry.from_mapping(d, root) for d in _load(root).get("documents") or []]


def load_gazette(root: Path = ROOT) -> GazetteEntry:
    g = _load(root)["gazette"]
    return GazetteEntry(slug=str(g["slug"]), iri=str(g["iri"]), source=str(g["source"]), root=root)


def as_entry(entry: DocEntry | Mapping[str, Any], root: Path = ROOT) -> DocEntry:
    """Accept a DocEntry or a raw manifest mapping (as corpus.load_manifest returns them)."""
    return entry if isinstance(entry, DocEntry) else DocEntry.from_mapping(entry, root)
