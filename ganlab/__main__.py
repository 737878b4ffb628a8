"""`python -m ganlab ...`: the command line (see ganlab.cli)."""

from ganlab.cli import main

raise SystemExit(main())
