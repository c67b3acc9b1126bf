"""Errors a service raises, each mapped to one gRPC status with a plain-English message.

Handlers raise these; the server bootstrap turns them into statuses with rich details
(field violations for bad input, the existing record for a duplicate). A failed call changes
nothing because every write happens in one transaction that the exception rolls back.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

DOMAIN = "ics.gov.uk.invalid"


def _pack(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


class IcsError(Exception):
    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    reason = "INTERNAL"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def details(self) -> list[any_pb2.Any]:
        return [_pack(error_details_pb2.ErrorInfo(reason=self.reason, domain=DOMAIN))]

    def to_status(self) -> status_pb2.Status:
        return status_pb2.Status(
            code=getattr(code_pb2, self.code.name), message=self.message, details=self.details()
        )


class InvalidArgument(IcsError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_ARGUMENT"

    def __init__(self, message: str, violations: dict[str, str] | None = None):
        super().__init__(message)
        self.violations = violations or {}

    def details(self) -> list[any_pb2.Any]:
        packed = super().details()
        if self.violations:
            packed.append(_pack(error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=f, description=d)
                for f, d in self.violations.items()
            ])))
        return packed


class Unauthenticated(IcsError):
    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "UNAUTHENTICATED"


class PermissionDenied(IcsError):
    code = grpc.StatusCode.PERMISSION_DENIED
    reason = "PERMISSION_DENIED"


class NotFound(IcsError):
    """Absent, or not visible to the caller: the two must answer identically."""

    code = grpc.StatusCode.NOT_FOUND
    reason = "NOT_FOUND"


class AlreadyExists(IcsError):
    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "ALREADY_EXISTS"

    def __init__(self, message: str, existing: str = ""):
        super().__init__(message)
        self.existing = existing

    def details(self) -> list[any_pb2.Any]:
        packed = super().details()
        if self.existing:
            packed.append(_pack(error_details_pb2.ResourceInfo(resource_name=self.existing)))
        return packed


class FailedPrecondition(IcsError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "FAILED_PRECONDITION"


class Aborted(IcsError):
    """A stale etag: someone else changed the record since the caller read it."""

    code = grpc.StatusCode.ABORTED
    reason = "STALE_ETAG"


class ResourceExhausted(IcsError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    reason = "RESOURCE_EXHAUSTED"


class Unavailable(IcsError):
    code = grpc.StatusCode.UNAVAILABLE
    reason = "UNAVAILABLE"
