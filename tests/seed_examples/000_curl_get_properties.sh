# Platform API document, "Testing & Debugging" > "cURL Examples" > Property Management, verbatim.
# tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
# Get properties
curl -X GET "https://api.propertymgmt.com/api/v1/properties?page=1&page_size=20" \
-H "Authorization: Bearer YOUR_JWT_TOKEN"
