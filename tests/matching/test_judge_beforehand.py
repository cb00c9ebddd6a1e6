"""`policykg judge` (matching/precompute.py): the candidates of measures judged beforehand over a stopped server's
data directory, with one process or two, are the ones the server then answers, read from the file without
evaluating any submission again."""
from __future__ import annotations

from datetime import date

import pytest

from policykg.cli.main import main
from policykg.matching import candidates
from policykg.registry import judged
from policykg.registry.judgement_file import NAME, JudgementFile
from policykg.validation import get_bundle
from tests.seeded import copied, reopened, seeded_data_dir

DAY = date(2024, 9, 1)
SLUGS = ["jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "jjxj-2022-old-factory-srdi-park-construction-grant"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, root):
    return seeded_data_dir(tmp_path_factory.mktemp("judge") / "data", root, 120)


@pytest.mark.parametrize("jobs", [1, 2])
def test_measures_judged_beforehand_are_what_the_server_answers_without_evaluating_again(seeded, root, tmp_path,
                                                                                         capsys, jobs):
    d = copied(seeded, tmp_path / "data")
    judged._CACHES.clear()
    argv = ["judge", "--data-dir", str(d), "--as-of", DAY.isoformat(), "--jobs", str(jobs), "--format", "json"]
    for slug in SLUGS:
        argv += ["--measure", slug]
    assert main(argv) == 0
    assert '"judged"' in capsys.readouterr().out
    store = reopened(d, root)  # the server: another process
    kept = JudgementFile(d / NAME).count(get_bundle(store).version)
    answers = [candidates(store, root, slug, DAY) for slug in SLUGS]
    assert kept == sum(a["counts"]["sieved"] for a in answers) > 0
    for a in answers:
        assert a["counts"]["judgedBefore"] == a["counts"]["sieved"]  # read back, none evaluated
    fresh = [candidates(store, root, slug, DAY, baseline=True) for slug in SLUGS]
    assert [a["candidates"] for a in answers] == [f["candidates"] for f in fresh]
    assert any(a["candidates"] for a in answers)  # not a pass on nothing
    store.close()


def test_a_measure_not_in_force_or_unknown_is_bad_input(seeded, capsys):
    assert main(["judge", "--data-dir", str(seeded), "--measure", "no-such-measure", "--as-of", "2024-09-01"]) == 2
    assert "no measure no-such-measure in force" in capsys.readouterr().err
    assert main(["judge", "--data-dir", str(seeded), "--as-of", "2024-13-01"]) == 2
    assert main(["judge", "--data-dir", str(seeded), "--jobs", "0"]) == 2


def test_judging_through_a_running_server_warms_its_judgements_and_its_file(seeded, root, tmp_path, role_tokens, capsys):
    """`policykg judge --server URL --token T`: the server (a real one, on its data directory) judges each measure asked
    and keeps the judgements: asked again, it evaluates nothing; stopped, its file holds them."""
    import shutil

    from tests.conftest import TOKENS_FILE
    from tests.sparql.support import serve

    d = copied(seeded, tmp_path / "data")
    shutil.copyfile(role_tokens[0], d / TOKENS_FILE)
    argv = ["judge", "--as-of", DAY.isoformat(), "--format", "json", "--measure", SLUGS[0], "--measure", SLUGS[1]]
    with serve(d, store="oxigraph") as base:
        assert main([*argv, "--server", base, "--token", role_tokens[1]["submitter"]]) == 2  # not a reviewer
        assert "403" in capsys.readouterr().err
        assert main([*argv, "--server", base, "--token", role_tokens[1]["reviewer"]]) == 0
        first = __import__("json").loads(capsys.readouterr().out)
        assert [m["judgedBefore"] for m in first["measures"]] == [0, 0] and first["judged"] > 0
        assert main([*argv, "--server", base, "--token", role_tokens[1]["reviewer"]]) == 0
        again = __import__("json").loads(capsys.readouterr().out)
        assert [m["judgedBefore"] for m in again["measures"]] == [m["sieved"] for m in again["measures"]]
    store = reopened(d, root)
    assert JudgementFile(d / NAME).count(get_bundle(store).version) == first["judged"]
    store.close()
