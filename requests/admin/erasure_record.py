"""Erasure records: the evidence of what each erasure removed and retained."""

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ReadOnlyAdmin
from register.registry import RowAction, hold_label
from requests.models import ErasureRecord


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str | None:
    """A field's verbose name; None for a copy the product computes (editable=False)."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name)) if getattr(field, "editable", True) else None


def _outcome(item: dict) -> str:
    action = item.get("action", "")
    if action in RowAction.values:
        return str(RowAction(action).label)
    return gettext("retained") if action == "retain" else action


HEADINGS = (_("Data"), _("Rows"), _("Outcome"), _("Fields removed"), _("Legal hold"), _("Until"))


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """What each erasure removed and retained: models, rows and fields, never values."""

    list_display = ["erased_at", "customer", "request", "mode", "erased_by", "reason"]
    list_select_related = ["customer", "request", "erased_by"]
    raw_id_fields = ["customer", "request"]
    fields = ["customer", "request", "erased_at", "erased_by", "mode", "reason", "items_table"]
    readonly_fields = fields
    # By date with fixed periods: a date hierarchy lists the distinct days of every erasure.
    list_filter = [("erased_at", admin.DateFieldListFilter)]

    @admin.display(description=_("items"))
    def items_table(self, record: ErasureRecord) -> str:
        """The stored items as a table in the reader's language: data, rows, outcome, fields, holds."""
        rows = []
        for item in record.items or []:
            model = _model(item.get("model", ""))
            name = str(model._meta.verbose_name_plural).capitalize() if model else item.get("model", "")
            fields = [label for label in (_field_label(model, f) for f in item.get("fields", [])) if label]
            holds = [hold_label(h.get("hold", ""), h.get("kind", "")) for h in item.get("holds", [])]
            if not holds and item.get("hold"):
                holds = [hold_label(item["hold"])]
            until = item.get("until") or ""
            rows.append(
                (name, len(item.get("pks", [])), _outcome(item), ", ".join(fields), ", ".join(holds), until)
            )
        head = format_html_join("", "<th>{}</th>", ((heading,) for heading in HEADINGS))
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html(
            '<table class="erasure-items"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body
        )
