"""Content-Security-Policy (django-csp) and Permissions-Policy (django-permissions-policy).

The policy forbids inline script, style elements, style attributes and event
handlers, so no page of the site may contain any: every page type is rendered
here, for every role, and its HTML searched for them.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.template import loader
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.actions.staff_users import make_user

pytestmark = pytest.mark.django_db


def _directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_page_carries_a_policy_without_inline_script(client, town_data):
    directives = _directives(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_styles_come_from_the_site_alone_save_an_empty_style_element(client, town_data):
    # sha256 of the empty string: plotly's own (empty) <style>, filled via the CSSOM.
    assert _directives(client.get("/"))["style-src"] == [
        "'self'",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ]


def test_no_device_feature_is_allowed(client, town_data):
    header = client.get("/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert f"{feature}=()" in header


def test_downloads_and_the_health_check_carry_the_headers_too(client, town_data):
    for path in ("/opendata/achievement.csv?plan=nakai-dx-1.0", "/health/"):
        response = client.get(path)
        assert "Content-Security-Policy" in response, path
        assert "Permissions-Policy" in response, path


class InlineFinder(HTMLParser):
    """Collects inline scripts, <style> elements, style attributes and on* handlers."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            data_only = attrs.get("type") == "application/json"
            self._in_script = None if ("src" in attrs or data_only) else []
        if tag == "a" and (attrs.get("href") or "").lower().startswith("javascript:"):
            self.found.append("<a href=javascript:…>")

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            if self._in_script is not None:
                self.found.append("<script>" + "".join(self._in_script)[:60])
            self._in_script = None


def _inline_parts(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><div style="x"></div><button onclick="y">b</button>'
        '<style>p{}</style><a href="javascript:z">a</a>'
        '<script src="/s.js"></script><script type="application/json">{"a": 1}</script>'
    )
    assert len(_inline_parts(html)) == 5


PUBLIC_PAGES = [
    "/",
    "/?plan=nakai-dx-2.0",
    "/plans/",
    "/plans/nakai-dx-1.0/",
    "/plans/nakai-dx-1.0/areas/2/?year=2025",
    "/plans/nakai-dx-1.0/items/1/",
    "/plans/nakai-dx-1.0/items/5/",
    "/timeline/",
    "/opendata/",
    "/accounts/login/",
    "/plans/no-such-plan/",
    "/health/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_inline_code(client, town_data, path):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code in (200, 404)
    assert _inline_parts(response.content.decode()) == []


STAFF_PAGES = [
    "/staff/",
    "/staff/items/",
    "/staff/years/",
    "/staff/history/",
    "/imports/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_staff_pages_have_no_inline_code(client, town_data, role):
    client.force_login(make_user(f"csp-{role}", role))
    for path in STAFF_PAGES:
        response = client.get(path, follow=True)
        assert response.status_code in (200, 403), path
        assert _inline_parts(response.content.decode()) == [], path


def _admin_pages():
    pages = ["admin:index", "admin:password_change"]
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add", "import", "export"):
            pages.append(f"admin:{meta.app_label}_{meta.model_name}_{view}")
    return pages


def test_every_admin_page_has_no_inline_code(client, town_data):
    superuser = User.objects.create_superuser("csp-root", "root@example.jp", "x")
    client.force_login(superuser)
    checked = 0
    for name in _admin_pages():
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = client.get(url)
        # Some models take no additions in the admin (the change history): 403.
        assert response.status_code in (200, 403), url
        assert _inline_parts(response.content.decode()) == [], url
        checked += response.status_code == 200
        if name.endswith("_changelist"):
            model = response.context["cl"].model
            first = model._default_manager.first()
            if first is not None:
                change = reverse(name.replace("_changelist", "_change"), args=[first.pk])
                response = client.get(change)
                assert response.status_code == 200, change
                assert _inline_parts(response.content.decode()) == [], change
                checked += 1
    assert checked > 30


def test_the_error_pages_have_no_inline_code(rf: RequestFactory):
    for name in ("403.html", "404.html", "500.html", "registration/locked_out.html"):
        html = loader.get_template(name).render({"request": rf.get("/")})
        assert _inline_parts(html) == [], name


def test_the_error_page_styles_come_from_a_static_file(rf: RequestFactory, settings):
    html = loader.get_template("500.html").render({})
    assert '<link rel="stylesheet" href="/static/css/error.css">' in html
    assert (settings.BASE_DIR / "static" / "css" / "error.css").is_file()


def test_the_favicon_address_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
