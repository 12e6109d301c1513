"""Signing in and out: user names in any case, no 500 from a hostile form, same-site ``next``.

- A user name is found whatever its case (Tanaka = tanaka), as the 職員 sheet
  treats it; an account spelt exactly so wins when old accounts differ only by
  case. django-axes counts failures under the name in lower case, so changing
  the case of a name does not buy more tries.
- Django's login forms set the user name's length only on the widget, so an
  over-long name reached authenticate() and django-axes, whose record of the
  failure (255 characters) PostgreSQL refused: a 500. Here it is a form error.
- ``next`` is followed only when it is a path of this site (nakai_dx.redirects).
"""

from functools import lru_cache

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.db import connections, router

from actions import permissions
from actions.services.accounts import accounts_named, username_key
from nakai_dx.redirects import is_same_site_path


def _username_limit():
    User = get_user_model()
    return User._meta.get_field(User.USERNAME_FIELD).max_length


def axes_username(request, credentials=None):
    """The name django-axes counts failures under (AXES_USERNAME_CALLABLE): case-free, bounded."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    if not isinstance(username, str):
        return username
    return username_key(username)[: _username_limit()]


class CaseInsensitiveModelBackend(ModelBackend):
    """Django's ModelBackend, finding the account whatever the case of the name typed."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = accounts_named([username]).get(username)
        if user is None:
            User().set_password(password)  # the same time as a wrong password (as Django does)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in account of a request, read with one plain SQL query (asked on
        every signed-in request, where building the ORM query costs more than running it)."""
        User = get_user_model()
        alias = router.db_for_read(User)
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[alias]
        names, sql, converters = _user_query(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (expression, field_converters) in zip(row, converters, strict=True):
            for converter in field_converters:
                value = converter(value, expression, connection)
            values.append(value)
        user = User.from_db(alias, names, values)
        return user if self.user_can_authenticate(user) else None


@lru_cache
def _user_query(alias):
    """The account's columns, the SQL that reads them by key, and each column's converters
    (what the ORM applies to a value read: SQLite's datetimes and booleans)."""
    User = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} "
        f"FROM {quote(User._meta.db_table)} WHERE {quote(User._meta.pk.column)} = %s"
    )
    converters = []
    for field in fields:
        expression = field.get_col(User._meta.db_table)
        converters.append(
            (
                expression,
                connection.ops.get_db_converters(expression) + field.get_db_converters(connection),
            )
        )
    return [field.attname for field in fields], sql, converters


class _BoundedUsername:
    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = _username_limit()
        if len(username) > limit:
            raise ValidationError(
                f"ユーザー名は{limit}文字以内で入力してください。", code="max_length"
            )
        return username


OTHER_TOWN = (
    "このアカウントは、このサイトの団体のアカウントではありません。"
    "所属する団体のアドレスからログインしてください。"
)


class _OwnTown:
    """An account signs in on its own town's site only (the operator on every one)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not permissions.belongs_to_town(user, getattr(self.request, "town", None)):
            raise ValidationError(OTHER_TOWN, code="other_town")


class SignInForm(_BoundedUsername, _OwnTown, AuthenticationForm):
    pass


class AdminSignInForm(_BoundedUsername, _OwnTown, AdminAuthenticationForm):
    pass


class _SameSiteNext:
    def get_redirect_url(self):
        name = self.redirect_field_name
        target = self.request.POST.get(name, self.request.GET.get(name))
        return target if is_same_site_path(target, self.request) else ""


class SignInView(_SameSiteNext, LoginView):
    form_class = SignInForm


class SignOutView(_SameSiteNext, LogoutView):
    pass
