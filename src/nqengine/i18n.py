"""Messages in Vietnamese first, English available.

Every message a person reads has a code; :func:`message` renders it in the
requested language.  Keeping the two languages side by side in one table means
a new message cannot ship in one language only (``tests/test_i18n.py`` checks).
"""

from __future__ import annotations

import datetime as _dt
import re as _re

__all__ = ["escape_invisible", "message", "LANGS", "MESSAGES", "TERMS", "Term", "status_label", "Worded", "body_words", "percent"]

LANGS = ("vi", "en")

# code: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- YAML and structure --------------------------------------------------
    "yaml_syntax": ("lỗi cú pháp YAML: {detail}", "YAML syntax error: {detail}"),
    "yaml_tab": (
        "YAML không cho phép ký tự tab ở đây; hãy thụt lề bằng dấu cách",
        "YAML does not allow a tab here; indent with spaces",
    ),
    "file_missing": ("không tìm thấy tệp", "file not found"),
    "file_is_folder": ("đây là thư mục, không phải tệp", "this is a folder, not a file"),
    "file_unreadable": ("không đọc được tệp: {detail}", "cannot read file: {detail}"),
    "not_utf8": (
        "tệp không phải UTF-8: không đọc được byte {byte}; hãy lưu tệp ở dạng UTF-8",
        "the file is not UTF-8: byte {byte} cannot be read; save the file as UTF-8",
    ),
    "not_utf8_utf16": (
        "tệp được lưu ở dạng UTF-16; hãy lưu lại ở dạng UTF-8",
        "the file is saved as UTF-16; save it as UTF-8",
    ),
    "control_character": (
        "tệp chứa ký tự điều khiển {char}, YAML không cho phép; hãy xóa ký tự này",
        "the file holds the control character {char}, which YAML does not allow; delete it",
    ),
    "empty_document": ("tệp rỗng", "the file is empty"),
    "multiple_documents": (
        "tệp chỉ được chứa một tài liệu YAML (bỏ dấu '---' thứ hai)",
        "the file must hold a single YAML document (remove the second '---')",
    ),
    "duplicate_key": (
        "khóa '{key}' bị lặp (đã có ở dòng {first_line}, cột {first_column})",
        "duplicate key '{key}' (first at line {first_line}, column {first_column})",
    ),
    "alias_forbidden": (
        "không cho phép anchor/alias YAML ('{name}'): hãy viết đầy đủ giá trị",
        "YAML anchors and aliases are not allowed ('{name}'): write the value out",
    ),
    "merge_key": (
        "không cho phép khóa gộp YAML '<<': hãy viết đầy đủ các khóa",
        "the YAML merge key '<<' is not allowed: write the keys out",
    ),
    "complex_key": (
        "khóa phải là văn bản, không được là {actual}",
        "a key must be plain text, not {actual}",
    ),
    "too_deep": (
        "dữ liệu lồng nhau quá {limit} cấp",
        "the data is nested more than {limit} levels deep",
    ),
    "unsafe_tag": (
        "không cho phép thẻ YAML '{tag}': chỉ dùng giá trị thường (văn bản, số, ngày, true/false), danh sách và bảng khóa-giá trị",
        "YAML tag '{tag}' is not allowed: use only plain values (text, numbers, dates, true/false), lists and mappings",
    ),
    "bad_tagged_value": (
        "'{value}' không phải là giá trị hợp lệ cho thẻ '{tag}'",
        "'{value}' is not a valid value for tag '{tag}'",
    ),
    "not_a_spec": (
        "tệp này không phải là một kế hoạch (spec): không có khóa nào trong số {keys}",
        "this file is not a spec: it has none of the keys {keys}",
    ),
    "root_not_map": (
        "cấp ngoài cùng của tệp phải là bảng khóa-giá trị (các dòng 'khóa: giá trị'), nhưng là {actual}",
        "the top level of the file must be a mapping ('key: value' lines), got {actual}",
    ),
    "unknown_key": (
        "khóa '{key}' không hợp lệ{hint}",
        "unknown key '{key}'{hint}",
    ),
    "did_you_mean": (" — có phải ý bạn là '{suggestion}'?", " — did you mean '{suggestion}'?"),
    "missing_key": ("thiếu khóa bắt buộc '{key}'", "missing required key '{key}'"),
    "wrong_type": (
        "'{field}' phải là {expected}, nhưng là {actual}",
        "'{field}' must be {expected}, got {actual}",
    ),
    "wrong_type_value": (
        "'{field}' phải là {expected}, nhưng là '{value}' ({actual})",
        "'{field}' must be {expected}, got '{value}' ({actual})",
    ),
    "wrong_type_quoted": (
        "'{field}' phải là {expected}, nhưng là văn bản '{value}' trong dấu nháy; hãy bỏ dấu nháy",
        "'{field}' must be {expected}, got the quoted text '{value}'; remove the quotes",
    ),
    "text_needs_quotes": (
        "'{field}' phải là văn bản, nhưng YAML đọc {value} là {actual}; hãy đặt trong dấu nháy: \"{value}\"",
        "'{field}' must be text, but YAML reads {value} as {actual}; put it in quotes: \"{value}\"",
    ),
    "not_finite": (
        "'{field}' phải là một số hữu hạn, nhưng là {value}",
        "'{field}' must be a finite number, got {value}",
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
        "mã '{id}' bị lặp (cũng dùng ở dòng {first_line})",
        "duplicate id '{id}' (also used at line {first_line})",
    ),
    "unknown_reference": (
        "'{field}' tham chiếu '{ref}' không tồn tại{hint}",
        "'{field}' refers to unknown '{ref}'{hint}",
    ),
    "unknown_event": (
        "sự kiện '{ref}' chưa được khai báo trong 'events'{hint}",
        "event '{ref}' is not declared under 'events'{hint}",
    ),
    "unknown_obligation": (
        "không có nghĩa vụ nào mang mã '{ref}' trong kế hoạch{hint}",
        "no obligation of the spec has id '{ref}'{hint}",
    ),
    "unknown_audience_category": (
        "nhóm đối tượng '{ref}' chưa được khai báo trong 'audience_categories'{hint}",
        "audience category '{ref}' is not declared under 'audience_categories'{hint}",
    ),
    "plugin_key_not_declared": (
        "khóa '{key}' thuộc plugin '{plugin}': hãy thêm '{plugin}' vào 'plugins:' của kế hoạch",
        "the key '{key}' belongs to the plugin '{plugin}': add '{plugin}' to the plan's 'plugins:'",
    ),
    "unset_missing": (
        "'unset': nghĩa vụ được kế thừa không có '{ref}' để bỏ",
        "'unset': the inherited obligation has no '{ref}' to remove",
    ),
    "unknown_unit_reference": (
        "đơn vị '{ref}' không có trong danh sách tổ chức (registry){hint}",
        "unit '{ref}' is not in the registry{hint}",
    ),
    "fact_unit_unknown": (
        "đơn vị '{ref}' của dữ kiện không có trong danh sách tổ chức: dữ kiện sẽ không được dùng{hint}",
        "the fact's unit '{ref}' is not in the registry: the fact will not be used{hint}",
    ),
    "check_warning": ("cảnh báo", "warning"),
    "name_read_as": (
        "'{ref}' được hiểu là {name} ({id}), bỏ qua hoa/thường, dấu và khoảng trắng; nên ghi mã",
        "'{ref}' is read as {name} ({id}), ignoring case, diacritics and spacing; better give the id",
    ),
    "name_ambiguous": (
        "tên '{ref}' có thể là nhiều mục: {candidates}; hãy ghi mã",
        "the name '{ref}' may be several entries: {candidates}; give the id",
    ),
    "unknown_person_reference": (
        "người '{ref}' không có trong danh sách tổ chức (registry){hint}",
        "person '{ref}' is not in the registry{hint}",
    ),
    "unknown_audience_key": (
        "nhóm đối tượng '{ref}' không được kế hoạch khai báo, nên không bao giờ được tính{hint}",
        "audience category '{ref}' is not declared by the plan, so it is never counted{hint}",
    ),
    "cli_unknown_format": (
        "--format: không có định dạng '{name}'{hint}",
        "--format: unknown format '{name}'{hint}",
    ),
    "cli_unknown_obligation": (
        "--obligation: kế hoạch không có nghĩa vụ '{ref}'{hint}",
        "--obligation: the plan has no obligation '{ref}'{hint}",
    ),
    "cli_unknown_unit": (
        "--unit: danh sách tổ chức không có đơn vị '{ref}'{hint}",
        "--unit: the registry has no unit '{ref}'{hint}",
    ),
    "cli_ambiguous_unit": (
        "--unit: '{ref}' có thể là nhiều đơn vị: {candidates}; hãy ghi mã đơn vị",
        "--unit: '{ref}' may be several units: {candidates}; give the unit's id",
    ),
    "cli_unit_matched": (
        "lưu ý: '{ref}' được hiểu là {name} ({id})",
        "note: '{ref}' read as {name} ({id})",
    ),
    "cli_no_verdict": (
        "nghĩa vụ '{obligation}' không áp dụng cho {name} ({id}): không có kết luận",
        "obligation '{obligation}' does not apply to {name} ({id}): no verdict",
    ),
    "cli_unknown_status": (
        "--fail-on: không có tình trạng '{name}'{hint}",
        "--fail-on: unknown status '{name}'{hint}",
    ),
    "unknown_term": (
        "'{field}': '{ref}' không có trong danh mục {vocabulary} (từ mới thì khai báo trong 'vocabularies.{vocabulary}'){hint}",
        "'{field}': '{ref}' is not in the {vocabulary} vocabulary (declare a new word under 'vocabularies.{vocabulary}'){hint}",
    ),
    "unknown_material": (
        "tài liệu '{ref}' chưa được khai báo trong 'materials'{hint}",
        "material '{ref}' is not declared under 'materials'{hint}",
    ),
    "unknown_document": (
        "văn bản '{ref}' chưa được khai báo trong 'document' hoặc 'documents'{hint}",
        "document '{ref}' is not declared under 'document' or 'documents'{hint}",
    ),
    "unknown_kind": (
        "loại nghĩa vụ '{kind}' chưa được đăng ký{hint}",
        "obligation kind '{kind}' is not registered{hint}",
    ),
    "unknown_calendar": (
        "lịch '{name}' chưa được đăng ký{hint}",
        "calendar '{name}' is not registered{hint}",
    ),
    "registered_choices": (" (đã đăng ký: {choices})", " (registered: {choices})"),
    "unknown_clause": (
        "điều khoản '{clause}' chưa được khai báo trong 'clauses'{hint}",
        "clause '{clause}' is not declared under 'clauses'{hint}",
    ),
    "deadline_inclusive_required": (
        "thời hạn phải nói rõ 'inclusive: true' (tính cả ngày đó) hay 'inclusive: false' (trước ngày đó)",
        "a deadline must state 'inclusive: true' (the day itself counts) or 'inclusive: false' (before that day)",
    ),
    "deadline_one_of": (
        "thời hạn cần đúng một trong 'date', 'after' hoặc 'none: true'",
        "a deadline needs exactly one of 'date', 'after' or 'none: true'",
    ),
    "deadline_days_required": (
        "thời hạn tương đối cần 'days' (số ngày sau mốc)",
        "a relative deadline needs 'days' (how many days after the reference)",
    ),
    "deadline_not_per_period": (
        "nghĩa vụ định kỳ ('every') cần thời hạn theo từng kỳ: 'day_of_last_month', 'days_after_end', 'on' hoặc 'none: true'",
        "a recurring obligation ('every') needs a per-period deadline: 'day_of_last_month', 'days_after_end', 'on' or 'none: true'",
    ),
    "deadline_per_period_one_off": (
        "'day_of_last_month', 'days_after_end' và 'on' chỉ dùng cho nghĩa vụ định kỳ (có 'every')",
        "'day_of_last_month', 'days_after_end' and 'on' apply only to a recurring obligation (one with 'every')",
    ),
    "deadline_new_units_recurring": (
        "'new_units_days' chỉ dùng cho nghĩa vụ một lần; nghĩa vụ định kỳ tính theo các kỳ đơn vị tồn tại",
        "'new_units_days' applies only to a one-off obligation; a recurring one follows the periods a unit existed in",
    ),
    "recurrence_key_alone": (
        "'{key}' chỉ dùng cho nghĩa vụ định kỳ (có 'every')",
        "'{key}' applies only to a recurring obligation (one with 'every')",
    ),
    "recurrence_from_required": (
        "nghĩa vụ định kỳ cần 'from' (ngày bắt đầu) khi kế hoạch không có ngày hiệu lực",
        "a recurring obligation needs 'from' (its first day) when the plan has no effective date",
    ),
    "recurrence_until_before_from": (
        "'until' ({until}) trước ngày bắt đầu ({start})",
        "'until' ({until}) is before the first day ({start})",
    ),
    "recurrence_relative_ref": (
        "thời hạn không thể tính từ nghĩa vụ định kỳ '{obligation}' (mỗi kỳ có hạn riêng)",
        "a deadline cannot count from the recurring obligation '{obligation}' (each period has its own)",
    ),
    "invalid_day_month": (
        "'{field}': '{value}' không phải ngày trong năm; hãy viết dd/mm, ví dụ 15/06",
        "'{field}': '{value}' is not a day of the year; write dd/mm, e.g. 15/06",
    ),
    "deadline_after_only": (
        "'{key}' chỉ dùng cho thời hạn tương đối (có 'after')",
        "'{key}' applies only to a relative deadline (one with 'after')",
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
        "loại dữ kiện '{type}' chưa được đăng ký (các loại có: {choices}){hint}",
        "fact type '{type}' is not registered (known types: {choices}){hint}",
    ),
    "empty_list": ("'{field}' không được rỗng", "'{field}' must not be empty"),
    "bad_period": (
        "'valid_to' ({end}) trước 'valid_from' ({start})",
        "'valid_to' ({end}) is before 'valid_from' ({start})",
    ),
    "until_before_date": (
        "'until' ({end}) trước 'date' ({start}): ngày cuối của sự kiện không thể trước ngày đầu",
        "'until' ({end}) is before 'date' ({start}): an event cannot end before it starts",
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
    # --- plugins that are missing or fail ----------------------------------------
    "spec_needs_plugin": (
        "kế hoạch '{spec}' cần plugin '{plugin}', nhưng plugin này chưa được cài đặt"
        " (cài bằng: python -m pip install {plugin}, hoặc python -m pip install ĐƯỜNG_DẪN nếu plugin nằm trong"
        " một thư mục mã nguồn, như plugins/ của kho này)",
        "spec '{spec}' needs plugin '{plugin}', which is not installed"
        " (install it with: python -m pip install {plugin}, or python -m pip install PATH for a plugin kept in"
        " a source folder, such as this repository's plugins/)",
    ),
    "spec_needs_blocked_plugin": (
        "kế hoạch '{spec}' cần plugin '{plugin}', nhưng plugin này đã bị chặn (-p no:{blocked})",
        "spec '{spec}' needs plugin '{plugin}', which is blocked (-p no:{blocked})",
    ),
    "spec_needs_unloaded_plugin": (
        "kế hoạch '{spec}' cần plugin '{plugin}': plugin đã được cài nhưng không được nạp vì"
        " NQENGINE_DISABLE_PLUGIN_AUTOLOAD đang bật (nạp bằng: -p {module})",
        "spec '{spec}' needs plugin '{plugin}': it is installed but not loaded because"
        " NQENGINE_DISABLE_PLUGIN_AUTOLOAD is set (load it with: -p {module})",
    ),
    "plugin_not_found": ("không tìm thấy plugin '{plugin}': {detail}", "plugin '{plugin}' not found: {detail}"),
    "plugin_load_failed": ("không nạp được plugin: {error}", "the plugin could not be loaded: {error}"),
    "plugin_invalid": ("plugin không hợp lệ: {detail}", "the plugin is invalid: {detail}"),
    "plugin_unknown_hook": (
        "cài đặt một hook mà nqengine không định nghĩa (gõ sai tên?)",
        "implements a hook that nqengine does not define (a typo?)",
    ),
    "plugin_raised": ("gặp lỗi {error}", "raised {error}"),
    "plugin_bad_return": ("trả về {got}, nhưng phải trả về {expected}", "returned {got}, expected {expected}"),
    "plugin_bad_item": ("trả về {item}: {detail}", "returned {item}: {detail}"),
    "plugin_conflict": (
        "'{name}' đã được plugin '{other}' khai báo cho loại '{kind}'",
        "'{name}' is already declared for kind '{kind}' by plugin '{other}'",
    ),
    "plugin_message_mismatch": (
        "thông điệp '{name}' dùng tham số khác nhau ở hai ngôn ngữ: vi {vi}, en {en}",
        "message '{name}' uses different parameters in its two languages: vi {vi}, en {en}",
    ),
    "plugin_wrapper_no_yield": ("wrapper kết thúc mà không yield", "the wrapper returned without yielding"),
    "plugin_wrapper_two_yields": ("wrapper yield hai lần", "the wrapper yielded twice"),
    "plugin_no_verdicts": (
        "không plugin nào đánh giá nghĩa vụ loại '{kind}' (bộ đánh giá mặc định bị chặn?)",
        "no plugin evaluated this obligation of kind '{kind}' (is the default evaluation blocked?)",
    ),
    "csv_row": ("dòng không hợp lệ: {detail}", "bad row: {detail}"),
    "json_line": ("dòng JSON không hợp lệ: {detail}", "bad JSON line: {detail}"),
    # --- findings ---------------------------------------------------------------
    "timing_done": ("hoàn thành ngày {done}, trong hạn (hạn chót {due})", "done on {done}, on time (last day {due})"),
    "timing_done_no_due": ("hoàn thành ngày {done}", "done on {done}"),
    "timing_late": ("hoàn thành ngày {done}, trễ hạn (hạn chót {due})", "done on {done}, late (last day {due})"),
    "timing_no_due": ("chưa có hạn chót", "no due date yet"),
    "timing_overdue": ("đã quá hạn {days} ngày (hạn chót {due})", "{days} days past the last day ({due})"),
    "timing_open": ("còn {days} ngày đến hạn chót {due}", "{days} days left until the last day ({due})"),
    "unit_created_after_due": ("đơn vị {unit} được thành lập ngày {date}, sau hạn chót {due}: không phải thực hiện", "unit {unit} was created on {date}, after the last day ({due}): it owes nothing"),
    "unit_new_deadline": ("đơn vị {unit} thành lập ngày {date}: hạn tính từ ngày thành lập, {days} ngày", "unit {unit} was created on {date}: its deadline counts {days} days from then"),
    "period_attributed": ("dữ kiện {fact} không ghi kỳ, được tính cho {period} (kỳ sớm nhất còn mở)", "fact {fact} names no period and was counted for {period} (the earliest open period)"),
    "period_coverage": ("{period}: từ {start} đến {end}; số liệu từ {cstart} đến {cend}", "{period}: {start} to {end}; data from {cstart} to {cend}"),
    "unit_dissolved": ("đơn vị {unit} đã giải thể/sáp nhập ngày {date}, trước hạn", "unit {unit} ceased to exist on {date}, before the deadline"),
    "sessions_none": ("chưa có hội nghị hợp lệ nào (cần {required} buổi)", "no conforming session yet ({required} required)"),
    "sessions_not_counted": (
        "đã tổ chức {held} hội nghị nhưng chưa hội nghị nào được tính (cần {required} buổi hợp lệ): xem các bước kiểm tra bên dưới",
        "{held} session(s) held but none counts yet ({required} conforming required): see the checks below",
    ),
    "session_other_group": (
        "{fact}: hội nghị dành cho nhóm '{group}', không phải '{wanted}': không tính cho nghĩa vụ này",
        "{fact}: session held for group '{group}', not '{wanted}': it does not count for this obligation",
    ),
    "length_missing": ("{fact}: không ghi thời lượng hội nghị (yêu cầu tối thiểu {min})", "{fact}: length not recorded ({min} required)"),
    "length_short": ("{fact}: thời lượng {length}, ít hơn yêu cầu {min}", "{fact}: lasted {length}, less than the required {min}"),
    "length_ok_all": ("đủ thời lượng ở {count} hội nghị", "required length held at {count} session(s)"),
    "length_invalid": ("'{value}' không phải thời lượng: hãy viết ví dụ '01 buổi', '02 ngày', '3 giờ'", "'{value}' is not a length: write e.g. '01 buổi', '02 ngày', '3 giờ'"),
    "selector_depth_needs_under": ("'depth' chỉ dùng cùng 'under'", "'depth' applies only with 'under'"),
    "presenter_no_alternative": (
        "{fact}: {presenter} không thuộc người được phép báo cáo nào theo quy định ngày {date}",
        "{fact}: {presenter} met none of the allowed presenter rules on {date}",
    ),
    "rollup_ok": (
        "{of}: đạt {reached}/{total} ({rate}), đạt chỉ tiêu {threshold} (cần {target})",
        "{of}: {reached}/{total} ({rate}), threshold {threshold} reached ({target} needed)",
    ),
    "rollup_short": (
        "{of}: mới đạt {reached}/{total} ({rate}), chưa đạt chỉ tiêu {threshold} (cần {target})",
        "{of}: only {reached}/{total} ({rate}), below the threshold {threshold} ({target} needed)",
    ),
    "rollup_nothing": ("{of}: không có đơn vị cấp dưới nào để tổng hợp", "{of}: no unit below to roll up"),
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
    "presenter_ambiguous": (
        "{fact}: tên người báo cáo '{presenter}' có thể là nhiều người: {candidates}; hãy ghi mã người",
        "{fact}: the presenter's name '{presenter}' may be several people: {candidates}; give the person's id",
    ),
    "presenter_name_matched": (
        "cảnh báo: {fact} ghi người báo cáo là '{written}', được hiểu là {name} ({id}); nên ghi mã người",
        "warning: {fact} names its presenter '{written}', read as {name} ({id}); better give the person's id",
    ),
    "presenter_role": (
        "{fact}: {presenter} không giữ chức vụ yêu cầu ({required}) tại đơn vị ngày {date} (chức vụ: {roles})",
        "{fact}: {presenter} did not hold a required role ({required}) in the unit on {date} (roles: {roles})",
    ),
    "presenter_qualification": (
        "{fact}: {presenter} không phải là {qualification} vào ngày {date}",
        "{fact}: {presenter} did not hold the title {qualification} on {date}",
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
    "amended": ("áp dụng theo văn bản sửa đổi {document} (hiệu lực từ {effective})", "as amended by {document} (in force from {effective})"),
    "extends_missing": ("không tìm thấy kế hoạch được mở rộng: {target}", "the extended plan was not found: {target}"),
    "extends_cycle": ("các kế hoạch mở rộng lẫn nhau thành vòng: {chain}", "plans extend each other in a cycle: {chain}"),
    "report_target_unknown": ("nơi nhận/kênh '{unit}' của kế hoạch không có trong danh sách tổ chức", "the plan's recipient or channel '{unit}' is not in the registry"),
    "report_ok": ("{fact}: báo cáo về {to} qua {via}", "{fact}: reported to {to} via {via}"),
    "report_channel_missing": ("{fact}: không ghi nơi nhận/kênh gửi báo cáo", "{fact}: recipient or channel not recorded"),
    "report_wrong_recipient": ("{fact}: gửi về {to}, không phải {expected}", "{fact}: sent to {to}, not {expected}"),
    "report_wrong_channel": ("{fact}: gửi qua {via}, không qua {expected}", "{fact}: sent via {via}, not via {expected}"),
    "report_recipient_gone": ("{fact}: nơi nhận {to} không còn tồn tại ngày {date}", "{fact}: recipient {to} no longer existed on {date}"),
    "report_recipient_merged": (
        "{fact}: nơi nhận {to} không còn tồn tại ngày {date}; cơ quan tiếp nhận nhiệm vụ: {successor}",
        "{fact}: recipient {to} no longer existed on {date}; its successor is {successor}",
    ),
    "report_channel_gone": ("{fact}: kênh gửi {to} không còn tồn tại ngày {date}", "{fact}: channel {to} no longer existed on {date}"),
    "report_channel_merged": (
        "{fact}: kênh gửi {to} không còn tồn tại ngày {date}; cơ quan tiếp nhận nhiệm vụ: {successor}",
        "{fact}: channel {to} no longer existed on {date}; its successor is {successor}",
    ),
    "deliverables_ok": ("đã có đủ: {items}", "all delivered: {items}"),
    "deliverables_missing": ("còn thiếu ({done}/{total}): {missing}", "missing ({done}/{total} done): {missing}"),
    "duty_recorded": ("đã ghi nhận {count} lần ({type})", "recorded {count} time(s) ({type})"),
    "duty_not_recorded": ("chưa ghi nhận ({type}); trách nhiệm chỉ kiểm tra được khi có ghi nhận", "not recorded ({type}); the duty is checkable only when recorded"),
    "duty_not_checkable": ("trách nhiệm được ghi lại để truy vết, không kiểm tra được", "duty recorded for traceability; not checkable"),
    # --- unmatched facts ----------------------------------------------------------
    "fact_duplicate_id": ("mã dữ kiện bị lặp (đã có ở dòng {line}); bản sau bị bỏ qua", "duplicate fact id (first at line {line}); this copy was not used"),
    "fact_after_as_of": ("ghi ngày {date}, sau ngày đánh giá {as_of}", "dated {date}, after the evaluation date {as_of}"),
    "fact_unit_ambiguous": (
        "tên đơn vị '{unit}' có thể là nhiều đơn vị: {candidates}; hãy ghi mã đơn vị",
        "the unit name '{unit}' may be several units: {candidates}; give the unit's id",
    ),
    "fact_unit_name_matched": (
        "cảnh báo: {fact} ghi đơn vị là '{written}', được hiểu là {name} ({id}); nên ghi mã đơn vị",
        "warning: {fact} names its unit '{written}', read as {name} ({id}); better give the unit's id",
    ),
    "fact_unknown_unit": ("đơn vị '{unit}' không có trong danh sách tổ chức", "unit '{unit}' is not in the registry"),
    "fact_type_unused": ("không nghĩa vụ nào của kế hoạch dùng dữ kiện loại '{type}'", "no obligation of the plan uses facts of type '{type}'"),
    "fact_unit_not_subject": ("đơn vị '{unit}' không thuộc đối tượng của nghĩa vụ nào dùng dữ kiện '{type}'", "unit '{unit}' is not subject to any obligation using '{type}' facts"),
    "fact_event_superseded": (
        "sự kiện '{name}' của đơn vị đã được xác định bởi dữ kiện '{first}' (dữ kiện sớm nhất được dùng)",
        "the unit's event '{name}' is already set by fact '{first}' (the earliest one is used)",
    ),
    "fact_event_unused": (
        "không thời hạn nào của kế hoạch tính từ sự kiện '{name}'",
        "no deadline of the plan counts from the event '{name}'",
    ),
    "fact_period_unknown": ("kỳ {period} không thuộc nghĩa vụ '{obligation}'", "period {period} is not a period of obligation '{obligation}'"),
    "fact_period_not_shown": ("kỳ {period} của nghĩa vụ '{obligation}' chưa được đánh giá tại ngày này (chưa đến kỳ; dùng --period để xem)", "period {period} of obligation '{obligation}' is not evaluated on this date (not yet due; use --period to see it)"),
    "fact_period_unit_absent": ("đơn vị '{unit}' không tồn tại trong kỳ {period}", "unit '{unit}' did not exist during {period}"),
    "fact_unit_not_valid": ("đơn vị '{unit}' không tồn tại ngày {date}", "unit '{unit}' did not exist on {date}"),
    "fact_not_needed": ("không nghĩa vụ nào dùng đến dữ kiện '{type}' này", "no verdict needed this '{type}' fact"),
}

# Words used inside messages (type names and the like), translated with them.
TERMS: dict[str, tuple[str, str]] = {
    "str": ("văn bản", "text"),
    "int": ("số nguyên", "a whole number"),
    "float": ("số", "a number"),
    "number": ("số", "a number"),
    "bool": ("true/false", "true/false"),
    "null": ("giá trị rỗng", "nothing"),
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


class Worded(str):
    """A parameter that stays ids in the JSON (``"secretary, deputy_secretary"``) and reads as people's words
    in a message (``Bí thư, Phó Bí thư`` / ``Secretary, Deputy Secretary``): see :func:`nqengine.i18n.message`."""

    def __new__(cls, ids: str, vi: str, en: str) -> "Worded":
        obj = super().__new__(cls, ids)
        obj.vi, obj.en = vi, en
        return obj

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    def __reduce__(self) -> tuple:
        return (Worded, (str(self), self.vi, self.en))



def percent(share: float, digits: int = 1) -> "Worded":
    """A share as a percentage for a message: ``47,1%`` in Vietnamese (decimal comma), ``47.1%`` in English and in the params."""
    en = f"{share:.{digits}%}"
    return Worded(en, en.replace(".", ","), en)


def body_words(ref: str, unit: object) -> "Worded":
    """A unit written as ``ref`` in a fact, for a message: its name with the id in brackets when the registry
    knows it (``unit``), else the text as written, quoted; the parameter stays ``ref`` for programs."""
    if unit is None:
        return Worded(ref, f"'{ref}'", f"'{ref}'")
    shown = f"{unit.name} ({unit.id})"  # type: ignore[attr-defined]
    return Worded(ref, shown, shown)


def message(code: str, lang: str = "vi", **params: object) -> str:
    """Render message ``code`` in ``lang`` ("vi" or "en"), filling ``params``.

    An unknown code renders as the code itself followed by its parameters, so a
    plugin's own message is never lost even without a catalogue entry.
    """
    key: tuple | None = (code, lang, *params.items())
    for v in params.values():
        if v.__class__ is not str and v.__class__ is not int:  # equal str and int values render alike; others may not
            key = None
            break
    else:
        hit = _RENDERED.get(key)
        if hit is not None and MESSAGES.get(code) is hit[0]:  # the same wording (a plugin may define a code later)
            return hit[1]
    pair = MESSAGES.get(code)
    if pair is None:
        extra = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{code}: {extra}" if extra else code
    filled = {k: _fill(v, lang) for k, v in params.items()}
    # A missing parameter (a plugin's problem built by hand) shows as {name}, never a KeyError.
    text = _pick(pair, lang).format_map(_Keep(filled))
    if lang == "en" and ("(s)" in text or "1 " in text):
        text = _plurals(text)
    if key is not None:
        if len(_RENDERED) >= 8192:
            _RENDERED.clear()
        _RENDERED[key] = (pair, text)
    return text


#: Messages rendered lately, by (code, language, parameters), for parameters that are all text or whole
#: numbers: a national evaluation writes the same few sentences ("đã tổ chức 1/1 buổi hợp lệ") tens of
#: thousands of times.  Each entry keeps the wording it was rendered from, and is used only while
#: that is still the code's wording (a plugin's ``nqengine_register_messages`` may add or replace one).
_RENDERED: dict[tuple, tuple[tuple[str, str], str]] = {}


_ONE = _re.compile(r"(?<![\d.,/-])1 (day|session|unit|fact|obligation|example|row|person)s\b")
_ONE_S = _re.compile(r"(?<![\d.,/-])1 ([\w-]+ )?([\w-]+)\(s\)")
_MANY_S = _re.compile(r"\(s\)")


def _plurals(text: str) -> str:
    """English number agreement: "1 days" → "1 day", "1 session(s)" → "1 session", "3 session(s)" → "3 sessions"."""
    text = _ONE.sub(r"1 \1", text)
    text = _ONE_S.sub(lambda m: f"1 {m.group(1) or ''}{m.group(2)}", text)
    return _MANY_S.sub("s", text)


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def escape_invisible(text: str) -> str:
    """``text`` with characters a reader cannot see (U+200B, U+202E, controls) written as ``\\u200b``.

    Two names that differ only by such a character would otherwise print the
    same ("'a' — did you mean 'a'?"), and a right-to-left override could
    reorder what the terminal shows.  Newlines and tabs are kept.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in "\n\t " else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") for c in text)


def _fill(value: object, lang: str) -> object:
    if value.__class__ is int:
        return value
    if value.__class__ is str:  # the usual case, without the failed attribute lookup below
        return value if value.isprintable() else escape_invisible(value)
    if hasattr(value, "render"):
        value = value.render(lang)  # type: ignore[attr-defined]
    if isinstance(value, str):
        return escape_invisible(value)
    if isinstance(value, _dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # dates for people: dd/mm/yyyy (strftime costs 5x as much)
    if value is None:
        return "—"
    return value


def status_label(status: str, lang: str = "vi") -> str:
    """The human label of a verdict status in ``lang``."""
    return _pick(STATUS_LABELS.get(status, (status, status)), lang)
