"""A 50,000-row 達成状況 workbook imported through the browser, under gunicorn and the worker.

Run:  .venv/bin/python benchmarks/browser_import.py [--items 10000] [--years 5] [--port 8201]

Builds a throwaway database (SQLite in a temp directory, or DATABASE_URL),
a plan with --items items and a workbook of items × years status rows; starts
the README's production processes on the loopback address, with their
default settings (gunicorn's 30 s worker timeout): gunicorn with 3 workers
and `manage.py run_worker`. Then Debian's Chromium signs in, uploads the
workbook, waits for the dry run, confirms, reloads the page while the import
runs, and waits for the result. Prints the seconds of each step and checks
that every row was written. Stops what it started.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-browser-import-2026"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--port", type=int, default=8201)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="nakai-browser-import-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "WORK_DIR": str(workdir / "work"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "nakai_dx.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from data import import_plan
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from openpyxl import Workbook

    from actions.models import YearlyStatus
    from actions.permissions import ADMIN_GROUP

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    admin = User.objects.create_user("bench-admin", password=PASSWORD)
    admin.groups.add(Group.objects.get_or_create(name=ADMIN_GROUP)[0])
    plan = import_plan(args.items, args.years)

    labels = ["達成", "一部達成", "未達成", "判定不可"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("達成状況")
    sheet.append(["計画ID", "取組番号", "年度", "達成状況", "備考"])
    for number in range(1, args.items + 1):
        for offset in range(args.years):
            label = labels[(number + offset) % len(labels)]
            sheet.append(["bench-1.0", number, f"令和{6 + offset}年度", label, "理由を記入"])
    path = workdir / "達成状況_50000行.xlsx"
    book.save(path)
    rows = args.items * args.years
    print(
        f"setup: {rows:,} rows, workbook {path.stat().st_size / 1e6:.1f} MB, "
        f"{time.perf_counter() - started:.1f} s"
    )

    log = open(workdir / "servers.log", "w")
    servers = [
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "nakai_dx.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "3",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [str(BIN / "python"), "manage.py", "run_worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    try:
        _drive_browser(args.port, path, rows)
        written = YearlyStatus.objects.filter(item__plan=plan).count()
        print(f"rows written: {written:,} of {rows:,}")
        if written != rows:
            raise SystemExit("not every row was written")
        log.flush()
        timeouts = (workdir / "servers.log").read_text().count("WORKER TIMEOUT")
        print(f"gunicorn worker timeouts: {timeouts}")
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGTERM)
        for process in servers:
            process.wait(timeout=30)
        print(f"logs: {workdir / 'servers.log'}")


def _drive_browser(port, path, rows):
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        for _ in range(60):  # gunicorn starting
            try:
                page.goto(base + "/accounts/login/")
                break
            except Exception:
                time.sleep(0.5)
        page.fill("input[name=username]", "bench-admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(base + "/imports/")
        page.set_input_files("input[type=file]", str(path))

        start = time.perf_counter()
        page.click("form[data-import-form] button[type=submit]")
        page.wait_for_selector("h1:has-text('ファイルを点検しています')", timeout=30_000)
        upload = time.perf_counter() - start
        page.wait_for_selector("h1:has-text('取込内容の確認')", timeout=600_000)
        dry_run = time.perf_counter() - start
        print(f"upload answered in {upload:.1f} s; dry run shown after {dry_run:.1f} s")
        if "この内容で取り込む" not in page.content():
            raise SystemExit("the dry run found errors:\n" + page.inner_text("main")[:2000])

        start = time.perf_counter()
        page.click("form[data-import-form] button[type=submit]")
        page.wait_for_selector("h1:has-text('取り込んでいます')", timeout=30_000)
        time.sleep(3)
        page.reload()  # the import goes on; the page finds it again
        reloaded = page.inner_text("h1")
        print(
            f"after a reload at {time.perf_counter() - start:.1f} s the page shows: {reloaded}; "
            f"{page.inner_text('[data-import-status]').strip()}"
        )
        page.wait_for_selector("h1:has-text('取込結果')", timeout=900_000)
        total = time.perf_counter() - start
        print(
            f"import confirmed → result shown after {total:.1f} s: "
            f"{page.inner_text('main .message').strip()}"
        )
        browser.close()
    return rows


if __name__ == "__main__":
    main()
