"""A user signed in through the login page, in a browser context of their own."""

from tests.browser.conftest import PageWatcher


class Person:
    """One user signed in on the live server (on ``host`` where given: a town's host name)."""

    def __init__(self, browser, live_server, user, password, host=None):
        self.url = live_server.url
        if host:
            port = live_server.url.rsplit(":", 1)[1]
            self.url = f"http://{host}:{port}"
        self.context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.watcher = PageWatcher(self.page, self.url)
        page = self.page
        page.goto(self.url + "/accounts/login/")
        page.get_by_label("ユーザー名").fill(user.username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()

    def go(self, path):
        self.page.goto(self.url + path)

    def message(self):
        return self.page.locator(".messages").inner_text()

    def took_refusal(self):
        """The browser logs the 400 of a refused form as an error: that one was expected."""
        refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
        assert self.watcher.js_errors == [refused]
        self.watcher.js_errors.clear()

    def close(self):
        self.watcher.assert_clean()
        self.context.close()
