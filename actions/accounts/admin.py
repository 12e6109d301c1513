"""User admin with the sections (担当課) a staff member records for, edited inline."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from actions.models import StaffProfile
from plans.towns import TownScoped


class StaffProfileInline(TownScoped, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ("sections",)
    verbose_name = "所属担当課"
    verbose_name_plural = "所属担当課（職員が記録できる取組の担当課）"


class StaffUserAdmin(TownScoped, UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = (
        "username",
        "last_name",
        "first_name",
        "email",
        "roles",
        "is_active",
        "last_login",
    )
    # The address reminders (督促) of the evaluation round go to, asked for when adding too.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_filter = ("groups", "is_active", "is_superuser")

    @admin.display(description="役割")
    def roles(self, user):
        return "、".join(group.name for group in user.groups.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # 管理者 manage accounts and roles; only a superuser may grant or edit superuser power.
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ("is_superuser", "user_permissions")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


def register():
    User = get_user_model()
    if admin.site.is_registered(User):
        admin.site.unregister(User)
    admin.site.register(User, StaffUserAdmin)
