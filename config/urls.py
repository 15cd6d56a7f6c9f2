from django.contrib import admin
from django.urls import include, path

from doudi.api.urls import api

admin.site.site_header = "兜底 · 系统管理"
admin.site.site_title = "兜底"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("self/", include("doudi.portal.urls")),
    path("", include("doudi.web.urls")),
]
