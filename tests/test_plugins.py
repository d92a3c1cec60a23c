"""Plugins: discovery and control, overriding built-ins, and faults attributed to their plugin.

A plugin that fails — does not load, fails validation, raises inside a hook, or
returns something malformed — must produce a PluginError naming the plugin,
the hook and, during evaluation, the obligation and unit; never a partial
result.  Each hook is exercised here both ways.
"""

from __future__ import annotations

import importlib.metadata
import json
import textwrap

import attrs
import pluggy
import pytest
from helpers import MINI_PLAN

import nqengine
from nqengine.cli import main
from nqengine.errors import MissingPluginError, PluginError, Problem, SpecError
from nqengine.evaluation.engine import add_findings
from nqengine.evaluation.kinds import ObligationKind
from nqengine.inputs import FactType, load_facts_text
from nqengine.inputs.registry import load_registry_text
from nqengine.model import Finding, Verdict
from nqengine.plugins import (
    DEFAULT_PLUGINS,
    PluginManager,
    catalogue_for,
    get_plugin_manager,
    list_plugins,
)
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, Str
from nqengine.spec import load_spec_text

SPEC = """\
nqengine: 1
id: t
title: Kế hoạch thử
document: {id: kh, title: Kế hoạch thử, issued: 01/09/2020}
audience_categories:
  dang_vien: {vi: Đảng viên, en: Party members, party_member: true}
clauses:
  c1: Điều một.
obligations:
  - id: study
    kind: study_session
    title: Học tập
    clause: c1
    applies_to: {kinds: party_committee}
    deadline: {date: 31/10/2020, inclusive: false}
    audience: {categories: [dang_vien]}
"""

REGISTRY = """\
units:
  - {id: city, name: Thành ủy, kind: city_committee}
  - {id: w1, name: Đảng bộ phường Một, kind: party_committee, sector: ward, parent: city, audience: {dang_vien: 10}}
"""

TWO_UNITS = REGISTRY + "  - {id: w2, name: Đảng bộ phường Hai, kind: party_committee, sector: ward, parent: city, audience: {dang_vien: 5}}\n"

FACTS = "facts:\n  - {id: s1, type: session, unit: w1, date: 05/10/2020, attendance: {dang_vien: 10}}\n"

PLUGIN_PACKAGES = {"nqengine-attendance": "nqengine_attendance", "nqengine-ordering": "nqengine_ordering"}
DEMO = "specs/plugin-demo"


def make_pm(*plugins: tuple[str, object], load_entrypoints: bool = False) -> PluginManager:
    pm = get_plugin_manager(load_entrypoints=load_entrypoints)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    return pm


def run(pm: pluggy.PluginManager, spec: str = SPEC, registry: str = REGISTRY, facts: str = FACTS, as_of: str = "20/11/2020"):
    s = load_spec_text(spec, "t.yaml", pm=pm)
    return nqengine.evaluate(s, load_registry_text(registry, "r.yaml"), load_facts_text(facts, "f.yaml", pm=pm), as_of, pm=pm)


def raises_attributed(exc: PluginError, plugin: str | None, hook: str, obligation: str | None = None, unit: str | None = None) -> None:
    """The error names what it must, in English (``str``) and in Vietnamese (``render``)."""
    text = str(exc)
    assert exc.plugin == plugin and exc.hook == hook, text
    if plugin:
        assert f"plugin {plugin!r}" in text
    assert f"hook {hook}" in text
    if obligation:
        assert f"obligation {obligation!r}" in text and f"nghĩa vụ {obligation!r}" in exc.render("vi")
    if unit:
        assert f"unit {unit!r}" in text and f"đơn vị {unit!r}" in exc.render("vi")
    assert "Traceback" not in text


class Kinds:
    """A plugin registering the kinds it is given."""

    def __init__(self, *kinds: object):
        self.kinds = list(kinds)

    @hookimpl
    def nqengine_register_obligation_kinds(self):
        return self.kinds


# --------------------------------------------------------------------------
# Discovery and control
# --------------------------------------------------------------------------


def test_no_plugin_manager_exists_at_import_time():
    import nqengine.evaluation.engine
    import nqengine.plugins as plugins_module
    import nqengine.plugins.manager
    import nqengine.spec.load

    for module in (nqengine, plugins_module, nqengine.plugins.manager, nqengine.evaluation.engine, nqengine.spec, nqengine.spec.load):
        assert not any(isinstance(v, pluggy.PluginManager) for v in vars(module).values()), module
    assert get_plugin_manager() is not get_plugin_manager()


def test_builtins_are_ordinary_plugins_of_the_same_manager():
    pm = get_plugin_manager(load_entrypoints=False)
    names = [name for name, _ in pm.list_name_plugin()]
    assert names[: len(DEFAULT_PLUGINS)] == list(DEFAULT_PLUGINS)
    cat = catalogue_for(pm)
    assert cat.plugin_of_kind("study_session") == "nqengine.kinds.study"
    assert cat.provider[("nqengine_register_calendars", "vn")] == "nqengine.calendar_plugin"
    assert cat.provider[("nqengine_register_output_formats", "table")] == "nqengine.formats"


def test_builtin_kind_calendar_and_format_can_be_overridden():
    from nqengine.evaluation.kinds.study import StudySession

    class StrictStudy(StudySession):
        def evaluate_unit(self, obligation, unit, context):
            v = super().evaluate_unit(obligation, unit, context)
            return attrs.evolve(v, status="violated")

    class Override:
        @hookimpl
        def nqengine_register_obligation_kinds(self):
            return [StrictStudy]

        @hookimpl
        def nqengine_register_output_formats(self):
            class Short:
                name = "table"

                def render(self, evaluation, lang="vi"):
                    return f"{len(evaluation.verdicts)} verdicts\n"

            return [Short()]

    pm = make_pm(("override", Override()))
    ev = run(pm)
    assert ev.verdict("study", "w1").status == "violated"
    cat = catalogue_for(pm)
    assert cat.plugin_of_kind("study_session") == "override"
    assert cat.formats["table"].render(ev) == "1 verdicts\n"


def test_builtins_can_be_blocked():
    pm = get_plugin_manager(["no:nqengine.formats"], load_entrypoints=False)
    assert "nqengine.formats" not in dict(pm.list_name_plugin()) or pm.get_plugin("nqengine.formats") is None
    assert set(catalogue_for(pm).formats) == {"csv", "csv-rollup", "xlsx", "html", "docx", "md"}  # nqengine.render.builtin's
    pm = get_plugin_manager(["no:nqengine.formats", "no:nqengine.render.builtin"], load_entrypoints=False)
    assert catalogue_for(pm).formats == {}
    pm = get_plugin_manager(["no:nqengine.dispatch"], load_entrypoints=False)
    with pytest.raises(PluginError) as info:
        run(pm)
    raises_attributed(info.value, None, "nqengine_evaluate_obligation", "study", "w1")
    assert "no plugin evaluated" in str(info.value)


LOCAL_PLUGIN = '''
from nqengine.plugins.hookspecs import hookimpl
from nqengine.evaluation.kinds.duty import Duty

class Chore(Duty):
    name = "chore"

@hookimpl
def nqengine_register_obligation_kinds():
    return [Chore()]
'''


def test_p_loads_a_local_file(tmp_path, capsys):
    path = tmp_path / "my_chores.py"
    path.write_text(LOCAL_PLUGIN, encoding="utf-8")
    pm = get_plugin_manager([str(path)], load_entrypoints=False)
    assert "chore" in catalogue_for(pm).kinds
    assert catalogue_for(pm).plugin_of_kind("chore") == "my_chores"
    assert main(["plugins", "-p", str(path)]) == 0
    out = capsys.readouterr().out
    assert "my_chores" in out and "loại nghĩa vụ: chore" in out  # the default language is Vietnamese


def test_p_no_blocks_a_local_file_too(tmp_path):
    path = tmp_path / "my_chores.py"
    path.write_text(LOCAL_PLUGIN, encoding="utf-8")
    pm = get_plugin_manager([str(path), "no:my_chores"], load_entrypoints=False)
    assert "chore" not in catalogue_for(pm).kinds


def test_p_missing_plugin_is_a_clear_error(capsys, tmp_path):
    with pytest.raises(MissingPluginError) as info:
        get_plugin_manager(["nqengine_no_such_plugin"])
    assert "nqengine_no_such_plugin" in str(info.value)
    assert main(["plugins", "-p", "nqengine_no_such_plugin"]) == 3
    assert "không tìm thấy plugin 'nqengine_no_such_plugin'" in capsys.readouterr().err
    assert main(["plugins", "-p", str(tmp_path / "nowhere.py"), "--lang", "en"]) == 3
    assert "not found" in capsys.readouterr().err


def test_local_plugin_that_fails_to_import_is_attributed(tmp_path, capsys):
    path = tmp_path / "broken_here.py"
    path.write_text("raise RuntimeError('half written')\n", encoding="utf-8")
    with pytest.raises(PluginError) as info:
        get_plugin_manager([str(path)], load_entrypoints=False)
    assert info.value.plugin == "broken_here" and "half written" in str(info.value)
    assert main(["plugins", "-p", str(path), "--lang", "en"]) == 3
    assert "plugin 'broken_here': the plugin could not be loaded: RuntimeError: half written" in capsys.readouterr().err


def _fake_distribution(site, module: str, version: str, body: str) -> None:
    dist = module.replace("_", "-")
    (site / f"{module}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[nqengine]\n{dist} = {module}\n", encoding="utf-8")


FAKE_BODY = """
    from nqengine.plugins.hookspecs import hookimpl
    from nqengine.evaluation.kinds.duty import Duty

    class Errand(Duty):
        name = "errand"

    @hookimpl
    def nqengine_register_obligation_kinds():
        return [Errand()]
"""


def test_entry_point_plugins_are_loaded_listed_and_blockable(tmp_path, monkeypatch, capsys):
    _fake_distribution(tmp_path, "nqengine_fake_errands", "1.2.3", FAKE_BODY)
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = get_plugin_manager()
    assert catalogue_for(pm).plugin_of_kind("errand") == "nqengine-fake-errands"
    row = next(r for r in list_plugins(pm) if r["name"] == "nqengine-fake-errands")
    assert row["version"] == "1.2.3" and row["distribution"] == "nqengine-fake-errands"
    assert row["kinds"] == ["errand"] and row["hooks"] == ["nqengine_register_obligation_kinds"]
    for blocked in ("nqengine-fake-errands", "nqengine_fake_errands"):  # by entry point, module or distribution
        assert "errand" not in catalogue_for(get_plugin_manager([f"no:{blocked}"])).kinds
    assert main(["plugins", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["nqengine-fake-errands"]["version"] == "1.2.3"


def test_disable_autoload_environment_variable(tmp_path, monkeypatch):
    _fake_distribution(tmp_path, "nqengine_fake_errands", "1.2.3", FAKE_BODY)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("NQENGINE_DISABLE_PLUGIN_AUTOLOAD", "1")
    pm = get_plugin_manager()
    assert "errand" not in catalogue_for(pm).kinds
    assert [n for n, _ in pm.list_name_plugin()] == list(DEFAULT_PLUGINS)
    pm = get_plugin_manager(["nqengine_fake_errands"])  # -p still loads it
    assert "errand" in catalogue_for(pm).kinds
    monkeypatch.setenv("NQENGINE_DISABLE_PLUGIN_AUTOLOAD", "0")
    assert "errand" in catalogue_for(get_plugin_manager()).kinds


def test_broken_entry_point_is_attributed(tmp_path, monkeypatch, capsys):
    _fake_distribution(tmp_path, "nqengine_fake_broken", "0.0.1", "import nqengine_not_a_dependency_anyone_has\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError) as info:
        get_plugin_manager()
    assert info.value.plugin == "nqengine-fake-broken"
    assert "ModuleNotFoundError" in str(info.value)
    assert main(["plugins"]) == 3
    assert "không nạp được plugin" in capsys.readouterr().err
    assert get_plugin_manager(["no:nqengine-fake-broken"]) is not None  # blocking it is the way out


def test_trace_hooks_environment_variable(monkeypatch, capsys):
    monkeypatch.setenv("NQENGINE_TRACE_HOOKS", "1")
    assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020"]) == 0
    err = capsys.readouterr().err
    assert "nqengine: nqengine_register_obligation_kinds <- nqengine.kinds.study -> list[1]" in err
    assert "nqengine: nqengine_evaluate_obligation <- nqengine.dispatch obligation='study-party-committee' units=17 -> list[17]" in err
    monkeypatch.delenv("NQENGINE_TRACE_HOOKS")
    assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020"]) == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------
# The two plugin packages, installed by the README's test command
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dist, module", sorted(PLUGIN_PACKAGES.items()))
def test_installed_plugin_packages_are_listed_with_version(dist, module, capsys):
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a setup mistake, said plainly
        pytest.fail(f"{dist} is not installed: run python -m pip install ./plugins/{dist}")
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert f"{dist} {version}  ({dist})" in out
    assert main(["plugins", "--format", "json"]) == 0
    row = {r["name"]: r for r in json.loads(capsys.readouterr().out)}[dist]
    assert row["version"] == version == importlib.import_module(module).__version__
    assert row["hooks"] and (row["kinds"] or row["fact_types"] or row["obligation_fields"])


def test_plugins_lists_what_each_package_adds(capsys):
    assert main(["plugins", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["nqengine-attendance"]["kinds"] == ["party_attendance", "reflections"]
    assert rows["nqengine-attendance"]["fact_types"] == ["makeup_session", "reflection"]
    assert rows["nqengine-ordering"]["fact_types"] == ["condition"]
    assert rows["nqengine-ordering"]["obligation_fields"] == ["after_superior", "modes", "only_if"]
    assert "nqengine_evaluate_obligation" in rows["nqengine-ordering"]["hooks"]


@pytest.mark.parametrize("dist", sorted(PLUGIN_PACKAGES))
@pytest.mark.parametrize("command", ["evaluate", "check", "explain"])
def test_blocking_a_needed_plugin_is_a_clear_error(dist, command, capsys):
    args = {
        "evaluate": ["evaluate", DEMO, "--as-of", "20/11/2020"],
        "check": ["check", f"{DEMO}/plan.yaml"],
        "explain": ["explain", DEMO, "--as-of", "20/11/2020", "--unit", "x-tam-an", "--obligation", "study-commune"],
    }[command]
    assert main(args + ["-p", f"no:{dist}"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""  # never a partial result
    assert captured.err == f"nqengine: kế hoạch 'plugin-demo' cần plugin '{dist}', nhưng plugin này đã bị chặn (-p no:{dist})\n"
    assert main(args + ["-p", f"no:{dist}", "--lang", "en"]) == 3
    assert capsys.readouterr().err == f"nqengine: spec 'plugin-demo' needs plugin '{dist}', which is blocked (-p no:{dist})\n"


def test_plugin_installed_but_not_autoloaded_says_how_to_load_it(monkeypatch, capsys):
    monkeypatch.setenv("NQENGINE_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert main(["evaluate", DEMO, "--as-of", "20/11/2020", "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "needs plugin 'nqengine-attendance'" in err and "-p nqengine_attendance" in err
    assert main(["evaluate", DEMO, "--as-of", "20/11/2020", "-p", "nqengine_attendance", "-p", "nqengine_ordering"]) == 0


def test_loading_or_evaluating_without_a_declared_plugin_names_it():
    with pytest.raises(MissingPluginError) as info:
        load_spec_text(SPEC.replace("obligations:", "plugins: [nqengine-not-installed]\nobligations:"), "t.yaml")
    assert info.value.plugin == "nqengine-not-installed"
    assert "spec 't' needs plugin 'nqengine-not-installed', which is not installed" in str(info.value)
    assert "kế hoạch 't' cần plugin 'nqengine-not-installed'" in info.value.render("vi")
    # Loaded with the plugin, evaluated without it.
    spec = load_spec_text(SPEC.replace("obligations:", "plugins: [nqengine-ordering]\nobligations:"), "t.yaml")
    with pytest.raises(MissingPluginError) as info:
        nqengine.evaluate(spec, load_registry_text(REGISTRY), [], "20/11/2020", pm=get_plugin_manager(["no:nqengine-ordering"]))
    assert info.value.plugin == "nqengine-ordering" and "which is blocked" in str(info.value)
    # Declared names compare as pip compares distributions.
    spec = load_spec_text(SPEC.replace("obligations:", "plugins: [NQEngine_Ordering]\nobligations:"), "t.yaml")
    nqengine.evaluate(spec, load_registry_text(REGISTRY), [], "20/11/2020")


# --------------------------------------------------------------------------
# Faults: catalogue hooks
# --------------------------------------------------------------------------

CATALOGUE_HOOKS = [
    "nqengine_register_obligation_kinds",
    "nqengine_register_fact_types",
    "nqengine_register_calendars",
    "nqengine_register_output_formats",
    "nqengine_register_messages",
]


def _plugin_with(hook: str, body):
    """A plugin object implementing ``hook`` (no arguments) with ``body``."""

    def impl():
        return body()

    impl.__name__ = hook
    ns = type("P", (), {})()
    setattr(ns, hook, hookimpl(impl))
    return ns


def _boom():
    raise ValueError("boom")


@pytest.mark.parametrize("hook", CATALOGUE_HOOKS)
def test_catalogue_hook_raising_is_attributed(hook):
    pm = make_pm(("faulty", _plugin_with(hook, _boom)))
    with pytest.raises(PluginError) as info:
        load_spec_text(SPEC, "t.yaml", pm=pm)
    raises_attributed(info.value, "faulty", hook)
    assert "raised ValueError: boom" in str(info.value) and "gặp lỗi ValueError: boom" in info.value.render("vi")
    assert isinstance(info.value.__cause__, ValueError)


@pytest.mark.parametrize("hook", CATALOGUE_HOOKS)
def test_catalogue_hook_malformed_return_is_attributed(hook):
    bad = (lambda: ["not", "a", "dict"]) if hook == "nqengine_register_messages" else (lambda: {"a": 1})
    pm = make_pm(("faulty", _plugin_with(hook, bad)))
    with pytest.raises(PluginError) as info:
        load_spec_text(SPEC, "t.yaml", pm=pm)
    raises_attributed(info.value, "faulty", hook)
    assert "returned" in str(info.value)


class NoEvaluate(ObligationKind):
    name = "lazy"


class Nameless:
    fields: dict = {}


class BadFields(ObligationKind):
    name = "bad_fields"
    fields = {"x": "a string, not a Field"}

    def evaluate_unit(self, obligation, unit, context):  # pragma: no cover
        raise AssertionError


class RedefinesDeadline(BadFields):
    name = "redefines"
    fields = {"deadline": Field(Str())}


class NoCreate:
    name = "cal"


class NoRender:
    name = "fmt"


@pytest.mark.parametrize(
    "hook, item, why",
    [
        ("nqengine_register_obligation_kinds", NoEvaluate, "evaluate_unit() not implemented"),
        ("nqengine_register_obligation_kinds", Nameless(), "no 'name'"),
        ("nqengine_register_obligation_kinds", BadFields(), "'fields' must map names to nqengine.schema.Field"),
        ("nqengine_register_obligation_kinds", RedefinesDeadline(), "'fields' redefines deadline"),
        ("nqengine_register_fact_types", type("T", (FactType,), {"name": "t", "fields": {"date": Field(Str())}}), "'fields' redefines date"),
        ("nqengine_register_calendars", NoCreate(), "no method create()"),
        ("nqengine_register_output_formats", NoRender(), "no method render()"),
    ],
)
def test_registered_item_that_fails_validation_is_attributed(hook, item, why):
    pm = make_pm(("faulty", _plugin_with(hook, lambda: [item])))
    with pytest.raises(PluginError) as info:
        _use_catalogue(pm)
    raises_attributed(info.value, "faulty", hook)
    assert why in str(info.value)


def _use_catalogue(pm):
    """Build the catalogue, then load a spec and a facts file with it, as a run does.

    A kind or fact type that redefines a common key (``deadline``, ``date``) is
    refused by the loader that owns those keys, the first time it uses the
    catalogue; every other fault is found when the catalogue is built.
    """
    catalogue_for(pm)
    load_spec_text(MINI_PLAN, pm=pm)
    load_facts_text("facts: []\n", pm=pm)


@pytest.mark.parametrize(
    "hook, item, loader",
    [
        ("nqengine_register_obligation_kinds", RedefinesDeadline(), lambda pm: load_spec_text(MINI_PLAN, pm=pm)),
        ("nqengine_register_fact_types", type("T", (FactType,), {"name": "t", "fields": {"date": Field(Str())}}), lambda pm: load_facts_text("facts: []\n", pm=pm)),
    ],
)
def test_a_redefined_common_key_is_refused_by_the_loader_that_owns_it(hook, item, loader):
    pm = make_pm(("faulty", _plugin_with(hook, lambda: [item])))
    catalogue_for(pm)  # the catalogue itself does not know the spec's or the facts' common keys
    with pytest.raises(PluginError) as info:
        loader(pm)
    raises_attributed(info.value, "faulty", hook)


def test_message_with_different_placeholders_per_language_is_rejected():
    pm = make_pm(("faulty", _plugin_with("nqengine_register_messages", lambda: {"x_msg": ("{a} và {b}", "{a} only")})))
    with pytest.raises(PluginError) as info:
        catalogue_for(pm)
    raises_attributed(info.value, "faulty", "nqengine_register_messages")
    assert "x_msg" in str(info.value)


def test_hookimpl_with_an_unknown_argument_fails_validation():
    class Wrong:
        @hookimpl
        def nqengine_extra_findings(self, verdict, colour):
            return None

    with pytest.raises(PluginError) as info:
        make_pm(("wrong", Wrong()))
    raises_attributed(info.value, "wrong", "nqengine_extra_findings")
    assert "the plugin is invalid" in str(info.value) and "colour" in str(info.value)


def test_misspelt_hook_is_reported(tmp_path):
    path = tmp_path / "typo_plugin.py"
    path.write_text("from nqengine.plugins.hookspecs import hookimpl\n\n@hookimpl\ndef nqengine_extra_finding(verdict):\n    return None\n", encoding="utf-8")
    with pytest.raises(PluginError) as info:
        get_plugin_manager([str(path)], load_entrypoints=False)
    raises_attributed(info.value, "typo_plugin", "nqengine_extra_finding")
    assert "does not define" in str(info.value)


class Fields:
    def __init__(self, result):
        self.result = result

    @hookimpl
    def nqengine_obligation_fields(self, kind):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    "result, text",
    [
        (KeyError("x"), "raised KeyError"),
        (["a list"], "returned list[1], expected dict"),
        ({"x": "not a field"}, "must map a name to nqengine.schema.Field"),
        ({"audience": Field(Str())}, "'audience' is already declared for kind 'study_session' by plugin 'nqengine.kinds.study'"),
        ({"deadline": Field(Str())}, "'deadline' is already declared"),
    ],
)
def test_obligation_fields_faults_are_attributed(result, text):
    pm = make_pm(("fields", Fields(result)))
    with pytest.raises(PluginError) as info:
        _use_catalogue(pm)
    raises_attributed(info.value, "fields", "nqengine_obligation_fields")
    assert text in str(info.value)


def test_two_plugins_adding_the_same_field_conflict():
    pm = make_pm(("one", Fields({"tag": Field(Str())})), ("two", Fields({"tag": Field(Str())})))
    with pytest.raises(PluginError) as info:
        catalogue_for(pm)
    assert "'tag' is already declared for kind" in str(info.value) and "by plugin 'one'" in str(info.value)


# --------------------------------------------------------------------------
# Faults: spec hooks
# --------------------------------------------------------------------------


class Lint:
    def __init__(self, result):
        self.result = result

    @hookimpl
    def nqengine_spec_loaded(self, spec):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    "result, text",
    [
        (ValueError("lint crashed"), "raised ValueError: lint crashed"),
        (5, "returned int, expected list[Problem]"),
        (["a string"], "returned list[1] holding str, expected list[Problem]"),
    ],
)
def test_spec_loaded_faults_are_attributed(result, text):
    pm = make_pm(("linter", Lint(result)))
    with pytest.raises(PluginError) as info:
        load_spec_text(SPEC, "t.yaml", pm=pm)
    raises_attributed(info.value, "linter", "nqengine_spec_loaded")
    assert text in str(info.value)
    assert str(info.value).count("linter") == 1  # one attribution, however the loader wraps it


def test_spec_loaded_problems_fail_the_load_located():
    class Strict:
        @hookimpl
        def nqengine_spec_loaded(self, spec):
            node = spec.raw.get("title")
            return [node.problem("plugin_lint", "title", plugin="strict", detail="title too short")]

    with pytest.raises(SpecError) as info:
        load_spec_text(SPEC, "t.yaml", pm=make_pm(("strict", Strict())))
    assert "t.yaml:3:8: strict: title too short (title)" in str(info.value)


# --------------------------------------------------------------------------
# Faults: evaluation hooks
# --------------------------------------------------------------------------


class TakeOver:
    def __init__(self, result):
        self.result = result

    @hookimpl
    def nqengine_evaluate_obligation(self, obligation, units, context):
        r = self.result(obligation, units, context) if callable(self.result) else self.result
        if isinstance(r, Exception):
            raise r
        return r


def _verdict(ob, unit, status="met"):
    return Verdict(obligation=ob.id, unit=unit.id, status=status, due=None, clause=ob.clause)


@pytest.mark.parametrize(
    "result, registry, unit, text",
    [
        (RuntimeError("takeover crashed"), REGISTRY, "w1", "raised RuntimeError: takeover crashed"),
        (RuntimeError("takeover crashed"), TWO_UNITS, None, "raised RuntimeError"),
        ({"not": "a list"}, REGISTRY, "w1", "returned dict, expected list[Verdict] (1, one per unit)"),
        (lambda ob, units, ctx: [], REGISTRY, "w1", "returned list[0], expected list[Verdict] (1, one per unit)"),
        (lambda ob, units, ctx: [_verdict(ob, units[0])] * 2, TWO_UNITS, "w2", "returned a Verdict for (study, w1), expected a Verdict for (study, w2)"),
        (lambda ob, units, ctx: [_verdict(ob, u, "done") for u in units], REGISTRY, "w1", "a Verdict with status 'done'"),
        (lambda ob, units, ctx: ["met"], REGISTRY, "w1", "holding str"),
    ],
)
def test_evaluate_obligation_takeover_faults_are_attributed(result, registry, unit, text):
    pm = make_pm(("takeover", TakeOver(result)))
    with pytest.raises(PluginError) as info:
        run(pm, registry=registry)
    raises_attributed(info.value, "takeover", "nqengine_evaluate_obligation", "study", unit)
    assert text in str(info.value)


class Wrap:
    def __init__(self, when: str):
        self.when = when

    @hookimpl(wrapper=True)
    def nqengine_evaluate_obligation(self, obligation, units, context):
        if self.when == "before":
            raise LookupError("before yield")
        if self.when == "no-yield":
            return []
        verdicts = yield
        if self.when == "after":
            raise LookupError("after yield")
        if self.when == "malformed":
            return verdicts[:0]
        if self.when == "twice":
            yield
        return verdicts


@pytest.mark.parametrize(
    "when, text",
    [
        ("before", "raised LookupError: before yield"),
        ("after", "raised LookupError: after yield"),
        ("no-yield", "the wrapper returned without yielding"),
        ("malformed", "returned list[0], expected list[Verdict]"),
        ("twice", "the wrapper yielded twice"),
    ],
)
def test_evaluate_obligation_wrapper_faults_are_attributed(when, text):
    pm = make_pm(("wrapper", Wrap(when)))
    with pytest.raises(PluginError) as info:
        run(pm)
    raises_attributed(info.value, "wrapper", "nqengine_evaluate_obligation", "study", "w1")
    assert text in str(info.value)


def test_wrapper_sees_an_inner_failure_and_the_inner_plugin_is_named():
    seen = []

    class Watch:
        @hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            try:
                return (yield)
            except PluginError as exc:
                seen.append(exc.plugin)
                raise

    pm = make_pm(("watch", Watch()), ("takeover", TakeOver(RuntimeError("inner"))))
    with pytest.raises(PluginError) as info:
        run(pm)
    assert seen == ["takeover"] and info.value.plugin == "takeover"


def test_wrapper_can_change_verdicts():
    class NotApplicable:
        @hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            verdicts = yield
            return [attrs.evolve(v, status="not_applicable") for v in verdicts]

    ev = run(make_pm(("na", NotApplicable())))
    assert ev.verdict("study", "w1").status == "not_applicable"


class BrokenKind(ObligationKind):
    name = "broken"
    needs_deadline = False

    def evaluate_unit(self, obligation, unit, context):
        raise ZeroDivisionError("division by zero")


class WrongKind(BrokenKind):
    name = "wrong"

    def evaluate_unit(self, obligation, unit, context):
        return {"status": "met"}


class LintCrash(BrokenKind):
    name = "lint_crash"

    def lint(self, obligation, spec):
        raise TypeError("lint of a kind")


BROKEN_SPEC = SPEC.replace("kind: study_session", "kind: KIND").replace("    audience: {categories: [dang_vien]}\n", "")


@pytest.mark.parametrize(
    "kind, text",
    [
        (BrokenKind, "raised ZeroDivisionError in broken.evaluate_unit(): division by zero"),
        (WrongKind, "returned wrong.evaluate_unit() -> dict, expected a Verdict for (study, w1)"),
    ],
)
def test_kind_failures_are_attributed_to_the_kind_plugin(kind, text, capsys, tmp_path):
    pm = make_pm(("kinds-plugin", Kinds(kind())))
    with pytest.raises(PluginError) as info:
        run(pm, spec=BROKEN_SPEC.replace("KIND", kind.name), facts="facts: []\n")
    raises_attributed(info.value, "kinds-plugin", "nqengine_evaluate_obligation", "study", "w1")
    assert text in str(info.value)


def test_kind_lint_failure_is_attributed():
    with pytest.raises(PluginError) as info:
        load_spec_text(BROKEN_SPEC.replace("KIND", "lint_crash"), "t.yaml", pm=make_pm(("kinds-plugin", Kinds(LintCrash()))))
    raises_attributed(info.value, "kinds-plugin", "nqengine_register_obligation_kinds")
    assert "TypeError in lint(): lint of a kind" in str(info.value)


def test_calendar_failure_is_attributed():
    class Fragile:
        name = "fragile"

        def create(self, overrides):
            return self

        def is_working_day(self, day):
            raise OSError("calendar service down")

        def add_working_days(self, day, n):
            raise OSError("calendar service down")

    class Cal:
        @hookimpl
        def nqengine_register_calendars(self):
            return [Fragile()]

    spec = SPEC.replace("obligations:", "calendar: fragile\nobligations:").replace(
        "deadline: {date: 31/10/2020, inclusive: false}", "deadline: {after: {event: ev}, days: 5, working_days: true, inclusive: true}"
    ).replace("clauses:", "events: {ev: 01/10/2020}\nclauses:")
    with pytest.raises(PluginError) as info:
        run(make_pm(("cal", Cal())), spec=spec)
    raises_attributed(info.value, "cal", "nqengine_register_calendars", "study", "w1")
    assert "OSError in add_working_days(): calendar service down" in str(info.value)


def test_output_format_failure_is_attributed(tmp_path, capsys):
    path = tmp_path / "bad_format.py"
    path.write_text(
        "from nqengine.plugins.hookspecs import hookimpl\n\n"
        "class Bad:\n    name = 'bad'\n\n    def render(self, evaluation, lang='vi'):\n        return 1 / 0\n\n"
        "@hookimpl\ndef nqengine_register_output_formats():\n    return [Bad()]\n",
        encoding="utf-8",
    )
    assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "--format", "bad", "-p", str(path)]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "plugin 'bad_format', hook nqengine_register_output_formats: gặp lỗi ZeroDivisionError in render()" in captured.err


class Extra:
    def __init__(self, result):
        self.result = result

    @hookimpl
    def nqengine_extra_findings(self, verdict):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    "result, text",
    [
        (AttributeError("no such field"), "raised AttributeError: no such field"),
        ({"check": "x"}, "returned dict, expected list[Finding]"),
        (["finding"], "holding str, expected list[Finding]"),
        ([Finding("x", "great", "x_code")], "Finding with outcome 'great'"),
    ],
)
def test_extra_findings_faults_are_attributed_with_obligation_and_unit(result, text, capsys):
    pm = make_pm(("extra", Extra(result)))
    with pytest.raises(PluginError) as info:
        run(pm, registry=TWO_UNITS)
    raises_attributed(info.value, "extra", "nqengine_extra_findings", "study", "w1")
    assert text in str(info.value)


def test_cli_reports_a_failing_plugin_in_vietnamese_with_exit_3(tmp_path, capsys):
    path = tmp_path / "crashy.py"
    path.write_text(
        "from nqengine.plugins.hookspecs import hookimpl\n\n@hookimpl\ndef nqengine_extra_findings(obligation, unit):\n"
        "    if unit.id == 'p-an-son':\n        raise KeyError('attendance')\n",
        encoding="utf-8",
    )
    assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "-p", str(path)]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "nqengine: plugin 'crashy', hook nqengine_extra_findings, nghĩa vụ 'study-party-committee', "
        "đơn vị 'p-an-son': gặp lỗi KeyError: 'attendance'\n"
    )
    assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "-p", str(path), "--lang", "en"]) == 3
    assert "obligation 'study-party-committee', unit 'p-an-son': raised KeyError" in capsys.readouterr().err


# --------------------------------------------------------------------------
# What extra findings do to a verdict
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome, as_of, status",
    [
        ("pass", "20/11/2020", "met"),
        ("info", "20/11/2020", "met"),
        ("fail", "20/11/2020", "violated"),
        ("unknown", "20/11/2020", "indeterminate"),
        ("partial", "20/10/2020", "pending"),
        ("partial", "27/10/2020", "due_soon"),
        ("partial", "20/11/2020", "violated"),
    ],
)
def test_extra_findings_outcomes_decide_the_status(outcome, as_of, status):
    ev = run(make_pm(("extra", Extra([Finding("extra", outcome, "extra_code", {"n": 1}, "c1", ("s1",))]))), as_of=as_of)
    v = ev.verdict("study", "w1")
    assert v.status == status
    added = [f for f in v.findings if f.check == "extra"]
    assert len(added) == 1 and added[0].plugin == "extra"
    assert v.findings[-1].check == "timing"  # the timing finding stays last, and matches the status
    assert (v.fulfilled_on is not None) == (status == "met")


def test_add_findings_leaves_not_applicable_alone():
    ev = run(make_pm())
    v = ev.verdict("study", "w1")
    na = attrs.evolve(v, status="not_applicable")
    ctx = type("Ctx", (), {"used": set(), "as_of": ev.as_of, "due_soon_window": lambda self, ob: 7})()
    out = add_findings(ev.spec.obligation("study"), ev.registry.units["w1"], na, [Finding("x", "fail", "x")], ctx)
    assert out.status == "not_applicable" and out.findings[-2].code == "x"


def test_findings_without_outcome_effect_keep_the_kind_timing():
    ev = run(make_pm(("extra", Extra([Finding("extra", "info", "extra_code")]))))
    base = run(make_pm())
    assert ev.verdict("study", "w1").findings[-1] == base.verdict("study", "w1").findings[-1]


def test_plugin_error_prefers_the_innermost_attribution():
    inner = PluginError(plugin="p", hook="h", code="plugin_raised", params={"error": "E: x"})
    try:
        try:
            raise inner
        except PluginError as exc:
            raise PluginError(f"PluginError: {exc}", plugin="p", hook="h", obligation="o") from exc
    except PluginError as outer:
        assert str(outer) == "plugin 'p', hook h, obligation 'o': raised E: x"
        assert outer.render("vi") == "plugin 'p', hook h, nghĩa vụ 'o': gặp lỗi E: x"


def test_problem_is_importable_for_lint_plugins():
    assert Problem("f", 1, 1, "p", "plugin_lint", {"plugin": "x", "detail": "y"}).render("en") == "f:1:1: x: y (p)"


# --------------------------------------------------------------------------
# Faults: testing hooks
# --------------------------------------------------------------------------


class Strategies:
    def __init__(self, result):
        self.result = result

    @hookimpl
    def nqengine_testing_strategies(self):
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    "result, text",
    [(ImportError("no hypothesis here"), "raised ImportError: no hypothesis here"), (["kind:x"], "returned list[1], expected dict")],
)
def test_testing_strategies_faults_are_attributed(result, text):
    from nqengine.testing import testing_catalogue

    with pytest.raises(PluginError) as info:
        testing_catalogue(make_pm(("strategies", Strategies(result))))
    raises_attributed(info.value, "strategies", "nqengine_testing_strategies")
    assert text in str(info.value)


def test_testing_strategies_of_a_plugin_are_collected():
    from nqengine.testing import testing_catalogue

    def factory(gen):  # pragma: no cover - not drawn here
        raise AssertionError

    assert testing_catalogue(make_pm(("strategies", Strategies({"fact:inspection": factory})))).fact_types["inspection"] is factory


def test_a_plugin_installed_while_the_process_runs_is_found(tmp_path, monkeypatch):
    """Entry points are read once per state of the import path: a package installed later is still seen."""
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "errand" not in catalogue_for(get_plugin_manager()).kinds  # read, and remembered
    _fake_distribution(tmp_path, "nqengine_fake_errands", "1.2.3", FAKE_BODY)  # installed into a folder on the path
    assert catalogue_for(get_plugin_manager()).plugin_of_kind("errand") == "nqengine-fake-errands"


# --- one plugin manager per process for the command line ----------------------------------


def test_the_command_line_builds_its_plugin_manager_once(monkeypatch, tmp_path):
    from nqengine.plugins import manager

    first = manager.shared_plugin_manager()
    assert manager.shared_plugin_manager() is first
    assert set(DEFAULT_PLUGINS) <= {name for name, _ in first.list_name_plugin()}
    # built again when what it was built from changes: the environment, or a folder of the import path
    monkeypatch.setenv("NQENGINE_DISABLE_PLUGIN_AUTOLOAD", "1")
    second = manager.shared_plugin_manager()
    assert second is not first and not second.autoload
    monkeypatch.delenv("NQENGINE_DISABLE_PLUGIN_AUTOLOAD")
    third = manager.shared_plugin_manager()
    assert third is not second and third.autoload
    monkeypatch.syspath_prepend(str(tmp_path))
    assert manager.shared_plugin_manager() is not third
    # a -p plugin (a file that may change between calls) is never shared
    assert manager.shared_plugin_manager(["no:nqengine-ordering"]) is not manager.shared_plugin_manager(["no:nqengine-ordering"])


def test_the_shared_manager_serves_many_command_lines_alike(capsys):
    """main() called again in one process (the service, a program, the fuzzer) gives the same output."""
    outs = []
    for _ in range(2):
        assert main(["evaluate", "specs/tam-ky-xxi", "--as-of", "20/11/2020", "--format", "json", "--lang", "en"]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and '"verdicts"' in outs[0]
