"""/api/v1/: the API, its schema, and the webhook addresses of the integrations."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from api import views, webhooks

app_name = "api"


class SchemaView(SpectacularJSONAPIView):
    # The schema is public: it describes the API, it holds no data.
    authentication_classes = []
    permission_classes = []
    throttle_classes = []


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("customers/", views.CustomerUpsert.as_view(), name="customers"),
    path("orders/", views.OrderUpsert.as_view(), name="orders"),
    path("batch/", views.Batch.as_view(), name="batch"),
    path("consents/", views.ConsentAppend.as_view(), name="consents"),
    path("marketing/", views.Marketing.as_view(), name="marketing"),
    path("requests/", views.RequestFile.as_view(), name="requests"),
    path("requests/<str:number>/", views.RequestStatus.as_view(), name="request"),
    path("webhooks/woocommerce/<slug:slug>/", webhooks.woocommerce, name="webhook-woocommerce"),
    path("webhooks/shopify/<slug:slug>/", webhooks.shopify, name="webhook-shopify"),
]
