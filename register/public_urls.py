from django.urls import path

from register import views

app_name = "register"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/<int:version>/", views.privacy_notice, name="privacy-version"),
]
