"""The DomainError tree. Entrypoints map each class to a status and envelope code in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldProblem:
    field: str  # dotted path, e.g. "address.postal_code"
    message: str


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a rule (422)."""

    def __init__(self, problems: list[FieldProblem], message: str = "Validation failed") -> None:
        super().__init__(message)
        self.problems = problems

    @classmethod
    def single(cls, field_name: str, message: str) -> ValidationFailed:
        return cls([FieldProblem(field_name, message)], message=f"{field_name}: {message}")


class UnreadableInput(DomainError):
    """A body that cannot be read at all, as opposed to one that breaks a rule (400)."""


class NotFound(DomainError):
    """Unknown id, or an id of another organization: the two are indistinguishable on purpose."""

    def __init__(self, what: str, ident: object | None = None) -> None:
        super().__init__(f"{what} not found")
        self.what = what
        self.ident = ident


class Conflict(DomainError):
    """Unique clash, illegal state transition or stale version (409)."""


class IllegalTransition(Conflict):
    def __init__(self, what: str, current: str, action: str) -> None:
        super().__init__(f"cannot {action} a {what} that is {current}")


class PermissionDenied(DomainError):
    """Authenticated but not allowed (403)."""


class AuthenticationFailed(DomainError):
    """No or bad credentials (401)."""


class TokenExpired(AuthenticationFailed):
    pass


@dataclass
class RateLimited(DomainError):
    retry_after: int
    message: str = field(default="Rate limit exceeded")

    def __post_init__(self) -> None:
        super().__init__(self.message)


class DependencyUnavailable(DomainError):
    """A database, cache or gateway is down (503)."""


class CommitOutcomeUnknown(DependencyUnavailable):
    """COMMIT was sent, its answer lost, and the database could not say whether it took (503). A
    retry of the same request may write twice: the request's Idempotency-Key stays claimed."""
