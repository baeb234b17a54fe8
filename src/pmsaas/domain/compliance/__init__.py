"""Regional compliance: statutory notices and filings computed from the books (pure)."""
