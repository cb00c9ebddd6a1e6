"""Judgements kept on disk beside the store (registry/judgement_file.py): a restarted server answers candidates and a
reform's "before" from them without evaluating again, with the same answer; the rows of a project or enterprise
written to while the server was away are dropped on the next look; a file from another registry is not trusted."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal

import pytest

from policykg.matching.candidates import candidates
from policykg.matching.sieve import FORMAT, Index
from policykg.registry import judged
from policykg.registry.judged import cache_for
from policykg.registry.judgement_file import NAME, JudgementFile
from policykg.registry.records import record_award
from policykg.validation import get_bundle
from tests.seeded import copied, reopened, seeded_data_dir

DAY = date(2024, 9, 1)
MEASURE = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, root):
    """A data dir of 200 generated submissions, its judgements not yet computed."""
    return seeded_data_dir(tmp_path_factory.mktemp("judged") / "data", root, 200)


_open = reopened


@pytest.fixture
def data_dir(seeded, tmp_path):
    return copied(seeded, tmp_path / "data")


def test_a_restarted_server_answers_candidates_from_the_file_without_evaluating_again(data_dir, root, monkeypatch):
    store = _open(data_dir, root)
    first = candidates(store, root, MEASURE, DAY)
    assert first["counts"]["judgedBefore"] == 0 and first["candidates"]
    version = get_bundle(store).version
    store.close()
    assert JudgementFile(data_dir / NAME).count(version) >= first["counts"]["sieved"]
    assert len(JudgementFile(data_dir / NAME).sieve_rows(FORMAT + version)) == 200  # the sieve index of stored projects
    store = _open(data_dir, root)
    reads: list[int] = []
    original = Index._read
    monkeypatch.setattr(Index, "_read", lambda self, st, sids, every=False: (reads.append(len(sids)),
                                                                           original(self, st, sids, every))[1])
    again = candidates(store, root, MEASURE, DAY)
    assert reads == []  # the index came from the file: no submission graph read again
    assert again["candidates"] == first["candidates"]
    assert again["counts"]["judgedBefore"] == again["counts"]["sieved"]  # every one read back, none evaluated
    other_day = candidates(store, root, MEASURE, date(2024, 9, 2))  # kept per day: that one is evaluated
    assert other_day["counts"]["judgedBefore"] == 0
    store.close()


def test_a_write_made_while_the_server_was_away_drops_that_project_s_rows_on_the_next_look(data_dir, root):
    store = _open(data_dir, root)
    first = candidates(store, root, MEASURE, DAY)
    store.close()
    store = _open(data_dir, root)  # another process writes while no cache is open: only the registry knows
    gone = first["candidates"][0]
    judged._CACHES.clear()
    record_award(store, project_key=gone["projectKey"], measure="https://w3id.org/policykg/doc/other",
                 amount=Decimal("1"), when=date(2024, 8, 1), credit_code=gone["applicant"].get("creditCode"),
                 body_sha="test-judgement-file")
    cache = cache_for(store)  # started from the file's older state: the award is seen as written since
    cache.load(MEASURE, DAY.isoformat(), "zh")
    keys = {v[1] for v in cache.entries.values()}
    codes = {v[2] for v in cache.entries.values()}
    assert gone["projectKey"] not in keys and gone["applicant"].get("creditCode") not in codes
    assert keys, "the other projects' rows are kept"
    again = candidates(store, root, MEASURE, DAY)
    assert again["counts"]["judgedBefore"] < again["counts"]["sieved"]  # the dropped ones evaluated again
    # the award counts against the project (no double funding): it is no longer a candidate, as evaluating every
    # stored submission afresh says; a row kept from before the write would have named it still
    assert again["candidates"] == candidates(store, root, MEASURE, DAY, baseline=True)["candidates"]
    assert gone["id"] not in [c["id"] for c in again["candidates"]]
    store.close()


def test_a_file_from_another_registry_is_not_trusted(data_dir, root, tmp_path):
    """Registry A and B hold the same 200 submissions, then each took one award of its own: A's file says a project
    lost its candidacy to A's award, which B never took. B must not believe it."""
    other = tmp_path / "other"
    shutil.copytree(data_dir, other)
    store = _open(data_dir, root)
    gone = candidates(store, root, MEASURE, DAY)["candidates"][0]
    record_award(store, project_key=gone["projectKey"], measure="https://w3id.org/policykg/doc/other",
                 amount=Decimal("1"), when=date(2024, 8, 1), credit_code=gone["applicant"].get("creditCode"),
                 body_sha="registry-a")
    assert gone["id"] not in [c["id"] for c in candidates(store, root, MEASURE, DAY)["candidates"]]
    store.close()
    store = _open(other, root)
    record_award(store, project_key="SOMEONE-ELSE", measure="https://w3id.org/policykg/doc/other",
                 amount=Decimal("1"), when=date(2024, 8, 1), credit_code=None, body_sha="registry-b")
    store.close()
    for f in data_dir.glob(NAME + "*"):  # A's file (and its write-ahead log) beside B's store
        shutil.copy(f, other / f.name)
    store = _open(other, root)
    fresh = candidates(store, root, MEASURE, DAY)
    assert fresh["counts"]["judgedBefore"] == 0
    assert gone["id"] in [c["id"] for c in fresh["candidates"]]
    store.close()


def test_a_judgement_made_while_the_registry_took_a_write_is_not_kept(data_dir, root):
    """A request evaluates a project; meanwhile a write about the same project lands and another request's look drops
    what it may have changed. The judgement computed from the state before must not be kept after that drop."""
    store = _open(data_dir, root)
    cache = cache_for(store)
    key = ("some-submission", MEASURE, DAY.isoformat(), "zh")

    def compute():
        record_award(store, project_key="RACE-1", measure=MEASURE, amount=Decimal("1"), when=date(2024, 8, 1),
                     credit_code=None, body_sha="race")
        cache_for(store)  # another request's look: the write is seen and its projects' judgements dropped
        return {"stale": True}, "RACE-1", None

    assert cache.get(key, compute) == {"stale": True}  # the caller has its answer
    assert key not in cache.entries and not cache.pending  # but it is not kept, in memory or for the file
    assert cache.get(key, lambda: ({"fresh": True}, "RACE-1", None)) == {"fresh": True}
    assert cache.entries[key][0] == {"fresh": True}
    store.close()


def test_clearing_a_corpus_version_s_rows_gives_their_space_back_to_the_disk(tmp_path):
    from policykg.registry.judgement_file import JudgementFile

    f = JudgementFile(tmp_path / "j.sqlite")
    entry = {"id": "x" * 32, "note": "是" * 200}
    f.put("old-version", [((f"{i:032x}", "https://w3id.org/policykg/m", "2024-09-01", "zh"), (entry, f"K/{i}", "C"))
                          for i in range(20_000)])
    f.put("new-version", [(("0" * 32, "https://w3id.org/policykg/m", "2024-09-01", "zh"), (entry, "K/0", "C"))])
    def on_disk() -> int:
        return sum(p.stat().st_size for p in tmp_path.glob("j.sqlite*"))  # the file and its write-ahead log
    full = on_disk()
    f.clear(keep="new-version")
    assert f.count("old-version") == 0 and f.count("new-version") == 1
    assert on_disk() < full / 10  # the dropped rows' pages are not kept
