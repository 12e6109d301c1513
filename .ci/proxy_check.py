"""Checks the production layout that .ci/proxy-layout starts, from outside.

nginx terminates TLS on --https-port and redirects --http-port; gunicorn listens
on --app-port; TRUSTED_PROXIES=127.0.0.1 (nginx). Clients connect from other
loopback addresses (127.0.0.5, 127.0.0.6) so that the address nginx sees differs
from nginx's own. Prints one line per check; exits 1 at the first failure.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import socket
import ssl
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HOST = "localhost"
CLIENT_A = "127.0.0.5"
CLIENT_B = "127.0.0.6"
PASSWORD = "proxy-check-pass-4821"


class LoopbackHTTPS(http.client.HTTPSConnection):
    """Dials 127.0.0.1 and verifies the certificate for localhost."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=HOST)


class Client:
    """One browser: its own source address, cookies kept between requests."""

    def __init__(self, port, source, context=None):
        self.port, self.source, self.context = port, source, context
        self.cookies = {}

    def request(self, method, path, headers=None, body=None):
        if self.context:
            connection = LoopbackHTTPS(
                HOST, self.port, context=self.context, source_address=(self.source, 0), timeout=30
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, source_address=(self.source, 0), timeout=30
            )
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, data


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}")
        sys.exit(1)
    print(f"ok: {message}")


def login(client, https_port, spoofed_for):
    """GET the form (CSRF cookie and token), then POST the password; returns the answer."""
    _, page = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    origin = f"https://{HOST}:{https_port}"
    return client.request(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + "/accounts/login/",
            "X-Forwarded-For": spoofed_for,
        },
        body=urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "proxy-check",
                **spoofed_password(spoofed_for),
            }
        ),
    )


def spoofed_password(spoofed_for):
    return {"password": PASSWORD if spoofed_for.endswith("correct") else "wrong-password"}


def main():
    parser = argparse.ArgumentParser()
    for name in ("--http-port", "--https-port", "--app-port"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--gunicorn-log", required=True)
    args = parser.parse_args()
    tls = ssl.create_default_context(cafile=args.ca)

    # HTTPS through nginx.
    browser = Client(args.https_port, CLIENT_A, tls)
    response, page = browser.request("GET", "/")
    check(
        response.status == 200,
        "https://localhost/ answers 200 through nginx (certificate verified)",
    )
    check(
        response.headers["Strict-Transport-Security"].startswith("max-age="),
        "HSTS is sent over HTTPS",
    )
    check("script-src 'self'" in response.headers["Content-Security-Policy"], "CSP is sent")
    request_id = response.headers.get("X-Request-ID", "")
    check(re.fullmatch(r"[0-9a-f]{32}", request_id) is not None, "nginx's request id comes back")

    # HTTP only redirects.
    response, _ = Client(args.http_port, CLIENT_A).request("GET", "/plans/?x=1")
    check(
        response.status == 301
        and response.headers["Location"] == f"https://{HOST}:{args.https_port}/plans/?x=1",
        "http:// redirects to the same address on https://",
    )

    # Static files: compressed, cached for a year, the bytes collectstatic wrote.
    for pattern in (
        rb"/static/css/site\.[0-9a-f]{12}\.css",
        rb"/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]{12}\.js",
    ):
        match = re.search(pattern, page)
        check(match is not None, f"the dashboard links {pattern.decode()}")
        path = match.group(0).decode()
        response, body = browser.request("GET", path, headers={"Accept-Encoding": "gzip"})
        cache = response.headers.get("Cache-Control", "")
        check(
            response.status == 200 and response.headers.get("Content-Encoding") == "gzip",
            f"{path} is served gzip-compressed ({len(body):,} bytes)",
        )
        check(
            "max-age=315360000" in cache and "immutable" in cache,
            f"{path} is cached far ahead ({cache})",
        )
        original = (Path(args.static_root) / path.removeprefix("/static/")).read_bytes()
        check(gzip.decompress(body) == original, f"{path} unpacks to the collected file")

    # The health check, through nginx, with no secrets in it.
    response, body = browser.request("GET", "/health/?format=json")
    check(response.status == 200 and set(json.loads(body).values()) == {"OK"}, "/health/ is OK")
    check(os.environ["SECRET_KEY"].encode() not in body, "/health/ shows no secret")

    # Proxy headers are believed only from the proxy: straight to gunicorn from
    # another address, X-Forwarded-Proto: https changes nothing.
    direct = Client(args.app_port, CLIENT_A)
    response, _ = direct.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
    check(
        response.status == 301 and response.headers["Location"].startswith("https://"),
        "a client's own X-Forwarded-Proto is not believed (gunicorn, from 127.0.0.5)",
    )

    # django-axes counts failures against the address nginx saw, whatever the
    # client writes in X-Forwarded-For.
    attacker = Client(args.https_port, CLIENT_A, tls)
    for n in range(2):
        response, _ = login(attacker, args.https_port, f"203.0.113.{n + 1}")
        check(
            response.status == 200,
            f"failed login {n + 1} from 127.0.0.5 claiming 203.0.113.{n + 1}",
        )
    response, body = login(attacker, args.https_port, "203.0.113.3")
    check(response.status == 429, "the third failure locks 127.0.0.5 out (AXES_FAILURE_LIMIT=3)")
    response, body = login(attacker, args.https_port, "198.51.100.7, correct")
    check(
        response.status == 429 and "ログインを一時的に制限しています" in body.decode(),
        "127.0.0.5 stays locked out however it spoofs X-Forwarded-For, even with the right password",
    )
    colleague = Client(args.https_port, CLIENT_B, tls)
    response, _ = login(colleague, args.https_port, "correct")
    check(
        response.status == 302 and response.headers["Location"] == "/staff/",
        "another computer (127.0.0.6) behind the same proxy still signs in",
    )
    # A signed-in page is kept out of every cache, nginx's and the browser's included.
    for path in ("/", "/staff/progress/"):
        response, _ = colleague.request("GET", path)
        cache_control = response.headers.get("Cache-Control", "")
        check(
            response.status == 200
            and {"private", "no-store"} <= {d.strip() for d in cache_control.split(",")},
            f"signed-in {path} says Cache-Control: private, no-store ({cache_control!r})",
        )
    response, _ = Client(args.https_port, CLIENT_B, tls).request("GET", "/")
    check(
        "no-store" not in response.headers.get("Cache-Control", ""),
        "the public dashboard stays cacheable for residents",
    )

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    django.setup()
    from axes.models import AccessAttempt

    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    check(addresses == {CLIENT_A}, f"axes recorded the real address only ({sorted(addresses)})")

    # Logs: JSON lines on stderr, with the request id, without names or addresses.
    response, _ = browser.request("GET", "/no-such-page/")
    missing_id = response.headers["X-Request-ID"]
    check(response.status == 404, "a missing page is 404")
    log = Path(args.gunicorn_log).read_text()
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    check(len(records) > 0, f"gunicorn's stderr is {len(records)} JSON lines")
    check(
        any(
            r.get("request_id") == missing_id and "/no-such-page/" in r["message"] for r in records
        ),
        "the 404's log line carries nginx's request id",
    )
    check(
        any(r["message"].startswith("AXES: Locking out client-") for r in records),
        "the lockout is logged",
    )
    for secret in ("proxy-check", CLIENT_A, CLIENT_B, "203.0.113.", PASSWORD, "wrong-password"):
        check(secret not in log, f"the log does not contain {secret!r}")


if __name__ == "__main__":
    main()
