"""Shared test configuration: Hypothesis profiles, and pytester for the pytest plugin's tests.

Profiles (choose with NQENGINE_HYPOTHESIS_PROFILE, or Hypothesis's own
HYPOTHESIS_PROFILE; default ``ci``):

``ci``
    bounded and derandomized: the same examples on every run, so the whole
    suite stays within a few minutes on 2 cores and never flakes.
``thorough``
    many random examples, with the example database: for long runs that hunt
    for new counterexamples (``NQENGINE_HYPOTHESIS_PROFILE=thorough pytest``).
"""

import os
import tempfile

from hypothesis import HealthCheck, settings

# The library's holidays are cached between runs (nqengine.calendars.cache_folder): in the suite, in a folder of
# its own, so that it writes nothing outside the repository and the temporary folder, and starts cold.
if "NQENGINE_CACHE_DIR" not in os.environ:
    _CACHE = os.environ["NQENGINE_CACHE_DIR"] = tempfile.mkdtemp(prefix="nqengine-test-cache-")

    def pytest_unconfigure(config):
        import shutil

        shutil.rmtree(_CACHE, ignore_errors=True)

pytest_plugins = ["pytester"]

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("NQENGINE_HYPOTHESIS_PROFILE") or os.environ.get("HYPOTHESIS_PROFILE") or "ci")


# --- The service's PostgreSQL (issue 14): one throwaway cluster per run, a new database per test. ---
import itertools as _itertools

import pytest as _pytest


@_pytest.fixture(scope="session")
def _pg_cluster():
    from service_support import PostgresCluster

    if os.environ.get("NQENGINE_TEST_PG"):
        yield None
        return
    try:
        cluster = PostgresCluster()
    except Exception as exc:  # no PostgreSQL here
        if os.environ.get("NQENGINE_REQUIRE_PG") == "1":
            raise
        _pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield cluster
    cluster.stop()


_pg_count = _itertools.count(1)


@_pytest.fixture
def pg_url(_pg_cluster):
    """The URL of a new, empty PostgreSQL database."""
    from service_support import fresh_pg_database

    if _pg_cluster is None:
        return fresh_pg_database(os.environ["NQENGINE_TEST_PG"], next(_pg_count))
    return _pg_cluster.database()


@_pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A store URL on each database: a new SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nqengine.db'}"
    return request.getfixturevalue("pg_url")


@_pytest.fixture(autouse=True)
def _fresh_plugin_manager():
    """Each test's command lines build their own plugin manager.

    ``nqengine.plugins.manager.shared_plugin_manager`` keeps one per process for
    the command line; reset here so that no test sees what another loaded, and a
    mutation run's mutants in plugin code are not hidden by a manager built
    before them (mutmut forks each mutant's run from a process that ran the tests).
    """
    from nqengine.plugins import manager

    manager._SHARED = None
    yield
