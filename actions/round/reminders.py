"""Reminders (督促) of the yearly round: what each person still has to do, by mail and on screen.

Staff hear about their sections' items that are 未入力, 入力済み but not yet
submitted (未提出) or 差戻し; a 課長 hears about items waiting for their
approval (承認待ち). ``due_rounds`` gives the same facts to the notice on
「担当の取組」 and to ``send_reminders`` (manage.py send_reminders), which
mails them from ``settings.REMINDER_DAYS_BEFORE`` days before a round's
deadline until the round is closed or the year locked, at most one mail per
person per day (ReminderLog).
"""

import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from actions import permissions
from actions.models import ActionItem, EvaluationState, EvaluationYear, ReminderLog
from actions.round.progress import deadline_text, with_year_state
from plans import wareki

S = EvaluationState


def _plan_name(town):
    return f"{town.name}DX推進計画" if town else "DX推進計画"


def open_rounds(town=None):
    """Years whose round is open and not locked, with their plans, oldest deadline first.

    A town's only when ``town`` is given (a page of that town), else every town's.
    """
    years = EvaluationYear.objects.all() if town is None else EvaluationYear.objects.for_town(town)
    return list(
        years.filter(round_opened_at__isnull=False, round_closed_at__isnull=True, is_locked=False)
        .select_related("plan")
        .order_by("deadline", "plan__slug", "fiscal_year")
    )


def counts_by_section(evaluation):
    """{section_id: {state: n}} of the year's items (one query)."""
    counts = defaultdict(lambda: defaultdict(int))
    rows = (
        with_year_state(
            ActionItem.objects.filter(plan=evaluation.plan, section__isnull=False),
            evaluation.fiscal_year,
        )
        .values_list("section_id", "year_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for section_id, state, n in rows:
        counts[section_id][state] += n
    return counts


@dataclass
class Due:
    """What one person has to do in one open round."""

    evaluation: EvaluationYear
    today: object
    not_entered: int = 0
    entered: int = 0  # saved, not submitted (未提出)
    returned: int = 0
    waiting: int = 0  # submitted, waiting for this 課長's approval
    records: bool = False  # the person records items (staff, or a 課長 who is also staff)
    approves: bool = False

    @property
    def days_left(self):
        return (self.evaluation.deadline - self.today).days

    @property
    def has_work(self):
        return bool(self.staff_work or self.waiting)

    @property
    def staff_work(self):
        return self.not_entered + self.entered + self.returned if self.records else 0

    @property
    def round_label(self):
        return f"{self.evaluation.plan} {wareki.fiscal_year_label(self.evaluation.fiscal_year)}"

    @property
    def when(self):
        """「締切まであと3日」, 「本日が締切日です」, 「締切を2日過ぎています」."""
        days = self.days_left
        if days > 0:
            return f"締切まであと{days}日"
        if days == 0:
            return "本日が締切日です"
        return f"締切を{-days}日過ぎています"

    @property
    def deadline_text(self):
        return deadline_text(self.evaluation.deadline, self.today)

    @property
    def staff_parts(self):
        parts = []
        if not self.records:
            return parts
        for label, n in (
            ("未入力", self.not_entered),
            ("未提出", self.entered),
            ("差戻し", self.returned),
        ):
            if n:
                parts.append(f"{label} {n}件")
        return parts

    @property
    def summary(self):
        """「締切まであと3日：未入力 2件、差戻し 1件」 (承認待ち for a 課長)."""
        parts = list(self.staff_parts)
        if self.approves and self.waiting:
            parts.append(f"承認待ち {self.waiting}件")
        return f"{self.when}：{'、'.join(parts)}" if parts else self.when

    @property
    def items_query(self):
        return f"?plan={self.evaluation.plan.slug}&year={self.evaluation.fiscal_year}"

    def as_record(self):
        return {
            "plan": self.evaluation.plan.slug,
            "fiscal_year": self.evaluation.fiscal_year,
            "deadline": self.evaluation.deadline.isoformat(),
            "not_entered": self.not_entered,
            "entered": self.entered,
            "returned": self.returned,
            "waiting": self.waiting,
        }


def _roles(user):
    return permissions.is_section_staff(user), permissions.is_section_head(user)


def dues_for(user, sections, rounds, counts, today):
    """The person's Due per round, from their ``sections`` and each round's ``counts``."""
    records, approves = _roles(user)
    if not (records or approves) or not sections:
        return []
    dues = []
    for evaluation in rounds:
        due = Due(evaluation, today, records=records, approves=approves)
        for section_id in sections:
            by_state = counts[evaluation.pk].get(section_id, {})
            due.not_entered += by_state.get(S.NOT_ENTERED, 0)
            due.entered += by_state.get(S.ENTERED, 0)
            due.returned += by_state.get(S.RETURNED, 0)
            if approves:
                due.waiting += by_state.get(S.SUBMITTED, 0)
        dues.append(due)
    return dues


def due_rounds(user, today=None, town=None):
    """The open rounds of the town with deadlines and what this user still has to do in each
    (the notice of the request's ``town``)."""
    today = today or timezone.localdate()
    if not permissions.is_staff_member(user):
        return []
    rounds = [evaluation for evaluation in open_rounds(town) if evaluation.deadline]
    sections = permissions.section_ids(user)
    if not rounds or not sections:
        return []
    counts = {evaluation.pk: counts_by_section(evaluation) for evaluation in rounds}
    return dues_for(user, sections, rounds, counts, today)


# --- mail ----------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: list = field(default_factory=list)  # (user, subject)
    already: list = field(default_factory=list)  # users mailed earlier today
    no_address: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (user, error)


def _in_window(evaluation, today, days_before):
    return (evaluation.deadline - today).days <= days_before


class MailServerUnreachable(Exception):
    """The SMTP server could not be reached: nothing was sent, nothing recorded."""


def site_base(request=None):
    """Where the links of a mail start: SITE_URL, else the host of the web request sending it.

    A mail sent by the command (cron) has no request: production requires SITE_URL
    (``check --deploy``, and send_reminders refuses to run without it).
    """
    base = getattr(settings, "SITE_URL", "")
    if base:
        return base
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def compose(user, dues, base=None, town=None):
    """(subject, body) of one person's reminder, in Japanese, in the name of the person's town;
    links start with ``base``."""
    base = site_base() if base is None else base

    def link(path):
        return f"{base}{path}"

    first = dues[0]
    subject = f"【{_plan_name(town)}】評価作業のお願い：{first.summary}"
    name = user.get_full_name() or user.last_name or user.get_username()
    lines = [
        f"{name} 様",
        "",
        f"{_plan_name(town)}の評価作業について、対応が必要な取組があります。",
        "",
    ]
    for due in dues:
        lines.append(f"■ {due.round_label}")
        lines.append(f"  {due.deadline_text}")
        if due.staff_parts:
            lines.append(f"  担当の取組：{'、'.join(due.staff_parts)}")
            lines.append(
                "  担当の取組を開く: " + link(reverse("actions:my_items") + due.items_query)
            )
        if due.approves and due.waiting:
            lines.append(f"  承認待ち（課長の承認が必要な取組）：{due.waiting}件")
            lines.append(
                "  承認待ちを開く: " + link(reverse("actions:approvals") + due.items_query)
            )
        lines.append("")
    if any(due.records and due.returned for due in dues):
        # Only the staff who record have 差戻し to fix; a 課長's mail is about 承認待ち.
        lines.append("差戻しの理由は「担当の取組」と各取組の入力画面に表示されています。")
    lines += [
        "このメールは、締切日の前と締切日を過ぎた後に、1日1回まで自動で送信しています。",
        "",
        f"{town.name if town else ''} {town.office if town else ''}（DX推進計画 進捗ダッシュボード）".strip(),
    ]
    return subject[:200], "\n".join(lines)


def _recipients(town=None):
    """(user, sections) of active staff and 課長 with sections (of one town), in one query."""
    User = get_user_model()
    users = (
        User.objects.filter(
            is_active=True,
            groups__name__in=[permissions.STAFF_GROUP, permissions.SECTION_HEAD_GROUP],
            staff_profile__sections__isnull=False,
        )
        .distinct()
        .select_related("staff_profile__town")
        .prefetch_related("groups", "staff_profile__sections")
        .order_by("username")
    )
    if town is not None:
        users = users.filter(staff_profile__town=town)
    for user in users:
        user._role_names = {group.name for group in user.groups.all()}
        sections = {section.pk for section in user.staff_profile.sections.all()}
        user._section_ids = sections
        yield user, sections


def send_reminders(today=None, days_before=None, dry_run=False, request=None, town=None):
    """Mail every person with work in a round whose deadline is within ``days_before`` or past.

    At most one mail per person per day: a ReminderLog row is written (the
    unique constraint settles overlapping runs) before the mail goes out, and
    removed if sending fails, so the next run tries again. The links start with
    SITE_URL, else (a mail sent from a web page) with the ``request``'s host.
    """
    today = today or timezone.localdate()
    if days_before is None:
        days_before = settings.REMINDER_DAYS_BEFORE
    rounds = [
        evaluation
        for evaluation in open_rounds()
        if evaluation.deadline
        and _in_window(evaluation, today, days_before)
        and (town is None or evaluation.plan.town_id == town.pk)
    ]
    outcome = Outcome()
    if not rounds:
        return outcome
    counts = {evaluation.pk: counts_by_section(evaluation) for evaluation in rounds}
    mailed_today = set(ReminderLog.objects.filter(sent_on=today).values_list("user_id", flat=True))
    base = site_base(request)
    mailer = _Mailer()
    try:
        for user, sections in _recipients(town):
            # A person's mail lists only the rounds of the person's own town.
            theirs = [r for r in rounds if r.plan.town_id == user.staff_profile.town_id]
            dues = [due for due in dues_for(user, sections, theirs, counts, today) if due.has_work]
            if not dues:
                continue
            if user.pk in mailed_today:
                outcome.already.append(user)
                continue
            if not user.email:
                outcome.no_address.append(user)
                continue
            subject, body = compose(user, dues, base, user.staff_profile.town)
            if dry_run:
                outcome.sent.append((user, subject))
                continue
            _send_once(user, today, subject, body, dues, outcome, mailer.connection())
    finally:
        mailer.close()
    return outcome


class _Mailer:
    """One connection to the mail server for the whole run, opened at the first mail.

    A server that cannot be reached stops the run before anything is recorded
    (MailServerUnreachable), instead of failing once per person.
    """

    def __init__(self):
        self._connection = None

    def connection(self):
        if self._connection is None:
            connection = get_connection()
            try:
                connection.open()
            except (OSError, smtplib.SMTPException) as error:
                raise MailServerUnreachable(error) from error
            self._connection = connection
        return self._connection

    def close(self):
        if self._connection is not None:
            self._connection.close()


def _send_once(user, today, subject, body, dues, outcome, connection=None):
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                town_id=user.staff_profile.town_id,
                user=user,
                sent_on=today,
                email=user.email,
                subject=subject,
                summary={"rounds": [due.as_record() for due in dues]},
            )
    except IntegrityError:  # another run mailed this person today, just now
        outcome.already.append(user)
        return
    try:
        EmailMessage(subject, body, to=[user.email], connection=connection).send()
    except Exception as error:  # SMTP refusals, network: tried again on the next run
        log.delete()
        outcome.failed.append((user, error))
        return
    outcome.sent.append((user, subject))
