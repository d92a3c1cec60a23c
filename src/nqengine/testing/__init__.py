"""Testing plans: Hypothesis strategies, engine invariants, ``prove``, worked examples, the pytest plugin.

- :mod:`nqengine.testing.strategies` — the strategies (registries, facts, specs,
  scenarios), re-exported here: ``from nqengine import testing; testing.scenarios(spec)``;
- :mod:`nqengine.testing.properties` — the invariants every evaluation keeps;
- :mod:`nqengine.testing.prove` — ``nqengine prove``;
- :mod:`nqengine.testing.examples` — a spec's worked ``examples`` (``nqengine test``);
- :mod:`nqengine.testing.pytest_plugin` — specs tested with plain ``pytest``;
- :mod:`nqengine.testing.builtin` — the strategies of the built-in kinds (a plugin).
"""

from __future__ import annotations

from typing import Any

#: The strategies' names, read from :mod:`nqengine.testing.strategies` on first use.
__all__ = [
    "GRASSROOTS_KINDS",
    "Break",
    "BrokenCase",
    "CompliantSet",
    "FieldStrategies",
    "GenContext",
    "KindStrategies",
    "Scenario",
    "TestingCatalogue",
    "as_of_dates",
    "broken_facts",
    "checkable",
    "compliant_facts",
    "expected_status",
    "fact_from_record",
    "facts_for",
    "plan_period",
    "registries",
    "scenarios",
    "selector_possible",
    "specs",
    "testing_catalogue",
    "vocabulary",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        # Hypothesis is a test dependency, and slow to import: load the strategies on first use, so
        # that the pytest plugin and `nqengine test` (in this package too) never pay for it.
        from nqengine.testing import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'nqengine.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
