"""Small helpers the integration tests share."""

from __future__ import annotations

from ics.common.v1 import common_pb2 as cpb


def call(client, method: str, request):
    """Any records method by name, through the client's own error mapping and session."""
    return client._call("records", getattr(client.records, method), request)


def a(value: str) -> cpb.Answer:
    """An answered question."""
    return cpb.Answer(value=value, status=cpb.ANSWER_STATUS_ANSWERED)
