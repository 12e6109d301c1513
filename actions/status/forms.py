"""Forms of the staff workflow. They parse input; the writes are in actions/services/."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from actions import permissions
from actions.models import NOT_EVALUATED_LABEL, ActionItem, Status
from actions.services import COMMENT_REQUIRED
from plans import wareki
from plans.models import Section

STATUS_CHOICES = [("", NOT_EVALUATED_LABEL), *Status.choices]


class KpiValueField(forms.DecimalField):
    """A KPI actual as staff type it in Excel: full-width digits, commas, 「74％」."""

    def to_python(self, value):
        if isinstance(value, str):
            value = wareki.normalize(value).replace(",", "").rstrip("%").strip()
        return super().to_python(value)


class StatusForm(forms.Form):
    """One item's evaluation for one fiscal year: status, comments and KPI actuals."""

    status = forms.ChoiceField(
        label="達成状況", choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="備考（公開）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="ダッシュボードで公開されます。「未達成」「判定不可」のときは理由を必ず入力してください。",
    )
    evidence = forms.CharField(
        label="根拠・内部メモ（非公開）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="職員・管理職だけが見られます。",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            self.fields[self.kpi_field(kpi)] = KpiValueField(
                label=f"{kpi.name}の実績値" + (f"（{kpi.unit}）" if kpi.unit else ""),
                required=False,
                max_digits=14,
                decimal_places=3,
                help_text="空欄にすると実績値を削除します。",
            )
            self.fields[self.kpi_original_field(kpi)] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )

    @staticmethod
    def kpi_field(kpi):
        return f"kpi_{kpi.pk}"

    @staticmethod
    def kpi_original_field(kpi):
        return f"kpi_{kpi.pk}_original"

    def kpi_bound_fields(self):
        return [self[self.kpi_field(kpi)] for kpi in self.kpis]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status") or ""
        if status in COMMENT_REQUIRED and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                f"達成状況が「{Status(status).label}」のときは備考（理由）を入力してください。",
            )
        for kpi in self.kpis:
            original = cleaned.get(self.kpi_original_field(kpi)) or ""
            try:
                value = Decimal(original) if original else None
            except InvalidOperation:
                value = Decimal("NaN")
            if value is not None and not value.is_finite():
                raise forms.ValidationError(
                    "画面の情報が壊れています。ページを開き直してください。"
                )
            cleaned[self.kpi_original_field(kpi)] = value
        return cleaned

    def error_summary(self):
        """Every error as (id of the field to link to or None, field label, message)."""
        rows = [(None, "", message) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                if field.is_hidden:
                    rows.append((None, "", message))
                elif field.name == "status":  # a radio group: link to its first choice
                    rows.append((f"{field.auto_id}_0", field.label, message))
                else:
                    rows.append((field.auto_id, field.label, message))
        return rows

    def actuals(self):
        return {kpi: self.cleaned_data.get(self.kpi_field(kpi)) for kpi in self.kpis}

    def expected_actuals(self):
        return {kpi: self.cleaned_data.get(self.kpi_original_field(kpi)) for kpi in self.kpis}


def status_initial(current, actuals):
    """Initial form values from the saved status and the {kpi_id: value} actuals."""
    initial = {
        "status": current.status if current else "",
        "comment": current.comment if current else "",
        "evidence": current.evidence if current else "",
        "version": current.version if current else 0,
    }
    for kpi_id, value in actuals.items():
        text = _decimal_text(value)
        initial[f"kpi_{kpi_id}"] = text
        initial[f"kpi_{kpi_id}_original"] = text
    return initial


def _decimal_text(value):
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.version}版 {obj.code}. {obj.title}"


class AuditFilterForm(forms.Form):
    """Filters of the audit log page (GET): the accounts, items and sections of one town."""

    user = forms.ModelChoiceField(
        label="利用者",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="すべて",
        error_messages={"invalid_choice": "この利用者は選べません。一覧から選んでください。"},
    )
    item = ItemChoiceField(
        label="取組",
        queryset=ActionItem.objects.none(),
        required=False,
        empty_label="すべて",
        error_messages={"invalid_choice": "この取組は選べません。一覧から選んでください。"},
    )
    section = forms.ModelChoiceField(
        label="担当課",
        queryset=Section.objects.none(),
        required=False,
        empty_label="すべて",
        error_messages={"invalid_choice": "この担当課は選べません。一覧から選んでください。"},
    )
    date_from = forms.DateField(
        label="期間（から）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="期間（まで）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, town, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = permissions.town_accounts(town).order_by("username")
        self.fields["item"].queryset = (
            ActionItem.objects.for_town(town)
            .select_related("plan")
            .order_by("plan__published_on", "sort_key")
        )
        self.fields["section"].queryset = Section.objects.for_town(town)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name, day in (("date_from", start), ("date_to", end)):
            if day and not AUDIT_FIRST_DAY <= day <= AUDIT_LAST_DAY:
                self.add_error(name, "2000年1月1日から2099年12月31日までの日付を入力してください。")
                cleaned[name] = None
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "期間の終わりは始まり以降の日付にしてください。")
        return cleaned

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["user"]:
            queryset = queryset.filter(user=data["user"])
        if data["item"]:
            queryset = queryset.filter(item=data["item"])
        if data["section"]:
            queryset = queryset.filter(section=data["section"])
        if data["date_from"]:
            queryset = queryset.filter(at__gte=_start_of_day(data["date_from"]))
        if data["date_to"]:
            next_day = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(at__lt=_start_of_day(next_day))
        return queryset


AUDIT_FIRST_DAY = datetime.date(2000, 1, 1)
AUDIT_LAST_DAY = datetime.date(2099, 12, 31)


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
