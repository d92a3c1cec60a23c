"""Built-in calendars ("vn", "gregorian"), registered through the plugin hook."""

from __future__ import annotations

from typing import Any, Mapping

from nqengine.calendars import GregorianCalendar, VietnamCalendar
from nqengine.plugins.hookspecs import hookimpl


class VietnamCalendarFactory:
    """Vietnamese working days: ``holidays`` plus official per-year overrides from the spec."""

    name = "vn"

    def create(self, overrides: Mapping[Any, Any]) -> VietnamCalendar:
        return VietnamCalendar.from_mapping(overrides or {})


class GregorianCalendarFactory:
    """Monday to Friday, no holidays."""

    name = "gregorian"

    def create(self, overrides: Mapping[Any, Any]) -> GregorianCalendar:
        return GregorianCalendar()


@hookimpl
def nqengine_register_calendars():
    return [VietnamCalendarFactory(), GregorianCalendarFactory()]
