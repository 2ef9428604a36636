"""The API under /api/v1/: upserts, consent events, the marketing question, data-subject requests.

Every write runs in one transaction: bad input gets 400 with the errors per field and writes nothing.
A write sent with an ``Idempotency-Key`` header stores its first successful answer with a hash of the
call, for 24 hours; a retry with the same key and call gets that answer back (header
``Idempotent-Replayed: true``) and writes nothing; the same key with a different call gets 422.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.models import IDEMPOTENCY_WINDOW, FiledRequest, IdempotentAnswer, Scope
from customers.models import ConsentPurpose
from customers.sync import Sync, may_market
from requests.intake import receive_request
from requests.models import Request

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key within 24 hours returns the first answer and writes nothing.",
)
ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Bad input: the errors per field; nothing was written."
    ),
    401: OpenApiResponse(s.ErrorOut, description="Missing, unknown or revoked API key."),
    403: OpenApiResponse(s.ErrorOut, description="The API key lacks the scope."),
    422: OpenApiResponse(s.ErrorOut, description="The Idempotency-Key was used for a different call."),
    429: OpenApiResponse(s.ErrorOut, description="Rate limit of the key exceeded."),
}
READ_ERRORS = {code: ERRORS[code] for code in (400, 401, 403, 429)}


def field_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


def call_hash(request) -> str:
    """SHA-256 of the method, path and raw body: what a retry must repeat exactly."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request._request.body)
    return digest.hexdigest()


class WriteView(APIView):
    """A write: validated, atomic, idempotent with an ``Idempotency-Key``."""

    def initial(self, request, *args, **kwargs) -> None:
        # Hash the raw body before anything parses it (the parsed stream cannot be read again).
        self.body_hash = call_hash(request)
        super().initial(request, *args, **kwargs)

    def idempotent(self, request, write: Callable[[], Response]) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        body_hash = self.body_hash
        try:
            with transaction.atomic():
                if key:
                    stored = IdempotentAnswer.objects.filter(api_key=request.auth, key=key).first()
                    if stored is not None and stored.created_at < timezone.now() - IDEMPOTENCY_WINDOW:
                        stored.delete()  # expired: the key may be used afresh
                        stored = None
                    if stored is not None:
                        return self.replay(stored, body_hash)
                try:
                    response = write()
                except DjangoValidationError as exc:
                    raise ValidationError(field_errors(exc)) from exc
                if key and status.is_success(response.status_code):
                    # Every key's, so that the answers of a key no longer used do not stay for ever.
                    IdempotentAnswer.objects.expired().delete()
                    IdempotentAnswer.objects.create(
                        api_key=request.auth,
                        key=key,
                        body_hash=body_hash,
                        status=response.status_code,
                        answer=response.data,
                    )
                return response
        except IntegrityError:
            # The same key arrived twice at once: the other call's answer is the one.
            stored = IdempotentAnswer.objects.filter(api_key=request.auth, key=key).first()
            if not key or stored is None:
                raise
            return self.replay(stored, body_hash)

    @staticmethod
    def replay(stored: IdempotentAnswer, body_hash: str) -> Response:
        if stored.body_hash != body_hash:
            return Response(
                {"detail": _("This Idempotency-Key was used for a different call.")},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(stored.answer, status=stored.status, headers={"Idempotent-Replayed": "true"})

    def valid(self, serializer_class: type[serializers.Serializer], data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def sync(self) -> Sync:
        return Sync(self.request.auth.actor)


def customer_answer(result) -> dict:
    return {
        "customer_number": result.obj.customer_number,
        "external_id": result.obj.external_id,
        "created": result.created,
        "changed": result.changed,
    }


def order_answer(result) -> dict:
    return {
        "number": result.obj.number,
        "customer_number": result.obj.customer.customer_number,
        "created": result.created,
        "changed": result.changed,
    }


class CustomerUpsert(WriteView):
    required_scope = Scope.CUSTOMERS_WRITE

    @extend_schema(
        operation_id="upsert_customer",
        request=s.CustomerIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: s.CustomerOut, 201: s.CustomerOut, **ERRORS},
        summary="Create or update a customer, found by external_id, else by email",
    )
    def post(self, request):
        def write():
            result = self.sync().customer(self.valid(s.CustomerIn, request.data))
            return Response(customer_answer(result), status=201 if result.created else 200)

        return self.idempotent(request, write)


class OrderUpsert(WriteView):
    required_scope = Scope.ORDERS_WRITE

    @extend_schema(
        operation_id="upsert_order",
        request=s.OrderIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: s.OrderOut, 201: s.OrderOut, **ERRORS},
        summary="Create or update an order with its lines, invoice and payments",
    )
    def post(self, request):
        def write():
            result = self.sync().order(self.valid(s.OrderIn, request.data))
            return Response(order_answer(result), status=201 if result.created else 200)

        return self.idempotent(request, write)


class Batch(WriteView):
    """Up to 1,000 customers and orders in one call and one transaction; customers first."""

    required_scope = None  # customers:write for customers, orders:write for orders (check_permissions)

    def check_permissions(self, request) -> None:
        super().check_permissions(request)
        data = request.data if isinstance(request.data, dict) else {}
        needed = {
            scope
            for name, scope in (("customers", Scope.CUSTOMERS_WRITE), ("orders", Scope.ORDERS_WRITE))
            if data.get(name)
        } or {Scope.CUSTOMERS_WRITE}
        if not all(request.auth.has_scope(scope) for scope in needed):
            self.permission_denied(request, message=_("This API key lacks the scope this call needs."))

    @extend_schema(
        operation_id="upsert_batch",
        request=s.BatchIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: s.BatchOut, **ERRORS},
        summary="Create or update up to 1,000 customers (customers:write) and orders (orders:write)",
    )
    def post(self, request):
        def write():
            data = self.valid(s.BatchIn, request.data)
            sync = self.sync()
            answer = {"customers": [], "orders": []}
            for name, upsert, as_answer in (
                ("customers", sync.customer, customer_answer),
                ("orders", sync.order, order_answer),
            ):
                for index, record in enumerate(data.get(name, [])):
                    try:
                        answer[name].append(as_answer(upsert(record)))
                    except DjangoValidationError as exc:
                        errors = {
                            f"{name}.{index}.{field}": msgs for field, msgs in field_errors(exc).items()
                        }
                        raise ValidationError(errors) from exc
            return Response(answer)

        return self.idempotent(request, write)


class ConsentAppend(WriteView):
    required_scope = Scope.CONSENTS_WRITE

    @extend_schema(
        operation_id="append_consent_event",
        request=s.ConsentIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.ConsentOut, **ERRORS},
        summary="Append a consent event (granted or withdrawn) to the customer's ledger",
    )
    def post(self, request):
        def write():
            data = self.valid(s.ConsentIn, request.data)
            sync = self.sync()
            customer = sync.find_customer(**data["customer"])
            evidence = [data.get("evidence", "")]
            if data["global_privacy_control"]:
                evidence.insert(0, "Sec-GPC: 1")
            evidence.append(f"({sync.actor})")
            event = sync.consent(
                customer,
                purpose=data["purpose"],
                action=data["action"],
                occurred_at=data.get("occurred_at"),
                via=data["channel"],
                evidence="; ".join(part for part in evidence if part),
                notice_version=data.get("notice_version"),
            )
            answer = {
                "id": event.pk,
                "customer_number": customer.customer_number,
                "purpose": event.purpose.code,
                "action": event.action,
                "occurred_at": serializers.DateTimeField().to_representation(event.occurred_at),
                "notice_version": event.notice_version,
            }
            return Response(answer, status=201)

        return self.idempotent(request, write)


class Marketing(APIView):
    required_scope = Scope.MARKETING_READ

    @extend_schema(
        operation_id="may_market",
        parameters=[
            s.MarketingQuery,
            OpenApiParameter("X-Customer-Email", str, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("X-Customer-Phone", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={200: s.MarketingOut, **READ_ERRORS},
        summary="May this email or phone receive marketing for the purpose now?",
        description=(
            "The contact goes in a header, never in the URL (paths and query strings reach logs). "
            "Same rules as the register's own mailings: latest consent granted, not restricted, "
            "not erased, neither email nor phone on the suppression list."
        ),
    )
    def get(self, request):
        query = s.MarketingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        purpose = query.validated_data["purpose"]
        email = request.headers.get("X-Customer-Email", "")
        phone = request.headers.get("X-Customer-Phone", "")
        if not email and not phone:
            raise ValidationError(
                {"X-Customer-Email": [_("Send the contact in X-Customer-Email or X-Customer-Phone.")]}
            )
        answer = may_market(purpose, email=email, phone=phone)
        if not answer and not ConsentPurpose.objects.filter(code=purpose).exists():
            raise ValidationError({"purpose": [_("No consent purpose has this code.")]})
        return Response({"purpose": purpose, "marketable": answer})


def request_answer(req: Request) -> dict:
    return {
        "number": req.number,
        "kind": req.kind,
        "status": req.status,
        "received_at": serializers.DateTimeField().to_representation(req.received_at),
        "due_date": req.effective_due_date.isoformat(),
        "verified": req.is_verified,
    }


class RequestFile(WriteView):
    required_scope = Scope.REQUESTS_WRITE

    @extend_schema(
        operation_id="file_request",
        request=s.RequestIn,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: s.RequestOut, **ERRORS},
        summary="File a data-subject request for a customer logged in to the shop",
        description=(
            "The shop vouches that the customer is logged in to their shop account: the request is "
            "verified by that account (no email link). Staff then handle it as any other request."
        ),
    )
    def post(self, request):
        def write():
            data = self.valid(s.RequestIn, request.data)
            customer = None
            if data.get("customer"):
                customer = self.sync().find_customer(**data["customer"])
            language = data.get("language") or (customer.language if customer else "en")
            req = receive_request(
                kind=data["kind"],
                received_via=Request.Channel.SHOP,
                language=language,
                email=data["email"],
                name=data.get("name", ""),
                customer_number=customer.customer_number if customer else "",
                order_number=data.get("order_number", ""),
                message=data.get("message", ""),
                rectification_wrong=data.get("rectification_wrong", ""),
                rectification_correct=data.get("rectification_correct", ""),
                withdrawal_purposes=data.get("withdrawal_purposes", []),
                change_reason=request.auth.actor,
            )
            req.verify(
                by=None,
                method=Request.VerificationMethod.CUSTOMER_ACCOUNT,
                note=f"Logged in to the shop account; filed by {request.auth.actor} ({request.auth.name}).",
            )
            FiledRequest.objects.create(request=req, api_key=request.auth)
            req.refresh_from_db()
            return Response(request_answer(req), status=201)

        return self.idempotent(request, write)


class RequestStatus(APIView):
    required_scope = Scope.REQUESTS_READ

    @extend_schema(
        operation_id="request_status",
        responses={200: s.RequestOut, 404: OpenApiResponse(s.ErrorOut), **READ_ERRORS},
        summary="The status and due date of a request this key filed",
    )
    def get(self, request, number: str):
        pk = number.upper().removeprefix("R-")
        if not pk.isdigit():
            return Response({"detail": _("No such request.")}, status=404)
        filed = get_object_or_404(
            FiledRequest.objects.select_related("request"), request_id=int(pk), api_key=request.auth
        )
        return Response(request_answer(filed.request))
