"""The pages call the API in process (policykg.web.tools.call_api): such a caller never goes away. Regression: its
receive() answered `http.disconnect` once the body was read, so a bounded work that polled for a disconnect after
0.2 s (policykg.api.work.run_bounded) stopped with 503 "the client went away" – the eligibility of the validation
page and of the permalink page failed under load."""
from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from policykg.web.tools import call_api


def test_an_in_process_call_is_not_seen_as_a_client_that_went_away():
    app = FastAPI()

    @app.post("/slow")
    async def slow(request: Request) -> dict:
        body = await request.body()
        await asyncio.sleep(0.3)  # longer than run_bounded's first look
        return {"body": body.decode(), "gone": await request.is_disconnected()}

    @app.get("/page")
    async def page(request: Request) -> dict:
        ans = await call_api(request, "POST", "/slow", b"hello", {"content-type": "text/plain"})
        return {"status": ans.status, **ans.json()}

    with TestClient(app) as c:
        assert c.get("/page").json() == {"status": 200, "body": "hello", "gone": False}
