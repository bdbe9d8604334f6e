"""Where the public data lives: ``../shared`` next to the checkout (or one level up, for a git
worktree under ``wt/``), or ``$SHARED_DIR``. Only benchmarks and the detector's training script
read it; nothing at run time or in ``make test`` does."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared data folder (may not exist: callers say so)."""
    if os.environ.get("SHARED_DIR"):
        return Path(os.environ["SHARED_DIR"])
    for candidate in (ROOT.parent / "shared", ROOT.parents[1] / "shared"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared"
