"""The admin takes no uploads: 担当課 and ワーキンググループ come in through /imports/ only.

The admin's import pages (django-import-export) read a file with none of the
checks of /imports/ (a zip bomb grew a worker to 589 MB). They are gone; the
hostile files that reached them are refused without a row written.
"""

import functools
import io
import zipfile

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from import_export.admin import ImportMixin
from openpyxl import Workbook

from plans.models import Section, WorkingGroup

pytestmark = pytest.mark.django_db


@functools.cache
def zip_bomb():
    """A .xlsx-shaped zip whose sheet inflates from ~100 KB to 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * 100_000_000 + b"</x>")
    return buffer.getvalue()


@functools.cache
def oversized_csv():
    row = "担当課" + "あ" * 40 + ",係\n"
    return ("name,unit\n" + row * (11 * 1024 * 1024 // len(row.encode()) + 1)).encode()


@functools.cache
def oversized_sheet():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("担当課")
    sheet.append(["name", "unit"])
    for number in range(50_100):
        sheet.append([f"課{number}", "係"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HOSTILE_FILES = {
    "zip_bomb.xlsx": zip_bomb,
    "oversized.csv": oversized_csv,
    "oversized_sheet.xlsx": oversized_sheet,
}


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="root-pass-x9")


def test_no_admin_page_imports():
    importing = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ImportMixin)
    ]
    assert importing == []
    for name in ("plans_section", "plans_workinggroup"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{name}_import")


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
@pytest.mark.parametrize("model", ["section", "workinggroup"])
def test_a_hostile_file_posted_to_the_old_admin_import_writes_nothing(client, root, name, model):
    client.force_login(root)
    upload = SimpleUploadedFile(name, HOSTILE_FILES[name]())
    response = client.post(
        f"/admin/plans/{model}/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert response.status_code in (302, 404)
    assert not Section.objects.exists() and not WorkingGroup.objects.exists()


EXPECTED_REFUSALS = {
    "zip_bomb.xlsx": "zip 爆弾",
    "oversized.csv": "ファイルが大きすぎます",
    "oversized_sheet.xlsx": "行数が多すぎます",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_the_one_upload_path_refuses_each_hostile_file(client, root, name):
    client.force_login(root)
    upload = SimpleUploadedFile(name, HOSTILE_FILES[name]())
    response = client.post(reverse("imports:upload"), {"file": upload})
    if response.status_code == 302:  # stored; the dry run (a task) refuses it
        response = client.get(response["Location"])
    assert response.status_code in (200, 400)
    assert EXPECTED_REFUSALS[name] in response.content.decode()
    assert not Section.objects.exists() and not WorkingGroup.objects.exists()
