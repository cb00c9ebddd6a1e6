"""A Python client of a running policykg server, for notebooks and scripts.

    >>> import policykg
    >>> kg = policykg.Client("http://127.0.0.1:8000")
    >>> rows = kg.query("highest-cap-per-project-type")       # a library query, with its parameters
    >>> rows.to_dataframe()                                   # pandas, if installed (`pip install policykg[notebook]`)
    >>> kg.sparql("SELECT ?d WHERE { ?d a <http://data.europa.eu/eli/ontology#LegalResource> }")
    >>> kg.validate({"type": "RenovationProject", ...})       # the JSON form (docs/submission.md)

Only the standard library: a notebook needs nothing else to talk to the server. Values come back
as Python values (Decimal for money, int, bool, datetime.date, str for IRIs and text). Errors are
typed (`BadRequest`, `Unauthorized`, …), each with the server's `error` and `detail`.
"""
from __future__ import annotations

import datetime as _dt
import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
_CONVERT: dict[str, Any] = {
    XSD + "decimal": Decimal, XSD + "integer": int, XSD + "int": int, XSD + "long": int,
    XSD + "nonNegativeInteger": int, XSD + "double": float, XSD + "float": float,
    XSD + "boolean": lambda v: v == "true" or v == "1", XSD + "date": _dt.date.fromisoformat,
}


class ClientError(Exception):
    """An answer of the server other than success: its status, `error` message and `detail`."""

    status = 0

    def __init__(self, status: int, error: str, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {error}")
        self.status, self.error, self.detail, self.headers = status, error, detail, headers or {}


class BadRequest(ClientError):
    status = 400


class Unauthorized(ClientError):
    status = 401


class Forbidden(ClientError):
    status = 403


class NotFound(ClientError):
    status = 404


class Unprocessable(ClientError):
    status = 422


class Busy(ClientError):
    """503: the server is busy or a query ran out of time; `retry_after` seconds, when it says."""

    status = 503

    @property
    def retry_after(self) -> int | None:
        v = self.headers.get("retry-after")
        return int(v) if v and v.isdigit() else None


_BY_STATUS = {c.status: c for c in (BadRequest, Unauthorized, Forbidden, NotFound, Unprocessable, Busy)}


class Rows(list):
    """The rows of a SELECT: a list of dicts (column -> Python value, None when unbound)."""

    def __init__(self, rows: list[dict[str, Any]], columns: list[str], truncated: bool = False) -> None:
        super().__init__(rows)
        self.columns = columns
        self.truncated = truncated

    def to_dataframe(self) -> Any:
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the notebook's environment
            raise ImportError("to_dataframe() needs pandas: pip install 'policykg[notebook]'") from None
        return pd.DataFrame(list(self), columns=self.columns)


def value(term: dict[str, Any] | None) -> Any:
    """A SPARQL JSON term as a Python value."""
    if term is None:
        return None
    if term.get("type") == "literal" and "datatype" in term and term["datatype"] in _CONVERT:
        try:
            return _CONVERT[term["datatype"]](term["value"])
        except (ValueError, ArithmeticError):
            return term["value"]
    return term["value"]


class Client:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    # -- plumbing -------------------------------------------------------------------------
    def _request(self, method: str, path: str, params: dict[str, Any] | None = None, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        h = {"accept": "application/json", **(headers or {})}
        if self.token:
            h["authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(url, data=body, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return r.read(), {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            raw, hdrs = e.read(), {k.lower(): v for k, v in e.headers.items()}
            try:
                data = json.loads(raw)
            except ValueError:
                data = {"error": raw.decode("utf-8", "replace")[:500], "detail": None}
            cls = _BY_STATUS.get(e.code, ClientError)
            raise cls(e.code, data.get("error", ""), data.get("detail"), hdrs) from None

    def _json(self, method: str, path: str, payload: Any = None, params: dict[str, Any] | None = None) -> Any:
        body = None if payload is None else (payload.encode() if isinstance(payload, str) else
                                             json.dumps(payload, ensure_ascii=False).encode())
        ctype = "text/turtle" if isinstance(payload, str) else "application/json"
        raw, _ = self._request(method, path, params, body=body,
                               headers={"content-type": ctype} if body is not None else None)
        return json.loads(raw)

    @staticmethod
    def _answer(raw: bytes, headers: dict[str, str]) -> Any:
        data = json.loads(raw)
        if "boolean" in data:
            return bool(data["boolean"])
        columns = data["head"].get("vars", [])
        rows = [{c: value(b.get(c)) for c in columns} for b in data["results"]["bindings"]]
        truncated = headers.get("x-result-truncated", "").lower() == "true" or bool(data.get("truncated"))
        return Rows(rows, columns, truncated)

    # -- researchers ----------------------------------------------------------------------
    def queries(self) -> list[dict[str, Any]]:
        """The named query library: name, summary, parameters with their types and defaults."""
        data = self._json("GET", "/api/queries")
        return data["queries"] if isinstance(data, dict) and "queries" in data else data

    def query(self, name: str, **params: Any) -> Rows | bool:
        """Run a library query; parameters by name (`as_of=` for `asOf`-style names is not rewritten)."""
        raw, headers = self._request("GET", f"/api/queries/{urllib.parse.quote(name)}",
                                     {k: str(v) for k, v in params.items() if v is not None},
                                     headers={"accept": "application/sparql-results+json"})
        return self._answer(raw, headers)

    def sparql(self, text: str) -> Rows | bool:
        """A SELECT (rows) or ASK (bool) on the public dataset."""
        raw, headers = self._request("POST", "/sparql", body=text.encode(),
                                     headers={"content-type": "application/sparql-query",
                                              "accept": "application/sparql-results+json"})
        return self._answer(raw, headers)

    # -- validators -----------------------------------------------------------------------
    def validate(self, submission: Any, as_of: str | None = None) -> dict[str, Any]:
        """The validation report of a submission (a JSON-form dict, or Turtle text)."""
        return self._json("POST", "/api/validate", submission, {"asOf": as_of} if as_of else None)

    def measures(self) -> list[dict[str, Any]]:
        """Every support measure of the corpus (iri, slug, document, parameters, clause)."""
        return self._json("GET", "/api/measures")

    def candidates(self, measure: str, as_of: str | None = None) -> dict[str, Any]:
        """The stored submissions that meet every machine-checkable condition of a measure and were never awarded
        it (a reviewer's token): the server keeps the judgements it makes."""
        return self._json("GET", f"/api/measures/{urllib.parse.quote(measure, safe='')}/candidates",
                          params={"asOf": as_of} if as_of else None)

    def eligibility(self, submission: Any, as_of: str | None = None) -> dict[str, Any]:
        """Every measure for the submission: eligible or not, at most how much, and why."""
        return self._json("POST", "/api/eligibility", submission, {"asOf": as_of} if as_of else None)
