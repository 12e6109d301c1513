"""Requests no page can answer meaningfully are refused here, before any view.

A NUL byte in the path, a query parameter or a posted form field cannot be
stored or looked up (PostgreSQL refuses it in any text value, so a query
built from it is a server error). The request gets a 400 page in Japanese.
"""

from django.shortcuts import render

NUL = "\x00"


def _has_nul(query):
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def carries_nul(request):
    if NUL in request.path:
        return True
    if _has_nul(request.GET):
        return True
    # Form fields, not uploaded files (CsrfViewMiddleware parses the body here anyway).
    return request.method == "POST" and _has_nul(request.POST)


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return render(
                request,
                "400.html",
                {"message": "アドレスまたは入力に使えない文字（NUL）が含まれています。"},
                status=400,
            )
        return self.get_response(request)
