from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from doudi.accounts.models import ApiToken, OrgUnit, Role, StaffProfile
from doudi.accounts.services import api_token_revoke
from doudi.core.audit import audit_event_record


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
