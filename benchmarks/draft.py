"""How long `nqengine draft` takes: the Tam Kỳ text, then synthetic plans of growing size.

    python benchmarks/draft.py [--repeat 5]

The synthetic plan repeats an item shaped like the Tam Kỳ plan's II.1.1 and II.2
(a study with "Đối tượng", "Thời gian", "Báo cáo viên"; a dissemination with a
deadline; a deliverable; a report "về X (qua Y)") N times, ten to a Roman-numbered
section, so the drafter sees N x 6 clauses.  Times are wall-clock medians (time.perf_counter) of drafting
(reading, layout, skeletons) and of writing plan.yaml and README.md to memory.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import nqengine
import nqengine.draft

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "specs" / "tam-ky-xxi" / "source" / "ke-hoach-tam-ky-2020.txt"

ITEM = """{n}. Đối với các Đảng bộ (đợt {n})
a. Đối tượng
- Toàn thể cán bộ, đảng viên, công chức, viên chức của địa phương, đơn vị.
b. Thời gian: 01 buổi, hoàn thành trước ngày 31/10/2020.
c. Báo cáo viên: do Đồng chí Bí thư hoặc Phó Bí thư Đảng ủy trực tiếp báo cáo.
d. Mặt trận và các đoàn thể tuyên truyền cho đoàn viên, hội viên và nhân dân, hoàn thành trước ngày 15/11/2020.
đ. Phòng Văn hóa - Thông tin xây dựng kế hoạch, lập chuyên mục.
e. Các chi bộ kịp thời báo cáo kết quả về Ban Thường vụ Thành ủy (qua Ban Tuyên giáo Thành ủy).
"""


def roman(n: int) -> str:
    out = ""
    for value, letters in ((90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def synthetic(items: int) -> str:
    """A plan of ``items`` numbered items (6 clauses each), 10 to a Roman section."""
    parts = ["KẾ HOẠCH\nHọc tập Nghị quyết\n"]
    for i in range(items):
        if i % 10 == 0:
            parts.append(f"{roman(i // 10 + 1)}. TỔ CHỨC HỌC TẬP, PHẦN {i // 10 + 1}\n")
        parts.append(ITEM.format(n=i % 10 + 1))
    return "".join(parts)


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    rows = [("Tam Kỳ text", lambda: nqengine.draft.draft_file(SOURCE, pm=pm))]
    for n in (10, 100, 900):
        text = synthetic(n)
        rows.append((f"synthetic, {n} items", lambda text=text: nqengine.draft.draft_text(text, pm=pm)))
    print(f"{'plan':<28} {'clauses':>8} {'skeletons':>10} {'draft s':>9} {'write s':>9}")
    for name, make in rows:
        draft = make()
        t_draft = median_seconds(make, args.repeat)
        t_write = median_seconds(lambda: (draft.plan_yaml(), draft.readme()), args.repeat)
        print(f"{name:<28} {len(draft.clauses):>8} {len(draft.skeletons):>10} {t_draft:>9.3f} {t_write:>9.3f}")


if __name__ == "__main__":
    main()
