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
from pathlib import Path
from typing import Iterable, Optional

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
