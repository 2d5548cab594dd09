"""One local SparkSession for the whole Spark test folder (starting the JVM is the slow part)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    from himozuke.match.spark import default_session

    session = default_session()
    yield session
    session.stop()
