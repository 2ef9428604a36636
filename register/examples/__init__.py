"""The three example registers (see the seed documents), and ``load_example`` to load one.

Texts are written in the seed's original language and translated into the other three.
Items the seed does not state but GDPR Art. 13 requires for publishing carry ``ADDED`` as
their staff note, so staff can see they were not in the original.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from register.examples.common import ADDED
from register.examples.jalonom import JALONOM
from register.examples.xhome import XHOME
from register.examples.xmi import XMI
from register.models import (
    ContactPerson,
    Controller,
    Cookie,
    DataCategory,
    NoticeVersion,
    ProtectionPrinciple,
    Purpose,
    Recipient,
    Register,
    RetentionRule,
    RightsChannel,
    Source,
)
from register.publishing import publish
from register.translation import LANGUAGE_CODES

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["ADDED", "EXAMPLES", "load_example"]

EXAMPLES: dict[str, dict[str, Any]] = {"xhome": XHOME, "xmi": XMI, "jalonom": JALONOM}


def _texts(prefix: str, texts: dict[str, str] | None) -> dict[str, str]:
    texts = texts or {}
    return {f"{prefix}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


def _expand(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{"text": t(...)}`` into ``{"text_sv": ..., ...}`` for the model's translated fields."""
    values = {}
    for key, value in data.items():
        if key in model._translated_fields:
            values.update(_texts(key, value))
        else:
            values[key] = value
    return values


@transaction.atomic
def load_example(key: str, by: AbstractBaseUser | None = None) -> NoticeVersion:
    """Replace the current register's content with example ``key`` and publish it.

    Earlier notice versions stay as they were; the new content becomes the next version.
    """
    data = EXAMPLES[key]
    register = Register.objects.select_for_update().filter(is_current=True).first() or Register()
    # What one example states must not stay behind when another is loaded over it.
    register.no_regular_disclosures = False
    register.published_languages = []
    for name, value in _expand(Register, data["register"]).items():
        setattr(register, name, value)
    register.drawn_up_on = (
        date.fromisoformat(data["register"]["drawn_up_on"]) if data["register"].get("drawn_up_on") else None
    )
    register.is_current = True
    register.save()
    # Controllers are kept by name: orders name the controller that sold them (and protect it).
    controllers = {c.name: c for c in register.controllers.all()} if register.pk else {}
    wanted = {item["name"] for item in data["controllers"]}
    for name, controller in controllers.items():
        if name not in wanted:
            controller.delete()
    for related in (
        register.retention_rules,
        register.categories,
        register.purposes,
        register.contacts,
        register.sources,
        register.recipients,
        register.cookies,
        register.protections,
        register.rights_channels,
    ):
        for obj in related.all():
            obj.delete()

    for position, item in enumerate(data["controllers"]):
        controller = Controller(register=register, position=position, **item)
        if item["name"] in controllers:
            # Every field from the example, the same row.
            controller.pk = controllers[item["name"]].pk
            controller._state.adding = False
        controller.save()
    for position, item in enumerate(data["contacts"]):
        ContactPerson.objects.create(register=register, position=position, **item)
    purposes = {}
    for position, item in enumerate(data["purposes"]):
        item = dict(item)
        key_ = item.pop("key")
        purposes[key_] = Purpose.objects.create(
            register=register, position=position, **_expand(Purpose, item)
        )
    categories = {}
    for position, item in enumerate(data["categories"]):
        item = dict(item)
        key_, linked = item.pop("key"), item.pop("purposes", [])
        category = DataCategory.objects.create(
            register=register, position=position, **_expand(DataCategory, item)
        )
        category.purposes.set([purposes[p] for p in linked])
        categories[key_] = category
    for position, text in enumerate(data["sources"]):
        Source.objects.create(register=register, position=position, **_texts("text", text))
    for position, item in enumerate(data["recipients"]):
        Recipient.objects.create(register=register, position=position, **_expand(Recipient, item))
    for position, item in enumerate(data["cookies"]):
        Cookie.objects.create(register=register, position=position, **_expand(Cookie, item))
    for position, text in enumerate(data["protections"]):
        ProtectionPrinciple.objects.create(register=register, position=position, **_texts("text", text))
    for position, item in enumerate(data["retention"]):
        item = dict(item)
        covered = [categories[key_] for key_ in item.pop("categories")]
        rule = RetentionRule.objects.create(
            register=register, position=position, **_expand(RetentionRule, item)
        )
        rule.categories.set(covered)
    for position, item in enumerate(data["rights"]):
        RightsChannel.objects.create(register=register, position=position, **_expand(RightsChannel, item))
    return publish(register, by=by)
