"""One real detector (spaCy pipeline, VADER lexicon, policy/detector.yml) for the session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def detector():
    from handoff.detect import Detector

    return Detector.load()
