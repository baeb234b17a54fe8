# Platform API document, "SDK & Client Libraries" > "Python SDK" > "Usage Example", verbatim.
# tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
from propertymgmt import PropertyManagementSDK
sdk = PropertyManagementSDK(
api_key='your_api_key',
environment='production'
)
# Get properties
properties = sdk.properties.list(
page=1,
page_size=20
)
# Create a property
property = sdk.properties.create(
name='Sunset Apartments',
type='residential',
address={
'street': '123 Main St',
'city': 'Vancouver',
'province': 'BC',
'postal_code': 'V6B 1A1'
}
)
