"""Permissions of the customer-service role in this app (see register/roles.py)."""

CUSTOMER_SERVICE_PERMISSIONS: list[str] = []
