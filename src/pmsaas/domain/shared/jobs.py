"""Scheduled jobs: each run recorded once per (job, organization, period), the record being the lock.

Two workers (or a worker and an embedded server) that find the same job due both try to claim its
period; the unique (job, organization, period) lets one win, so a job runs exactly once per period.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import Page, PageRequest

PLATFORM = UUID(int=0)  # the "organization" of platform-wide jobs (housekeeping)


class Outcome(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class JobRun:
    job: str
    organization_id: UUID
    period: str  # the period the run covers: "2026-12" for a monthly job, "2026-12-01T10" hourly
    started_at: datetime
    trigger: str = "schedule"  # schedule | manual
    finished_at: datetime | None = None
    outcome: Outcome = Outcome.RUNNING
    detail: dict[str, Any] = field(default_factory=dict)
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class OrganizationSchedule:
    """What the scheduler reads of an organization: its time zone and its settings."""

    organization_id: UUID
    time_zone: str
    settings: dict[str, Any]
    locale: str = "en"  # the organization's: its tenants' notices are written in it


class JobRuns(ABC):
    @abstractmethod
    async def claim(self, run: JobRun) -> bool:
        """Record ``run`` as started; False when its (job, organization, period) was claimed already."""

    @abstractmethod
    async def finish(self, run: JobRun) -> None:
        """Store the run's outcome, detail and finish time."""

    @abstractmethod
    async def runs(self, organization_id: UUID, page: PageRequest) -> Page[JobRun]:
        """The organization's runs, newest first."""

    @abstractmethod
    async def schedules(self) -> list[OrganizationSchedule]:
        """Every active organization's schedule inputs."""
