"""The pages this hardening changed, in Chromium at 1280 px and 375 px: readable, no sideways
scroll on a phone, axe clean (the sign-in error, the expired initial passwords, a stopped import)."""

import time

import pytest

from actions.imports import dead_jobs, initial_passwords
from actions.models import ImportJob
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe

PASSWORD = "security-browser-2026"
WIDTHS = (1280, 375)


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _sign_in(page, base_url, username="Sato"):
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_over_long_user_name_is_told_in_the_form(page, live_server, transactional_db, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate("document.querySelector('input[name=username]').removeAttribute('maxlength')")
    page.fill("input[name=username]", "a" * 256)
    page.fill("input[name=password]", "x")
    page.click("main button[type=submit]")
    assert page.get_by_text("ユーザー名は150文字以内で入力してください。").is_visible()
    page.screenshot(path=f"/tmp/sec-login-{width}.png", full_page=True)
    assert _fits(page)
    assert run_axe(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_expired_initial_passwords_and_a_stopped_import_say_so(
    page, live_server, transactional_db, width
):
    user = make_user("sato", "admin", password=PASSWORD)
    token = initial_passwords._fernet().encrypt_at_time(b"[]", int(time.time()) - 100_000)
    done = ImportJob.objects.create(
        user=user,
        filename="職員名簿.xlsx",
        digest="x",
        state=ImportJob.State.DONE,
        outcome={
            "summaries": [{"name": "職員", "created": 3, "updated": 0, "unchanged": 0}],
            "total_writes": 3,
            "new_sections": [],
            initial_passwords.KEY: token.decode(),
        },
    )
    stopped = ImportJob.objects.create(
        user=user,
        filename="達成状況.xlsx",
        digest="x",
        state=ImportJob.State.FAILED,
        failure=dead_jobs.STOPPED,
    )
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server.url)  # the account is "sato": any case signs in
    for job, text, name in (
        (done, "表示期限", "expired"),
        (stopped, "途中で止まりました", "stopped"),
    ):
        page.goto(f"{live_server.url}/imports/jobs/{job.pk}/")
        assert text in page.inner_text("main")
        page.screenshot(path=f"/tmp/sec-{name}-{width}.png", full_page=True)
        assert _fits(page)
        assert run_axe(page) == []
    page.watcher.assert_clean()
