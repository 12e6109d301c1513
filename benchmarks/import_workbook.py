"""Time the workbook import on 10,000 達成状況 rows (2,000 items × 5 years).

Run:  DEBUG=1 .venv/bin/python benchmarks/import_workbook.py [--items 2000] [--years 5]

Uses a throwaway SQLite database in a temp directory; prints the seconds for
writing the workbook, reading it, the dry run, the import, an unchanged
re-import, and a re-import that changes every row (the bulk update path). DEBUG=1 only spares a SECRET_KEY: query logging is switched off,
as in production.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="nakai-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    from data import import_plan
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from openpyxl import Workbook

    from actions.imports.workbook.importer import WorkbookImport
    from actions.imports.workbook.reader import read_upload
    from actions.models import AuditEntry, YearlyStatus

    call_command("migrate", verbosity=0)
    admin = User.objects.create_superuser("bench", "bench@example.com", "x")
    import_plan(args.items, args.years)

    labels = ["達成", "一部達成", "未達成", "判定不可", ""]

    def workbook(shift=0, reason="理由を記入"):
        book = Workbook(write_only=True)
        ws = book.create_sheet("達成状況")
        ws.append(["令和6年度～ 達成状況（ベンチマーク）"])
        ws.append(["計画ID", "取組番号", "年度", "達成状況", "備考"])
        for number in range(1, args.items + 1):
            for offset in range(args.years):
                label = labels[(number + offset + shift) % len(labels)]
                ws.append(
                    ["bench-1.0", number, f"令和{6 + offset}年度", label, reason if label else ""]
                )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    timings = {}
    started = time.perf_counter()
    data = workbook()
    timings["ブック生成"] = time.perf_counter() - started
    rows = args.items * args.years

    def timed(label, func):
        start = time.perf_counter()
        value = func()
        timings[label] = time.perf_counter() - start
        return value

    sheets = timed("読み込み（openpyxl read-only）", lambda: read_upload(data, "bench.xlsx"))
    dry = timed("点検（dry run）", lambda: WorkbookImport(sheets, user=admin).run(dry_run=True))
    assert dry.ok, dry.errors[:5]
    job = timed(
        "取込（読み込み済み、点検＋書き込み）", lambda: WorkbookImport(sheets, user=admin).run()
    )
    again = timed("再取込（変更なし）", lambda: WorkbookImport(read_upload(data), user=admin).run())
    changed_sheets = read_upload(workbook(shift=1, reason="理由を更新"), "bench2.xlsx")
    changed = timed(
        "更新取込（全行変更、読み込み済み）",
        lambda: WorkbookImport(changed_sheets, user=admin).run(),
    )
    assert changed.ok, changed.errors[:5]

    summary = job.summaries["達成状況"]
    print(
        f"達成状況 {rows:,} 行（取組 {args.items:,} × {args.years} 年度）、ファイル {len(data) / 1024:.0f} KB"
    )
    print(
        f"取込結果: 追加 {summary.created:,}、更新 {summary.updated:,}、変更なし {summary.unchanged:,}"
    )
    print(
        f"再取込: 変更 {again.total_writes} 件、変更なし {again.summaries['達成状況'].unchanged:,}"
    )
    changed_summary = changed.summaries["達成状況"]
    print(
        f"更新取込: 追加 {changed_summary.created:,}、更新 {changed_summary.updated:,}、"
        f"変更なし {changed_summary.unchanged:,}"
    )
    print(
        f"YearlyStatus {YearlyStatus.objects.count():,} 件、AuditEntry（一括取込） "
        f"{AuditEntry.objects.filter(source='import').count():,} 件"
    )
    for label, seconds in timings.items():
        print(f"{label:<32} {seconds:6.2f} 秒")
    total = (
        timings["読み込み（openpyxl read-only）"] + timings["取込（読み込み済み、点検＋書き込み）"]
    )
    print(f"{'読み込み＋取込 合計':<32} {total:6.2f} 秒（目標 10 秒未満）")


if __name__ == "__main__":
    main()
