"""Portal sessions: a signed cookie naming the API key that signed in, and its CSRF token.

The cookie is HMAC-signed with the service's secret (no session table); each request also
checks that the key is still active, so revoking a key ends its sessions at once.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from dataclasses import dataclass

from voxtune.errors import AuthError
from voxtune.service.security import b64, mac, unb64

COOKIE = "voxtune_session"
SESSION_TTL_S = 8 * 3600  # a working day; then sign in again


@dataclass(frozen=True)
class Session:
    key_id: str  # the api_keys row that signed in
    nonce: str  # per sign-in: the CSRF token derives from it
    expires: int  # unix seconds

    def csrf_token(self, secret: bytes) -> str:
        return mac(secret, f"csrf\n{self.nonce}")

    def csrf_ok(self, secret: bytes, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(
            self.csrf_token(secret).encode(), str(token).encode()
        )


def new_session(key_id: str, ttl_s: int = SESSION_TTL_S) -> Session:
    return Session(key_id, secrets.token_hex(16), int(time.time()) + ttl_s)


def encode_session(secret: bytes, session: Session) -> str:
    body = b64(json.dumps({"k": session.key_id, "n": session.nonce, "e": session.expires}).encode())
    signature = mac(secret, "session\n" + body)
    return f"{body}.{signature}"


def decode_session(secret: bytes, cookie: str) -> Session:
    """The session a cookie carries; AuthError if it is forged, malformed or expired."""
    body, _, signature = cookie.partition(".")
    if not hmac.compare_digest(mac(secret, "session\n" + body).encode(), signature.encode()):
        raise AuthError("the session is not valid; sign in again")
    try:
        claims = json.loads(unb64(body))
        session = Session(str(claims["k"]), str(claims["n"]), int(claims["e"]))
    except (ValueError, KeyError, TypeError) as error:
        raise AuthError("the session is not valid; sign in again") from error
    if session.expires < time.time():
        raise AuthError("the session has expired; sign in again")
    return session
