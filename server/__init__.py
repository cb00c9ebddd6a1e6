"""policykg: a policy-as-code knowledge graph of Beijing's urban-renewal and industrial-support policies.

The package is a map of the system (docs/architecture.md): data flows one way,
sources -> corpus -> store -> {validation, eligibility, registry, SPARQL, provenance} -> {api, web, cli}.
Each subpackage's __init__ says what it owns and exports the names other packages use.
"""
__version__ = "0.2.0"

from policykg.client import Client  # noqa: E402 - the notebook client needs only the standard library

__all__ = ["Client", "__version__"]
