"""SQL adapters of the financial ports (SQLAlchemy Core, explicit row <-> entity mapping), one module
per aggregate."""
