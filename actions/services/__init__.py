"""Every write to the yearly evaluation goes through these functions.

Each one checks the rules (locked years, required comments, stale edits,
the round's allowed moves), writes inside one transaction, and records its
own ``AuditEntry``. Views, the admin, imports and commands all call them.
Each also calls plans.versions.data_changed for the plan-years it changed
(the shared core in rows and years' _year_audit do), so cached figures and
pages are never served stale: a new write function that uses neither calls it.
record_statuses and record_kpi_actuals write many rows in a constant number
of queries; record_status and record_kpi_actual are the same code with one
entry.

The modules, by concern: status (達成状況), kpi (指標実績), evaluation (the
status form's save of both), years (確定・公表), round (評価作業: the deadline and
the items' 提出・承認・差戻し), accounts (sections and staff accounts from a
workbook), rows (the shared bulk write core), bulk (its executemany INSERT and
UPDATE), errors (the refusals), deletions
(the admin's, recorded).
"""

from django.core.exceptions import ValidationError

from actions.services.accounts import (
    AccountEntry,
    InitialPassword,
    create_sections,
    save_staff_accounts,
)
from actions.services.deletions import (
    check_items_deletable,
    check_kpis_deletable,
    delete_items,
    delete_kpis,
    plan_evaluation_counts,
)
from actions.services.errors import (
    StaleActualError,
    StaleEditError,
    YearLockedError,
    out_of_period_message,
)
from actions.services.evaluation import record_and_submit_evaluation, record_evaluation
from actions.services.kpi import ActualEntry, record_kpi_actual, record_kpi_actuals
from actions.services.round import (
    MoveEntry,
    RoundRefused,
    approve_items,
    change_deadline,
    close_round,
    deadline_label,
    move_items,
    open_round,
    send_back_items,
    submit_items,
)
from actions.services.rows import (
    CREATED,
    DELETED,
    UNCHANGED,
    UNCHECKED,
    UPDATED,
    Written,
    check_year_open,
    is_year_locked,
)
from actions.services.status import (
    COMMENT_REQUIRED,
    StatusEntry,
    record_status,
    record_statuses,
    validate_status,
)
from actions.services.years import (
    gaps_message,
    lock_year,
    publish_year,
    unlock_year,
    unpublish_year,
)

__all__ = [
    "AccountEntry",
    "COMMENT_REQUIRED",
    "CREATED",
    "DELETED",
    "UNCHANGED",
    "UNCHECKED",
    "UPDATED",
    "ActualEntry",
    "InitialPassword",
    "MoveEntry",
    "RoundRefused",
    "StaleActualError",
    "StaleEditError",
    "StatusEntry",
    "ValidationError",
    "Written",
    "YearLockedError",
    "approve_items",
    "change_deadline",
    "check_items_deletable",
    "check_kpis_deletable",
    "check_year_open",
    "close_round",
    "create_sections",
    "deadline_label",
    "delete_items",
    "delete_kpis",
    "gaps_message",
    "is_year_locked",
    "lock_year",
    "move_items",
    "open_round",
    "out_of_period_message",
    "plan_evaluation_counts",
    "publish_year",
    "record_and_submit_evaluation",
    "record_evaluation",
    "record_kpi_actual",
    "record_kpi_actuals",
    "record_status",
    "record_statuses",
    "save_staff_accounts",
    "send_back_items",
    "submit_items",
    "unlock_year",
    "unpublish_year",
    "validate_status",
]
