"""Shared test set-up: a private cache folder, so tests never write to the user's home."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GANLAB_CACHE", str(tmp_path_factory.mktemp("ganlab-cache")))
    yield
    mp.undo()
