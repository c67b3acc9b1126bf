"""The bootstrap every service shares: auth on every method, errors as statuses, health,
reflection in demo mode, and a graceful stop on SIGTERM (health says NOT_SERVING first)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
from typing import Awaitable, Callable, Iterable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from services.common import tls
from services.common.auth import (TokenVerifier, current_principal, current_token, on_behalf_from_metadata,
                                  token_from_metadata)
from services.common.config import ServiceSettings
from services.common.errors import IcsError, InvalidArgument

log = logging.getLogger("ics.server")

ALWAYS_PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


async def _abort(context: grpc.aio.ServicerContext, error: IcsError) -> None:
    await context.abort_with_status(rpc_status.to_status(error.to_status()))


async def _abort_internal(context: grpc.aio.ServicerContext, method: str) -> None:
    log.exception("unexpected failure in %s", method)
    await context.abort(
        grpc.StatusCode.INTERNAL,
        "Something went wrong on the server and nothing was changed. The fault has been logged.",
    )


@contextlib.asynccontextmanager
async def _answering(context: grpc.aio.ServicerContext, method: str):
    """Turns what a handler raises into the status the client reads."""
    try:
        yield
    except IcsError as error:
        await _abort(context, error)
    except (grpc.aio.AbortError, asyncio.CancelledError):
        raise
    except Exception:
        await _abort_internal(context, method)


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Deny by default: every method needs a valid token unless named public."""

    def __init__(self, verifier: TokenVerifier, public_methods: Iterable[str]):
        self._verifier = verifier
        self._public = frozenset(public_methods)

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(ALWAYS_PUBLIC_PREFIXES):
            return handler
        return _wrap(handler, method, None if method in self._public else self._verifier)


def _nul_fields(message, prefix: str = "") -> list[str]:
    """Fields whose text holds a NUL character, which PostgreSQL cannot store or compare: refused
    as bad input on every method, before a query turns them into an INTERNAL."""
    found = []
    for field, value in message.ListFields():
        path = prefix + field.name
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                if isinstance(key, str) and "\x00" in key:
                    found.append(path)
                if isinstance(item, str) and "\x00" in item:
                    found.append(f"{path}[{key!r}]")
                elif hasattr(item, "ListFields"):
                    found.extend(_nul_fields(item, f"{path}[{key!r}]."))
            continue
        for item in (value if field.is_repeated else [value]):
            if isinstance(item, str) and "\x00" in item:
                found.append(path)
            elif hasattr(item, "ListFields"):
                found.extend(_nul_fields(item, path + "."))
    return found


def _refuse_nul(request) -> None:
    bad = _nul_fields(request) if hasattr(request, "ListFields") else []
    if bad:
        raise InvalidArgument("Text cannot contain NUL characters.", {f: "contains a NUL character" for f in bad})


def _wrap(handler: grpc.RpcMethodHandler, method: str, verifier: TokenVerifier | None):
    async def authenticate(context) -> None:
        token = token_from_metadata(context.invocation_metadata())
        current_token.set(token)
        if verifier is not None:
            current_principal.set(await verifier.verify(token, on_behalf_from_metadata(context.invocation_metadata())))

    if handler.unary_unary is not None:
        inner = handler.unary_unary

        async def unary(request, context):
            async with _answering(context, method):
                await authenticate(context)
                _refuse_nul(request)
                result = inner(request, context)
                return await result if inspect.isawaitable(result) else result

        return grpc.unary_unary_rpc_method_handler(
            unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        inner_stream = handler.unary_stream

        async def stream(request, context):
            async with _answering(context, method):
                await authenticate(context)
                _refuse_nul(request)
                async for item in inner_stream(request, context):
                    yield item

        return grpc.unary_stream_rpc_method_handler(
            stream,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


class ServiceRunner:
    """Builds, starts and stops one gRPC service; `serve_forever` adds the signal handling."""

    def __init__(
        self,
        settings: ServiceSettings,
        verifier: TokenVerifier,
        public_methods: Iterable[str],
        register: Callable[[grpc.aio.Server], Iterable[str]],
        on_start: Callable[[], Awaitable[None]] | None = None,
        on_stop: Callable[[], Awaitable[None]] | None = None,
        on_draining: Callable[[], None] | None = None,
    ):
        self.settings = settings
        self.server = grpc.aio.server(
            interceptors=[AuthInterceptor(verifier, public_methods)],
            options=[
                ("grpc.keepalive_time_ms", 60_000),
                ("grpc.http2.min_recv_ping_interval_without_data_ms", 30_000),
                ("grpc.max_receive_message_length", 16 * 1024 * 1024),
            ],
        )
        service_names = list(register(self.server))
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        self._service_names = service_names
        if settings.reflection:
            reflection.enable_server_reflection(
                [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                 reflection.SERVICE_NAME],
                self.server,
            )
        address = f"{settings.host}:{settings.port}"
        credentials = tls.server_credentials(settings)
        self.port = (self.server.add_secure_port(address, credentials) if credentials
                     else self.server.add_insecure_port(address))
        # What this service's own calls to the others use (its certificate, when TLS is on).
        self.transport = tls.service_transport(settings)
        if self.port == 0:
            raise OSError(f"Could not listen on {settings.host}:{settings.port}; is it in use?")
        self._on_start = on_start
        self._on_stop = on_stop
        self._on_draining = on_draining
        self._stopped = False

    @property
    def target(self) -> str:
        return f"{self.settings.host}:{self.port}"

    async def start(self) -> None:
        # Set before anything starts, so the server's handlers and the service's background tasks
        # (which copy this context) open their channels to other services with this transport.
        tls.outgoing.set(self.transport)
        await self.server.start()
        if self._on_start:
            await self._on_start()
        for name in ["", *self._service_names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("%s listening on %s", self.settings.name, self.target)

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.health.enter_graceful_shutdown()
        if self._on_draining:
            # Streams that would otherwise run for ever (event and alert followers) end now, so
            # the grace period waits only for calls that finish; their clients reconnect.
            self._on_draining()
        await self.server.stop(self.settings.grace_seconds)
        if self._on_stop:
            await self._on_stop()
        log.info("%s stopped", self.settings.name)

    async def serve_forever(self) -> None:
        await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await self.stop()
