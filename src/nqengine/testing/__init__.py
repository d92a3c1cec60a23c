"""Testing plans: Hypothesis strategies, engine invariants, ``prove``, worked examples, the pytest plugin.

The strategies (:mod:`nqengine.testing.strategies`) are Hypothesis strategies for nqengine: registries, facts and specs to test plans with.

One place for every strategy, used by nqengine's own tests, by ``nqengine
prove`` and by plugin authors::
    from hypothesis import given
    from nqengine import testing

    spec = nqengine.load_spec("specs/tam-ky-xxi")

    @given(testing.scenarios(spec))
    def test_no_crash(scenario):
        nqengine.evaluate(spec, scenario.registry, list(scenario.facts), scenario.as_of)

The strategies:

- :func:`registries` — organisation registries: a city committee and units of
  every kind the spec's selectors name (sectors only on grassroots party
  organisations, as in ``registry.yaml``), headcounts per audience category,
  people with roles and qualifications that have validity dates.  With
  ``compliant=True`` every unit exists for the whole plan and has a head who
  holds every role and qualification a presenter rule asks for (and a plain
  member who holds none), so every obligation *can* be done right.
- :func:`facts_for` — arbitrary facts for a spec and registry, valid by their
  fact type's schema (unknown units and late dates included).
- :func:`compliant_facts` — facts that fulfil every checkable obligation of
  every unit on time (see :class:`CompliantSet`).
- :func:`broken_facts` — compliant facts with exactly one check of one
  (obligation, unit) broken (see :class:`BrokenCase`).
- :func:`scenarios` — a registry, a mix of compliant and arbitrary facts, and
  an evaluation date near the dates that matter.
- :func:`specs` — valid specs built from the registered obligation kinds.

What a kind or fact type generates comes from the plugins, through the
``nqengine_testing_strategies`` hook: see :class:`KindStrategies`.
"""

from __future__ import annotations

from typing import Any

#: The strategies' names, read from :mod:`nqengine.testing.strategies` on first use.
__all__ = [
    "GRASSROOTS_KINDS",
    "Break",
    "BrokenCase",
    "CompliantSet",
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
