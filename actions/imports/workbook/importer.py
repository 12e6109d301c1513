"""Validate a workbook completely, then apply it in one transaction.

``WorkbookImport.validate()`` reads every row against the database state as
it is plus the file's own new rows, and plans the writes; it writes nothing
(the dry run). ``apply_steps()`` performs the planned writes and yields
progress; callers run it inside ``transaction.atomic`` (``run()`` does).
Statuses and KPI actuals are written only through actions.services (its bulk
record_statuses / record_kpi_actuals, WRITE_CHUNK rows a call), so the
history records 「一括取込」 and a locked year stays locked; master rows
(plans, areas, items, KPIs) are written in bulk with an AuditEntry each.

The parts: ``table`` reads sheets into Rows, ``checks`` / ``masters`` /
``yearly`` validate them row by row, ``apply`` writes the plan, ``results``
holds what the pages show. This module holds the state they share.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction

from actions.imports.workbook import apply
from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.checks import RowInvalid
from actions.imports.workbook.lineage import LineageRows
from actions.imports.workbook.masters import NATIONAL_COLUMN, MasterRows
from actions.imports.workbook.people import PeopleRows
from actions.imports.workbook.reader import ImportRefused
from actions.imports.workbook.results import (
    WARNING_KINDS,
    ChangeList,
    RowError,
    RowWarning,
    SheetSummary,
)
from actions.imports.workbook.table import collect_rows
from actions.imports.workbook.yearly import YearlyRows
from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationYear,
    ItemLineage,
    Kpi,
    KpiActual,
    YearlyStatus,
)
from actions.services.accounts import accounts_named
from actions.services.bulk import collector_paused
from actions.services.status import StoredStatus
from plans.models import NationalPlanItem, Plan, PriorityArea, Section
from plans.towns import the_only_town

WRITE_CHUNK = 1000  # entries per bulk service call: progress steps, bounded statements


class WorkbookImport(MasterRows, YearlyRows, PeopleRows, LineageRows):
    def __init__(self, sheet_data, *, town=None, user=None, source=AuditEntry.Source.IMPORT):
        self.sheet_data = sheet_data
        # Every plan, section and account it reads or writes is this town's.
        self.town = town or the_only_town()
        if self.town is None:
            raise ImportRefused(
                "取り込む団体が決まりません。団体を登録してから（manage.py add_town）、"
                "その団体を指定して取り込んでください。"
            )
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.errors = []
        self.warnings = []
        self.summaries = {sheet.name: SheetSummary(sheet.name) for sheet in S.TEMPLATE_SHEETS}
        self.changes = ChangeList()
        self.rows = defaultdict(list)  # sheet name -> [Row]
        self.validated = False
        self.applied = False
        self.initial_passwords = []  # set by apply: [InitialPassword] of the new accounts

    # --- results ---------------------------------------------------------------

    @property
    def ok(self):
        return self.validated and not self.errors

    @property
    def present_summaries(self):
        return [s for s in self.summaries.values() if s.rows or s.errors or self.rows.get(s.name)]

    @property
    def total_writes(self):
        return (
            len(self.new_sections)
            + len(self.master_writes)
            + len(self.status_writes)
            + len(self.actual_writes)
            + len(self.account_writes)
        )

    def error(self, sheet, row, column, value, message):
        self.errors.append(RowError(sheet, row, column, V.display(value), message))
        if sheet in self.summaries and row is not None:
            self.summaries[sheet].errors += 1

    def warn(self, kind, sheet, row, column, value, message):
        self.warnings.append(RowWarning(sheet, row, column, V.display(value), message, kind))

    @property
    def warning_counts(self):
        """[(label, count)] per kind of warning, in a fixed order."""
        counts = {}
        for warning in self.warnings:
            counts[warning.kind] = counts.get(warning.kind, 0) + 1
        return [(WARNING_KINDS[kind], counts[kind]) for kind in WARNING_KINDS if kind in counts]

    # --- the database state ------------------------------------------------------

    def _load_state(self):
        slugs = set()
        for rows in self.rows.values():
            for row in rows:
                for column in ("計画ID", "改定元計画ID"):
                    if not V.is_blank(row.values.get(column)):
                        slugs.add(V.normalize(row.values[column]))
        self.plans = {
            plan.slug: plan for plan in Plan.objects.for_town(self.town).filter(slug__in=slugs)
        }
        if any(row.has("旧取組番号") for row in self.rows.get(S.ITEM.name, ())):
            # 旧取組番号 names items of the plans these revise: load those too.
            revised = {p.revises_id for p in self.plans.values()} - {
                p.pk for p in self.plans.values()
            }
            for plan in Plan.objects.for_town(self.town).filter(pk__in=revised - {None}):
                self.plans[plan.slug] = plan
        plan_ids = [plan.pk for plan in self.plans.values()]
        by_id = {plan.pk: plan for plan in self.plans.values()}
        self.areas = defaultdict(dict)  # slug -> number -> area
        for area in PriorityArea.objects.filter(plan_id__in=plan_ids):
            area.plan = by_id[area.plan_id]
            self.areas[area.plan.slug][area.number] = area
        self.area_by_id = area_by_id = {
            a.pk: a for areas in self.areas.values() for a in areas.values()
        }
        self.national_items = []  # the national plan's items (shared by every town)
        self.area_national = defaultdict(list)  # area pk -> [NationalPlanItem]
        if any(row.has(NATIONAL_COLUMN) for row in self.rows.get(S.AREA.name, ())):
            self.national_items = list(NationalPlanItem.objects.all())
            by_pk = {item.pk: item for item in self.national_items}
            for area_id, item_id in PriorityArea.national_items.through.objects.filter(
                priorityarea__plan_id__in=plan_ids
            ).values_list("priorityarea_id", "nationalplanitem_id"):
                self.area_national[area_id].append(by_pk[item_id])
        self.items = {}  # (slug, code_key) -> item
        self.relisted = defaultdict(list)  # item pk -> [area]
        if self.rows.keys() - {S.PLAN.name, S.AREA.name}:
            items = ActionItem.objects.filter(plan_id__in=plan_ids)
            for item in items:
                item.plan = by_id[item.plan_id]
                self.items[(item.plan.slug, item.code_key)] = item
            through = ActionItem.relisted_areas.through.objects.filter(
                actionitem__plan_id__in=plan_ids
            ).values_list("actionitem_id", "priorityarea_id")
            for item_id, area_id in through:
                self.relisted[item_id].append(area_by_id[area_id])
        item_by_id = {item.pk: item for item in self.items.values()}
        self.lineage = defaultdict(list)  # item pk -> [predecessor]
        if any(row.has("旧取組番号") for row in self.rows.get(S.ITEM.name, ())):
            for item_id, predecessor_id in ItemLineage.objects.filter(
                item_id__in=item_by_id
            ).values_list("item_id", "predecessor_id"):
                self.lineage[item_id].append(item_by_id[predecessor_id])
        self.kpis = {}  # (slug, code_key, match_key(name)) -> kpi
        if self.rows.keys() & {S.KPI.name, S.KPI_ACTUAL.name}:
            for kpi in Kpi.objects.filter(item__plan_id__in=plan_ids):
                kpi.item = item_by_id[kpi.item_id]
                self.kpis[self._kpi_key(kpi.item, kpi.name)] = kpi
        self.statuses = {}  # (item pk, fiscal year) -> StoredStatus
        if S.STATUS.name in self.rows:
            texts = {}  # the same status or comment read from many rows is kept once
            for pk, item_id, year, status, comment, evidence, state, version in (
                YearlyStatus.objects.filter(item__plan_id__in=plan_ids)
                .order_by()
                .values_list(*StoredStatus._fields)
            ):
                self.statuses[(item_id, year)] = StoredStatus(
                    pk,
                    item_id,
                    year,
                    texts.setdefault(status, status),
                    texts.setdefault(comment, comment),
                    texts.setdefault(evidence, evidence),
                    texts.setdefault(state, state),
                    version,
                )
        self.actuals = {}
        if S.KPI_ACTUAL.name in self.rows:
            for actual in KpiActual.objects.filter(kpi__item__plan_id__in=plan_ids):
                self.actuals[(actual.kpi_id, actual.fiscal_year)] = actual
        self.locked_years = defaultdict(set)
        for plan_id, year in EvaluationYear.objects.filter(
            plan_id__in=plan_ids, is_locked=True
        ).values_list("plan_id", "fiscal_year"):
            self.locked_years[by_id[plan_id].slug].add(year)
        self.sections = (
            list(Section.objects.for_town(self.town))
            if self.rows.keys() & {S.ITEM.name, S.STAFF.name}
            else []
        )
        self._sections_by_text = None
        self._section_spellings = {}
        self._pending_lineage = []
        self.new_sections = []
        self.accounts = {}
        if S.STAFF.name in self.rows:
            names = {
                str(row.values.get("ユーザー名") or "").strip() for row in self.rows[S.STAFF.name]
            }
            User = get_user_model()
            names |= {User.normalize_username(V.normalize(n)) for n in names}
            self.accounts = accounts_named(
                names,
                User.objects.select_related("staff_profile").prefetch_related(
                    "groups", "staff_profile__sections"
                ),
            )
        self.account_writes = []
        self.master_writes = []
        self.status_writes = []
        self.actual_writes = []

    # --- validation ----------------------------------------------------------------

    @collector_paused()
    def validate(self):
        collect_rows(self.sheet_data, self.rows, self.error)
        # From here the Rows are the sheets: the read cells are freed unless the caller keeps them.
        self.sheet_data = None
        self._load_state()
        handlers = {
            S.PLAN.name: self._plan_row,
            S.AREA.name: self._area_row,
            S.ITEM.name: self._item_row,
            S.KPI.name: self._kpi_row,
            S.STATUS.name: self._status_row,
            S.KPI_ACTUAL.name: self._actual_row,
            S.STAFF.name: self._staff_row,
        }
        for sheet_def in S.APPLY_ORDER:
            seen = {}
            for row in self.rows.get(sheet_def.name, ()):
                try:
                    handlers[sheet_def.name](row, seen)
                except RowInvalid:
                    pass
            if sheet_def is S.PLAN:
                self._check_revisions()
            if sheet_def is S.AREA:
                self._check_area_names()
            if sheet_def is S.ITEM:
                self._check_lineage()
        self.validated = True
        return self

    # --- applying --------------------------------------------------------------------

    def apply_steps(self):
        """Write the planned changes, yielding (done, total, label) as it goes."""
        # WRITE_CHUNK is read per call, so a test can lower it on this module.
        return apply.apply_steps(self, chunk_size=WRITE_CHUNK)

    def run(self, *, dry_run=False):
        """Validate, and unless ``dry_run`` or invalid, apply all of it in one transaction."""
        if not self.validated:
            self.validate()
        if dry_run or not self.ok:
            return self
        with transaction.atomic():
            for _step in self.apply_steps():
                pass
        return self


def import_workbook(
    sheet_data, *, town=None, user=None, dry_run=False, source=AuditEntry.Source.IMPORT
):
    """The service: validate a read workbook for a town and, unless dry run or invalid, apply it."""
    return WorkbookImport(sheet_data, town=town, user=user, source=source).run(dry_run=dry_run)
