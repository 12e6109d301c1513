"""Lighthouse (mobile) performance and accessibility of `/`, an area page and an item page.

    python benchmarks/lighthouse.py

Needs ``npx lighthouse`` (e.g. ``npm install lighthouse`` in a folder outside the
repository, then LIGHTHOUSE=/that/folder/node_modules/.bin/lighthouse) and a
Chromium (CHROME_PATH, default /usr/bin/chromium; Lighthouse never downloads
one). Builds the town's data in a throwaway SQLite database, collects the
static files and starts gunicorn with DEBUG off as ``make bench`` does (on
BENCH_PORT, 8300 by default), then runs Lighthouse LIGHTHOUSE_RUNS times (3)
per page and prints the median scores. Goal: performance ≥ 95, accessibility 100.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import PORT, ROOT, Gunicorn, drop_database, log, machine, prepare, run  # noqa: E402

CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


def lighthouse_command():
    """The Lighthouse CLI as a list, or None when there is none (npx never installs one)."""
    if os.environ.get("LIGHTHOUSE"):
        return [os.environ["LIGHTHOUSE"]]
    if shutil.which("lighthouse"):
        return ["lighthouse"]
    if shutil.which("npx"):
        probe = subprocess.run(
            ["npx", "--no-install", "lighthouse", "--version"], capture_output=True, text=True
        )
        if probe.returncode == 0:
            return ["npx", "--no-install", "lighthouse"]
    return None


def _get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as response:
        return response.read().decode()


def pages():
    """`/`, the first area page it links, and the first item page there with a chart."""
    found = [("/", "/")]
    area = unescape(re.search(r'href="(/plans/[^"/]+/areas/\d+/[^"]*)"', _get("/")).group(1))
    found.append(("区分ページ", area))
    for item in dict.fromkeys(re.findall(r'href="(/plans/[^"/]+/items/[^"]+)"', _get(area))):
        item = unescape(item)
        if "data-chart=" in _get(item):
            found.append(("取組ページ", item))
            break
    return found


def score(command, url):
    result = subprocess.run(
        [
            *command,
            url,
            "--form-factor=mobile",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    categories, audits = report["categories"], report["audits"]
    return {
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
    }


def main():
    command = lighthouse_command()
    if command is None:
        log("lighthouse がありません（npm install lighthouse のうえ LIGHTHOUSE= で指定）")
        sys.exit(2)
    workdir = tempfile.mkdtemp(prefix="nakai-lighthouse-")
    url = f"sqlite:///{workdir}/lighthouse.sqlite3"
    failed = 0
    try:
        run(["manage.py", "collectstatic", "--noinput", "-v0"], url)
        prepare(url, "town")
        with Gunicorn(url):
            print(f"計測環境: {machine()}、Lighthouse {RUNS} 回の中央値（モバイル）")
            print()
            print("| ページ | 性能 | アクセシビリティ | TBT | LCP | CLS | 判定 |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for label, path in pages():
                runs = [score(command, f"http://127.0.0.1:{PORT}{path}") for _ in range(RUNS)]
                median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                met = median["performance"] >= 95 and median["accessibility"] == 100
                failed += not met
                print(
                    f"| {label}（{path}） | {median['performance']:.0f} "
                    f"（{'・'.join(str(r['performance']) for r in runs)}） "
                    f"| {median['accessibility']:.0f} | {median['tbt']:.0f} ms "
                    f"| {median['lcp'] / 1000:.1f} s | {median['cls']:.3f} "
                    f"| {'達成' if met else '未達'} |",
                    flush=True,
                )
        drop_database(url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
