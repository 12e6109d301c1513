"""Which town a request belongs to: the one place that decides it.

A deployment that serves one town serves it on every host name, exactly as
before towns were data. A deployment of several towns finds each request's
town from its host name (TownHost); a host that names no town is answered with
the list of the deployment's towns. Everything else asks ``request.town``:
querysets through ``Model.objects.for_town(town)``, permissions through
actions.permissions.belongs_to_town.
"""

import contextvars
from contextlib import contextmanager

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, get_model_from_relation
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

# Whether the deployment serves one town, as read once for the request in progress.
_single = contextvars.ContextVar("single_town", default=None)


def _first_two_towns():
    """At most two towns, in one query: enough to tell one town from several."""
    from plans.models import Town

    return list(Town.objects.all()[:2])


def find_town(host):
    """(town, single): the town a host name is for, and whether the deployment has one town.

    One query on a deployment of one town (it serves every host); two with several
    (the host's town). None: no town yet, or a host that names none.
    """
    from plans.models import TownHost

    first_two = _first_two_towns()
    if len(first_two) < 2:
        return (first_two[0] if first_two else None), True
    found = TownHost.objects.select_related("town").filter(host=host.lower()).first()
    return (found.town if found else None), False


def host_name(request):
    return split_domain_port(request.get_host())[0]


def the_only_town():
    """The deployment's town when it has exactly one, else None."""
    first_two = _first_two_towns()
    return first_two[0] if len(first_two) == 1 else None


def is_single_town():
    """Whether the deployment serves one town (read once per request by TownMiddleware)."""
    single = _single.get()
    return len(_first_two_towns()) < 2 if single is None else single


@contextmanager
def serving(town_is_single):
    token = _single.set(town_is_single)
    try:
        yield
    finally:
        _single.reset(token)


class TownMiddleware:
    """Sets ``request.town``; a signed-in account of another town is a reader without a session here.

    On a deployment of several towns, a host that names none of them gets the
    list of towns (404) instead of any town's pages; the admin, the health check
    and static files are the deployment's and answer on every host.
    """

    SHARED_PREFIXES = ("/admin/", "/health/", "/static/", "/favicon.ico", "/towns/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from actions import permissions

        if request.path_info.startswith("/health/"):
            # The health check reports a broken database: it must not need one to start.
            request.town = None
            return self.get_response(request)
        from plans import versions
        from plans.models import Town

        # Found already by the public page cache (reports.cache) in this request, or here.
        found = getattr(request, "found_town", None) or find_town(host_name(request))
        request.town, single = found
        versions.serve_town(request.town)  # the versions read are the town's own
        with serving(single):
            if single:
                return self.get_response(request)
            if request.town is None and not request.path_info.startswith(self.SHARED_PREFIXES):
                towns = Town.objects.prefetch_related("hosts")
                return render(request, "plans/unknown_town.html", {"towns": towns}, status=404)
            user = request.user
            request.user = SimpleLazyObject(
                lambda: user if permissions.belongs_to_town(user, request.town) else AnonymousUser()
            )
            return self.get_response(request)


SITE_TITLE = "DX推進計画 進捗ダッシュボード"


def site_title(town):
    return town.site_title if town else SITE_TITLE


def town_context(request):
    """``town`` in every template: the name, office and licence that pages and mails show.

    ``town_name`` and ``town_office`` are as the page's language writes them.
    """
    town = getattr(request, "town", None)
    return {
        "town": town,
        "site_title": site_title(town),
        "town_name": town.display_name if town else "",
        "town_office": town.display_office if town else "",
    }


def add_town_argument(parser):
    parser.add_argument(
        "--town",
        metavar="CODE",
        help="団体の全国地方公共団体コード（6桁）。団体が1つだけのときは省略できます。",
    )


def town_from_option(code):
    """The town a command works on: ``--town CODE``, or the deployment's only town.

    Raises CommandError with a Japanese message for an unknown code, or for a
    missing one on a deployment of several towns.
    """
    from django.core.management.base import CommandError

    from plans.models import Town

    towns = list(Town.objects.all())
    if code:
        town = next((town for town in towns if town.code == code.strip()), None)
        if town is None:
            raise CommandError(
                f"団体コード「{code}」の団体は登録されていません。登録済み: {_listing(towns)}"
            )
        return town
    if len(towns) == 1:
        return towns[0]
    if not towns:
        raise CommandError(
            "団体が登録されていません。manage.py add_town で団体を追加するか、"
            "manage.py load_town_data で町のデータを読み込んでください。"
        )
    raise CommandError(
        "団体が複数登録されているため、--town で団体コードを指定してください。登録済み: "
        + _listing(towns)
    )


def _listing(towns):
    return "、".join(f"{t.code}（{t.name}）" for t in towns) or "（登録なし）"


def town_path(model):
    """The lookup from a model to its town ("town", "plan__town" …), or None for shared data.

    Models belong to a town directly or through their plan, item or KPI; the
    national plan's items are shared by every town.
    """
    from django.contrib.auth import get_user_model

    from plans.models import Town

    if model is Town:
        return "pk"
    if model is get_user_model():
        return "staff_profile__town"
    # Only the model's own relations: a reverse one (auth.Group's members, "user") does
    # not make a shared row a town's.
    names = {f.name for f in model._meta.get_fields() if f.concrete or not f.auto_created}
    for name, path in (
        ("town", "town"),
        ("plan", "plan__town"),
        ("item", "item__plan__town"),
        ("kpi", "kpi__item__plan__town"),
        ("user", "user__staff_profile__town"),
    ):
        if name in names:
            return path
    return None


def admin_town(request):
    """The town whose rows the admin shows this request; None: every row.

    None for the deployment operator (a superuser) and on a deployment of one town.
    """
    if request.user.is_superuser or is_single_town():
        return None
    return request.town


def in_admin_town(queryset, request):
    """``queryset`` narrowed to the rows of the request's admin town (admin_town)."""
    town = admin_town(request)
    path = town_path(queryset.model)
    if town is None or path is None:
        return queryset
    return queryset.filter(**{path: town.pk})


class TownRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter of a related field offering only the admin town's rows."""

    def field_choices(self, field, request, model_admin):
        town = admin_town(request)
        path = town_path(get_model_from_relation(field))
        if town is None or path is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = Q(**{path: town.pk})
        own = field.get_limit_choices_to() if hasattr(field, "get_limit_choices_to") else None
        if own:
            limit &= own if isinstance(own, Q) else Q(**own)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


def town_list_filter(model, entry):
    """A ``list_filter`` entry of ``model`` whose related rows are those of the admin town."""
    if isinstance(entry, (list, tuple)):
        path, filter_class = entry
        if filter_class is admin.RelatedFieldListFilter:
            return (path, TownRelatedFieldListFilter)
        return entry
    if not isinstance(entry, str):
        return entry  # a SimpleListFilter: its own lookups
    field = get_fields_from_path(model, entry)[-1]
    if field.is_relation and town_path(get_model_from_relation(field)):
        return (entry, TownRelatedFieldListFilter)
    return entry


class TownScoped:
    """A town's admin sees and chooses only its own town's rows; the operator (superuser) all.

    Mixed into every ModelAdmin and inline of a town-owned model: the rows listed,
    the choices of every foreign key and many-to-many field and of every related list
    filter, and the town of a new row come from the request's town (plans.towns).
    """

    def admin_town(self, request):
        """The town whose rows this admin sees; None: every row (the operator, or one town)."""
        return admin_town(request)

    def _in_town(self, queryset, request):
        return in_admin_town(queryset, request)

    def get_queryset(self, request):
        return self._in_town(super().get_queryset(request), request)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if self.admin_town(request) is None:
            return filters
        return [town_list_filter(self.model, entry) for entry in filters]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "town" and request.town is not None:
            kwargs.setdefault("initial", request.town.pk)
        if town_path(db_field.related_model):
            base = kwargs.get("queryset") or db_field.related_model._default_manager.all()
            kwargs["queryset"] = self._in_town(base, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if town_path(db_field.related_model):
            base = kwargs.get("queryset") or db_field.related_model._default_manager.all()
            kwargs["queryset"] = self._in_town(base, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_exclude(self, request, obj=None):
        exclude = super().get_exclude(request, obj)
        has_town = any(f.name == "town" for f in self.model._meta.get_fields())
        if has_town and self.admin_town(request) is not None:
            return (*(exclude or ()), "town")  # a town's admin writes only its own town's rows
        return exclude

    def save_model(self, request, obj, form, change):
        _give_town(obj, request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            _give_town(inline_form.instance, request)
        super().save_formset(request, form, formset, change)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.town is not None:
            initial.setdefault("town", request.town.pk)
        return initial


class TownAdminSite(admin.AdminSite):
    """The admin site (nakai_dx.apps.AdminConfig): its 「サイトで表示」 shortcut
    (/admin/r/<content type>/<id>/) opens only rows of the admin town (admin_town)."""

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                view = self.admin_view(self.town_shortcut)
                view.admin_site = self  # as the admin's own views are marked
                urls[index] = path(str(pattern.pattern), view, name="view_on_site")
        return urls

    def town_shortcut(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut
        from django.core.exceptions import ObjectDoesNotExist, ValidationError
        from django.http import Http404

        # Looked up here for the operator too: a malformed id of a UUID key is a 404.
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            rows = model._default_manager.filter(pk=object_id) if model else None
            found = rows is None or in_admin_town(rows, request).exists()
        except (ObjectDoesNotExist, ValueError, ValidationError):
            found = False
        if not found:
            raise Http404("指定されたデータは見つかりません。")
        return shortcut(request, content_type_id, object_id)


def _give_town(obj, request):
    if hasattr(obj, "town_id") and obj.town_id is None and request.town is not None:
        obj.town = request.town
