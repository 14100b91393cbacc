"""Every dataset test starts without `$MLZOO_DATA_DIR`, whatever the caller's environment."""

import pytest


@pytest.fixture(autouse=True)
def _no_data_dir_env(monkeypatch):
    monkeypatch.delenv("MLZOO_DATA_DIR", raising=False)
