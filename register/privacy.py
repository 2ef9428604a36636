"""The register description holds no personal data about customers (see ``register.registry``).

Controller and contact-person rows name the shop and its staff, not data subjects of the
customer register; they are published in the privacy notice on purpose.
"""

from register import models
from register.registry import registry

REGISTER_DESCRIPTION = "Part of the register description, published in the privacy notice."

for model in (
    models.Register,
    models.Controller,
    models.ContactPerson,
    models.Purpose,
    models.DataCategory,
    models.Source,
    models.Recipient,
    models.Cookie,
    models.ProtectionPrinciple,
    models.RetentionRule,
    models.RightsChannel,
    models.IdentityRule,
    models.BookkeepingPeriod,
    models.StatutoryHold,
    models.NoticeVersion,
):
    registry.register_without_personal_data(model, reason=REGISTER_DESCRIPTION)

# Reports of the retention job: counts per rule, no personal data.
for model in (models.PurgeRun, models.PurgeRuleResult):
    registry.register_without_personal_data(model, reason="Reports of the retention job: counts per rule.")

# The outgoing-message queue keeps a recipient and a text only until delivery, then removes them; the
# record of what a customer was told is the request's correspondence (exported with the request), and
# erasure cancels and empties queued messages about the customer's requests (register.outbox.cancel_for).
registry.register_without_personal_data(
    models.OutboxMessage,
    reason="Messages waiting to be sent; emptied once delivered or when the customer is erased.",
)
