"""Corpus checks beyond syntax: registered with server.check.check (filled in as the corpus grows)."""
from __future__ import annotations
