"""A NUL byte anywhere in a CSV is refused with a message (PostgreSQL cannot store one)."""

import pytest

from actions.imports.workbook.reader import ImportRefused, read_upload
from actions.models import AuditEntry, YearlyStatus
from tests.factories import make_items, make_plan

pytestmark = pytest.mark.django_db


def test_a_nul_byte_after_the_first_8_kb_of_a_csv_is_refused():
    plan = make_plan(slug="p1")
    make_items(plan, plan.areas.get(number=1), 1)
    header = "計画ID,取組番号,年度,達成状況,備考\n"
    padding = "p1,1,2025,達成,説明\n" * 600  # well past 8 KB
    data = (header + padding + "p1,1,2025,達成,a\x00b\n").encode()
    assert len(data) > 8192 and b"\x00" not in data[:8192]
    with pytest.raises(ImportRefused, match="NUL"):
        read_upload(data, "status.csv")
    assert not YearlyStatus.objects.exists() and not AuditEntry.objects.exists()
