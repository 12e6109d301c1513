"""Sections (担当課) and staff accounts (the 職員 sheet) that a workbook names.

A town's first import names its sections before anybody has typed them into
the admin: a 担当課 that is not registered is planned as a new section and
listed in the dry run. A spelling that differs from a known section only by
spaces, full-width letters or a missing 「課」 is taken as that section and
flagged, never created twice. The 職員 sheet plans accounts; the writes go
through actions.services.accounts when the import is applied.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.checks import RowChecks, RowInvalid
from actions.imports.workbook.results import SECTION_SPELLING, STAFF_WITHOUT_SECTION, Change
from actions.services.accounts import ROLES, AccountEntry, account_refusal, username_key
from plans.models import Section

SECTION_NAME_MAX = Section._meta.get_field("name").max_length
ROLES_WITH_SECTIONS = ROLES[:2]  # 職員 and 課長 record their sections' items


def _loose_key(text):
    """Spaces, width and case ignored, and 「課」 too: 「企画 デジタル推進班」 ~ 「企画課デジタル推進班」."""
    return V.match_key(text).replace("課", "")


def _add(sections, section):
    # A list, not a set: a section planned by this import has no pk and cannot be hashed.
    if not any(s is section for s in sections):
        sections.append(section)


def _texts(section):
    return [t for t in (section.name, str(section), section.unit) if t]


class PeopleRows(RowChecks):
    # 担当課 named in 取組 and 職員 rows

    def _section_index(self):
        """{"exact": text -> section, "loose": loose key -> sections}, built on first use."""
        if self._sections_by_text is None:
            self._sections_by_text = index = {"exact": {}, "loose": {}}
            for section in self.sections:
                for text in _texts(section):
                    index["exact"].setdefault(text, section)
                    _add(index["loose"].setdefault(_loose_key(text), []), section)
        return self._sections_by_text

    def _resolve_section(self, row, column, text):
        """The Section a cell names: a registered one, one this file adds, or a new one."""
        index = self._section_index()
        text = V.clean_text(text)
        found = index["exact"].get(text)
        if found is not None:
            return found
        candidates = index["loose"].get(_loose_key(text), [])
        if len(candidates) > 1:
            names = "、".join(sorted(f"「{s}」" for s in candidates))
            self.error(
                row.sheet,
                row.number,
                column,
                text,
                f"担当課「{text}」は {names} のどれか判別できません。登録済みの表記で入力してください。",
            )
            raise RowInvalid
        if candidates:
            (section,) = candidates
            if text not in self._section_spellings:
                self._section_spellings[text] = section
                where = "このファイルで追加する" if section.pk is None else "登録済みの"
                self.warn(
                    SECTION_SPELLING,
                    row.sheet,
                    row.number,
                    column,
                    text,
                    f"担当課「{text}」は{where}「{section}」とみなします（空白・全角半角・「課」の"
                    "有無だけの違い）。別の担当課なら、管理画面で先に追加してから取り込んでください。",
                )
            return section
        if len(text) > SECTION_NAME_MAX:
            self.error(
                row.sheet,
                row.number,
                column,
                text,
                f"担当課の名前は{SECTION_NAME_MAX}文字以内にしてください。",
            )
            raise RowInvalid
        section = Section(town=self.town, name=text)
        section.first_row = (row.sheet, row.number)
        self.new_sections.append(section)
        index["exact"][text] = section
        _add(index["loose"].setdefault(_loose_key(text), []), section)
        return section

    # 職員

    def _staff_row(self, row, seen):
        User = get_user_model()
        username = self._cell(row, "ユーザー名", _username, required=True)
        # dup-user and DUP-USER are one account: the second row is a duplicate.
        self._check_unique(row, seen, (username_key(username),), ["ユーザー名"])
        parsed = self._cells(
            row,
            [
                ("氏名", V.clean_text, {}),
                ("メールアドレス", _email, {}),
                ("担当課", V.split_list, {}),
                ("役割", _roles, {"required": True}),
            ],
        )
        sections = None
        if "担当課" in parsed:
            sections, failed = [], False
            for text in parsed["担当課"]:
                try:
                    section = self._resolve_section(row, "担当課", text)
                except RowInvalid:
                    failed = True
                    continue
                if section not in sections:
                    sections.append(section)
            if failed:
                raise RowInvalid
        last_name = first_name = None
        if "氏名" in parsed:
            last_name, _, first_name = re.sub(r"[\s\u3000]+", " ", parsed["氏名"]).partition(" ")
            for value, field in ((last_name, "last_name"), (first_name, "first_name")):
                limit = User._meta.get_field(field).max_length
                if len(value) > limit:
                    self.error(
                        row.sheet,
                        row.number,
                        "氏名",
                        parsed["氏名"],
                        f"氏名が長すぎます（姓・名それぞれ{limit}文字まで）。",
                    )
                    raise RowInvalid
        entry = AccountEntry(
            username=username,
            last_name=last_name,
            first_name=first_name,
            email=parsed.get("メールアドレス"),
            roles=tuple(parsed["役割"]),
            sections=tuple(sections) if sections is not None else None,
        )
        existing = self.accounts.get(username)
        refusal = account_refusal(entry, existing, self.user, self.town)
        if refusal:
            self.error(row.sheet, row.number, "ユーザー名", username, refusal)
            raise RowInvalid
        if set(entry.roles) & set(ROLES_WITH_SECTIONS) and not (
            sections if sections is not None else self._current_sections(existing)
        ):
            self.warn(
                STAFF_WITHOUT_SECTION,
                row.sheet,
                row.number,
                "担当課",
                "",
                f"「{username}」（{'・'.join(entry.roles)}）に担当課がありません。"
                "どの取組も記録できないアカウントになります。",
            )
        self._plan_account(row, entry, existing)

    def _current_sections(self, account):
        if account is None:
            return []
        profile = getattr(account, "staff_profile", None)
        return list(profile.sections.all()) if profile else []

    def _plan_account(self, row, entry, existing):
        summary = self.summaries[S.STAFF.name]
        new = {
            "氏名": None
            if entry.last_name is None
            else f"{entry.last_name} {entry.first_name}".strip(),
            "メールアドレス": entry.email,
            "役割": sorted(entry.roles),
            "担当課": None if entry.sections is None else sorted(str(s) for s in entry.sections),
        }
        if existing is None:
            summary.created += 1
            self.account_writes.append(entry)
            self.changes.append(
                Change(
                    row.sheet,
                    row.number,
                    "create",
                    f"アカウント {entry.username}",
                    [(column, None, value) for column, value in new.items() if value],
                )
            )
            return
        current = {
            "氏名": f"{existing.last_name} {existing.first_name}".strip(),
            "メールアドレス": existing.email,
            "役割": sorted(g.name for g in existing.groups.all() if g.name in ROLES),
            "担当課": sorted(str(s) for s in self._current_sections(existing)),
        }
        fields = [
            (column, current[column], value)
            for column, value in new.items()
            if value is not None and value != current[column]
        ]
        if not fields:
            summary.unchanged += 1
            return
        summary.updated += 1
        self.account_writes.append(entry)
        self.changes.append(
            Change(row.sheet, row.number, "update", f"アカウント {entry.username}", fields)
        )

    @property
    def new_accounts(self):
        known = self.accounts
        return [entry for entry in self.account_writes if entry.username not in known]


def _username(value):
    User = get_user_model()
    text = User.normalize_username(V.normalize(value))
    try:
        User.username_validator(text)
    except ValidationError as exc:
        raise V.CellError(
            f"「{text}」はユーザー名に使えません。英数字と @ . + - _ で入力してください。"
        ) from exc
    limit = User._meta.get_field("username").max_length
    if len(text) > limit:
        raise V.CellError(f"ユーザー名は{limit}文字以内にしてください。")
    return text


def _email(value):
    text = V.normalize(value)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError as exc:
        raise V.CellError(f"「{text}」はメールアドレスとして読めません。") from exc
    return text


def _roles(value):
    roles = [V.normalize(part) for part in V.split_list(value)]
    unknown = [role for role in roles if role not in ROLES]
    if unknown or not roles:
        raise V.CellError(
            f"役割は {'、'.join(ROLES)} のいずれかで入力してください"
            "（スーパーユーザーは取込では作れません）。"
        )
    return list(dict.fromkeys(roles))
