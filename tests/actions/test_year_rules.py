"""The rules of 確定 and 公表取消 in the service, whoever calls it (views, imports, commands)."""

import pytest
from django.core.exceptions import ValidationError

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationState, EvaluationYear, YearGaps
from actions.models import YearlyStatus as Row
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_year

YEAR = 2026
S = EvaluationState


@pytest.fixture
def plan(db):
    return make_plan()


def _items(plan, count):
    return make_items(plan, plan.areas.first(), count)


def _rows(items, state, status="achieved"):
    Row.objects.bulk_create(
        [Row(item=item, fiscal_year=YEAR, status=status, state=state) for item in items]
    )


def _nothing_written(plan):
    assert not EvaluationYear.objects.filter(plan=plan, fiscal_year=YEAR, is_locked=True).exists()
    assert not AuditEntry.objects.exists()


def test_a_year_whose_items_are_all_approved_locks_without_a_reason(plan):
    _rows(_items(plan, 3), S.APPROVED)
    manager = make_user("manager", "manager")
    evaluation, changed = services.lock_year(plan, YEAR, user=manager)
    assert changed and evaluation.is_locked and evaluation.locked_by == manager
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason) == ("年度評価の確定", "")
    assert entry.after == {
        "is_locked": True,
        "is_published": False,
        "items": 3,
        "not_approved": 0,
        "not_evaluated": 0,
    }


@pytest.mark.parametrize("state", [S.ENTERED, S.SUBMITTED, S.RETURNED])
def test_a_rated_item_that_is_not_approved_needs_a_reason(plan, state):
    items = _items(plan, 2)
    _rows(items[:1], S.APPROVED)
    _rows(items[1:], state)
    with pytest.raises(ValidationError) as refused:
        services.lock_year(plan, YEAR)
    assert refused.value.code == "reason_required"
    assert refused.value.messages == [
        "承認されていない取組が 1件あります。"
        "このまま確定するには、理由を入力してください（変更履歴に記録します）。"
    ]
    _nothing_written(plan)


def test_unrated_items_need_a_reason_and_the_message_counts_them(plan):
    items = _items(plan, 4)
    _rows(items[:1], S.APPROVED)
    _rows(items[1:2], S.SUBMITTED)
    # items[2] has no row at all, items[3] a row without a status.
    _rows(items[3:], S.ENTERED, status="")
    for reason in ("", "   \n"):
        with pytest.raises(ValidationError, match="承認されていない取組が 3件（うち未評価 2件）"):
            services.lock_year(plan, YEAR, reason=reason)
    _nothing_written(plan)


def test_an_approved_row_without_a_status_is_no_rating(plan):
    (item,) = _items(plan, 1)
    _rows([item], S.APPROVED, status="")
    assert ActionItem.objects.for_plan(plan).year_gaps(YEAR) == YearGaps(1, 1, 1)


def test_a_lock_with_gaps_and_a_reason_records_both(plan):
    items = _items(plan, 3)
    _rows(items[:1], S.APPROVED)
    _rows(items[1:2], S.RETURNED)
    manager = make_user("manager", "manager")
    _, changed = services.lock_year(plan, YEAR, reason="  2件は事業中止のため  ", user=manager)
    assert changed
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.reason, entry.fiscal_year) == (manager, "2件は事業中止のため", YEAR)
    assert entry.before == {"is_locked": False, "is_published": False}
    assert entry.after == {
        "is_locked": True,
        "is_published": False,
        "items": 3,
        "not_approved": 2,
        "not_evaluated": 1,
    }


def test_gaps_that_changed_since_the_page_was_shown_refuse_the_lock(plan):
    items = _items(plan, 2)
    _rows(items, S.APPROVED)
    seen = ActionItem.objects.for_plan(plan).year_gaps(YEAR)
    Row.objects.filter(item=items[0]).update(state=S.RETURNED)  # a 課長 sends one back meanwhile
    with pytest.raises(ValidationError) as refused:
        services.lock_year(plan, YEAR, expected_gaps=seen)
    assert refused.value.code == "stale"
    assert (
        "確認の後に評価が変わりました。承認されていない取組が 1件あります。"
        in refused.value.messages[0]
    )
    _nothing_written(plan)
    # The same gaps as shown, with a reason: locked.
    now = ActionItem.objects.for_plan(plan).year_gaps(YEAR)
    assert services.lock_year(plan, YEAR, reason="差戻し中の1件は翌年度", expected_gaps=now)[1]


def test_locking_a_locked_year_changes_nothing_and_needs_no_reason(plan):
    _items(plan, 1)
    make_year(plan, YEAR, "locked")
    evaluation, changed = services.lock_year(plan, YEAR)
    assert (evaluation.is_locked, changed) == (True, False)
    assert not AuditEntry.objects.exists()


def test_the_gap_count_is_one_query_whatever_the_number_of_items(plan, django_assert_num_queries):
    items = _items(plan, 40)
    _rows(items[:30], S.APPROVED)
    _rows(items[30:35], S.SUBMITTED)
    with django_assert_num_queries(1):
        gaps = ActionItem.objects.for_plan(plan).year_gaps(YEAR)
    assert gaps == YearGaps(total=40, not_approved=10, not_evaluated=5)
    assert bool(gaps) and not YearGaps(40, 0, 0)


def test_unpublishing_needs_a_reason_and_records_it(plan):
    make_year(plan, YEAR, "published")
    manager = make_user("manager", "manager")
    for call in (
        lambda: services.unpublish_year(plan, YEAR, reason=" ", user=manager),
        lambda: services.publish_year(plan, YEAR, publish=False, user=manager),
    ):
        with pytest.raises(ValidationError, match="公表を取り消す理由を入力してください"):
            call()
    assert EvaluationYear.objects.get().is_published
    assert not AuditEntry.objects.exists()

    evaluation, changed = services.unpublish_year(plan, YEAR, reason="集計の誤り", user=manager)
    assert changed and not evaluation.is_published and evaluation.is_locked
    assert evaluation.published_at is None and evaluation.published_by is None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason, entry.user) == ("年度評価の公表取消", "集計の誤り", manager)
    assert (entry.before, entry.after) == (
        {"is_locked": True, "is_published": True},
        {"is_locked": True, "is_published": False},
    )


def test_unpublishing_a_year_that_is_not_published_writes_nothing(plan):
    make_year(plan, YEAR, "locked")
    _, changed = services.unpublish_year(plan, YEAR, reason="確認")
    assert changed is False
    assert not AuditEntry.objects.exists()
