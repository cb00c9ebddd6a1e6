"""The store behind one interface (`Store`): pyoxigraph on disk or in memory (`OxiStore`), or any
SPARQL 1.1 server (`RemoteStore`); `open_store(settings)` picks one. Loads the corpus as named
graphs and records its version so that a stale store is rebuilt, never served.
"""
from policykg.store.base import IN_ORDER, VERSION_Q, Store, is_corpus_graph
from policykg.store.embedded import OxiStore
from policykg.store.factory import corpus_store, open_store
from policykg.store.remote import RemoteStore
from policykg.store.views import RegistryHidden

__all__ = ["IN_ORDER", "OxiStore", "RegistryHidden", "RemoteStore", "Store", "VERSION_Q", "corpus_store", "is_corpus_graph", "open_store"]
