"""Errors as a worker should read them: one plain sentence, plus which fields are at fault."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

UNREACHABLE = ("ICS could not reach the {service} service. Your typing is kept; "
               "try again in a moment, or tell IT if it keeps happening.")


@dataclass
class ServiceError(Exception):
    code: str
    message: str
    violations: dict[str, str] = field(default_factory=dict)
    existing: str = ""

    def __str__(self) -> str:
        return self.message


def needs_new_password(error: ServiceError) -> bool:
    """Login refused until a new password is chosen (an administrator reset it): ask for one and
    log in again with both."""
    return error.code == "FAILED_PRECONDITION" and "new_password" in error.violations


class SessionExpired(ServiceError):
    """The token is gone or expired: log in again; drafts are kept on the server and locally."""


def from_rpc_error(exc: grpc.RpcError, service: str) -> ServiceError:
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    status = rpc_status.from_call(exc) if hasattr(exc, "trailing_metadata") else None
    # A service that answered with its own plain message (for example identity saying the council
    # directory is down) carries rich details; a transport failure does not.
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) and status is None:
        return ServiceError(code.name, UNREACHABLE.format(service=service))
    message = exc.details() if hasattr(exc, "details") else str(exc)
    violations: dict[str, str] = {}
    existing = ""
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations = {v.field: v.description for v in bad.field_violations}
            elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
                info = error_details_pb2.ResourceInfo()
                detail.Unpack(info)
                existing = info.resource_name
    cls = SessionExpired if code == grpc.StatusCode.UNAUTHENTICATED else ServiceError
    return cls(code.name, message or "The request failed.", violations, existing)
