"""Apply a validated WorkbookImport: the writes its dry run planned, with progress.

Master rows (plans, areas, items, KPIs) are written in bulk with an
AuditEntry each; statuses and KPI actuals only through actions.services (its
bulk record_statuses / record_kpi_actuals, ``chunk_size`` rows a call), so
the history records 「一括取込」 and a locked year stays locked.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from actions import services
from actions.imports.workbook import lineage
from actions.imports.workbook import sheets as S
from actions.imports.workbook.checks import LINK_COLUMNS
from actions.models import ActionItem, AuditEntry, Kpi
from actions.services.bulk import collector_paused
from plans.models import Plan, PriorityArea
from plans.versions import data_changed


def apply_steps(job, *, chunk_size):
    """Write the planned changes, yielding (done, total, label) as it goes."""
    if not job.ok:
        raise ValueError("validate() first, and only a file without errors can be applied")
    if transaction.get_autocommit():
        raise RuntimeError("apply_steps() writes all or nothing: run it in transaction.atomic")
    with collector_paused():
        yield from _apply(job, chunk_size)


def _apply(job, chunk_size):
    total, done = max(job.total_writes, 1), 0
    if job.new_sections:  # before the items that name them
        services.create_sections(job.new_sections, user=job.user, source=job.source)
        done += len(job.new_sections)
        yield done, total, "担当課"
    audits = []
    for model, label in (
        (Plan, "計画"),
        (PriorityArea, "重点施策区分"),
        (ActionItem, "取組"),
        (Kpi, "指標"),
    ):
        writes = [w for w in job.master_writes if isinstance(w.obj, model)]
        if not writes:
            continue
        _save_master(model, writes)
        audits.extend(_master_audit(w, job.user, job.source) for w in writes)
        done += len(writes)
        yield done, total, label
    AuditEntry.objects.bulk_create(audits, batch_size=500)
    # Bulk writes send no signal: say which plans' cached figures and pages changed.
    for plan in {_plan_of(w.obj).pk: _plan_of(w.obj) for w in job.master_writes}.values():
        data_changed(plan)
    yield from _write_in_chunks(
        job,
        # Past years' sheets often give no reason: the dry run warned, the import lets them in.
        partial(services.record_statuses, comment_required=False, recount=False),
        _status_entry,
        job.status_writes,
        S.STATUS,
        done,
        total,
        chunk_size,
    )
    done += len(job.status_writes)
    yield from _write_in_chunks(
        job,
        partial(services.record_kpi_actuals, recount=False),
        _actual_entry,
        job.actual_writes,
        S.KPI_ACTUAL,
        done,
        total,
        chunk_size,
    )
    done += len(job.actual_writes)
    # The chunks marked their plan-years changed; the summaries are counted once, here.
    years = defaultdict(set)
    for _row, item, year, *_rest in job.status_writes:
        years[item.plan_id].add(year)
    for _row, kpi, year, *_rest in job.actual_writes:
        years[kpi.item.plan_id].add(year)
    for plan_id, plan_years in years.items():
        data_changed(plan_id, plan_years)
    if job.account_writes:
        job.initial_passwords = services.save_staff_accounts(
            job.account_writes, town=job.town, user=job.user, source=job.source
        )
        done += len(job.account_writes)
        yield done, total, S.STAFF.name
    job.applied = True
    yield total, total, "完了"


def _status_entry(write):
    _row, item, year, status, comment, current = write
    evidence, version = (current.evidence, current.version) if current else ("", 0)
    return services.StatusEntry(item, year, status, comment, evidence, version)


def _actual_entry(write):
    _row, kpi, year, value, current = write
    return services.ActualEntry(kpi, year, value, current.value if current else None)


def _write_in_chunks(job, record, entry, writes, sheet_def, done, total, chunk_size):
    """Write through a bulk service, chunk_size entries a call, yielding progress.

    The locked years are read again by the service inside the transaction,
    and each entry carries the version (value) the dry run saw, so a change
    made since then stops the whole import. A refusal names the row. The
    entries are made a chunk at a time: an import's memory stays that of its plan.
    """
    for start in range(0, len(writes), chunk_size):
        chunk = [entry(write) for write in writes[start : start + chunk_size]]
        try:
            record(chunk, user=job.user, source=job.source)
        except ValidationError as exc:
            if getattr(exc, "index", None) is None:
                raise
            row = writes[start + exc.index][0]
            raise ValidationError(
                f"{sheet_def.name} {row}行目: {' '.join(exc.messages)}", code=exc.code
            ) from exc
        yield done + start + len(chunk), total, sheet_def.name


def _save_master(model, writes):
    creates = [w.obj for w in writes if w.kind == "create"]
    updates = [w for w in writes if w.kind == "update" and w.fields]
    if model is Plan:
        # A revised plan must exist before the plan that names it.
        pending = list(creates)
        while pending:
            ready = [p for p in pending if p.revises is None or p.revises.pk]
            for plan in ready:
                plan.save()
            pending = [p for p in pending if p.pk is None]
            if not ready:
                raise ValueError("circular 改定元計画ID")
    else:
        # bulk_create re-reads the pks of parents saved earlier in this import.
        model.objects.bulk_create(creates, batch_size=500)
    if updates:
        fields = sorted({name for w in updates for name in w.fields})
        model.objects.bulk_update([w.obj for w in updates], fields, batch_size=500)
    if model in LINK_COLUMNS:
        _save_links(model, [w for w in writes if w.links is not None])
    if model is ActionItem:
        lineage.save_links(writes)


def _save_links(model, writes):
    """Replace the many-to-many links (LINK_COLUMNS) of the rows whose links changed."""
    field = model._meta.get_field(LINK_COLUMNS[model][1])
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through.objects.filter(**{f"{source}__in": [w.obj.pk for w in writes]}).delete()
    through.objects.bulk_create(
        [through(**{source: w.obj.pk, target: linked.pk}) for w in writes for linked in w.links]
    )


def _master_audit(write, user, source):
    obj = write.obj
    model = type(obj)
    names = write.fields if write.kind == "update" else list(write.fields)
    after = {name: _jsonable(getattr(obj, name)) for name in names}
    before = (
        {name: _jsonable(value) for name, value in write.before.items()} if write.before else None
    )
    if write.links is not None:
        after[LINK_COLUMNS[model][1]] = [linked.name for linked in write.links]
    if write.lineage is not None:
        after[lineage.COLUMN] = lineage.codes_label(write.lineage)
    plan = _plan_of(obj)
    item = obj if model is ActionItem else getattr(obj, "item", None)
    verb = "追加" if write.kind == "create" else "更新"
    return AuditEntry(
        user=user,
        action=f"{model._meta.verbose_name}の{verb}",
        source=source,
        plan=plan,
        item=item,
        section_id=getattr(item, "section_id", None),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )


def _plan_of(obj):
    return obj if isinstance(obj, Plan) else getattr(obj, "plan", None) or obj.item.plan


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
