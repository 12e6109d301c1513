"""The first sign-in of an account made by an import: set a password of one's own first.

An account the 職員 sheet created carries a one-time initial password and
StaffProfile.must_change_password. Signing in with it marks the session; the
middleware then sends every page to the password change until the user has
set a new password, which clears the mark (actions.services.accounts).
"""

from django.conf import settings
from django.contrib.auth.views import PasswordChangeDoneView, PasswordChangeView
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy

from actions.services import accounts

SESSION_KEY = "must_change_password"
# Pages a user who must change the password may still open.
ALLOWED_URL_NAMES = ("password_change", "logout")


def mark_session(sender, request, user, **kwargs):
    """user_logged_in receiver: remember in the session that the password must change."""
    if accounts.must_change_password(user):
        request.session[SESSION_KEY] = True


class FirstPasswordMiddleware:
    """Until a new password is set, every page leads to the password change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a session that has signed in can carry the mark: others are not slowed.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(SESSION_KEY):
            allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("password_change")
        return self.get_response(request)


class FirstPasswordChangeView(PasswordChangeView):
    """Django's own password change (the old password is asked), in the site's layout."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_login"] = bool(self.request.session.get(SESSION_KEY))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(self.request.user)
        self.request.session.pop(SESSION_KEY, None)
        return response


class PasswordDoneView(PasswordChangeDoneView):
    template_name = "registration/password_change_finished.html"
