"""`python -m policykg.cli` is the `policykg` command."""
from policykg.cli.main import main

raise SystemExit(main())
