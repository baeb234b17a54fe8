"""HTTP of the compliance context: statutory notices and filings computed from the books."""
