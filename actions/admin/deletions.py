"""Deleting in the Django admin never removes evaluation data unrecorded.

An admin that mixes RecordedDeletion in deletes through a service of
actions.services, which writes a history row for every status and KPI actual
that goes with the object, or refuses. Its refusals are shown on Django's own
confirmation page (as "protected" objects), before anything is deleted.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import AuditEntry


def with_refusals(result, refusals, recorded_models=()):
    """get_deleted_objects' answer with our refusals as the reasons shown.

    The rows of ``recorded_models`` are the service's to delete (recorded), so
    their own admins' delete permission (none, for a status) does not apply.
    When there are refusals, they are the whole answer: Django's page shows
    "protected" objects only when no permission is missing.
    """
    deleted, counts, perms_needed, protected = result
    perms_needed = set(perms_needed) - {str(m._meta.verbose_name) for m in recorded_models}
    if refusals:
        return deleted, counts, set(), refusals
    return deleted, counts, perms_needed, protected


class RecordedDeletion:
    recorded_models = ()

    def deletion_refusals(self, objs):
        """Messages saying why these objects may not be deleted (none: they may)."""
        return []

    def delete_recorded(self, objs, user):
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        result = super().get_deleted_objects(objs, request)
        return with_refusals(result, self.deletion_refusals(list(objs)), self.recorded_models)

    def delete_model(self, request, obj):
        self._delete(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete(request, list(queryset))

    def _delete(self, request, objs):
        try:
            with transaction.atomic():
                self.delete_recorded(objs, request.user)
        except ValidationError as error:  # a year was locked since the confirmation page
            for message in error.messages:
                messages.error(request, message)


def refusal_messages(check, objs):
    try:
        check(objs)
    except ValidationError as error:
        return error.messages
    return []


def history_refusal(model_label, objs, field):
    """A section that history rows name is kept (PROTECT); say so in one line, not per row."""
    count = AuditEntry.objects.filter(**{f"{field}__in": objs}).count()
    if not count:
        return []
    return [
        f"変更履歴 {count:,} 件がこの{model_label}を記録しているため削除できません"
        "（履歴は記録時の内容のまま残します）。名称の変更はできます。"
    ]
