"""Applicants' pages (全程网办, ``/self/``): register, log in, see the household and the status of
its applications, apply online. Staff accounts are refused here, as applicants are refused on
staff pages (docs/channels.md)."""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from doudi.core.exceptions import ApplicationError, Conflict, NotFound
from doudi.intake.forms import form_consents, form_context, form_declaration, form_rows
from doudi.intake.models import SignedBy
from doudi.portal import selectors, services
from doudi.portal.models import ApplicantAccount
from doudi.programmes import CHOICES as PROGRAMME_CHOICES
from doudi.programmes import KEYS as PROGRAMME_KEYS
from doudi.referrals.models import Need


def applicant_required(view: Any) -> Any:
    """Logged in with an applicant account; passes the account to the view. Anonymous users go
    to the applicants' login; staff users get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:login')}?{query}")
        account = selectors.account_for_user(request.user)
        if account is None:
            return render(
                request,
                "portal/forbidden.html",
                {
                    "message": "该页面仅供申请人使用：当前登录的不是申请人账号，请退出后用申请人账号登录"
                },
                status=403,
            )
        try:
            return view(request, account, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper


@require_http_methods(["GET", "POST"])
def portal_register(request: HttpRequest) -> HttpResponse:
    error = None
    form = {"name": "", "phone": ""}
    if request.method == "POST":
        form = {"name": request.POST.get("name", ""), "phone": request.POST.get("phone", "")}
        try:
            account = services.applicant_account_register(
                name=form["name"],
                id_number=request.POST.get("id_number", ""),
                phone=form["phone"],
                password=request.POST.get("password", ""),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功")
            return redirect("portal:home")
    return render(request, "portal/register.html", {"error": error, "form": form})


@require_http_methods(["GET", "POST"])
def portal_login(request: HttpRequest) -> HttpResponse:
    error = None
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST":
        user = services.applicant_authenticate(
            request=request,
            id_number=request.POST.get("id_number", ""),
            password=request.POST.get("password", ""),
        )
        if user is None:
            error = "身份证号码或密码不正确，请重新输入"
        else:
            login(request, user)
            allowed = url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(next_url if next_url and allowed else reverse("portal:home"))
    return render(request, "portal/login.html", {"error": error, "next": next_url})


@require_POST
def portal_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


def _labels(choices: Any, codes: list[str]) -> list[str]:
    labels = dict(choices)
    return [labels.get(code, code) for code in codes]


@applicant_required
def portal_home(request: HttpRequest, account: ApplicantAccount) -> HttpResponse:
    membership = selectors.applicant_membership(account=account)
    applications = [
        {
            "application": application,
            "programmes": _labels(PROGRAMME_CHOICES, application.programmes),
            "view": selectors.application_status_view(account=account, application=application),
        }
        for application in selectors.applicant_applications(account=account)
    ]
    return render(
        request,
        "portal/home.html",
        {
            "applicant": account,
            "household": membership.household if membership else None,
            "members": selectors.applicant_members(account=account) if membership else [],
            "applications": applications,
        },
    )


@require_http_methods(["GET", "POST"])
@applicant_required
def portal_apply(request: HttpRequest, account: ApplicantAccount) -> HttpResponse:
    try:
        household = selectors.applicant_household(account=account)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:home")
    post = request.POST if request.method == "POST" else {}
    rows = form_rows(selectors.applicant_members(account=account), post)
    for row in rows:
        row["is_self"] = row["membership"].person_id == account.person_id
        if row["is_self"]:
            row["signed_by"] = SignedBy.SELF
        elif not post:
            row["signed_by"] = SignedBy.PROXY  # the form offers only the two ways of signing for

    if request.method == "POST":
        try:
            application = services.application_submit_online(
                account=account,
                programmes=request.POST.getlist("programmes"),
                consents=form_consents(rows),
                declaration=form_declaration(rows, request.POST),
                needs=request.POST.getlist("needs"),
            )
        except Conflict as error:
            # Sent twice (a double click, a retry): the application already open for it.
            messages.warning(request, error.message)
            if "application" in error.extra:
                return redirect("portal:application", public_id=error.extra["application"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "申请已提交，乡镇（街道）将审查受理，请留意办理进度")
            return redirect("portal:application", public_id=application.public_id)
    return render(
        request,
        "portal/apply.html",
        {
            "applicant": account,
            "household": household,
            "rows": rows,
            **form_context(post, programmes=list(PROGRAMME_KEYS)),
            "proxy_choices": [(v, label) for v, label in SignedBy.choices if v != SignedBy.SELF],
        },
    )


@applicant_required
def portal_application(
    request: HttpRequest, account: ApplicantAccount, public_id: str
) -> HttpResponse:
    application = selectors.applicant_application_get(account=account, public_id=public_id)
    view = selectors.application_status_view(account=account, application=application)
    return render(
        request,
        "portal/application_detail.html",
        {
            "applicant": account,
            "view": view,
            "programmes": _labels(PROGRAMME_CHOICES, application.programmes),
            "needs": _labels(Need.choices, application.needs),
        },
    )
