"""Screenshots of every public page type at 1280 px and 375 px, for a human to look at.

    .venv/bin/python benchmarks/screenshots.py [/tmp/screens]

Builds a throwaway SQLite database with the town's data, starts the development
server on a free port, and saves full-page PNGs with Debian's Chromium (never a
downloaded browser). Nothing is written to the repository.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = {
    "dashboard": "/",
    "dashboard-plan2": "/?plan=nakai-dx-2.0",
    "area": "/plans/nakai-dx-1.0/areas/2/?year=2025",
    "item": "/plans/nakai-dx-1.0/items/2/",
    "item-placeholder": "/plans/nakai-dx-1.0/items/5/",
    "plans": "/plans/",
    "plan": "/plans/nakai-dx-2.0/",
    "timeline": "/timeline/?area=防災DXの推進",
    "opendata": "/opendata/",
    "not-found": "/plans/unknown/",
}
WIDTHS = (1280, 375)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="nakai-screens-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "screenshots-only",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*manage, "loaddata", "nakai_dx_plan", "-v0"], check=True, env=env, cwd=ROOT)
    # DEBUG off, as in production: whitenoise serves the hashed, compressed files
    # from STATIC_ROOT (staticfiles/, ignored by git).
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/opendata/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        shoot(base, out_dir)
    finally:
        server.terminate()
        server.wait(timeout=10)


def shoot(base, out_dir):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for width in WIDTHS:
            context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(300)
                target = out_dir / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
                if width < 600:
                    save_slices(page, out_dir / f"{name}-{width}", width)
            if width == WIDTHS[0]:
                page.goto(base + "/", wait_until="networkidle")
                page.emulate_media(media="print")
                page.screenshot(path=str(out_dir / "dashboard-print.png"), full_page=True)
                page.pdf(path=str(out_dir / "dashboard-print.pdf"), format="A4")
                page.emulate_media(media="screen")
            context.close()
        browser.close()


def save_slices(page, stem, width, height=1200):
    """A narrow full page is too tall to read at once: also save it in screen-sized parts."""
    total = page.evaluate("document.documentElement.scrollHeight")
    for index, top in enumerate(range(0, total, height), start=1):
        clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
        page.screenshot(path=f"{stem}-part{index}.png", full_page=True, clip=clip)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/screens"))
