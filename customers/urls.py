from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
