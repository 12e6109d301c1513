"""Signing in: an account signs in on its own town's site only."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from actions import permissions

OTHER_TOWN = (
    "このアカウントは、このサイトの団体のアカウントではありません。"
    "所属する団体のアドレスからログインしてください。"
)


class TownAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not permissions.belongs_to_town(user, getattr(self.request, "town", None)):
            raise ValidationError(OTHER_TOWN, code="other_town")
