"""OpenAPI generation (drf-spectacular): the API key scheme, and the API's own paths only."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "kr_…"}


def only_api_paths(endpoints):
    """Leave out the webhooks (their senders document them) and the schema itself."""
    return [e for e in endpoints if "/webhooks/" not in e[0] and not e[0].endswith("/schema/")]
