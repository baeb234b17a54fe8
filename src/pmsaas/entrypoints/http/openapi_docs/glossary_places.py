"""Organizations, properties, units, tenants and leases."""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import DATE, LEASE_ID, TENANT_ID, USER_ID, Doc

PLACES = {
    "plan": Doc("Subscription plan; it sets the rate limits.", "standard"),
    "settings": Doc("Country, currency, time zone, locale and tax registrations."),
    "organization_name": Doc(
        "Name of a new organization to create, of which the new user becomes the owner.", "Seaside Estates Pvt Ltd"
    ),
    "owner_ids": Doc("Users who own the property (they see its statements).", [USER_ID]),
    "year_built": Doc("Year the building was completed.", 2012),
    "amenities": Doc("Amenities offered.", ["lift", "power_backup", "covered_parking"]),
    "policies": Doc("House rules: pets, smoking, parking, quiet hours, late fees."),
    "pets_allowed": Doc("Whether pets are allowed; null if not stated.", True),
    "pet_notes": Doc("Conditions on pets.", "Cats and small dogs only"),
    "smoking_allowed": Doc("Whether smoking is allowed; null if not stated.", False),
    "parking": Doc("Parking on the property."),
    "available": Doc("Whether parking is offered.", True),
    "spaces": Doc("Number of parking spaces.", 40),
    "quiet_hours": Doc("Hours when nothing noisy happens (or, in preferences, no SMS or WhatsApp is sent)."),
    "floor": Doc("Floor the unit is on, as the building names it.", "3"),
    "bedrooms": Doc("Bedrooms (for an Indian flat: the BHK count).", 2),
    "bathrooms": Doc("Bathrooms, in halves, as a decimal string.", "2.5"),
    "area": Doc("Floor area, as a decimal string, in area_unit.", "950"),
    "area_unit": Doc("Unit of the area: sqft or sqm.", "sqft"),
    "market_rent": Doc("Rent the unit would let for today."),
    "allowed_transitions": Doc("Statuses the unit may be set to from its current one.", ["under_maintenance"]),
    "units_count": Doc("Units in the property.", 24),
    "active_tickets_count": Doc("Tickets not yet resolved or closed.", 3),
    "emergency_contact": Doc("Whom to call in an emergency."),
    "relationship": Doc("How the emergency contact is related to the tenant.", "Sister"),
    "tenant_profile_id": Doc("The tenant record of this user, when the user is a tenant.", TENANT_ID),
    # leases
    "rent": Doc("Rent per month."),
    "security_deposit": Doc("Security deposit agreed on the lease."),
    "start_date": Doc("First day (YYYY-MM-DD).", DATE),
    "end_date": Doc(
        "Last day, inclusive (YYYY-MM-DD); null for no end (a periodic, month-to-month lease; an open-ended charge).",
        "2027-03-31",
    ),
    "co_tenant_ids": Doc("Other tenants on the lease, jointly liable.", []),
    "escalation": Doc("Yearly rent increase: a percentage or a flat amount."),
    "renewed_from_id": Doc("The lease this one renewed.", LEASE_ID),
    "move_out_date": Doc("Date the tenant moves out (YYYY-MM-DD).", "2027-03-31"),
    "ended_on": Doc("Date the lease ended (YYYY-MM-DD).", "2027-03-31"),
    "terminated_on": Doc("Date the lease was terminated early (YYYY-MM-DD).", "2026-09-30"),
    "termination_date": Doc(
        "Last day of the lease when terminating early (YYYY-MM-DD); today if left out.", "2026-09-30"
    ),
}
