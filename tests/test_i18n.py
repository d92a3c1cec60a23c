"""Every message exists in Vietnamese and English, with the same placeholders."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from nqengine.i18n import MESSAGES, STATUS_LABELS, message, status_label
from nqengine.model import STATUSES


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_same_placeholders(code):
    vi, en = MESSAGES[code]
    assert vi.strip() and en.strip()
    assert fields(vi) == fields(en)


def test_every_status_has_labels():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert status_label("met_late") == "hoàn thành trễ hạn"
    assert status_label("met_late", "en") == "met late"


def test_dates_render_for_people():
    assert message("timing_done", "vi", done=dt.date(2020, 10, 5), due=dt.date(2020, 10, 30)) == "hoàn thành ngày 05/10/2020, trong hạn (hạn chót 30/10/2020)"
    assert message("timing_done", "en", done=dt.date(2020, 10, 5), due=dt.date(2020, 10, 30)) == "done on 05/10/2020, on time (last day 30/10/2020)"


def test_unknown_code_keeps_its_parameters():
    assert message("plugin_specific", "en", n=3) == "plugin_specific: n=3"


def test_a_message_rendered_again_is_the_same_and_follows_a_new_wording(monkeypatch):
    """Messages with text and whole-number parameters are kept once rendered; each keeps its wording."""
    assert message("sessions_ok", "vi", held=1, required=1) == message("sessions_ok", "vi", held=1, required=1)
    first = message("sessions_ok", "en", held=2, required=1)
    # equal values of other types render their own way: True is not 1, 1.0 is not 1
    assert message("sessions_ok", "en", held=True, required=1) != first
    assert "1.0" in message("sessions_ok", "en", held=1.0, required=1)
    # a plugin giving the code a new wording later is followed
    monkeypatch.setitem(MESSAGES, "sessions_ok", ("{held} trên {required}", "{held} of {required}"))
    assert message("sessions_ok", "en", held=2, required=1) == "2 of 1"
    monkeypatch.undo()
    assert message("sessions_ok", "en", held=2, required=1) == first
