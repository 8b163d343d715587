"""Credentials: API keys (stored salted and hashed), bearer tokens and signed file links.

Tokens and links are HMAC-SHA256 over their content with the service's signing secret, so any
voxtune process sharing the secret verifies them without a database look-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from urllib.parse import quote

from sqlalchemy import insert, select

from voxtune.errors import AuthError
from voxtune.store.db import Database
from voxtune.store.records import utc_now
from voxtune.store.tables import api_keys

KEY_LOOKUP_CHARS = 8  # the key's first characters, stored in clear to find its row


def _hash_key(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


def create_api_key(database: Database, name: str = "") -> str:
    """A new key (32 hex characters, like Azure's); only its salted hash is stored."""
    key = secrets.token_hex(16)
    salt = secrets.token_hex(16)
    with database.begin() as connection:
        connection.execute(
            insert(api_keys).values(
                id=str(uuid.uuid4()),
                name=name,
                salt=salt,
                key_hash=_hash_key(salt, key),
                lookup=key[:KEY_LOOKUP_CHARS],
                created_at=utc_now(),
                revoked=0,
            )
        )
    return key


def key_is_valid(database: Database, key: str) -> bool:
    return active_key_id(database, key) is not None


def active_key_id(database: Database, key: str) -> str | None:
    """The id of the active key `key` is, or None (a portal session remembers the id)."""
    if len(key) < KEY_LOOKUP_CHARS:
        return None
    with database.begin() as connection:
        rows = connection.execute(
            select(api_keys.c.id, api_keys.c.salt, api_keys.c.key_hash).where(
                api_keys.c.lookup == key[:KEY_LOOKUP_CHARS], api_keys.c.revoked == 0
            )
        ).all()
    for key_id, salt, digest in rows:
        if hmac.compare_digest(_hash_key(salt, key).encode(), digest.encode()):
            return str(key_id)
    return None


def key_id_is_active(database: Database, key_id: str) -> bool:
    with database.begin() as connection:
        row = connection.execute(
            select(api_keys.c.id).where(api_keys.c.id == key_id, api_keys.c.revoked == 0)
        ).first()
    return row is not None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mac(secret: bytes, message: str) -> str:
    return b64(hmac.new(secret, message.encode(), hashlib.sha256).digest())


def issue_token(secret: bytes, ttl_s: int, subject: str = "voxtune") -> str:
    """A JWT (HS256) valid for `ttl_s` seconds."""
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    now = int(time.time())
    claims = {"sub": subject, "iat": now, "exp": now + ttl_s, "iss": "voxtune"}
    body = b64(json.dumps(claims).encode())
    return f"{header}.{body}.{mac(secret, f'{header}.{body}')}"


def verify_token(secret: bytes, token: str) -> None:
    try:
        header, body, signature = token.split(".")
        claims = json.loads(unb64(body))
        expires = int(claims["exp"])
    except (ValueError, KeyError, TypeError) as error:
        raise AuthError("malformed bearer token") from error
    if not hmac.compare_digest(mac(secret, f"{header}.{body}").encode(), signature.encode()):
        raise AuthError("invalid bearer token signature")
    if expires < time.time():
        raise AuthError("the bearer token has expired")


def sign_path(secret: bytes, path: str, ttl_s: int) -> str:
    """`path?expires=..&signature=..`: a link that works without a key until it expires."""
    expires = int(time.time()) + ttl_s
    signature = mac(secret, f"{path}\n{expires}")
    return f"{quote(path)}?expires={expires}&signature={signature}"


def verify_signed_path(secret: bytes, path: str, expires: int, signature: str) -> None:
    expected = mac(secret, f"{path}\n{expires}").encode()
    if not hmac.compare_digest(expected, signature.encode()):
        raise AuthError("invalid link signature")
    if expires < time.time():
        raise AuthError("the link has expired")


def resource_id(secret: bytes) -> str:
    """This server's stable resource id (what Azure calls the Azure Resource ID)."""
    digest = hashlib.sha256(b"voxtune-resource\n" + secret).hexdigest()[:24]
    return f"/voxtune/servers/{digest}"
