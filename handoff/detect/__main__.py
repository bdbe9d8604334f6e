"""Entry point of ``python -m handoff.detect`` (see handoff/detect/cli.py)."""

from handoff.detect.cli import main

raise SystemExit(main())
