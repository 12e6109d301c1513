"""The NinjaAPI of /api/v1/: its documentation page, error bodies and rate limit."""

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer

from reports.api.endpoints import router
from reports.api.throttling import ClientRateThrottle

DESCRIPTION = """\
この団体のDX推進計画の公表済みのデータ（計画、重点施策区分、取組、指標、年度ごとの達成状況と達成度、年表）を
JSON で返す、読み取り専用の API です。

- **公表済みの年度だけ**を返します。公表されていない年度の達成状況・指標の実績・達成度は、どの問い合わせにも含まれず、年度を指定すると 404 です。
- 達成度はダッシュボード・オープンデータ（CSV・JSON）と同じ計算（`reports/achievement.py`）の結果です。
- 一覧は `limit`（1～500、既定 100）と `offset` で区切り、`count` に全体の件数を示します。
- 応答には `ETag` と `Last-Modified` が付きます。`If-None-Match` か `If-Modified-Since` を付けて問い合わせると、データが変わっていなければ本文なしの 304 を返します。
- 問い合わせの数は接続元ごとに制限しています。超えると 429 と `Retry-After`（秒）を返します。
- どのオリジンからも GET で読めます（`Access-Control-Allow-Origin: *`、資格情報なし）。
- 団体ごとのホスト名で、その団体のデータだけを返します。
- ライセンス: 団体のオープンデータの利用条件（既定は CC BY 4.0）。出典は各団体のオープンデータのページの表記のとおりです。
"""


class PublishedDataAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        """An operation's answer carries the ETag and Last-Modified that ``conditional`` made,
        and is kept under that tag for the next reader."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        stamp = getattr(request, "api_stamp", None)
        if stamp is not None and response.status_code == 200:
            stamp.apply(response)
            stamp.keep(response)
        return response


class Utf8Renderer(JSONRenderer):
    """Japanese as UTF-8 characters, not \\u escapes: the open-data JSON reads the same way."""

    json_dumps_params = {"ensure_ascii": False}


class DocsPage(Swagger):
    """Swagger UI from the installed package's static files (no CDN), in this site's frame."""

    template = "reports/api_docs.html"


api = PublishedDataAPI(
    title="DX推進計画 オープンデータ API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-1",
    docs=DocsPage(
        settings={
            # Links inside the operations' buttons would nest one control in another.
            "deepLinking": False,
            # Swagger UI would send the schema to validator.swagger.io for its badge.
            "validatorUrl": None,
            # The API reads only: no 「Try it out」 that sends requests from the page.
            "supportedSubmitMethods": [],
            "defaultModelsExpandDepth": 0,
            # Its colour theme for examples falls short of 4.5:1 contrast; plain text does not.
            "syntaxHighlight": {"activated": False},
        }
    ),
    throttle=[ClientRateThrottle()],
    renderer=Utf8Renderer(),
    openapi_extra={
        "info": {
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
        }
    },
)
api.add_router("/", router)


@api.exception_handler(Http404)
def not_found(request, exc):
    message = str(exc) or "見つかりません。"
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(Throttled)
def throttled(request, exc):
    return api.create_response(
        request,
        {
            "detail": "問い合わせが多すぎます。Retry-After の秒数の後に、もう一度問い合わせてください。"
        },
        status=429,
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request,
        {"detail": "指定された値が正しくありません。", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
