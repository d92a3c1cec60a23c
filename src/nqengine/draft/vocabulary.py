"""The drafter's built-in vocabulary, given through the same hook a province's plugin uses.

``nqengine draft`` knows the labelled paragraphs ("Đối tượng:", "Thời gian:",
"Báo cáo viên:", "Tài liệu", "Nơi nhận:"), the names of kinds of units
("Đảng bộ", "Chi bộ", "Mặt trận"), the audience categories and the deliverables
that plans of this genre share.  It learns them from
:func:`nqengine_draft_vocabulary`, so a plugin adds its own (a label its
province uses, the names of its units with their registry ids) or overrides
these.  :func:`merged_vocabulary` joins what every plugin returns.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Mapping

from nqengine.errors import PluginError
from nqengine.plugins.hookspecs import hookimpl

__all__ = ["SECTIONS", "merged_vocabulary", "nqengine_draft_vocabulary"]

#: The keys a vocabulary may have, each a mapping from a phrase of the plan.
SECTIONS = ("labels", "units", "audience", "audience_groups", "deliverables", "roles")

_AUDIENCE = {
    "đảng viên": {"id": "dang_vien", "vi": "Đảng viên", "en": "Party members", "party_member": True},
    "cán bộ thôn, khối phố": {"id": "can_bo_thon", "vi": "Cán bộ thôn, khối phố", "en": "Village and residential-group cadres"},
    "cán bộ thôn": {"id": "can_bo_thon", "vi": "Cán bộ thôn, khối phố", "en": "Village and residential-group cadres"},
    "người hoạt động không chuyên trách": {"id": "khong_chuyen_trach", "vi": "Người hoạt động không chuyên trách", "en": "Non-specialised workers"},
    "cán bộ": {"id": "can_bo", "vi": "Cán bộ (ngoài Đảng)", "en": "Cadres (non-members)"},
    "công chức": {"id": "cong_chuc", "vi": "Công chức (ngoài Đảng)", "en": "Civil servants (non-members)"},
    "viên chức": {"id": "vien_chuc", "vi": "Viên chức (ngoài Đảng)", "en": "Public employees (non-members)"},
    "người lao động": {"id": "nguoi_lao_dong", "vi": "Người lao động (ngoài Đảng)", "en": "Workers (non-members)"},
    "quần chúng": {"id": "quan_chung", "vi": "Quần chúng", "en": "Non-members"},
}


@hookimpl
def nqengine_draft_vocabulary() -> Mapping[str, Any]:
    return {
        # Label at the start of a clause → the field of the skeleton it fills.
        "labels": {
            "đối tượng": "audience",
            "thành phần": "audience",
            "thời gian": "deadline",
            "thời gian hoàn thành": "deadline",
            "thời hạn": "deadline",
            "báo cáo viên": "presenter",
            "tài liệu": "materials",
            "nơi nhận": "recipients",
        },
        # Names of units: a selector (mapping) for a kind of unit, or a unit id (text).
        "units": {
            "tổ chức cơ sở đảng": {"kinds": ["party_committee", "grassroots_cell"]},
            "tccs đảng": {"kinds": ["party_committee", "grassroots_cell"]},
            "đảng bộ": {"kinds": "party_committee"},
            "đảng ủy xã, phường": {"kinds": "party_committee", "sectors": ["commune", "ward"]},
            "đảng ủy xã": {"kinds": "party_committee", "sectors": ["commune"]},
            "đảng ủy phường": {"kinds": "party_committee", "sectors": ["ward"]},
            "chi bộ": {"kinds": "grassroots_cell"},
            "mặt trận": {"kinds": "mass_organisation"},
            "ubmttq": {"kinds": "mass_organisation"},
            "đoàn thể": {"kinds": "mass_organisation"},
            "ubnd": {"kinds": "government"},
            "ủy ban nhân dân": {"kinds": "government"},
        },
        "audience": _AUDIENCE,
        # Groups a dissemination must reach (the `audiences` of the dissemination kind).
        "audience_groups": {"đoàn viên": "members", "hội viên": "members", "nhân dân": "people"},
        "deliverables": {
            "xây dựng kế hoạch": "own_plan",
            "chuyên trang, chuyên mục": "dedicated_column",
            "chuyên mục": "dedicated_column",
            "cổng thông tin điện tử": "portal_posting",
            "trạm truyền thanh": "radio_guidance",
        },
        # Longest first when matched, so "phó bí thư" is not read as "bí thư".
        "roles": {"phó bí thư": "deputy_secretary", "bí thư": "secretary"},
    }


@hookimpl
def nqengine_register_messages() -> Mapping[str, tuple[str, str]]:
    return {
        "draft_needs_extra": (
            "cần gói {package} để đọc tệp này: pip install 'nqengine[draft]'",
            "the {package} package is needed to read this file: pip install 'nqengine[draft]'",
        ),
        "draft_not_readable": ("không đọc được tệp dạng {what} ({error})", "cannot read the file as {what} ({error})"),
        "draft_misquoted": (
            "điều khoản {clause} không trích đúng văn bản: khớp đến {matched}, rồi có {differs}",
            "clause {clause} does not quote the text: it matches up to {matched}, then has {differs}",
        ),
        "draft_clause_not_in_text": (
            "văn bản không có điều khoản {clause} (theo cách đánh số của văn bản)",
            "the text has no clause {clause} (by the text's own numbering)",
        ),
        "draft_clause_missing": (
            "điều khoản {clause} của văn bản không có trong kế hoạch: {start}",
            "clause {clause} of the text is missing from the spec: {start}",
        ),
        "draft_cites_missing": (
            "nghĩa vụ {obligation} dẫn điều khoản {clause}, mà văn bản không có",
            "obligation {obligation} cites clause {clause}, which the text does not have",
        ),
        "draft_date_unused": (
            "ngày {date} của văn bản ({where}, điều khoản {clause}: {phrase}) không được quy tắc nào dùng",
            "the date {date} of the text ({where}, clause {clause}: {phrase}) is used by no rule",
        ),
    }


def _key(phrase: str) -> str:
    return " ".join(unicodedata.normalize("NFC", phrase).casefold().split())


def merged_vocabulary(pm: Any) -> dict[str, dict[str, Any]]:
    """Every plugin's vocabulary joined, section by section; later plugins win.

    Phrases are compared NFC-normalised and case-folded, so a plugin may write
    "Ban Thường vụ Thành ủy" and match "ban thường vụ thành ủy".
    """

    merged: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    # get_hookimpls() lists implementations in registration order: built-ins first, so they lose.
    for impl in pm.hook.nqengine_draft_vocabulary.get_hookimpls():
        result = impl.function() or {}
        if not isinstance(result, Mapping):
            raise PluginError(plugin=impl.plugin_name, hook="nqengine_draft_vocabulary", code="plugin_bad_item",
                              params={"item": type(result).__name__, "detail": "must be a mapping of sections"})
        for section, entries in result.items():
            if section not in merged or not isinstance(entries, Mapping):
                detail = f"sections are {', '.join(SECTIONS)}, each a mapping from a phrase"
                raise PluginError(plugin=impl.plugin_name, hook="nqengine_draft_vocabulary", code="plugin_bad_item",
                                  params={"item": repr(section), "detail": detail})
            for phrase, value in entries.items():
                merged[section][_key(str(phrase))] = value
    return merged
