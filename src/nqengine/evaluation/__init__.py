"""The evaluate stage: a spec, a registry and facts, as of a date, to verdicts.

- :mod:`nqengine.evaluation.engine` — the context (facts indexed per unit), the
  evaluation loop, :class:`Evaluation` and the status rule;
- :mod:`nqengine.evaluation.dispatch` — which kind judges which units (a plugin);
- :mod:`nqengine.evaluation.incremental` — re-evaluating only what a new fact changes;
- :mod:`nqengine.evaluation.kinds` — :class:`ObligationKind` and the built-in kinds (plugins).
"""

from nqengine.evaluation.engine import Context, Evaluation, evaluate
from nqengine.evaluation.incremental import IncrementalEvaluation

__all__ = ["Context", "Evaluation", "evaluate", "IncrementalEvaluation"]
