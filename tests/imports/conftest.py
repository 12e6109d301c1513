"""Shared helpers for the import/export tests: users per role and workbook builders."""

import io

import pytest
from django.contrib.auth.models import Group, User
from openpyxl import Workbook

from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import read_upload
from actions.permissions import ADMIN_GROUP, MANAGER_GROUP, STAFF_GROUP
from plans.models import Section


def _user(username, group=None):
    user = User.objects.create_user(username=username, password="x")
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def admin_user(db):
    return _user("kanri", ADMIN_GROUP)


@pytest.fixture
def manager_user(db):
    return _user("kacho", MANAGER_GROUP)


@pytest.fixture
def registered_section(db):
    """The one section the town registered by hand before its first import."""
    return Section.objects.create(name="企画課", unit="デジタル推進班")


@pytest.fixture
def staff_user(db):
    return _user("shokuin", STAFF_GROUP)


def xlsx_bytes(sheets):
    """{sheet name: [row, ...]} -> .xlsx bytes (rows are lists of cell values)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(data, *, user=None, dry_run=False, filename="test.xlsx", town=None):
    return WorkbookImport(read_upload(data, filename), user=user, town=town).run(dry_run=dry_run)


def messages_of(job):
    return [error.message for error in job.errors]


STATUS_HEADER = ["計画ID", "取組番号", "年度", "達成状況", "備考"]
