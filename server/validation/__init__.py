"""Validation of a submission graph against the generated shapes: the bundle of what the corpus
gives validation (built once per corpus version), the engines (pySHACL reference, the fast path
and the compiled validator, validation/compiled/), SPARQL targets, SHACL-SPARQL constraints, messages with their clauses, amounts and receipts.
"""
from policykg.validation.amounts import (
    PARAMS,
    formula,
    input_property,
    inputs,
    max_amount,
    measure_params,
    no_amount,
    parts_of,
)
from policykg.validation.bundle import Bundle, get_bundle
from policykg.validation.checked import NOT_EVALUATED, clause_json, governance
from policykg.validation.checked_json import checked_json
from policykg.validation.compiled import Facts, compiled, complete, run_facts
from policykg.validation.engine import RESERVED, Outcome, project_key, submissions, validate
from policykg.validation.messages import SEVERITY, clause_ref, term_json
from policykg.validation.receipt import parse_as_of, receipt
from policykg.validation.targets import split

__all__ = ["checked_json", "Bundle", "Facts", "NOT_EVALUATED", "Outcome", "PARAMS", "RESERVED", "SEVERITY", "clause_json", "clause_ref",
           "complete", "compiled", "formula", "get_bundle", "governance", "input_property", "inputs", "max_amount",
           "measure_params", "no_amount", "parts_of", "parse_as_of", "project_key", "receipt", "run_facts", "split",
           "submissions", "term_json", "validate"]
