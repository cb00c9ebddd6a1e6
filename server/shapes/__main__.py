"""`python -m policykg.shapes [--check]`: write shapes/ from the corpus (or check they are fresh)."""
from policykg.shapes.generate import main

raise SystemExit(main())
