"""Messages of the plugin: ``{code: (vietnamese, english)}``, same placeholders in both."""

from __future__ import annotations

__all__ = ["MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    "ordering_condition_holds": (
        "điều kiện '{condition}' được ghi nhận ngày {date}: nghĩa vụ áp dụng cho đơn vị",
        "condition '{condition}' recorded on {date}: the obligation applies to the unit",
    ),
    "ordering_condition_not_recorded": (
        "chưa ghi nhận điều kiện '{condition}' ({date}): nghĩa vụ không áp dụng cho đơn vị",
        "condition '{condition}' is not recorded ({date}): the obligation does not apply to the unit",
    ),
    "ordering_condition_false": (
        "điều kiện '{condition}' không thỏa (ghi nhận ngày {date}): nghĩa vụ không áp dụng cho đơn vị",
        "condition '{condition}' does not hold (recorded on {date}): the obligation does not apply to the unit",
    ),
    "ordering_no_superior": (
        "đơn vị {unit} không có cấp trên: không cần kiểm tra thứ tự",
        "unit {unit} has no superior: no order to check",
    ),
    "ordering_superior_not_subject": (
        "cấp trên {superior} không thuộc đối tượng của '{obligation}': không kiểm tra được thứ tự",
        "the superior {superior} is not subject to '{obligation}': the order cannot be checked",
    ),
    "ordering_superior_not_done": (
        "đơn vị học tập ngày {date} khi cấp trên {superior} chưa hoàn thành '{obligation}' ({superior_date})",
        "the unit studied on {date} while its superior {superior} had not fulfilled '{obligation}' ({superior_date})",
    ),
    "ordering_before_superior": (
        "đơn vị học tập ngày {date}, không sau ngày cấp trên {superior} hoàn thành '{obligation}' ({superior_date})",
        "the unit studied on {date}, not after its superior {superior} fulfilled '{obligation}' ({superior_date})",
    ),
    "ordering_after_superior": (
        "đơn vị học tập ngày {date}, sau khi cấp trên {superior} hoàn thành '{obligation}' ({superior_date})",
        "the unit studied on {date}, after its superior {superior} fulfilled '{obligation}' ({superior_date})",
    ),
    "ordering_mode_not_counted": (
        "{fact}: tổ chức theo hình thức {mode}, kế hoạch chỉ cho phép: {allowed} — không được tính",
        "{fact}: held {mode}, the plan allows only: {allowed} — not counted",
    ),
    "ordering_self_reference": (
        "'after_superior' của nghĩa vụ '{obligation}' không thể trỏ đến chính nó",
        "'after_superior' of obligation '{obligation}' cannot refer to itself",
    ),
    "ordering_superior_later": (
        "'{ref}' được đánh giá sau '{obligation}': hãy đặt '{ref}' trước '{obligation}' trong kế hoạch",
        "'{ref}' is evaluated after '{obligation}': put '{ref}' before '{obligation}' in the spec",
    ),
}
