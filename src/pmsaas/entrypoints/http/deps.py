"""Types the controllers declare for injected values (Litestar 2.25+: explicit named dependencies)."""

from typing import Any

from litestar.di import NamedDependency

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.entrypoints.http.pagination import ListQuery

# The composition root (pmsaas.container.Container). A DeclarativeContainer instance is really a
# DynamicContainer, which Litestar's dependency validation cannot check by type: declare it as Any.
AppContainer = NamedDependency[Any]
CurrentActor = NamedDependency[Actor]
CurrentClock = NamedDependency[Clock]
Listing = NamedDependency[ListQuery]
