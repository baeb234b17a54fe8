"""Python SDK of the pmsaas property-management API.

from propertymgmt import PropertyManagementSDK

sdk = PropertyManagementSDK(api_key="pmk_…", environment="sandbox")
page = sdk.properties.list(page=1, page_size=20)
for prop in sdk.properties.iterate():
    ...
"""

from propertymgmt._base import ENVIRONMENTS, __version__
from propertymgmt.client import AsyncPropertyManagementSDK, PropertyManagementSDK
from propertymgmt.errors import PropertyManagementError
from propertymgmt.pagination import Page
from propertymgmt.webhooks import WebhookVerificationError
from propertymgmt.webhooks import verify as verify_webhook

__all__ = [
    "ENVIRONMENTS",
    "AsyncPropertyManagementSDK",
    "Page",
    "PropertyManagementError",
    "PropertyManagementSDK",
    "WebhookVerificationError",
    "__version__",
    "verify_webhook",
]
