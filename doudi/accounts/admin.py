from __future__ import annotations

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.urls import reverse

from doudi.accounts.lockout import login_lockout_release
from doudi.accounts.models import ApiToken, OrgUnit, Role, StaffProfile
from doudi.accounts.services import api_token_revoke
from doudi.accounts.two_factor import two_factor_reset
from doudi.core.audit import audit_event_record


def _login_through_staff_login(request, extra_context=None):  # type: ignore[no-untyped-def]
    """The admin site's login is the staff login (password, lock-out, second factor), not a
    page of its own that would skip the second factor."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    return redirect_to_login(next_url, settings.LOGIN_URL)


admin.site.login = _login_through_staff_login  # type: ignore[method-assign]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "division", "level", "is_verification_centre"]
    list_filter = ["level", "is_verification_centre"]
    search_fields = ["name", "division__code", "division__name"]
    raw_id_fields = ["division"]


class StaffProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = StaffProfile
        fields = ["user", "org_unit", "display_name", "roles"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ["display_name", "user", "org_unit", "role_labels"]
    list_filter = ["org_unit__level"]
    search_fields = ["display_name", "user__username", "org_unit__name"]
    raw_id_fields = ["user", "org_unit"]

    actions = ["unlock_login", "reset_two_factor"]

    @admin.action(description="解除所选人员的登录锁定")
    def unlock_login(self, request, queryset):  # type: ignore[no-untyped-def]
        for profile in queryset.select_related("user"):
            login_lockout_release(actor=request.user, username=profile.user.get_username())
        messages.success(request, "已解除所选人员的登录锁定")

    @admin.action(description="重置所选人员的双因素认证（手机丢失或更换时）")
    def reset_two_factor(self, request, queryset):  # type: ignore[no-untyped-def]
        for profile in queryset.select_related("user"):
            two_factor_reset(actor=request.user, user=profile.user)
        messages.success(request, "已重置所选人员的双因素认证：其下次登录时重新绑定身份验证器")

    @admin.display(description="角色")
    def role_labels(self, profile: StaffProfile) -> str:
        return "、".join(Role(role).label for role in profile.roles)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_event_record(
                actor=request.user,
                action="staff.changed" if change else "staff.created",
                obj=obj,
                region_code=obj.org_unit.division_id,
                parameters={"roles": list(obj.roles), "org_unit": obj.org_unit.name},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are issued with `doudi token create`, which shows the token once

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):  # type: ignore[no-untyped-def]
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
        messages.success(request, "已吊销所选令牌")


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed logins still counting (django-axes). Unlocking goes through the audited action;
    rows are never deleted by hand."""

    actions = ["unlock"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description="解除所选记录的登录锁定（账号及地址）")
    def unlock(self, request, queryset):  # type: ignore[no-untyped-def]
        for attempt in list(queryset):
            login_lockout_release(
                actor=request.user, username=attempt.username, ip_address=attempt.ip_address
            )
        messages.success(request, "已解除所选记录的登录锁定")


admin.site.register(AccessLog, AccessLogAdmin)
admin.site.register(AccessFailureLog, AccessFailureLogAdmin)
