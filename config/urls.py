from django.contrib import admin
from django.urls import include, path

from doudi.api.urls import api

admin.site.site_header = "兜底 · 系统管理"
admin.site.site_title = "兜底"

# An error outside any view (a middleware's) still answers in Chinese with the request id.
handler500 = "doudi.core.failures.server_error"
handler404 = "doudi.core.failures.page_not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("self/", include("doudi.portal.urls")),
    path("", include("doudi.web.urls")),
]
