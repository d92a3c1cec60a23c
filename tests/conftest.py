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

from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True)
settings.load_profile(os.environ.get("NQENGINE_HYPOTHESIS_PROFILE") or os.environ.get("HYPOTHESIS_PROFILE") or "ci")
