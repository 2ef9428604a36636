"""What the request pages and emails need from the published register description."""

from django.conf import settings
from django.utils import translation

from register.legal import SUPERVISORY_AUTHORITIES


def supervisory_authority(language: str | None = None) -> dict[str, str]:
    """Return the name and website of the authority customers may complain to (GDPR Art. 77).

    The authority of the country in the notice in force (``register.models.notice_country``), so
    the rights page and every email name the same authority as the published notice.
    """
    from register.models import notice_country

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    authority = SUPERVISORY_AUTHORITIES[notice_country()]
    return {"name": authority.name(language), "url": authority.website}


def controller() -> dict[str, str]:
    """Return the controller's name and contact details from the current register, if any."""
    from register.models import ContactRole, Register

    info = {"name": "", "email": "", "phone": "", "address": ""}
    register = Register.objects.current()
    if register is None:
        return info
    first = register.controllers.first()
    if first is not None:
        info.update(
            name=first.name, email=first.email, phone=first.phone, address=", ".join(first.address_lines())
        )
    # The data-protection contact answers requests; prefer their address when given.
    contact = (
        register.contacts.filter(role__in=[ContactRole.DPO, ContactRole.REPRESENTATIVE]).first()
        or register.contacts.first()
    )
    if contact is not None and contact.email_list():
        info["email"] = contact.email_list()[0]
    return info


def notice_published() -> bool:
    """Return whether a privacy notice has been published (so the rights page can link to it)."""
    from register.models import NoticeVersion

    return NoticeVersion.objects.exists()
