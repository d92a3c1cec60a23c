"""Built-in fact types, registered through the same hook as a plugin's."""

from __future__ import annotations

from nqengine.inputs.facts import FactType
from nqengine.lengths import LengthText
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Choice, Field, Int, ListOf, MapOf, Str


class Session(FactType):
    """A study session held (hội nghị học tập, quán triệt): one row per conference."""

    name = "session"
    fields = {
        "presenter": Field(Str(), doc="who presented: a person id or name in the registry (báo cáo viên)"),
        "presenters": Field(ListOf(Str(), single=True), doc="everyone who presented, when several did (each must qualify)"),
        "sessions": Field(Int(min=1), default=1, doc="how many sessions (buổi) the conference lasted"),
        "attendance": Field(MapOf(Str(), Int(min=0)), doc="attendees per audience category"),
        "content": Field(ListOf(Str(), single=True), doc="content covered (e.g. core_content, action_programme)"),
        "materials": Field(ListOf(Str(), single=True), doc="materials used (ids under the spec's 'materials')"),
        "mode": Field(Choice(("in_person", "online", "video")), default="in_person", doc="in person, online connection point (điểm cầu) or video"),
        "audience_group": Field(Str(), doc="a label for who this session was for (e.g. key_cadres)"),
        "length": Field(LengthText(), doc="how long it lasted: '01 buổi', '01 ngày', '3 giờ' (thời lượng)"),
    }


class Report(FactType):
    """A report sent upward (báo cáo): to a body, through a channel."""

    name = "report"
    fields = {
        "to": Field(Str(), doc="the recipient unit (id or name), e.g. the Standing Committee"),
        "via": Field(Str(), doc="the channel unit, e.g. the Propaganda Department"),
        "about": Field(Str(), doc="the obligation reported on"),
        "number": Field(Str(), doc="the report's number"),
    }


class Dissemination(FactType):
    """Propaganda among members and the people (tuyên truyền)."""

    name = "dissemination"
    fields = {
        "audiences": Field(ListOf(Str(), single=True), doc="who was reached: members, people..."),
        "forms": Field(ListOf(Str(), single=True), doc="forms used: meetings, radio, banners, social media..."),
        "reach": Field(Int(min=0), doc="how many people were reached"),
    }


class Deliverable(FactType):
    """A deliverable produced: an own plan, a dedicated column, a posting..."""

    name = "deliverable"
    fields = {
        "deliverable": Field(Str(), required=True, doc="which deliverable (as named by the obligation)"),
        "reference": Field(Str(), doc="document number or address"),
    }


class Supervision(FactType):
    """A committee member's supervision of a locality (theo dõi, đôn đốc, đứng điểm)."""

    name = "supervision"
    fields = {"by": Field(Str(), doc="the committee member (person id or name)")}


class Event(FactType):
    """A dated event of one unit that a relative deadline may count from."""

    name = "event"
    fields = {"name": Field(Str(), required=True, doc="the event's name, as under the spec's 'events'")}


@hookimpl
def nqengine_register_fact_types():
    return [Session, Report, Dissemination, Deliverable, Supervision, Event]
