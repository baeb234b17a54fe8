// Platform API document, "SDK & Client Libraries" > "JavaScript/TypeScript SDK" > "Usage Example", verbatim.
// tests/integration/sdks/test_seed_examples.py substitutes the host and the credentials only.
import { PropertyManagementSDK } from '@propertymgmt/js-sdk';
const sdk = new PropertyManagementSDK({
apiKey: 'your_api_key',
environment: 'production'
});
// Get properties
const properties = await sdk.properties.list({
page: 1,
pageSize: 20
});
// Create a property
const property = await sdk.properties.create({
name: 'Sunset Apartments',
type: 'residential',
address: {
street: '123 Main St',
city: 'Vancouver',
province: 'BC',
postalCode: 'V6B 1A1'
}
});
