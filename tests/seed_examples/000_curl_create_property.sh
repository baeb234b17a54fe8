# Platform API document, "Testing & Debugging" > "cURL Examples" > Property Management, verbatim.
# tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
# Create property
curl -X POST https://api.propertymgmt.com/api/v1/properties \
-H "Authorization: Bearer YOUR_JWT_TOKEN" \
-H "Content-Type: application/json" \
-d '{
"name": "Sunset Apartments",
"type": "residential",
"address": {
"street": "123 Main St",
"city": "Vancouver",
"province": "BC",
"postal_code": "V6B 1A1"
}
}'
