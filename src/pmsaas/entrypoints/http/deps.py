"""Types the controllers declare for injected values."""

from typing import Any

# The composition root (pmsaas.container.Container). A DeclarativeContainer instance is really a
# DynamicContainer, which Litestar's dependency validation cannot check by type: declare it as Any.
AppContainer = Any
