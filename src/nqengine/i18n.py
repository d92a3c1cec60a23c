"""Messages in Vietnamese first, English available.

Every message a person reads has a code; :func:`message` renders it in the
requested language.  Keeping the two languages side by side in one table means
a new message cannot ship in one language only (``tests/test_i18n.py`` checks).
"""

from __future__ import annotations

import datetime as _dt

__all__ = ["message", "LANGS", "MESSAGES", "TERMS", "Term", "status_label"]

LANGS = ("vi", "en")

# code: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- YAML and structure --------------------------------------------------
    "yaml_syntax": ("lỗi cú pháp YAML: {detail}", "YAML syntax error: {detail}"),
    "file_missing": ("không tìm thấy tệp", "file not found"),
    "file_unreadable": ("không đọc được tệp: {detail}", "cannot read file: {detail}"),
    "not_utf8": ("tệp không phải UTF-8: {detail}", "file is not UTF-8: {detail}"),
    "empty_document": ("tệp rỗng", "the file is empty"),
    "multiple_documents": (
        "tệp chỉ được chứa một tài liệu YAML",
        "the file must hold a single YAML document",
    ),
    "duplicate_key": (
        "khóa '{key}' bị lặp (đã có ở dòng {first_line})",
        "duplicate key '{key}' (first at line {first_line})",
    ),
    "alias_forbidden": (
        "không cho phép anchor/alias YAML ('{name}'): hãy viết đầy đủ giá trị",
        "YAML anchors and aliases are not allowed ('{name}'): write the value out",
    ),
    "unsafe_tag": (
        "không cho phép thẻ YAML '{tag}'",
        "YAML tag '{tag}' is not allowed",
    ),
    "unknown_key": (
        "khóa không hợp lệ '{key}'{hint}",
        "unknown key '{key}'{hint}",
    ),
    "did_you_mean": (" — có phải ý bạn là '{suggestion}'?", " — did you mean '{suggestion}'?"),
    "missing_key": ("thiếu khóa bắt buộc '{key}'", "missing required key '{key}'"),
    "wrong_type": (
        "'{field}' phải là {expected}, nhưng là {actual}",
        "'{field}' must be {expected}, got {actual}",
    ),
    "not_in_choices": (
        "'{field}' không hợp lệ: '{value}'; chọn một trong: {choices}{hint}",
        "'{field}' is invalid: '{value}'; choose one of: {choices}{hint}",
    ),
    "out_of_range": (
        "'{field}' phải {op} {limit}, nhưng là {value}",
        "'{field}' must be {op} {limit}, got {value}",
    ),
    "invalid_date": ("'{field}': {detail}", "'{field}': {detail}"),
    "duplicate_id": (
        "mã '{id}' bị lặp (đã có ở dòng {first_line})",
        "duplicate id '{id}' (first at line {first_line})",
    ),
    "unknown_reference": (
        "'{field}' tham chiếu '{ref}' không tồn tại{hint}",
        "'{field}' refers to unknown '{ref}'{hint}",
    ),
    "unknown_kind": (
        "loại nghĩa vụ '{kind}' chưa được đăng ký{hint}; các loại có: {choices}",
        "obligation kind '{kind}' is not registered{hint}; known kinds: {choices}",
    ),
    "unknown_calendar": (
        "lịch '{name}' chưa được đăng ký; các lịch có: {choices}",
        "calendar '{name}' is not registered; known calendars: {choices}",
    ),
    "unknown_clause": (
        "điều khoản '{clause}' chưa được khai báo trong 'clauses'{hint}",
        "clause '{clause}' is not declared under 'clauses'{hint}",
    ),
    "deadline_inclusive_required": (
        "thời hạn phải nói rõ 'inclusive: true' (tính cả ngày đó) hay 'inclusive: false' (trước ngày đó)",
        "a deadline must state 'inclusive: true' (the day itself counts) or 'inclusive: false' (before that day)",
    ),
    "deadline_one_of": (
        "thời hạn cần đúng một trong 'date', 'after' hoặc 'none'",
        "a deadline needs exactly one of 'date', 'after' or 'none'",
    ),
    "deadline_days_required": (
        "thời hạn tương đối cần 'days' (số ngày sau mốc)",
        "a relative deadline needs 'days' (how many days after the reference)",
    ),
    "deadline_cycle": (
        "các thời hạn tương đối tạo thành vòng lặp: {cycle}",
        "relative deadlines form a cycle: {cycle}",
    ),
    "ref_one_of": (
        "'after' cần đúng một trong 'event' hoặc 'obligation'",
        "'after' needs exactly one of 'event' or 'obligation'",
    ),
    "unknown_version": (
        "phiên bản định dạng {version} không được hỗ trợ; hãy dùng {supported}",
        "format version {version} is not supported; use {supported}",
    ),
    "unknown_fact_type": (
        "loại dữ kiện '{type}' chưa được đăng ký{hint}; các loại có: {choices}",
        "fact type '{type}' is not registered{hint}; known types: {choices}",
    ),
    "empty_list": ("'{field}' không được rỗng", "'{field}' must not be empty"),
    "bad_period": (
        "'valid_to' ({end}) trước 'valid_from' ({start})",
        "'valid_to' ({end}) is before 'valid_from' ({start})",
    ),
    "self_parent": ("đơn vị không thể là cấp trên của chính nó", "a unit cannot be its own parent"),
    "parent_cycle": (
        "quan hệ cấp trên tạo vòng lặp: {cycle}",
        "parent links form a cycle: {cycle}",
    ),
    "missing_plugin": (
        "kế hoạch cần plugin '{plugin}' nhưng plugin này chưa được cài hoặc đã bị chặn",
        "the spec needs plugin '{plugin}', which is not installed or is blocked",
    ),
    "plugin_lint": ("{plugin}: {detail}", "{plugin}: {detail}"),
    "csv_row": ("dòng không hợp lệ: {detail}", "bad row: {detail}"),
    "json_line": ("dòng JSON không hợp lệ: {detail}", "bad JSON line: {detail}"),
    # --- findings ---------------------------------------------------------------
    "timing_done": ("hoàn thành ngày {done}, trong hạn (hạn chót {due})", "done on {done}, on time (last day {due})"),
    "timing_done_no_due": ("hoàn thành ngày {done}", "done on {done}"),
    "timing_late": ("hoàn thành ngày {done}, trễ hạn (hạn chót {due})", "done on {done}, late (last day {due})"),
    "timing_no_due": ("chưa có hạn chót", "no due date yet"),
    "timing_overdue": ("đã quá hạn {days} ngày (hạn chót {due})", "{days} days past the last day ({due})"),
    "timing_open": ("còn {days} ngày đến hạn chót {due}", "{days} days left until the last day ({due})"),
    "unit_dissolved": ("đơn vị {unit} đã giải thể/sáp nhập ngày {date}, trước hạn", "unit {unit} ceased to exist on {date}, before the deadline"),
    "sessions_none": ("chưa có hội nghị hợp lệ nào (cần {required} buổi)", "no conforming session yet ({required} required)"),
    "sessions_ok": ("đã tổ chức {held}/{required} buổi hợp lệ", "{held}/{required} conforming sessions held"),
    "sessions_short": ("mới tổ chức {held}/{required} buổi hợp lệ", "only {held}/{required} conforming sessions held"),
    "audience_ok": (
        "đủ đối tượng: đảng viên {pm_attended}/{pm_required}, ngoài Đảng {nm_attended}/{nm_required} (yêu cầu {share})",
        "audience covered: party members {pm_attended}/{pm_required}, non-members {nm_attended}/{nm_required} (required {share})",
    ),
    "audience_short": (
        "chưa đủ đối tượng ({categories}): đảng viên {pm_attended}/{pm_required}, ngoài Đảng {nm_attended}/{nm_required} (yêu cầu {share})",
        "audience not covered ({categories}): party members {pm_attended}/{pm_required}, non-members {nm_attended}/{nm_required} (required {share})",
    ),
    "audience_unknown": ("không có số liệu dự học, không xác định được mức bao phủ", "attendance not recorded: coverage cannot be decided"),
    "presenter_missing": ("{fact}: không ghi người báo cáo", "{fact}: presenter not recorded"),
    "presenter_unknown": ("{fact}: người báo cáo '{presenter}' không có trong danh sách", "{fact}: presenter '{presenter}' is not in the registry"),
    "presenter_role": (
        "{fact}: {presenter} không giữ chức vụ yêu cầu ({required}) tại đơn vị ngày {date} (chức vụ: {roles})",
        "{fact}: {presenter} did not hold a required role ({required}) in the unit on {date} (roles: {roles})",
    ),
    "presenter_qualification": (
        "{fact}: {presenter} không có tư cách '{qualification}' ngày {date}",
        "{fact}: {presenter} did not hold qualification '{qualification}' on {date}",
    ),
    "presenter_ok": ("{fact}: người báo cáo {presenter} đúng quy định ({roles})", "{fact}: presenter {presenter} qualifies ({roles})"),
    "presenter_ok_all": ("người báo cáo đúng quy định ở {count} hội nghị", "qualified presenter at {count} session(s)"),
    "content_missing": ("{fact}: không ghi nội dung hội nghị", "{fact}: content not recorded"),
    "content_lacking": ("{fact}: thiếu nội dung bắt buộc: {missing}", "{fact}: required content missing: {missing}"),
    "content_ok_all": ("đủ nội dung bắt buộc ở {count} hội nghị", "required content covered at {count} session(s)"),
    "materials_missing": ("{fact}: không ghi tài liệu sử dụng", "{fact}: materials not recorded"),
    "materials_lacking": ("{fact}: không dùng tài liệu bắt buộc: {missing}", "{fact}: required material not used: {missing}"),
    "materials_ok_all": ("dùng đúng tài liệu ở {count} hội nghị", "required materials used at {count} session(s)"),
    "dissemination_none": ("chưa ghi nhận hoạt động tuyên truyền", "no dissemination recorded"),
    "dissemination_ok": ("đã tuyên truyền ({count} hoạt động) đến: {audiences}", "disseminated ({count} activities) to: {audiences}"),
    "dissemination_short": ("chưa tuyên truyền đến: {missing}", "not yet disseminated to: {missing}"),
    "dissemination_unknown": ("không ghi đối tượng được tuyên truyền ({facts})", "audience reached not recorded ({facts})"),
    "report_none": ("chưa gửi báo cáo về {to}", "no report sent to {to}"),
    "report_ok": ("{fact}: báo cáo về {to} qua {via}", "{fact}: reported to {to} via {via}"),
    "report_channel_missing": ("{fact}: không ghi nơi nhận/kênh gửi báo cáo", "{fact}: recipient or channel not recorded"),
    "report_wrong_recipient": ("{fact}: gửi về '{to}', không phải {expected}", "{fact}: sent to '{to}', not {expected}"),
    "report_wrong_channel": ("{fact}: gửi qua '{via}', không qua {expected}", "{fact}: sent via '{via}', not via {expected}"),
    "report_recipient_gone": ("{fact}: nơi nhận {to} không còn tồn tại ngày {date}", "{fact}: recipient {to} no longer existed on {date}"),
    "deliverables_ok": ("đã có đủ: {items}", "all delivered: {items}"),
    "deliverables_missing": ("còn thiếu ({done}/{total}): {missing}", "missing ({done}/{total} done): {missing}"),
    "duty_recorded": ("đã ghi nhận {count} lần ({type})", "recorded {count} time(s) ({type})"),
    "duty_not_recorded": ("chưa ghi nhận ({type}); trách nhiệm chỉ kiểm tra được khi có ghi nhận", "not recorded ({type}); the duty is checkable only when recorded"),
    "duty_not_checkable": ("trách nhiệm được ghi lại để truy vết, không kiểm tra được", "duty recorded for traceability; not checkable"),
    # --- unmatched facts ----------------------------------------------------------
    "fact_duplicate_id": ("mã dữ kiện bị lặp (đã có ở dòng {line}); bản sau bị bỏ qua", "duplicate fact id (first at line {line}); this copy was not used"),
    "fact_after_as_of": ("ghi ngày {date}, sau ngày đánh giá {as_of}", "dated {date}, after the evaluation date {as_of}"),
    "fact_unknown_unit": ("đơn vị '{unit}' không có trong danh sách tổ chức", "unit '{unit}' is not in the registry"),
    "fact_type_unused": ("không nghĩa vụ nào của kế hoạch dùng dữ kiện loại '{type}'", "no obligation of the plan uses facts of type '{type}'"),
    "fact_unit_not_subject": ("đơn vị '{unit}' không thuộc đối tượng của nghĩa vụ nào dùng dữ kiện '{type}'", "unit '{unit}' is not subject to any obligation using '{type}' facts"),
    "fact_unit_not_valid": ("đơn vị '{unit}' không tồn tại ngày {date}", "unit '{unit}' did not exist on {date}"),
    "fact_not_needed": ("không nghĩa vụ nào dùng đến dữ kiện '{type}' này", "no verdict needed this '{type}' fact"),
}

# Words used inside messages (type names and the like), translated with them.
TERMS: dict[str, tuple[str, str]] = {
    "str": ("chuỗi văn bản", "a text"),
    "int": ("số nguyên", "a whole number"),
    "float": ("số", "a number"),
    "number": ("số", "a number"),
    "bool": ("true/false", "true/false"),
    "null": ("rỗng", "empty"),
    "timestamp": ("ngày", "a date"),
    "map": ("bảng khóa-giá trị", "a mapping"),
    "seq": ("danh sách", "a list"),
    "date": ("ngày (dd/mm/yyyy hoặc yyyy-mm-dd)", "a date (dd/mm/yyyy or yyyy-mm-dd)"),
    ">=": ("lớn hơn hoặc bằng", "at least"),
    "<=": ("nhỏ hơn hoặc bằng", "at most"),
}


class Term(str):
    """A word rendered in the message's language (see :data:`TERMS`)."""

    def render(self, lang: str) -> str:
        pair = TERMS.get(str(self))
        return _pick(pair, lang) if pair else str(self)


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "not_applicable": ("không áp dụng", "not applicable"),
    "pending": ("chưa đến hạn", "pending"),
    "due_soon": ("sắp đến hạn", "due soon"),
    "met": ("đã hoàn thành", "met"),
    "met_late": ("hoàn thành trễ hạn", "met late"),
    "overdue": ("quá hạn", "overdue"),
    "violated": ("không đạt yêu cầu", "violated"),
    "indeterminate": ("chưa xác định được", "indeterminate"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def message(code: str, lang: str = "vi", **params: object) -> str:
    """Render message ``code`` in ``lang`` ("vi" or "en"), filling ``params``.

    An unknown code renders as the code itself followed by its parameters, so a
    plugin's own message is never lost even without a catalogue entry.
    """
    pair = MESSAGES.get(code)
    if pair is None:
        extra = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{code}: {extra}" if extra else code
    filled = {k: _fill(v, lang) for k, v in params.items()}
    return _pick(pair, lang).format(**filled)


def _fill(value: object, lang: str) -> object:
    if hasattr(value, "render"):
        return value.render(lang)  # type: ignore[attr-defined]
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")  # dates for people: dd/mm/yyyy
    if value is None:
        return "—"
    return value


def status_label(status: str, lang: str = "vi") -> str:
    """The human label of a verdict status in ``lang``."""
    return _pick(STATUS_LABELS.get(status, (status, status)), lang)
