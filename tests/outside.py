"""Real local counterparts of the outside world, started by the tests that need them.

`Receiver` is a tiny Starlette app served by uvicorn in a thread: it records every request
and answers with the statuses it is told to (then 200). `smtp_server` runs aiosmtpd;
`oauth_server` an OAuth 2 authorization server (code + PKCE, refresh tokens).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import urlencode

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # Statuses to answer, in order, before answering 200 to everything.
    statuses: list[int] = field(default_factory=list)


@contextmanager
def serve_in_thread(app: Starlette) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the local server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver(url="")
    lock = threading.Lock()

    async def hook(request: Request) -> Response:
        body = await request.body()
        with lock:
            receiver.requests.append(Received(request.url.path, dict(request.headers), body))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
        return Response(status_code=status)

    app = Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])
    with serve_in_thread(app) as base:
        receiver.url = base + "/hooks"
        yield receiver


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps what arrives; answers `refusals` first."""

    url: str
    messages: list[Any] = field(default_factory=list)  # email.message.EmailMessage
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


@contextmanager
def smtp_server() -> Iterator[SmtpSink]:
    port = free_port()
    sink = SmtpSink(url=f"smtp://mailer:secret-pass@127.0.0.1:{port}")

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if sink.refusals:
                return sink.refusals.pop(0)
            sink.messages.append(
                BytesParser(policy=policy.default).parsebytes(envelope.original_content)
            )
            sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            return "250 OK"

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"mailer",
            b"secret-pass",
        )
        return AuthResult(success=ok)

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class OAuthServer:
    """An OAuth 2 authorization server (code + PKCE S256, refresh) for one client."""

    base_url: str
    client_id: str
    client_secret: str
    expires_in: int = 3600
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_tokens: set[str] = field(default_factory=set)
    grants: list[str] = field(default_factory=list)
    issued: int = 0


@contextmanager
def oauth_server(client_id: str, client_secret: str) -> Iterator[OAuthServer]:
    server = OAuthServer("", client_id, client_secret)
    lock = threading.Lock()

    def token_pair() -> dict[str, Any]:
        server.issued += 1
        refresh = f"rt-{server.issued}-{secrets.token_hex(4)}"
        server.refresh_tokens.add(refresh)
        return {
            "access_token": f"at-{server.issued}-{secrets.token_hex(4)}",
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": server.expires_in,
            "scope": "customer_invoices:all supplier_invoices:all",
        }

    async def authorize(request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != client_id or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        with lock:
            server.codes[code] = {
                "challenge": q["code_challenge"],
                "redirect_uri": q["redirect_uri"],
            }
        target = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
        return RedirectResponse(target, status_code=302)

    async def token(request: Request) -> Response:
        form = await request.form()
        expected = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = str(form.get("grant_type"))
        with lock:
            server.grants.append(grant)
            if grant == "authorization_code":
                pending = server.codes.pop(str(form.get("code")), None)
                verifier = str(form.get("code_verifier", ""))
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    pending is None
                    or pending["challenge"] != challenge
                    or pending["redirect_uri"] != form.get("redirect_uri")
                ):
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                return JSONResponse(token_pair())
            if grant == "refresh_token":
                presented = str(form.get("refresh_token"))
                if presented not in server.refresh_tokens:
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                server.refresh_tokens.discard(presented)
                return JSONResponse(token_pair())
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

    app = Starlette(
        routes=[
            Route("/oauth/authorize", authorize, methods=["GET"]),
            Route("/oauth/token", token, methods=["POST"]),
        ]
    )
    with serve_in_thread(app) as base:
        server.base_url = base
        yield server
