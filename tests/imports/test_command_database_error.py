"""import_workbook when the database fails mid-import: a Japanese message, no traceback, nothing written."""

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from actions.imports.workbook import importer
from actions.models import AuditEntry, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_a_dropped_connection_mid_import_says_nothing_was_written(tmp_path, monkeypatch, capsys):
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 3)
    path = tmp_path / "status.xlsx"
    rows = [["p1", n, 2025, "達成", ""] for n in (1, 2, 3)]
    path.write_bytes(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}))
    real_steps = importer.apply.apply_steps

    def dropping(workbook, chunk_size):
        for step in real_steps(workbook, chunk_size=1):  # one row written, then the drop
            yield step
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importer.apply, "apply_steps", dropping)

    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", str(path))

    message = str(raised.value)
    assert "データベースとの接続が切れた" in message and "何も書き込んでいません" in message
    assert "もう一度実行してください" in message
    assert raised.value.returncode == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not YearlyStatus.objects.exists() and not AuditEntry.objects.exists()
