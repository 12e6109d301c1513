"""Refusals of the write services, each with the Japanese message the user sees."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from plans.wareki import fiscal_year_label


class YearLockedError(ValidationError):
    pass


class StaleEditError(ValidationError):
    """Somebody else saved the same item and year after this edit began."""

    def __init__(self, current):
        self.current = current
        if current is None:  # the row the editor started from no longer exists
            super().__init__(
                "この取組の達成状況は、編集を始めた後に変更されました（現在の値: 未評価）。"
                "内容を確認してから、もう一度保存してください。",
                code="stale",
            )
            return
        who = current.updated_by.get_username() if current.updated_by else "不明な利用者"
        when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            f"この取組の達成状況は、編集を始めた後に {who} さんが {when} に更新しました"
            f"（現在の値: {current.status_label}）。内容を確認してから、もう一度保存してください。",
            code="stale",
        )


class StaleActualError(StaleEditError):
    """Somebody else changed a KPI actual of the same item and year meanwhile."""

    def __init__(self, kpi, current):
        self.kpi = kpi
        self.current = current
        who = (
            current.updated_by.get_username()
            if current is not None and current.updated_by
            else "他の利用者"
        )
        value = current.value.normalize() if current is not None else "（未入力）"
        ValidationError.__init__(
            self,
            f"指標「{kpi.name}」の実績値は、編集を始めた後に {who} さんが更新しました"
            f"（現在の値: {value}）。内容を確認してから、もう一度保存してください。",
            code="stale",
        )


def out_of_period_message(plan, fiscal_year):
    return (
        f"{fiscal_year_label(fiscal_year)}は{plan}の評価の対象年度"
        f"（{plan.fiscal_years_label}）ではありません。"
    )
