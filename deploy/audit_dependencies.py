"""Audit the locked dependencies (requirements.lock) for known vulnerabilities: `make audit`.

pip-audit checks each exact version against an advisory database: OSV
(api.osv.dev) first, then PyPI's own advisories. A machine that cannot reach
either (a municipal network cut off from the internet) cannot audit: pip-audit
then skips every package and still prints "No known vulnerabilities found".
This script says plainly how many packages were really audited, and exits

    0  every package audited, none with a known vulnerability
    1  a package has a known vulnerability (listed, with the fixed versions)
    2  the audit could not be done (no advisory source reachable, or packages skipped)

Usage: python deploy/audit_dependencies.py [LOCK_FILE ...]   (default: requirements.lock)
"""

import json
import subprocess
import sys
from pathlib import Path

SERVICES = ("osv", "pypi")
ROOT = Path(__file__).resolve().parents[1]


def _audit(lock, service):
    """pip-audit's JSON report of ``lock`` against ``service``, or None when it did not run."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock),
        "--no-deps",  # the lock is complete: every package is pinned there
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    try:
        return json.loads(run.stdout)
    except ValueError:
        return {
            "error": (run.stderr.strip().splitlines() or ["pip-audit が応答しませんでした"])[-1]
        }


def audit(lock):
    """(report, service) of the first advisory source that audited every package, else the last."""
    report, used = None, None
    for service in SERVICES:
        report, used = _audit(lock, service), service
        dependencies = report.get("dependencies", [])
        if dependencies and not any("skip_reason" in d for d in dependencies):
            break
    return report, used


def main(locks):
    worst = 0
    for lock in locks:
        report, service = audit(lock)
        dependencies = report.get("dependencies", [])
        skipped = [d for d in dependencies if "skip_reason" in d]
        vulnerable = [d for d in dependencies if d.get("vulns")]
        print(f"--- {lock.name}: {len(dependencies)} パッケージ（情報源: {service}）")
        if "error" in report or not dependencies or skipped:
            reason = report.get("error") or (skipped[0]["skip_reason"] if skipped else "")
            print(
                f"監査できませんでした: {len(skipped) or len(dependencies)} パッケージの脆弱性を"
                "確かめられていません（脆弱性データベース OSV・PyPI に接続できないため）。"
                "\nインターネットに接続できる機械で `make audit`（または README「セキュリティ」の手順）を"
                f"実行してください。\n理由の例: {reason}"
            )
            worst = max(worst, 2)
            continue
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = "、".join(vuln.get("fix_versions") or []) or "修正版なし"
                print(
                    f"脆弱性: {dependency['name']} {dependency['version']} {vuln['id']}（修正版: {fixed}）"
                )
        if vulnerable:
            worst = max(worst, 1)
        else:
            print(f"既知の脆弱性はありません（{len(dependencies)} パッケージすべてを監査）。")
    return worst


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or [ROOT / "requirements.lock"]
    sys.exit(main(paths))
