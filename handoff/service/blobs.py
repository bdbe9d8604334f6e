"""Attachment bytes on disk: one file per attachment in ``ATTACHMENTS_DIR``, under a random name.

Files are written whole (a temporary name, fsync, rename) before the row that names them is
committed, so a committed row always has its file; a failed commit removes the file again.
The folder is never served as is (``handoff.service.attachments`` checks who asks first) and
must not be inside a served folder. With several nodes it must be one shared folder.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Set

KEY = re.compile(r"^[0-9a-f]{32}$")


def save(folder: Path, data: bytes) -> str:
    """Write ``data`` durably under a new random key (returned); the file is readable by us only."""
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    part = folder / f".{key}.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, folder / key)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _sync_dir(folder)
    return key


def path_of(folder: Path, key: str) -> Optional[Path]:
    """The file of ``key`` when it exists (keys are checked: no path ever comes from a client)."""
    if not KEY.match(key or ""):
        return None
    target = folder / key
    return target if target.is_file() else None


def remove(folder: Path, key: str) -> None:
    """Delete the file of ``key`` (a write whose row was never committed)."""
    target = path_of(folder, key)
    if target is not None:
        target.unlink(missing_ok=True)


def sweep(folder: Path, known: Callable[[List[str]], Set[str]], older_than_s: float = 3600.0,
          batch: int = 500) -> int:
    """Delete what a crash left behind: half-written parts, and files no row names (the commit
    never happened). Only files older than ``older_than_s`` are looked at, so another node's
    upload in progress is never touched. ``known(keys)``: which of ``keys`` rows name."""
    if not folder.is_dir():
        return 0
    cutoff, removed = time.time() - older_than_s, 0
    old = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for part in [p for p in old if p.name.endswith(".part")]:
        part.unlink(missing_ok=True)
        removed += 1
    keys = [p.name for p in old if KEY.match(p.name)]
    for start in range(0, len(keys), batch):
        chunk = keys[start:start + batch]
        named = known(chunk)
        for key in chunk:
            if key not in named:
                (folder / key).unlink(missing_ok=True)
                removed += 1
    return removed


def inside_any(folder: Path, served: Iterable[Path]) -> bool:
    """True when ``folder`` is (inside) one of the ``served`` folders: refused at start."""
    here = folder.resolve()
    return any(here == root.resolve() or root.resolve() in here.parents for root in served)


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
