"""Messages of the plugin: ``{code: (vietnamese, english)}``, same placeholders in both."""

from __future__ import annotations

__all__ = ["MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    "attendance_rate_ok": (
        "đảng viên tham dự {attended}/{headcount} ({rate}), đạt ngưỡng {threshold};"
        " ngoài Đảng {nm_attended}/{nm_required} (báo cáo riêng)",
        "party members attending {attended}/{headcount} ({rate}), threshold {threshold} reached;"
        " non-members {nm_attended}/{nm_required} (reported apart)",
    ),
    "attendance_rate_short": (
        "đảng viên tham dự mới {attended}/{headcount} ({rate}), chưa đạt ngưỡng {threshold} (cần {target});"
        " ngoài Đảng {nm_attended}/{nm_required} (báo cáo riêng)",
        "party members attending only {attended}/{headcount} ({rate}), below the threshold {threshold} ({target} needed);"
        " non-members {nm_attended}/{nm_required} (reported apart)",
    ),
    "attendance_no_session": (
        "chưa có hội nghị nào để tính tỷ lệ tham dự (cần {target}/{headcount} đảng viên)",
        "no session yet to count attendance ({target}/{headcount} party members needed)",
    ),
    "attendance_unknown": ("{facts}: không ghi số người tham dự", "{facts}: attendance not recorded"),
    "attendance_no_headcount": (
        "đơn vị {unit} chưa có số đảng viên trong danh sách tổ chức",
        "unit {unit} has no party-member headcount in the registry",
    ),
    "attendance_makeup_counted": (
        "{count} buổi học bù trong hạn (đến {last_day}) được tính: {attended} đảng viên",
        "{count} make-up session(s) within the window (until {last_day}) counted: {attended} party members",
    ),
    "attendance_makeup_late": (
        "{fact}: học bù ngày {date}, quá {days} ngày sau hội nghị đầu tiên (hạn {last_day}): không được tính",
        "{fact}: make-up on {date}, more than {days} days after the first session (last day {last_day}): not counted",
    ),
    "attendance_split": (
        "tham dự: đảng viên {pm_attended}/{pm_required} ({pm_rate}); ngoài Đảng {nm_attended}/{nm_required} ({nm_rate}), báo cáo riêng",
        "attendance: party members {pm_attended}/{pm_required} ({pm_rate}); non-members {nm_attended}/{nm_required} ({nm_rate}), reported apart",
    ),
    "attendance_exceeds_headcount": (
        "{fact}: số tham dự '{category}' ({attended}) vượt số trong danh sách tổ chức ({headcount}): số liệu không tin cậy",
        "{fact}: attendance of '{category}' ({attended}) exceeds the registry's headcount ({headcount}): the figures cannot be trusted",
    ),
    "reflections_none": (
        "chưa nộp bài thu hoạch nào (cần {required}/{headcount} đảng viên)",
        "no written reflection handed in yet ({required}/{headcount} party members needed)",
    ),
    "reflections_ok": (
        "đã nộp {count} bài thu hoạch, đủ {required}/{headcount} đảng viên",
        "{count} written reflections handed in, {required}/{headcount} party members needed",
    ),
    "reflections_short": (
        "mới nộp {count} bài thu hoạch, cần {required}/{headcount} đảng viên",
        "only {count} written reflections handed in, {required}/{headcount} party members needed",
    ),
}
