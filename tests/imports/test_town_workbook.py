"""A town's own workbook imports in one dry run and one confirmation, and again changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from actions.models import ActionItem, AuditEntry, ItemLineage, StaffProfile, YearlyStatus
from actions.permissions import ADMIN_GROUP
from plans.models import Section
from tests.imports.conftest import run_import
from tests.imports.town_workbook import (
    NEAR_DUPLICATES,
    PLAN_1,
    PLAN_2,
    SECTIONS,
    town_workbook,
)

pytestmark = pytest.mark.django_db


def test_the_dry_run_lists_new_sections_accounts_and_warnings_and_writes_nothing(
    admin_user, registered_section
):
    job = run_import(town_workbook(), user=admin_user, dry_run=True)
    assert job.errors == []
    assert sorted(s.name for s in job.new_sections) == sorted(SECTIONS)
    assert [a.username for a in job.new_accounts] == [
        "tanaka.h",
        "suzuki.k",
        "sato.m",
        "ito.y",
        "watanabe.r",
    ]
    counts = dict(job.warning_counts)
    assert counts["未達成・判定不可で備考（理由）のない行"] == 3
    spelled = {w.value: w.message for w in job.warnings if w.kind == "section_spelling"}
    assert set(spelled) == set(NEAR_DUPLICATES)
    for typed, meant in NEAR_DUPLICATES.items():
        assert f"「{meant}」とみなします" in spelled[typed]
    assert Section.objects.count() == 1
    assert not ActionItem.objects.exists()
    assert not get_user_model().objects.exclude(pk=admin_user.pk).exists()
    assert AuditEntry.objects.count() == 0


def test_confirming_writes_everything(admin_user, registered_section):
    job = run_import(town_workbook(), user=admin_user)
    assert job.applied and job.errors == []

    # Twenty new sections; near-duplicate spellings were not created again.
    assert Section.objects.count() == 21
    assert not Section.objects.filter(name__in=list(NEAR_DUPLICATES)).exists()
    assert ActionItem.objects.get(plan__slug=PLAN_1, code="Z-1").section == registered_section

    # Coded items, shown as typed, in natural order.
    codes = list(ActionItem.objects.filter(plan__slug=PLAN_1).values_list("code", flat=True))
    assert codes == ["1-(1)-①", "1-(2)-③", "1-(10)", "①", "Ａ－０１", "A-2", "Z-1", "防1"]

    # History without reasons came in as it was.
    assert YearlyStatus.objects.filter(status="not_achieved", comment="").count() == 2
    assert YearlyStatus.objects.filter(status="undeterminable", comment="").count() == 1

    # 旧取組番号: 1-(2)-③ of the revision merges two items, 1-(10) continues one.
    merged = ActionItem.objects.get(plan__slug=PLAN_2, code_key="1-(2)-③")
    assert sorted(merged.predecessors.values_list("code", flat=True)) == ["1-(1)-①", "1-(2)-③"]
    telework = ActionItem.objects.get(plan__slug=PLAN_2, code_key="A-01")
    assert sorted(telework.predecessors.values_list("code", flat=True)) == ["A-2", "Ａ－０１"]
    assert ItemLineage.objects.count() == 6

    # Accounts with their roles and sections, a one-time password each, never a superuser.
    User = get_user_model()
    suzuki = User.objects.get(username="suzuki.k")
    assert (suzuki.last_name, suzuki.first_name) == ("鈴木", "健")
    assert [g.name for g in suzuki.groups.all()] == ["課長"]
    assert sorted(str(s) for s in suzuki.staff_profile.sections.all()) == [
        "住民課 保険年金班",
        "住民課 戸籍班",
    ]
    watanabe = User.objects.get(username="watanabe.r")
    assert sorted(str(s) for s in watanabe.staff_profile.sections.all()) == [
        "住民課 戸籍班",
        "窓口サービス課",
    ]
    ito = User.objects.get(username="ito.y")
    assert ito.is_staff and not ito.is_superuser and ito.groups.get().name == ADMIN_GROUP
    assert not User.objects.filter(is_superuser=True).exists()
    passwords = {p.username: p.password for p in job.initial_passwords}
    assert sorted(passwords) == sorted(["tanaka.h", "suzuki.k", "sato.m", "ito.y", "watanabe.r"])
    for username, password in passwords.items():
        account = User.objects.get(username=username)
        assert account.check_password(password)
        assert account.staff_profile.must_change_password
    assert StaffProfile.objects.filter(must_change_password=True).count() == 5

    # Every write is in the history as 「一括取込」, with no password in it.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"担当課の追加", "アカウントの追加", "取組の追加", "達成状況の記録"} <= actions
    assert AuditEntry.objects.exclude(source=AuditEntry.Source.IMPORT).count() == 0
    for entry in AuditEntry.objects.filter(action="アカウントの追加"):
        assert passwords[entry.object_repr] not in str(entry.after)


def test_the_history_page_lists_the_new_sections_and_accounts(
    client, admin_user, registered_section
):
    run_import(town_workbook(), user=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("actions:audit_log")).content.decode()
    assert "担当課の追加" in page and "アカウントの追加" in page


def test_importing_it_again_changes_nothing(admin_user, registered_section):
    run_import(town_workbook(), user=admin_user)
    audits = AuditEntry.objects.count()
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    again = run_import(town_workbook(), user=admin_user)
    assert again.errors == []
    assert again.total_writes == 0 and again.changes == []
    assert again.new_sections == [] and again.initial_passwords == []
    assert all(s.created == s.updated == 0 for s in again.present_summaries)
    assert AuditEntry.objects.count() == audits
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_one_edited_cell_changes_one_thing(admin_user, registered_section):
    run_import(town_workbook(), user=admin_user)
    audits = AuditEntry.objects.count()

    def edit(book):
        sheet = book["達成状況"]
        assert sheet["B7"].value == "①"
        sheet["D7"] = "一部達成"  # was 未達成

    job = run_import(town_workbook(edit), user=admin_user)
    assert job.total_writes == 1
    [change] = job.changes
    assert (change.sheet, change.row) == ("達成状況", 7)
    assert change.shown_fields == [("達成状況", "未達成", "一部達成")]
    assert "取組 ①「情報セキュリティ研修」" in change.key
    assert AuditEntry.objects.count() == audits + 1
    status = YearlyStatus.objects.get(item__plan__slug=PLAN_1, item__code="①")
    assert status.status == "partially_achieved" and status.comment == "研修を延期"


def test_an_edited_staff_row_updates_the_account_but_never_its_password(
    admin_user, registered_section
):
    run_import(town_workbook(), user=admin_user)
    User = get_user_model()
    tanaka = User.objects.get(username="tanaka.h")
    tanaka.set_password("tanaka-own-password-2026")
    tanaka.save()

    def edit(book):
        sheet = book["職員"]
        assert sheet["A2"].value == "tanaka.h"
        sheet["E2"] = "課長"

    job = run_import(town_workbook(edit), user=admin_user)
    assert job.total_writes == 1 and job.initial_passwords == []
    tanaka.refresh_from_db()
    assert [g.name for g in tanaka.groups.all()] == ["課長"]
    assert tanaka.check_password("tanaka-own-password-2026")


def test_the_command_imports_it_and_prints_the_passwords_once(
    admin_user, registered_section, tmp_path
):
    path = tmp_path / "town.xlsx"
    path.write_bytes(town_workbook())
    dry = io.StringIO()
    call_command(
        "import_workbook", str(path), "--dry-run", "--user", admin_user.username, stdout=dry
    )
    assert "新規に作成される担当課: 20 件" in dry.getvalue()
    assert "注意 未達成・判定不可で備考（理由）のない行: 3 件" in dry.getvalue()
    assert "初期パスワード" not in dry.getvalue()
    assert not ActionItem.objects.exists()

    out = io.StringIO()
    call_command("import_workbook", str(path), "--user", admin_user.username, stdout=out)
    printed = out.getvalue()
    assert "新しいアカウントの初期パスワード" in printed
    for username in ("tanaka.h", "suzuki.k", "sato.m", "ito.y", "watanabe.r"):
        line = next(line for line in printed.splitlines() if line.strip().startswith(username))
        password = line.split("\t")[1]
        assert get_user_model().objects.get(username=username).check_password(password)

    again = io.StringIO()
    call_command("import_workbook", str(path), "--user", admin_user.username, stdout=again)
    assert "合計 0 件の変更を取り込みました。" in again.getvalue()
    assert "初期パスワード" not in again.getvalue()


def test_a_sheet_cannot_touch_a_superuser_or_make_one(admin_user, registered_section):
    get_user_model().objects.create_superuser("tanaka.h", password="root-2026")

    job = run_import(town_workbook(), user=admin_user)
    assert not job.applied
    [error] = job.errors
    assert (error.sheet, error.row, error.column) == ("職員", 2, "ユーザー名")
    assert "スーパーユーザー" in error.message
    assert Section.objects.count() == 1

    def superuser_role(book):
        book["職員"]["E3"] = "スーパーユーザー"

    job = run_import(town_workbook(superuser_role), user=admin_user, dry_run=True)
    assert any("役割は 職員、課長、管理職、管理者" in e.message for e in job.errors)


def test_a_failing_file_writes_nothing_at_all(admin_user, registered_section):
    def break_one_row(book):
        book["達成状況"]["C8"] = "令和99年度"

    with pytest.raises(CommandError):
        call_command("import_workbook", "/nonexistent.xlsx")
    job = run_import(town_workbook(break_one_row), user=admin_user)
    assert not job.applied and len(job.errors) == 1
    assert Section.objects.count() == 1
    assert get_user_model().objects.count() == 1
    assert not ActionItem.objects.exists() and AuditEntry.objects.count() == 0
