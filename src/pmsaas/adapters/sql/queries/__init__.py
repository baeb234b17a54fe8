"""Query adapters: hot reads behind a named domain port, one adapter per database."""
