"""Working-day calendars, for obligations counted in "ngày làm việc" (working days).

Date deadlines in Party plans do not roll over weekends (DOMAIN.md, "Dates"); these
calendars matter only when a plan counts working days.  Two are provided:

* :class:`GregorianCalendar` -- Monday to Friday, no holidays;
* :class:`VietnamCalendar` -- the ``holidays`` library's Vietnamese public holidays as a
  base, plus per-year official overrides, because the government fixes each year's exact
  days off and weekend swaps by decision, and the library can lag behind.

Registration as plugins happens elsewhere (through pluggy); nothing here registers itself.
"""

from __future__ import annotations

import abc
import datetime
import importlib.util
import json
import os
import zlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from nqengine.dates import parse_date

__all__ = ["Calendar", "GregorianCalendar", "VietnamCalendar", "YearOverride"]

_ONE_DAY = datetime.timedelta(days=1)
# A calendar with no working day in a whole year is misconfigured; stop rather than loop.
_MAX_GAP_DAYS = 366


def _as_date(value: datetime.date) -> datetime.date:
    # datetime subclasses date but does not compare with it; keep only the day.
    return value.date() if isinstance(value, datetime.datetime) else value


class Calendar(abc.ABC):
    """A calendar of working days.

    Subclasses provide :meth:`is_working_day` and :meth:`holiday_name`; the arithmetic
    (:meth:`add_working_days`, :meth:`working_days_between`) is shared.
    """

    name: str = ""

    @abc.abstractmethod
    def is_working_day(self, d: datetime.date) -> bool:
        """Whether ``d`` is a working day."""

    @abc.abstractmethod
    def holiday_name(self, d: datetime.date, lang: str = "vi") -> str | None:
        """Name of the holiday or official day off that makes ``d`` non-working.

        ``None`` for working days and for ordinary weekends.  ``lang`` is ``"vi"``
        (default) or ``"en"``.
        """

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day strictly after ``start``.

        ``n == 0`` returns ``start`` unchanged, even if it is not a working day.

        Raises:
            ValueError: if ``n`` is negative.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = _as_date(start)
        gap = 0
        while n > 0:
            d += _ONE_DAY
            if self.is_working_day(d):
                n -= 1
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP_DAYS:
                    raise ValueError(f"{self.name}: no working day in a year after {d}")
        return d

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Number of working days in ``(a, b]``: after ``a``, up to and including ``b``.

        0 when ``b <= a``.
        """
        d, end = _as_date(a), _as_date(b)
        count = 0
        while d < end:
            d += _ONE_DAY
            count += self.is_working_day(d)
        return count

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GregorianCalendar(Calendar):
    """Monday to Friday are working days; there are no holidays."""

    name = "gregorian"

    def is_working_day(self, d: datetime.date) -> bool:
        return d.weekday() < 5

    def holiday_name(self, d: datetime.date, lang: str = "vi") -> str | None:
        return None


def _date_tuple(values: Iterable[datetime.date | str]) -> tuple[datetime.date, ...]:
    return tuple(sorted({parse_date(v) for v in values}))


def _names(values: Mapping[Any, str] | None) -> Mapping[datetime.date, str]:
    return MappingProxyType({parse_date(k): str(v) for k, v in (values or {}).items()})


@attrs.frozen
class YearOverride:
    """The government's decision for one year: extra days off and swapped working days.

    Attributes:
        days_off: extra days off (on top of the ``holidays`` library's).
        working_days: days that are working days although they would not be
            (typically a Saturday worked in exchange for a bridge day off).
        names: optional Vietnamese name per day off.
        names_en: optional English name per day off.

    Dates may be given as ``date`` objects or strings accepted by ``parse_date``.
    """

    days_off: tuple[datetime.date, ...] = attrs.field(default=(), converter=_date_tuple)
    working_days: tuple[datetime.date, ...] = attrs.field(default=(), converter=_date_tuple)
    names: Mapping[datetime.date, str] = attrs.field(factory=dict, converter=_names, hash=False)
    names_en: Mapping[datetime.date, str] = attrs.field(
        factory=dict, converter=_names, hash=False
    )

    def __attrs_post_init__(self) -> None:
        both = set(self.days_off) & set(self.working_days)
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates both off and working in one override: {listed}")


def _official_break(first: str, last: str, name_vi: str, name_en: str) -> YearOverride:
    """Every day from ``first`` to ``last`` off; the weekend ones get the break's name.

    Weekdays are left unnamed so the library's more precise name (e.g. "Mùng hai Tết
    Nguyên Đán") shows through.
    """
    start, end = parse_date(first), parse_date(last)
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    weekend = [d for d in days if d.weekday() >= 5]
    return YearOverride(
        days_off=days,
        names={d: name_vi for d in weekend},
        names_en={d: name_en for d in weekend},
    )


# Only decisions we are sure of.  The weekdays are also library holidays; they are
# repeated so that the official span stays whole whatever the library says.
_BUILTIN_OVERRIDES: Mapping[int, YearOverride] = MappingProxyType(
    {
        # National Day 2024: Sat 31/8 to Tue 3/9.
        2024: _official_break(
            "31/08/2024", "03/09/2024", "Nghỉ lễ Quốc khánh", "National Day break"
        ),
        # Tết Bính Ngọ 2026: Sat 14/2 to Sun 22/2, nine days.
        2026: _official_break(
            "14/02/2026", "22/02/2026", "Nghỉ Tết Nguyên Đán", "Lunar New Year break"
        ),
    }
)

_GENERIC_NAME = {"vi": "Ngày nghỉ theo quyết định của Chính phủ", "en": "Official day off"}
_LIBRARY_LANGUAGE = {"vi": "vi", "en": "en_US", "en_us": "en_US", "th": "th"}


def _merge(base: YearOverride | None, top: YearOverride) -> YearOverride:
    """``top`` over ``base``: days off are united, and ``top`` wins any disagreement."""
    if base is None:
        return top
    off = (set(base.days_off) - set(top.working_days)) | set(top.days_off)
    work = (set(base.working_days) - set(top.days_off)) | set(top.working_days)
    return YearOverride(
        days_off=off,
        working_days=work,
        names={**base.names, **top.names},
        names_en={**base.names_en, **top.names_en},
    )


class VietnamCalendar(Calendar):
    """Vietnamese working days: Monday to Friday, minus public holidays, with overrides.

    Public holidays come from ``holidays.country_holidays("VN")`` (Labour Code 2019,
    art. 112, with the library's known swaps).  ``overrides`` maps a year to the
    government's decision for it and merges over the built-in ones (days off are united;
    where the user and a built-in disagree about a date, the user wins).  A date in
    ``working_days`` is a working day even on a weekend or a library holiday.
    """

    name = "vn"

    def __init__(
        self,
        overrides: Mapping[int, YearOverride] | None = None,
        use_builtin_overrides: bool = True,
    ) -> None:
        merged = dict(_BUILTIN_OVERRIDES) if use_builtin_overrides else {}
        for year in sorted(overrides or {}):
            merged[year] = _merge(merged.get(year), (overrides or {})[year])
        self.overrides: Mapping[int, YearOverride] = MappingProxyType(merged)

        # A swap may cross a year boundary (27/12/2014 worked for 2/1/2015), so flatten.
        self._days_off: set[datetime.date] = set()
        self._working: set[datetime.date] = set()
        self._names: dict[str, dict[datetime.date, str]] = {"vi": {}, "en": {}}
        for year in sorted(merged):
            ov = merged[year]
            self._days_off = (self._days_off - set(ov.working_days)) | set(ov.days_off)
            self._working = (self._working - set(ov.days_off)) | set(ov.working_days)
            self._names["vi"].update(ov.names)
            self._names["en"].update(ov.names_en)
        self._library: dict[tuple[int, str], LibraryYear] = {}

    @classmethod
    def from_mapping(
        cls, data: Mapping[Any, Mapping[str, Any]], use_builtin_overrides: bool = True
    ) -> VietnamCalendar:
        """Build from plain data, e.g. loaded from YAML or JSON.

        ``{2026: {"days_off": ["14/02/2026", ...], "working_days": [...]}}``.  Years may
        be strings (as YAML/JSON keys often are); dates may be strings accepted by
        ``parse_date`` or ``date`` objects; a day off may also be written
        ``{"date": ..., "name": ..., "name_en": ...}`` to name it.

        Raises:
            ValueError: on a bad year, an unknown key or a date both off and working;
                InvalidDate (a ValueError) on a bad date.
        """
        overrides: dict[int, YearOverride] = {}
        for key, entry in data.items():
            try:
                year = int(key)
            except (TypeError, ValueError):
                raise ValueError(f"override year must be a number, got {key!r}") from None
            if not isinstance(entry, Mapping):
                raise ValueError(f"override {year}: expected a mapping, got {entry!r}")
            unknown = set(entry) - {"days_off", "working_days"}
            if unknown:
                raise ValueError(f"override {year}: unknown keys {sorted(unknown)}")
            days_off: list[datetime.date | str] = []
            names: dict[datetime.date, str] = {}
            names_en: dict[datetime.date, str] = {}
            for item in entry.get("days_off") or ():
                if isinstance(item, Mapping):
                    if "date" not in item:
                        raise ValueError(f"override {year}: a day off without 'date': {item!r}")
                    d = parse_date(item["date"])
                    if item.get("name"):
                        names[d] = item["name"]
                    if item.get("name_en"):
                        names_en[d] = item["name_en"]
                    item = d
                days_off.append(item)
            overrides[year] = YearOverride(
                days_off=days_off,
                working_days=entry.get("working_days") or (),
                names=names,
                names_en=names_en,
            )
        return cls(overrides, use_builtin_overrides=use_builtin_overrides)

    def _holidays(self, year: int, language: str = "vi") -> LibraryYear:
        # One table per (year, language): the library populates years lazily, and its
        # swapped working days are only known for the years it has populated.
        key = (year, language)
        if key not in self._library:
            self._library[key] = library_year(year, language)
        return self._library[key]

    def _library_workday(self, d: datetime.date) -> bool:
        # Older `holidays` releases have no `weekend_workdays`; then there is no swap.
        return any(
            d in getattr(self._holidays(y), "weekend_workdays", ())
            for y in (d.year - 1, d.year, d.year + 1)
            if datetime.MINYEAR <= y <= datetime.MAXYEAR
        )

    def is_working_day(self, d: datetime.date) -> bool:
        d = _as_date(d)
        if d in self._working:
            return True
        if d in self._days_off or d in self._holidays(d.year):
            return False
        return d.weekday() < 5 or self._library_workday(d)

    def holiday_name(self, d: datetime.date, lang: str = "vi") -> str | None:
        d = _as_date(d)
        language = _LIBRARY_LANGUAGE.get(lang.replace("-", "_").lower())
        if language is None:
            raise ValueError(f"unsupported language {lang!r}: use 'vi' or 'en'")
        if self.is_working_day(d):
            return None
        short = "vi" if language == "vi" else "en"
        if d in self._names[short]:
            return self._names[short][d]
        library_name = self._holidays(d.year, language).get(d)
        if library_name:
            return str(library_name)
        return _GENERIC_NAME[short] if d in self._days_off else None

    def __repr__(self) -> str:
        return f"VietnamCalendar(overrides={sorted(self.overrides)})"


# -- the library's holidays, kept on disk between runs -----------------------------------

class LibraryYear:
    """One year of the ``holidays`` library's Vietnamese holidays in one language.

    ``date in year`` and ``year.get(date)`` (the holiday's name) answer for the
    dates of that year, as the library's ``HolidayBase`` populated for it does;
    ``weekend_workdays`` are the weekend days it swaps into working days.
    """

    __slots__ = ("days", "weekend_workdays")

    def __init__(self, days: Mapping[datetime.date, str], weekend_workdays: Iterable[datetime.date] = ()) -> None:
        self.days = dict(days)
        self.weekend_workdays = frozenset(weekend_workdays)

    def __contains__(self, d: object) -> bool:
        return d in self.days

    def get(self, d: datetime.date, default: str | None = None) -> str | None:
        return self.days.get(d, default)


def library_year(year: int, language: str) -> LibraryYear:
    """The library's holidays of ``year`` in ``language``: from the cache when it has them, else from the library (then cached).

    Importing ``holidays`` imports every country's module (about 0.1 s and 14 MB,
    more than the rest of a small evaluation); the Vietnamese holidays of a year
    are a dozen dates.  They are kept in a small JSON file in nqengine's cache
    folder (:func:`cache_folder`), keyed by the installed library (the path,
    size and modification time of its Vietnamese module and its base class), so
    a new release of the library is read afresh.  A cache that cannot be read
    or written is ignored: the library answers.
    """
    cache = _HolidayCache.for_process()
    if cache is not None:
        hit = cache.get(year, language)
        if hit is not None:
            return hit
    import holidays  # every country's module: only on a cache miss

    lib = holidays.country_holidays("VN", years=year, language=language)
    got = LibraryYear({d: str(name) for d, name in lib.items()}, getattr(lib, "weekend_workdays", ()))
    if cache is not None:
        cache.put(year, language, got)
    return got


def cache_folder() -> str | None:
    """Where nqengine keeps what it can compute again: ``NQENGINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/nqengine``
    or ``~/.cache/nqengine``; None when ``NQENGINE_CACHE_DIR`` is set empty (no cache)."""
    given = os.environ.get("NQENGINE_CACHE_DIR")
    if given is not None:
        return given or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "nqengine")


class _HolidayCache:
    """The JSON file of the library's Vietnamese holidays, per (year, language), for the installed library."""

    _process: tuple[tuple, _HolidayCache | None] | None = None  # (where it is and what it is keyed by, the cache)

    def __init__(self, path: str, library: list) -> None:
        self.path, self.library = path, library
        self.years: dict[str, Any] = {}
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, dict) and data.get("format") == 1 and data.get("library") == library and isinstance(data.get("years"), dict):
                self.years = data["years"]
        except (OSError, ValueError):  # none yet, or not ours: start afresh
            pass

    @classmethod
    def for_process(cls) -> _HolidayCache | None:
        folder = cache_folder()
        library = _library_key()
        where = (folder, tuple(map(tuple, library)) if library else None)
        if cls._process is None or cls._process[0] != where:
            cache = cls(os.path.join(folder, cache_name(library)), library) if folder and library else None
            cls._process = (where, cache)
        return cls._process[1]

    def get(self, year: int, language: str) -> LibraryYear | None:
        entry = self.years.get(f"{year} {language}")
        try:
            days = {datetime.date.fromisoformat(d): str(name) for d, name in entry["days"]}  # type: ignore[index]
            swaps = [datetime.date.fromisoformat(d) for d in entry["weekend_workdays"]]  # type: ignore[index]
        except (TypeError, KeyError, ValueError):  # not there, or not what this code writes
            return None
        return LibraryYear(days, swaps)

    def put(self, year: int, language: str, got: LibraryYear) -> None:
        self.years[f"{year} {language}"] = {
            "days": sorted([d.isoformat(), name] for d, name in got.days.items()),
            "weekend_workdays": sorted(d.isoformat() for d in got.weekend_workdays),
        }
        import tempfile  # only when writing: not on the start-up path of every command

        folder = os.path.dirname(self.path)
        try:  # written whole and renamed: a reader never sees half a file
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(self.path)}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"format": 1, "library": self.library, "years": self.years}, fh, ensure_ascii=False, sort_keys=True)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:  # a folder that cannot be written: the library answers next time too
            pass


def cache_name(library: list) -> str:
    """The cache file of one installation of ``holidays`` (named by its folder): two environments on one machine,
    each with its own release of the library, each keep theirs instead of rewriting one file in turn."""
    folder = os.path.dirname(os.path.dirname(library[0][0]))  # .../holidays/countries/vietnam.py -> .../holidays
    return f"holidays-vn-{zlib.crc32(folder.encode('utf-8', 'surrogateescape')):08x}.json"


def _library_key() -> list | None:
    """What identifies the installed ``holidays`` without importing it: its Vietnamese module's and base class's path, size and time."""
    try:
        spec = importlib.util.find_spec("holidays")
    except (ImportError, ValueError):  # pragma: no cover - not installed
        return None
    if spec is None or not spec.origin:
        return None
    folder = os.path.dirname(spec.origin)
    key = []
    for name in (os.path.join("countries", "vietnam.py"), "holiday_base.py"):
        path = os.path.join(folder, name)
        try:
            st = os.stat(path)
        except OSError:  # another layout: no cache
            return None
        key.append([path, st.st_size, st.st_mtime_ns])
    return key
