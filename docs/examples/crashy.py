"""A plugin with a bug, for docs/plugins.md ("When a plugin fails").

It reads an ``attendance`` headcount that units do not have, so it raises
``KeyError`` during evaluation; nqengine stops with exit status 3 and names the
plugin, the hook, the obligation and the unit.
"""

from nqengine.plugins.hookspecs import hookimpl


@hookimpl
def nqengine_extra_findings(obligation, unit, verdict, context):
    return [unit.audience["attendance"]]  # the bug: no unit has an 'attendance' category
