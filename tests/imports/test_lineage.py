"""旧取組番号: a revision's items continue or merge the previous version's, shown both ways."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.imports.workbook import exporter
from actions.models import ActionItem, AuditEntry, ItemLineage
from tests.factories import make_items, make_plan
from tests.imports.conftest import run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

ITEM_HEADER = ["計画ID", "取組番号", "取組名", "重点施策区分", "旧取組番号"]


@pytest.fixture
def plans(db):
    old = make_plan(
        slug="v1", version="1.0", start=datetime.date(2023, 8, 1), end=datetime.date(2026, 3, 31)
    )
    make_items(old, old.areas.get(number=1), 4)  # codes 1..4
    new = make_plan(
        slug="v2",
        version="2.0",
        revises=old,
        start=datetime.date(2023, 8, 1),
        end=datetime.date(2029, 3, 31),
        published_on=datetime.date(2026, 4, 1),
    )
    return old, new


def items_book(*rows):
    return xlsx_bytes({"取組": [ITEM_HEADER, *rows]})


def links():
    return sorted(
        (link.item.code, link.predecessor.code)
        for link in ItemLineage.objects.select_related("item", "predecessor")
    )


def test_an_item_continues_one_and_merges_several(plans, admin_user):
    job = run_import(
        items_book(
            ["v2", "A-1", "窓口DX", 1, "1、2"],
            ["v2", "A-2", "研修", 1, "３"],
            ["v2", "A-3", "新しい取組", 1, ""],
        ),
        user=admin_user,
    )
    assert job.errors == []
    assert links() == [("A-1", "1"), ("A-1", "2"), ("A-2", "3")]
    [create] = [c for c in job.changes if c.key.startswith("v2 取組 A-1")]
    assert ("旧取組番号", None, "1、2") in create.fields
    audit = AuditEntry.objects.get(item__code="A-1")
    assert audit.after["旧取組番号"] == "1、2"


def test_reimporting_the_same_links_changes_nothing_and_a_blank_cell_clears_them(plans, admin_user):
    run_import(items_book(["v2", "A-1", "窓口DX", 1, "1、2"]), user=admin_user)
    again = run_import(items_book(["v2", "A-1", "窓口DX", 1, "２、1"]), user=admin_user)
    assert again.total_writes == 0
    cleared = run_import(items_book(["v2", "A-1", "窓口DX", 1, ""]), user=admin_user)
    assert cleared.summaries["取組"].updated == 1
    assert [c.fields for c in cleared.changes] == [[("旧取組番号", "1、2", None)]]
    assert links() == []


def test_without_the_column_the_links_stay(plans, admin_user):
    run_import(items_book(["v2", "A-1", "窓口DX", 1, "1"]), user=admin_user)
    job = run_import(
        xlsx_bytes({"取組": [ITEM_HEADER[:4], ["v2", "A-1", "窓口DX（改称）", 1]]}), user=admin_user
    )
    assert job.summaries["取組"].updated == 1
    assert links() == [("A-1", "1")]


def test_the_previous_version_may_come_later_in_the_same_file(admin_user):
    book = xlsx_bytes(
        {
            "計画": [
                [
                    "計画ID",
                    "計画名",
                    "版",
                    "策定年月",
                    "計画期間開始",
                    "計画期間終了",
                    "改定元計画ID",
                ],
                ["n2", "町の計画", "2.0", "令和8年4月", "令和5年8月", "令和10年度末", "n1"],
                ["n1", "町の計画", "1.0", "令和5年8月", "令和5年8月", "令和7年度末", ""],
            ],
            "重点施策区分": [
                ["計画ID", "番号", "区分名"],
                ["n1", 1, "区分"],
                ["n2", 1, "区分"],
            ],
            "取組": [
                ITEM_HEADER,
                ["n2", "1", "統合した取組", 1, "1-(1)、1-(2)"],
                ["n1", "1-(1)", "古い取組1", 1, ""],
                ["n1", "1-(2)", "古い取組2", 1, ""],
            ],
        }
    )
    job = run_import(book, user=admin_user)
    assert job.errors == [] and job.applied
    assert links() == [("1", "1-(1)"), ("1", "1-(2)")]


def test_unknown_codes_and_plans_without_a_previous_version_are_refused(plans, admin_user):
    old, _new = plans
    job = run_import(
        items_book(
            ["v2", "A-1", "窓口DX", 1, "1、99"],
            ["v1", "9", "古い計画の取組", 1, "1"],
        ),
        user=admin_user,
    )
    messages = {(e.row, e.column, e.value): e.message for e in job.errors}
    assert (
        "改定元の計画「v1」に取組番号「99」の取組はありません" in messages[(2, "旧取組番号", "99")]
    )
    assert "改定元の計画がないため" in messages[(3, "旧取組番号", "1")]
    assert not ActionItem.objects.filter(plan__slug="v2").exists()
    assert old.items.count() == 4


def test_the_export_writes_the_links_and_reads_them_back_unchanged(plans, admin_user):
    _old, new = plans
    run_import(items_book(["v2", "A-1", "窓口DX", 1, "1、2"]), user=admin_user)
    rows = list(exporter.sheet_rows("取組", new))
    assert rows[0][1] == "A-1" and rows[0][-1] == "1、2"
    book = exporter.workbook_bytes(exporter.build_workbook([new]))
    assert run_import(book, user=admin_user).total_writes == 0


def test_the_item_pages_link_both_ways(client, plans, admin_user):
    run_import(
        items_book(["v2", "A-1", "窓口DX", 1, "1、2"], ["v2", "A-2", "研修", 1, "3"]),
        user=admin_user,
    )
    merged = ActionItem.objects.get(plan__slug="v2", code="A-1")
    page = client.get(merged.get_absolute_url()).content.decode()
    assert "1.0版の取組" in page and "を統合" in page
    assert 'href="/plans/v1/items/1/"' in page and 'href="/plans/v1/items/2/"' in page

    old = ActionItem.objects.get(plan__slug="v1", code="1")
    page = client.get(old.get_absolute_url()).content.decode()
    assert "2.0版の取組" in page and "に統合" in page
    assert 'href="/plans/v2/items/A-1/"' in page

    continued = ActionItem.objects.get(plan__slug="v1", code="3")
    assert "に引き継ぎ" in client.get(continued.get_absolute_url()).content.decode()
    ended = ActionItem.objects.get(plan__slug="v1", code="4")
    assert "計画の改定による引き継ぎ" not in client.get(ended.get_absolute_url()).content.decode()


def test_the_revisions_plan_page_lists_continued_merged_new_and_ended(client, plans, admin_user):
    run_import(
        items_book(
            ["v2", "A-1", "窓口DX", 1, "1、2"],
            ["v2", "A-2", "研修", 1, "3"],
            ["v2", "A-3", "新しい取組", 1, ""],
        ),
        user=admin_user,
    )
    page = client.get("/plans/v2/").content.decode()
    assert "引き継いだもの 1件、統合したもの 1件、新規 1件" in page
    assert "1件は、2.0版に引き継がれていません（終了）" in page
    for label in ("引き継ぎ", "統合（2取組）", "新規", "終了"):
        assert f"<td>{label}</td>" in page


def test_the_towns_revision_says_its_links_are_not_registered(client, town_data):
    page = client.get("/plans/nakai-dx-2.0/").content.decode()
    assert "対応（どの取組を引き継ぎ、どの取組を統合したか）は登録されていません" in page
    assert not ItemLineage.objects.exists()
    assert "引き継ぎ・統合・新規・終了の区別はここでは示しません" in page


def test_a_link_must_point_into_the_revised_plan(plans):
    old, new = plans
    item = ActionItem.objects.create(
        plan=new, code="A-1", title="窓口DX", primary_area=new.areas.first()
    )
    with pytest.raises(ValidationError) as raised:
        ItemLineage(item=item, predecessor=item).full_clean()
    assert "改定元の計画の取組" in str(raised.value)
    ItemLineage(item=item, predecessor=old.items.get(code="1")).full_clean()


def test_the_admin_edits_an_items_links_inline(client, plans, django_user_model):
    _old, new = plans
    item = ActionItem.objects.create(
        plan=new, code="A-1", title="窓口DX", primary_area=new.areas.first()
    )
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    page = client.get(reverse("admin:actions_actionitem_change", args=[item.pk])).content.decode()
    assert "旧取組（改定元の計画で、この取組が引き継ぐ・統合する取組）" in page
