# Platform API document, "Testing & Debugging" > "cURL Examples" > Authentication, verbatim.
# tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
# Use token
curl -X GET https://api.propertymgmt.com/api/v1/properties \
-H "Authorization: Bearer YOUR_JWT_TOKEN"
