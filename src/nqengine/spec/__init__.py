"""The spec stage: a plan's YAML text to a validated :class:`nqengine.model.Spec`.

- :mod:`nqengine.spec.load` — the spec's schema and the loader (``load_spec``);
- :mod:`nqengine.spec.compose` — ``extends``, ``remove``, ``override`` and amendments;
- :mod:`nqengine.spec.validate` — cross-references (clauses, events, obligations);
- :mod:`nqengine.spec.dump` — a loaded spec, registry or facts back to YAML.

The strict YAML reader (:mod:`nqengine.yamlsource`) and the schema language
(:mod:`nqengine.schema`) lie below: the registry and fact files are read with them too.
"""

from nqengine.spec.load import (
    COMMON_FIELDS,
    FORMAT_VERSION,
    SECTORS,
    UNIT_KINDS,
    load_spec,
    load_spec_text,
    spec_schema,
)

__all__ = ["load_spec", "load_spec_text", "FORMAT_VERSION", "UNIT_KINDS", "SECTORS", "COMMON_FIELDS", "spec_schema"]
