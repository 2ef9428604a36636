from django.urls import path

from requests import views

app_name = "requests"

urlpatterns = [
    path("", views.rights, name="rights"),
    path("new/", views.new, name="new"),
    path("sent/", views.sent, name="sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("verified/", views.verified, name="verified"),
    path("report/<str:token>/", views.report, name="report"),
]
