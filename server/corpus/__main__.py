"""`python -m policykg.corpus`: segment the sources into policies/clauses/ (deterministic) and print the counts."""
from policykg.corpus.segment import main

raise SystemExit(main())
