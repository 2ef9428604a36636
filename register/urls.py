"""URLs: the admin at /admin/, the shop's API at /api/v1/, public pages under a language prefix
(/sv/, /fi/, /nb/, /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from register import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", views.healthz, name="healthz"),
    path("", views.root_redirect, name="root"),
]

urlpatterns += i18n_patterns(
    path("", include("register.public_urls")),
    path("", include("customers.urls")),
    path("requests/", include("requests.urls")),
    path("", RedirectView.as_view(pattern_name="register:privacy", permanent=False)),
    prefix_default_language=True,
)
