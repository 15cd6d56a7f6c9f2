from django.contrib import admin

from doudi.referrals.models import Referral, ReferralTimeLimit


@admin.register(ReferralTimeLimit)
class ReferralTimeLimitAdmin(admin.ModelAdmin):
    """Administrators set each department's answer limit; without a row it is 10 working days.
    A changed limit applies to referrals made afterwards."""

    list_display = ("department", "working_days", "note", "updated_at")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change only through the services, which audit every step."""

    list_display = ("public_id", "department", "need", "status", "county_code", "created_at")
    list_filter = ("department", "status", "origin")
    search_fields = ("public_id", "village_code")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
