"""The one write of reports: the narrative of a year's report, atomic and audited.

Views, the admin and commands call save_year_report; it checks the plan's
period, the lengths and what the items and areas belong to, refuses an edit
made on a stale copy, and records who changed what (before → after) in the
shared audit log (actions.models.AuditEntry).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import ActionItem, AuditEntry
from actions.services.errors import out_of_period_message
from plans import wareki
from reports.models import NARRATIVE_MAX_LENGTH, AreaFinding, YearReport
from reports.yearly_report.content import NARRATIVE_FIELDS, Narrative

AUDIT_ACTION = "年次報告書の記述の変更"
TEXT_FIELDS = {
    "overview": "総評",
    "deliberation": "検討の状況",
    "table_notes": "表の注記",
    "external_review": "外部評価",
    "external_body": "外部評価の会議",
    "issuer": "発行者",
}


def _check(plan, fiscal_year, narrative):
    if not plan.covers_fiscal_year(fiscal_year):
        raise ValidationError(out_of_period_message(plan, fiscal_year), code="out_of_period")
    texts = [(label, getattr(narrative, name)) for name, label in TEXT_FIELDS.items()]
    areas = {area.pk: area.name for area in plan.areas.all()}
    for area_id, text in narrative.findings.items():
        if area_id not in areas:
            raise ValidationError("この計画にない重点施策区分の所見です。", code="invalid_area")
        texts.append((f"{areas[area_id]}の所見", text))
    for label, text in texts:
        if len(text) > NARRATIVE_MAX_LENGTH:
            raise ValidationError(
                f"{label}は{NARRATIVE_MAX_LENGTH:,}文字以内で入力してください（いま {len(text):,}文字）。",
                code="too_long",
            )
    items = set(narrative.highlighted_item_ids)
    if items and ActionItem.objects.filter(plan=plan, pk__in=items).count() != len(items):
        raise ValidationError("この計画にない取組が選ばれています。", code="invalid_item")


@transaction.atomic
def save_year_report(
    plan, fiscal_year, narrative, *, expected_version=None, user=None, source=None
):
    """Store ``narrative`` (a content.Narrative) as the report of ``plan`` for ``fiscal_year``.

    Returns (YearReport, changed). ``expected_version`` is the version the
    editor started from: if someone saved since, nothing is written.
    """
    _check(plan, fiscal_year, narrative)
    report = (
        YearReport.objects.select_for_update()
        .filter(plan=plan, fiscal_year=fiscal_year)
        .prefetch_related("findings", "highlighted_items")
        .first()
    )
    stored = Narrative.from_report(report) if report else Narrative()
    if expected_version is not None and stored.version != expected_version:
        raise ValidationError(
            "ほかの人がこの報告書の記述を先に保存しました。読み込み直して内容を確かめてから、"
            "もう一度保存してください。",
            code="stale",
        )
    before, after = stored.as_dict(), narrative.as_dict()
    changed = [key for key in after if before[key] != after[key]]
    if not changed:
        return report, False
    if report is None:
        report = YearReport(plan=plan, fiscal_year=fiscal_year, version=0)
    for name in NARRATIVE_FIELDS:
        setattr(report, name, getattr(narrative, name))
    report.version += 1
    report.updated_by = user if user and user.is_authenticated else None
    report.save()
    if "findings" in changed:
        report.findings.all().delete()
        AreaFinding.objects.bulk_create(
            AreaFinding(report=report, area_id=area_id, text=text)
            for area_id, text in narrative.findings.items()
            if text
        )
    if "highlighted_item_ids" in changed:
        report.highlighted_items.set(narrative.highlighted_item_ids)
    AuditEntry.objects.create(
        user=user if user and user.is_authenticated else None,
        action=AUDIT_ACTION,
        source=source or AuditEntry.Source.WEB,
        plan=plan,
        fiscal_year=fiscal_year,
        object_repr=f"{plan} {wareki.fiscal_year_label(fiscal_year)} 報告書",
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return report, True
