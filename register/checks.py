"""System check: every model of the project apps declares its personal data.

``kundregister.E001`` — a concrete model has no declaration in ``<app>/privacy.py``.
``kundregister.E002`` — a declared model has a field that is neither personal nor not personal,
so a new column cannot slip past export and erasure (GDPR Art. 15, 17, 25).
``kundregister.E003`` — a declaration names a field the model does not have.

Historical models of django-simple-history are covered by their tracked model's declaration
(scrubbed with it) and auto-created many-to-many tables hold only keys.
"""

from collections.abc import Iterable

from django.apps import apps
from django.core import checks
from django.db import models

from register.registry import Registry, registry

PROJECT_APPS = ("register", "customers", "requests", "breaches")


def is_historical(model: type[models.Model]) -> bool:
    """Whether ``model`` is a django-simple-history copy of another model."""
    return getattr(model, "instance_type", None) is not None and hasattr(model, "history_object")


def project_models() -> list[type[models.Model]]:
    result = []
    for label in PROJECT_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        result.extend(config.get_models())
    return result


def find_problems(declarations: Registry, candidates: Iterable[type[models.Model]]) -> list[checks.Error]:
    """Return the errors for ``candidates`` against ``declarations``."""
    errors: list[checks.Error] = []
    for model in candidates:
        opts = model._meta
        if opts.abstract or opts.proxy or not opts.managed or opts.auto_created or is_historical(model):
            continue
        declaration = declarations.declaration(model)
        if declaration is None:
            errors.append(
                checks.Error(
                    f"{opts.label} has no privacy declaration.",
                    hint=(
                        f"Declare it in {opts.app_label}/privacy.py with registry.register(...) "
                        "or registry.register_without_personal_data(...)."
                    ),
                    obj=model,
                    id="kundregister.E001",
                )
            )
            continue
        if declaration.not_personal == "__all__":
            continue
        names = {f.name for f in opts.concrete_fields}
        declared = set(declaration.personal) | set(declaration.not_personal)
        for name in sorted(names - declared):
            errors.append(
                checks.Error(
                    f"{opts.label}.{name} is neither declared personal nor not personal.",
                    hint=f"Add it to personal= or not_personal= in {opts.app_label}/privacy.py.",
                    obj=model,
                    id="kundregister.E002",
                )
            )
        for name in sorted(declared - names):
            errors.append(
                checks.Error(
                    f"{opts.label} declares {name!r}, which is not a field of the model.",
                    obj=model,
                    id="kundregister.E003",
                )
            )
    return errors


@checks.register("kundregister")
def check_privacy_declarations(app_configs=None, **kwargs) -> list[checks.Error]:
    """Fail when a model of the project apps, or a field of one, has no privacy declaration."""
    return find_problems(registry, project_models())
