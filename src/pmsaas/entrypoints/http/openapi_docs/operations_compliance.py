"""Descriptions: the compliance documents computed from the books (docs/compliance.md): Ontario LTB
notices, condominium status certificates, Canadian sales tax return lines, Indian society filings."""

from __future__ import annotations

_PDF = (
    " Nothing is stored: the same request against the same ledger gives the same figures; with "
    "Accept: application/pdf the answer is the document as a PDF instead of the figures in the envelope."
)

COMPLIANCE = {
    "POST /api/v1/financial/ltb-forms": "Prepares an Ontario Landlord and Tenant Board notice for a lease "
    "from its ledger. form=N4 (notice to end a tenancy early for non-payment of rent): the rent owing per "
    "rental period as the ledger stood on as_of (default the service date), rent only (other charges and "
    "late fees are left out), periods with nothing owing omitted; the termination date is at least 14 days "
    "after service for a monthly tenancy, 7 for a daily or weekly one (RTA s.59(1)), the earliest lawful one "
    "by default; a lease with no arrears is 409. form=N1 (notice of rent increase): the effective date at "
    "least 90 days after service (s.116(1)) and 12 months after the tenancy began (s.119(1)), the new rent "
    "at most the current rent raised by that year's guideline (s.120) unless the unit was first occupied "
    "after 15 November 2018 (s.6.1); a year whose guideline is not known yet is refused. A lease of a "
    "property outside Ontario, an earlier date or a rent above the cap is 422 naming the field; another "
    "organization's lease is 404." + _PDF,
    "GET /api/v1/compliance/status-certificate": "A condominium unit's status certificate (Ontario, "
    "Condominium Act s.76) or strata Form B information certificate (British Columbia, Strata Property Act "
    "s.59), read from the books as of as_of (default the request date, never after it): the unit's monthly "
    "common expenses (its rent plus monthly maintenance and CAM charges), its arrears in the journal, the "
    "budget covering the date and its planned reserve fund contribution (reserve_fund), and the reserve fund "
    "itself from the ledger (reserve_fund_balance: the property's reserve_fund account at reserve_fund_as_of, "
    "the end of the last month in Ontario, the figures' date in BC). due_by is 10 days after the request in "
    "Ontario, 7 in BC; the fee is Ontario's $100.00 cap (HST included) or BC's $35.00 plus $0.25 a page of "
    "copies. A unit outside Ontario and British Columbia is 422; another organization's unit, or a tenant "
    "asking, is 404." + _PDF,
    "GET /api/v1/compliance/provincial-reports": "The GST/HST return lines per month and province of the "
    "property (CRA form GST34), from the invoices issued in each month (drafts and cancelled ones excluded): "
    "line 101 the sales that carry GST or HST before tax (exempt residential rent left out), line 103 the "
    "GST/HST charged on them, line 106 input tax credits (the claimable GST/HST of the expenses approved in "
    "the month, in the province of the bill's supply) and line 109 net tax (103 minus 106). Quebec's QST comes "
    "as a separate list (its input tax refunds from the bills' QST), as it is filed with Revenu Québec. from "
    "and to are months (YYYY-MM), at most 24, default the current month; format=csv for one row per return; "
    "books not kept in CAD are 422; tenants are 403." + _PDF,
    "POST /api/v1/compliance/society-filing": "The annual filing of an Indian co-operative housing "
    "society for a financial year (April to March), from the property's books: its members, the sinking "
    "fund and repairs and maintenance fund contributions invoiced in the year, with the registration "
    "particulars, construction cost, audit and AGM sent in the request. Findings (and compliance_status "
    "non_compliant) for a sinking fund below 0.25 % a year of the construction cost (Maharashtra model "
    "bye-laws), an audit not completed or completed more than four months after the year's close (MCS Act "
    "s.81), and no AGM or one not within the six months after it (s.75). A property whose organization is not a "
    "housing society, or outside India, is 422; another organization's property is 404." + _PDF,
}
