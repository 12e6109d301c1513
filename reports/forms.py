"""The edit form of a year's report narrative (the 本部's prose, the chosen boxes)."""

from django import forms

from plans import wareki
from reports.models import NARRATIVE_MAX_LENGTH
from reports.yearly_report.content import NARRATIVE_FIELDS, Narrative, default_issuer

TOO_LONG = f"{NARRATIVE_MAX_LENGTH:,}文字以内で入力してください（いま %(show_value)s 文字）。"


def _text(label, help_text="", rows=6):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG},
    )


class WarekiDateField(forms.Field):
    """A date as 2026/5/20, 2026-05-20 or 令和8年5月20日; shown back as 2026-05-20."""

    widget = forms.TextInput

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        if len(text) > 30:
            raise forms.ValidationError(
                "日付は 2026-05-20 や 令和8年5月20日 のように入力してください。"
            )
        try:
            return wareki.parse_date(text)
        except wareki.WarekiError as error:
            raise forms.ValidationError(str(error)) from None

    def prepare_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class ItemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"【{item.primary_area.name}】{item.code}. {item.title}"


class YearReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overview = _text("総評", "報告書の冒頭に載せる、この年度の全体の評価。")
    deliberation = _text("3-1. 検討の状況", "推進体制や検討の経過。段落は改行で分けます。")
    table_notes = _text(
        "3-2. 表の注記（☞）", "1行に1つ。達成状況の表の下に ☞ を付けて載せます。", rows=4
    )
    external_body = forms.CharField(label="外部評価の会議", required=False, max_length=100)
    external_meeting_on = WarekiDateField(
        label="会議の開催日",
        required=False,
        help_text="例: 2026-05-20、令和8年5月20日",
    )
    external_review = _text("外部評価（委員・有識者の意見）")
    issuer = forms.CharField(label="発行者", required=False, max_length=100)
    issued_on = WarekiDateField(label="発行日", required=False, help_text="空欄なら出力した日")
    include_earlier_events = forms.BooleanField(
        label="主な取組一覧に、計画策定以後のすべての年度の取組を載せる", required=False
    )
    highlighted_items = ItemsField(
        label="主な達成・未達成項目に載せる取組",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="選ばないときは、指標（KPI）のある取組をすべて載せます。",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.areas = list(plan.areas.all())
        town = plan.town.name
        self.fields["external_body"].help_text = f"例: {town}DX推進委員会"
        self.fields["issuer"].help_text = f"空欄なら「{default_issuer(plan)}」"
        self.fields["highlighted_items"].queryset = plan.items.select_related(
            "primary_area"
        ).order_by("primary_area__number", "sort_key", "code_key")
        for area in self.areas:
            self.fields[f"finding_{area.number}"] = _text(
                f"{area.number}. {area.name}の所見", rows=3
            )

    @classmethod
    def for_narrative(cls, plan, narrative):
        """The form filled with the stored narrative (GET)."""
        initial = {name: getattr(narrative, name) for name in NARRATIVE_FIELDS}
        initial["version"] = narrative.version
        initial["highlighted_items"] = narrative.highlighted_item_ids
        form = cls(plan=plan, initial=initial)
        for area in form.areas:
            form.initial[f"finding_{area.number}"] = narrative.findings.get(area.pk, "")
        return form

    def finding_fields(self):
        return [self[f"finding_{area.number}"] for area in self.areas]

    def narrative(self):
        data = self.cleaned_data
        return Narrative(
            overview=data["overview"],
            deliberation=data["deliberation"],
            table_notes=data["table_notes"],
            external_body=data["external_body"],
            external_meeting_on=data["external_meeting_on"],
            external_review=data["external_review"],
            issuer=data["issuer"],
            issued_on=data["issued_on"],
            include_earlier_events=data["include_earlier_events"],
            findings={
                area.pk: data[f"finding_{area.number}"]
                for area in self.areas
                if data[f"finding_{area.number}"]
            },
            highlighted_item_ids=[item.pk for item in data["highlighted_items"]],
        )
