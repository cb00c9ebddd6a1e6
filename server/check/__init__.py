"""`policykg check`: the consistency of the whole corpus. It reads the corpus, the shapes and the
query library, so it sits on top, beside cli/.
"""
from policykg.check.runner import run_checks

__all__ = ["run_checks"]
