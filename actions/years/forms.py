"""The confirmation forms of 確定, 公表 and 公表取消. The rules are in actions/services/years.py."""

from django import forms

from actions.models import YearGaps

CONFIRM_REQUIRED = "内容を確認したら、「確認しました」にチェックを入れてください。"
REASON_MAX_LENGTH = 1000


class ConfirmField(forms.BooleanField):
    def __init__(self, label):
        super().__init__(label=label, error_messages={"required": CONFIRM_REQUIRED})


class LockYearForm(forms.Form):
    """確定: the gaps the page showed travel with the form, so a change meanwhile is noticed."""

    reason = forms.CharField(
        label="承認されていない取組があるまま確定する理由",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = ConfirmField("上の内容を確認しました。この年度の評価を確定します。")
    seen_items = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    seen_not_approved = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    seen_not_evaluated = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    HIDDEN = ("seen_items", "seen_not_approved", "seen_not_evaluated")

    @classmethod
    def seen(cls, gaps):
        return {
            "seen_items": gaps.total,
            "seen_not_approved": gaps.not_approved,
            "seen_not_evaluated": gaps.not_evaluated,
        }

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in self.HIDDEN):
            for name in self.HIDDEN:
                self.errors.pop(name, None)
            raise forms.ValidationError(
                "確認した内容を読み取れませんでした。このページを開き直してください。"
            )
        return cleaned

    def expected_gaps(self):
        data = self.cleaned_data
        return YearGaps(
            total=data["seen_items"],
            not_approved=data["seen_not_approved"],
            not_evaluated=data["seen_not_evaluated"],
        )


class PublishYearForm(forms.Form):
    reason = forms.CharField(
        label="未評価の取組を残したまま公表する理由（達成度の横に公開します）",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = ConfirmField("上の内容を確認しました。この年度の評価を公表します。")


class UnpublishYearForm(forms.Form):
    reason = forms.CharField(
        label="公表を取り消す理由（変更履歴に記録します）",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "公表を取り消す理由を入力してください。"},
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label="確定を解除する理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "確定を解除する理由を入力してください。"},
    )
