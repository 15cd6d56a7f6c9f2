"""The staff UI's routes (namespace ``web``): the shell's own pages (dashboard, login, logout,
health check), then each context's pages from its package ``doudi/web/<context>/urls.py``. The
applicants' pages are the portal's (``doudi/portal/urls.py``, namespace ``portal``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from doudi.web import login, views
from doudi.web.documents import urls as documents
from doudi.web.exchange import urls as exchange
from doudi.web.intake import urls as intake
from doudi.web.referrals import urls as referrals
from doudi.web.registry import urls as registry
from doudi.web.relief import urls as relief
from doudi.web.reviews import urls as reviews
from doudi.web.standards import urls as standards
from doudi.web.verification import urls as verification

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", login.StaffLoginView.as_view(), name="login"),
    path("login/verify/", login.login_verify, name="login_verify"),
    path("login/enrol/", login.login_enrol, name="login_enrol"),
    path("password/change/", login.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]

for area in (
    registry,
    intake,
    referrals,
    reviews,
    relief,
    documents,
    exchange,
    verification,
    standards,
):
    urlpatterns += area.urlpatterns
