"""The inputs stage: the organisation registry and the recorded facts.

- :mod:`nqengine.inputs.registry` — the registry's schema, read from YAML;
- :mod:`nqengine.inputs.facts` — fact types (:class:`FactType`) and YAML facts;
- :mod:`nqengine.inputs.fact_types` — the built-in fact types (a plugin);
- :mod:`nqengine.inputs.attendance` — per-member attendance rows folded into sessions (a plugin);
- :mod:`nqengine.inputs.bulk` — JSON Lines and CSV at national scale;
- :mod:`nqengine.inputs.load` — the entry points, choosing the reader by suffix.
"""

from nqengine.inputs.facts import COMMON_FACT_FIELDS, FactType
from nqengine.inputs.load import load_facts, load_facts_text, load_registry
from nqengine.inputs.registry import load_registry_text

__all__ = ["load_registry", "load_registry_text", "load_facts", "load_facts_text", "FactType", "COMMON_FACT_FIELDS"]
