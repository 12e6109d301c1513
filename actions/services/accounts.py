"""The office's people: sections (担当課) and staff accounts, as a workbook brings them in.

create_sections adds the sections a workbook names; save_staff_accounts
creates or updates accounts with their role (a group) and sections. A new
account gets a random initial password that is returned once, to be handed
over, and must be changed at its first sign-in (StaffProfile.must_change_password);
an existing account's password is never touched, and no account becomes or
stays a superuser through here. Each write is atomic and audited.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from actions.models import AuditEntry, StaffProfile
from actions.permissions import ADMIN_GROUP, MANAGER_GROUP, SECTION_HEAD_GROUP, STAFF_GROUP
from plans.models import Section
from plans.towns import the_only_town

ROLES = (STAFF_GROUP, SECTION_HEAD_GROUP, MANAGER_GROUP, ADMIN_GROUP)
# Letters and digits that cannot be misread when copied from a screen or paper.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 3, 4


def initial_password():
    """「k7Qm-3xPz-9hTw」: random, readable, 71 bits."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def username_key(username):
    """What two user names that differ only by case have in common (dup-user = DUP-USER)."""
    return username.lower()


def accounts_named(usernames, users=None):
    """{name: account} for each of ``usernames`` that names an account, whatever its case.

    An account spelt exactly so wins; otherwise the oldest account whose name
    differs only by case. ``users`` narrows or locks the query (select_for_update).
    """
    names = set(usernames)
    users = get_user_model().objects.all() if users is None else users
    keys = {username_key(name) for name in names}
    found = sorted(
        users.annotate(username_key=Lower("username")).filter(
            Q(username__in=names) | Q(username_key__in=keys)
        ),
        key=lambda account: account.pk,
    )
    exact = {account.username: account for account in found}
    by_key = {}
    for account in found:
        by_key.setdefault(username_key(account.username), account)
    named = {}
    for name in names:
        account = exact.get(name) or by_key.get(username_key(name))
        if account is not None:
            named[name] = account
    return named


@dataclass(frozen=True)
class AccountEntry:
    """One row of the 職員 sheet. ``None`` leaves a field of an existing account as it is."""

    username: str
    last_name: str | None = None
    first_name: str | None = None
    email: str | None = None
    roles: tuple | None = None  # group names from ROLES
    sections: tuple | None = None  # saved Section objects


@dataclass(frozen=True)
class InitialPassword:
    """A new account's one-time password, for the admin to hand over once."""

    username: str
    name: str
    password: str


def account_refusal(entry, existing, editor, town=None):
    """Why this entry may not be saved (a message), or None. Shared by the dry run."""
    if existing is not None and existing.is_superuser:
        return (
            f"「{entry.username}」はスーパーユーザーのため、取込では変更できません。"
            "管理画面で変更してください。"
        )
    if existing is not None and town is not None and _town_of(existing) not in (None, town.pk):
        return (
            f"ユーザー名「{entry.username}」は、ほかの団体のアカウントで使われています。"
            "別のユーザー名にしてください。"
        )
    unknown = [role for role in entry.roles or () if role not in ROLES]
    if unknown:
        return f"役割「{'、'.join(unknown)}」はありません。{'、'.join(ROLES)} のいずれかです。"
    if (
        editor is not None
        and existing is not None
        and existing.pk == editor.pk
        and entry.roles is not None
        and ADMIN_GROUP not in entry.roles
        and not editor.is_superuser
    ):
        return "自分のアカウントから管理者の役割を外すことはできません（取込の後で操作できなくなるため）。"
    return None


def _town_of(account):
    try:
        return account.staff_profile.town_id
    except StaffProfile.DoesNotExist:
        return None


def _snapshot(user, roles, sections):
    return {
        "氏名": f"{user.last_name} {user.first_name}".strip(),
        "メールアドレス": user.email,
        "役割": sorted(roles),
        "担当課": sorted(str(section) for section in sections),
    }


@transaction.atomic
def create_sections(sections, *, user=None, source=AuditEntry.Source.IMPORT):
    """Add unsaved Section objects, with an AuditEntry each; returns them saved."""
    sections = list(sections)
    if not sections:
        return []
    Section.objects.bulk_create(sections)
    editor = user if user is not None and user.is_authenticated else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=editor,
                action="担当課の追加",
                source=source,
                section=section,
                object_repr=str(section)[:300],
                after={"担当課": section.name, "班": section.unit},
            )
            for section in sections
        ]
    )
    return sections


@transaction.atomic
def save_staff_accounts(entries, *, town=None, user=None, source=AuditEntry.Source.IMPORT):
    """Create or update accounts; return the InitialPassword of each new one, in order.

    Any refusal (a superuser named, an unknown role, the editor removing their
    own admin role) raises ValidationError and writes nothing.
    """
    User = get_user_model()
    town = town or the_only_town()
    entries = list(entries)
    editor = user if user is not None and user.is_authenticated else None
    # An existing account is found whatever the case of its name (and keeps its own spelling).
    users = accounts_named(
        [e.username for e in entries],
        User.objects.select_for_update(of=("self",))
        .select_related("staff_profile")
        .prefetch_related("groups"),
    )
    for entry in entries:
        refusal = account_refusal(entry, users.get(entry.username), editor, town)
        if refusal:
            raise ValidationError(refusal, code="account_refused")
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLES)}
    missing = [role for e in entries for role in e.roles or () if role not in groups]
    for role in dict.fromkeys(missing):
        groups[role] = Group.objects.create(name=role)
    profiles = {
        p.user_id: p
        for p in StaffProfile.objects.filter(user__in=users.values()).prefetch_related("sections")
    }
    passwords, audits = [], []
    for entry in entries:
        account = users.get(entry.username)
        created = account is None
        if created:
            account = User(username=entry.username)
            password = initial_password()
            account.set_password(password)
            old_roles, old_sections, before = set(), [], None
        else:
            old_roles = {g.name for g in account.groups.all() if g.name in ROLES}
            profile = profiles.get(account.pk)
            old_sections = list(profile.sections.all()) if profile else []
            before = _snapshot(account, old_roles, old_sections)
        for name in ("last_name", "first_name", "email"):
            if getattr(entry, name) is not None:
                setattr(account, name, getattr(entry, name))
        roles = set(entry.roles) if entry.roles is not None else old_roles
        if created or entry.roles is not None:
            account.is_staff = ADMIN_GROUP in roles  # the admin site is for 管理者
        account.save()
        if entry.roles is not None and roles != old_roles:
            account.groups.remove(*[groups[r] for r in old_roles - roles if r in groups])
            account.groups.add(*[groups[r] for r in roles - old_roles])
        sections = list(entry.sections) if entry.sections is not None else old_sections
        profile = profiles.get(account.pk)
        if profile is None and (created or sections):
            profile = StaffProfile.objects.create(
                user=account, town=town, must_change_password=created
            )
        if entry.sections is not None and profile is not None:
            if {s.pk for s in sections} != {s.pk for s in old_sections}:
                profile.sections.set(sections)
        after = _snapshot(account, roles, sections)
        if created:
            full_name = f"{account.last_name} {account.first_name}".strip()
            passwords.append(InitialPassword(account.username, full_name, password))
            after["パスワード"] = "初期パスワードを発行（初回ログイン時に変更）"
        elif after == before:
            continue
        audits.append(
            AuditEntry(
                town=town,
                user=editor,
                action="アカウントの追加" if created else "アカウントの更新",
                source=source,
                object_repr=account.username[:300],
                before=before,
                after=after,
            )
        )
    AuditEntry.objects.bulk_create(audits)
    return passwords


@transaction.atomic
def password_changed(user):
    """The user set a password of their own: the initial one is gone."""
    StaffProfile.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    )


def must_change_password(user):
    return StaffProfile.objects.filter(user=user, must_change_password=True).exists()
