"""One error hierarchy (docs/architecture.md (house style)), mapped to HTTP by one handler in app.py."""
from __future__ import annotations

from typing import Any


class PolicyKGError(Exception):
    """Base of every error the project raises on purpose."""

    status = 500
    code = "internal"

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "detail": self.detail}


class BadInput(PolicyKGError):
    """The client's input is malformed (syntax, types)."""

    status = 400
    code = "bad-input"


class ParseError(BadInput):
    """RDF or JSON that does not parse; detail carries format, line and column."""

    def __init__(self, fmt: str, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(
            f"malformed {fmt}" + (f" at line {line}, column {column}" if line is not None else "") + f": {message}",
            {"format": fmt, "line": line, "column": column, "message": message},
        )


class UnprocessableInput(PolicyKGError):
    """Well-formed input naming things we do not know (unknown type, measure, field)."""

    status = 422
    code = "unprocessable"


class NotFound(PolicyKGError):
    status = 404
    code = "not-found"


class Conflict(PolicyKGError):
    """A write that contradicts an earlier one (an Idempotency-Key reused with another body)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(PolicyKGError):
    status = 413
    code = "too-large"


class UnsupportedMediaType(PolicyKGError):
    status = 415
    code = "unsupported-media-type"


class NotAcceptable(PolicyKGError):
    status = 406
    code = "not-acceptable"


class Unauthorized(PolicyKGError):
    """No valid bearer token where one is needed (answered with WWW-Authenticate: Bearer)."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str, detail: Any = None, error: str | None = None) -> None:
        super().__init__(message, detail)
        challenge = 'Bearer realm="policykg"' + (f', error="{error}"' if error else "")
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(PolicyKGError):
    """A request the server refuses by policy (SPARQL update, SERVICE, remote @context)."""

    status = 403
    code = "forbidden"


class QueryTimeout(PolicyKGError):
    status = 503
    code = "timeout"


class CorpusError(PolicyKGError):
    """The corpus files are broken (bad Turtle, inconsistent ontology); carries file and line."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        where = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        super().__init__(where + message, {"file": file, "line": line})
        self.file = file
        self.line = line


class StoreInUse(PolicyKGError):
    """The embedded store's data directory is locked by another process (one server per directory)."""

    status = 503
    code = "store-in-use"


class NeedsPrimary(PolicyKGError):
    """A replica process was asked for something only the primary holds (the registry, tokens, the audit
    trail, any write): answered 421 inside the replica and forwarded to the primary (server/serving/)."""

    status = 421
    code = "needs-primary"
    headers = {"x-policykg-needs-primary": "1"}  # the mark server/serving/forward.py looks for
