"""A finding of hypothetical copy i names the submission itself, whatever the number of copies."""
from __future__ import annotations

from rdflib import URIRef

from policykg.eligibility.evaluate import _restore

S = URIRef("https://example.org/p")


def test_the_eleventh_copy_is_named_as_the_submission_not_as_the_submission_and_a_zero() -> None:
    subjects = [URIRef(f"{S}--eligibility-{i}") for i in range(12)]
    r = {"message": {"en": f"{S}--eligibility-10 and {S}--eligibility-1 fail", "zh": "x"}, "sourceShape": "s"}
    assert _restore(r, subjects, S, "en")["message"] == f"{S} and {S} fail"


def test_a_number_past_the_copies_is_left_as_written() -> None:
    subjects = [URIRef(f"{S}--eligibility-{i}") for i in range(3)]
    r = {"message": {"en": f"{S}--eligibility-7"}, "sourceShape": "s"}
    assert _restore(r, subjects, S, "en")["message"] == f"{S}--eligibility-7"
