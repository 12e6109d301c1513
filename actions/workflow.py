"""The yearly round's state machine: one table of allowed moves, read by everything.

An item's evaluation for a year moves 未入力 → 入力済み (staff saved it) → 提出
(staff submit it to the section head) → 承認 (the 課長 approves), or is sent
back (差戻し) with a reason by the 課長 or the DX推進本部. Saving a change after
submission or approval drops it back to 入力済み. The service layer applies
these moves, the permission module says who may make them, and forms and
templates ask this table which moves an item offers.
"""

from dataclasses import dataclass

from actions.models import EvaluationState

S = EvaluationState


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button: 「提出する」
    done_label: str  # the audit log's 操作: 「提出」
    sources: frozenset
    target: str
    needs_reason: bool = False


RECORD = Transition(
    "record",
    "保存する",
    "入力",
    frozenset({S.NOT_ENTERED, S.ENTERED, S.SUBMITTED, S.APPROVED, S.RETURNED}),
    S.ENTERED,
)
SUBMIT = Transition("submit", "提出する", "提出", frozenset({S.ENTERED, S.RETURNED}), S.SUBMITTED)
APPROVE = Transition("approve", "承認する", "承認", frozenset({S.SUBMITTED}), S.APPROVED)
SEND_BACK = Transition(
    "send_back",
    "差し戻す",
    "差戻し",
    frozenset({S.SUBMITTED, S.APPROVED}),
    S.RETURNED,
    needs_reason=True,
)

TRANSITIONS = {t.name: t for t in (RECORD, SUBMIT, APPROVE, SEND_BACK)}

# States in which an item still needs its staff's work, its 課長's, or nobody's.
NEEDS_STAFF = frozenset({S.NOT_ENTERED, S.ENTERED, S.RETURNED})
NEEDS_SECTION_HEAD = frozenset({S.SUBMITTED})
FINISHED = frozenset({S.APPROVED})


def allows(transition, state):
    """Whether ``transition`` (a Transition or its name) may start from ``state``."""
    if isinstance(transition, str):
        transition = TRANSITIONS[transition]
    return (state or S.NOT_ENTERED) in transition.sources


def state_of(yearly_status):
    """The state of an item-year: 未入力 when there is no row or no status yet."""
    if yearly_status is None or not yearly_status.status:
        return S.NOT_ENTERED
    return S(yearly_status.state)
