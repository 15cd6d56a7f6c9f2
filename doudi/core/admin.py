from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from doudi.core.calendar import (
    MAX_YEAR,
    MIN_YEAR,
    holiday_schedule_days_problems,
    holiday_schedule_load,
    holiday_schedule_missing_years,
)
from doudi.core.exceptions import ApplicationError
from doudi.core.models import AuditEvent, Deadline, Division, HolidaySchedule, HolidayScheduleDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by staff with the view permission; nothing can be added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "is_management_region", "is_synthetic"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "object_type", "object_id", "region_code", "actor"]
    list_filter = ["action"]
    search_fields = ["object_id", "region_code", "action"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor"]
    show_full_result_count = False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = [
        "object_type",
        "object_id",
        "kind",
        "region_code",
        "start_date",
        "working_days",
        "due_date",
        "is_provisional",
        "closed_at",
    ]
    list_filter = ["is_provisional", "kind", "object_type"]
    search_fields = ["object_id", "region_code"]
    date_hierarchy = "due_date"


# -- holiday schedules: every save goes through holiday_schedule_load ---------------------------


def _formset_days(formset: BaseInlineFormSet) -> list[tuple[Any, Any, Any]]:
    """The days a submitted inline formset describes: kept and new rows, minus deleted ones."""
    days = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if data.get("date") is None:
            continue
        days.append((data["date"], bool(data.get("is_working_day")), data.get("name") or ""))
    return days


class HolidayScheduleDayFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return  # the rows' own errors are shown first
        year = getattr(self.instance, "year", None)
        if year is None:
            return
        days = _formset_days(self)
        if not days:
            raise ValidationError(f"{year} 年节假日安排至少需要一个日期")
        problems = holiday_schedule_days_problems(year, days)
        if problems:
            raise ValidationError([message for _, message in problems])


class HolidayScheduleDayInline(admin.TabularInline):
    model = HolidayScheduleDay
    formset = HolidayScheduleDayFormSet
    fields = ["date", "is_working_day", "name"]
    extra = 3


class HolidayScheduleForm(forms.ModelForm):
    class Meta:
        model = HolidaySchedule
        fields = ["year", "source", "note"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(f"年份应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
        return year


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    """Saving loads the whole schedule through ``holiday_schedule_load``: it validates, replaces
    the year's days, writes the audit events and recomputes the open deadlines."""

    form = HolidayScheduleForm
    inlines = [HolidayScheduleDayInline]
    list_display = ["year", "source", "holiday_count", "make_up_count", "loaded_by", "updated_at"]
    search_fields = ["source"]
    list_select_related = ["loaded_by"]

    @admin.display(description="放假日（工作日）")
    def holiday_count(self, obj: HolidaySchedule) -> int:
        return obj.days.filter(is_working_day=False).count()

    @admin.display(description="调休上班日（周末）")
    def make_up_count(self, obj: HolidaySchedule) -> int:
        return obj.days.filter(is_working_day=True).count()

    def get_fields(self, request: HttpRequest, obj: HolidaySchedule | None = None) -> list[str]:
        if obj is None:
            return ["year", "source", "note"]
        return ["year", "source", "note", "loaded_by", "created_at", "updated_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: HolidaySchedule | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return ["year", "loaded_by", "created_at", "updated_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A loaded year is corrected by saving it again, never deleted: deleting would silently
        # turn its deadlines back to provisional without recomputing them.
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # type: ignore[no-untyped-def]
        missing = holiday_schedule_missing_years(today=timezone.localdate())
        if missing:
            years = "、".join(str(y) for y in missing)
            messages.warning(
                request,
                f"尚未加载 {years} 年节假日安排：涉及这些年份的办理期限暂按周一至周五计算，"
                "标为临时期限。国务院办公厅公布安排后，请在此新增该年份的安排，"
                "系统将自动重新计算未关闭的期限。",
            )
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        response = super().changeform_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None)
        if request.method == "POST" and context and context.get("errors"):
            for inline in context.get("inline_admin_formsets", []):
                for message in inline.formset.non_form_errors():
                    messages.error(request, message)
            if context.get("adminform") is not None:
                for field, errors in context["adminform"].form.errors.items():
                    label = (
                        HolidaySchedule._meta.get_field(field).verbose_name
                        if field != "__all__"
                        else ""
                    )
                    for message in errors:
                        messages.error(request, f"{label}：{message}" if label else message)
        return response

    def save_model(self, request: HttpRequest, obj: HolidaySchedule, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        # Nothing is written here: save_related loads the schedule and its days in one go.
        return

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:  # type: ignore[no-untyped-def]
        days: list[tuple[Any, Any, Any]] = []
        for formset in formsets:
            if formset.model is HolidayScheduleDay:
                days.extend(_formset_days(formset))
            # construct_change_message reads these; the service, not the formset, saved the rows.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        obj = form.instance
        try:
            schedule = holiday_schedule_load(
                actor=request.user,
                year=obj.year,
                source=form.cleaned_data["source"],
                days=days,
                note=form.cleaned_data.get("note") or "",
            )
        except ApplicationError as error:
            # Validation in the formset should have caught this; say so in Chinese and abort the
            # admin's transaction rather than report a save that did not happen.
            messages.error(request, error.message)
            raise
        for field in ["id", "source", "note", "loaded_by_id", "created_at", "updated_at"]:
            setattr(obj, field, getattr(schedule, field))
        obj._state.adding = False
        obj._state.db = schedule._state.db
        obj.recomputed_deadlines = schedule.recomputed_deadlines
        messages.info(
            request,
            f"已加载 {schedule.year} 年节假日安排：放假 {sum(1 for d in days if not d[1])} 天，"
            f"调休上班 {sum(1 for d in days if d[1])} 天；重新计算了 "
            f"{schedule.recomputed_deadlines} 个未关闭的期限。",
        )

    def construct_change_message(self, request, form, formsets, add=False):  # type: ignore[no-untyped-def]
        return (
            f"通过 holiday_schedule_load 加载 {form.instance.year} 年节假日安排，"
            f"重新计算期限 {getattr(form.instance, 'recomputed_deadlines', 0)} 个"
        )
