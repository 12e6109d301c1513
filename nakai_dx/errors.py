"""A 404 whose message is written for the reader, in the page's language.

Django's 404 handler gives the error page the exception's message string
itself, so the mark is on the string (ReaderMessage): the page shows it
(reports_tags.japanese_message) and drops the framework's own messages, which
are English and name models and resolvers. Any app may raise NotFound:

    raise NotFound(_("計画ID「%(slug)s」の計画は登録されていません。") % {"slug": slug})
"""

from django.http import Http404


class ReaderMessage(str):
    """A message written for the reader."""


class NotFound(Http404):
    """A 404 with a ReaderMessage."""

    def __init__(self, message):
        super().__init__(ReaderMessage(message))
