"""`make audit` says plainly whether the locked dependencies were really audited."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("audit", ROOT / "deploy" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.20", "vulns": []}]}
VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.0",
            "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
        }
    ]
}
OFFLINE = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ]
}


@pytest.mark.parametrize(
    ("reports", "code", "said"),
    [
        ({"osv": CLEAN}, 0, "既知の脆弱性はありません（1 パッケージすべてを監査）"),
        ({"osv": VULNERABLE}, 1, "脆弱性: django 5.2.0 PYSEC-2025-1（修正版: 5.2.1）"),
        ({"osv": {"error": "ConnectionError"}, "pypi": OFFLINE}, 2, "監査できませんでした"),
        ({"osv": OFFLINE, "pypi": CLEAN}, 0, "情報源: pypi"),
    ],
)
def test_it_tells_audited_found_and_could_not_audit_apart(
    monkeypatch, capsys, tmp_path, reports, code, said
):
    monkeypatch.setattr(audit, "_audit", lambda lock, service: reports[service])
    assert audit.main([tmp_path / "requirements.lock"]) == code
    assert said in capsys.readouterr().out


def test_the_lock_files_pin_every_package_exactly():
    for name in ("requirements.lock", "requirements-dev.lock"):
        lines = [
            line.split("#")[0].strip()
            for line in (ROOT / name).read_text().splitlines()
            if line.split("#")[0].strip()
        ]
        assert lines and all("==" in line for line in lines), name
    runtime = (ROOT / "requirements.lock").read_text()
    assert "django==" in runtime and "cryptography==" in runtime and "pytest==" not in runtime
