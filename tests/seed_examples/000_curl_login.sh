# Platform API document, "Testing & Debugging" > "cURL Examples" > Authentication, verbatim.
# tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
# Login
curl -X POST https://api.propertymgmt.com/api/v1/identity/login \
-H "Content-Type: application/json" \
-d '{
"email": "user@example.com",
"password": "password123"
}'
