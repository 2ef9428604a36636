"""What ``manage.py bench`` measures against: a stock Django admin and a bare Django view.

Used only by the benchmark (``requests/management/commands/bench.py``), through this module's URLconf
(the project's URLs plus ``/stock-admin/`` and ``/bench-hello/``); nothing else routes here. The stock
admin is Django's ``AdminSite`` with default ``ModelAdmin`` behaviour for ``Customer`` and ``Order``:
the same columns, filters and search fields as a shop would first write them, with Django's
``SELECT DISTINCT`` filters, exact counts and ``icontains`` search; likewise for returns, requests and
the consent ledger. Each stock list shows as many rows a page as ours (``same_rows``), so both pages
render the same rows: Django's default is 100, and some of our lists show 50.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path

from customers.models import ConsentEvent, Customer, Order, Return
from register.urls import urlpatterns as project_urlpatterns
from requests.models import Request

stock_site = admin.AdminSite(name="stock")


class StockCustomerAdmin(admin.ModelAdmin):
    list_display = ("customer_number", "last_name", "first_name", "email", "phone", "country", "language")
    list_filter = ("country", "language")
    search_fields = ("customer_number", "first_name", "last_name", "email")


class StockOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "placed_at", "status", "total", "currency", "carrier")
    list_filter = ("status", "controller", "currency", "delivery_country")
    list_select_related = ("customer",)
    search_fields = ("number",)
    raw_id_fields = ("customer",)


class StockRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "due_date", "assignee", "received_at", "received_via")
    list_filter = ("status", "kind", "assignee", "received_via", "completed_at")
    list_select_related = ("assignee",)
    search_fields = ("email", "name", "customer_number", "order_number")


class StockReturnAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "returned_at", "status", "refund_amount")
    list_filter = ("status",)
    list_select_related = ("order",)
    search_fields = ("order__number",)
    raw_id_fields = ("order",)


class StockConsentEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "customer", "purpose", "action", "via", "notice_version")
    list_filter = ("purpose", "action", "via")
    list_select_related = ("customer", "purpose")
    search_fields = ("customer__customer_number",)
    raw_id_fields = ("customer",)


stock_site.register(Customer, StockCustomerAdmin)
stock_site.register(Order, StockOrderAdmin)
stock_site.register(Return, StockReturnAdmin)
stock_site.register(Request, StockRequestAdmin)
stock_site.register(ConsentEvent, StockConsentEventAdmin)


def same_rows() -> None:
    """Give each stock list the number of rows a page of our list of the same model shows."""
    for model, stock_admin in stock_site._registry.items():
        stock_admin.list_per_page = admin.site._registry[model].list_per_page


same_rows()


def hello(request: HttpRequest) -> HttpResponse:
    """The bare Django view public pages are compared with."""
    return HttpResponse("Hello, world")


urlpatterns = [
    path("stock-admin/", stock_site.urls),
    path("bench-hello/", hello),
    *project_urlpatterns,
]
