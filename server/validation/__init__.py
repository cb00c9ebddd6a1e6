"""Validation of a submission graph against the generated shapes: the bundle of what the corpus
gives validation (built once per corpus version), the engines (pySHACL reference and the fast
path), SPARQL targets, SHACL-SPARQL constraints, messages with their clauses, amounts and receipts.
"""
from policykg.validation.amounts import PARAMS, formula, inputs, max_amount
from policykg.validation.bundle import Bundle, get_bundle
from policykg.validation.compiled import Facts, compiled, complete, run_facts
from policykg.validation.engine import RESERVED, Outcome, project_key, submissions, validate
from policykg.validation.messages import SEVERITY, clause_ref, term_json
from policykg.validation.receipt import parse_as_of, receipt

__all__ = ["Bundle", "Facts", "Outcome", "PARAMS", "RESERVED", "complete", "compiled", "run_facts", "SEVERITY", "clause_ref", "formula", "get_bundle", "inputs", "max_amount", "parse_as_of", "project_key", "receipt", "submissions", "term_json", "validate"]
