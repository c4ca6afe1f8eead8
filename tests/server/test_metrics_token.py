"""`COMPTOIR_METRICS_TOKEN`: once set, `/metrics` answers only `Authorization: Bearer <token>`
(401 otherwise); unset, it stays open as before."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.conftest import App

TOKEN = "scrape-me-0f9a8b7c"


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The app's settings with `metrics_token` set to the test's parameter (default: none)."""
    return settings.model_copy(update={"metrics_token": getattr(request, "param", None)})


@pytest.mark.parametrize("settings", [TOKEN], indirect=True)
async def test_metrics_need_the_token_once_one_is_set(app: App) -> None:
    for authorization in (
        None,
        b"Bearer wrong",
        f"Bearer {TOKEN}x".encode(),
        f"Bearer {TOKEN[:-1]}".encode(),
        f"Basic {TOKEN}".encode(),
        "Bearer caf\u00e9".encode(),  # not ASCII
    ):
        headers = {} if authorization is None else {b"authorization": authorization}
        refused = await app.client.get("/metrics", headers=headers)
        assert refused.status_code == 401, authorization
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert "comptoir_" not in refused.text
    scraped = await app.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200, scraped.text
    assert "comptoir_http_requests_total" in scraped.text
    assert (await app.client.get("/healthz")).status_code == 200  # nothing else is guarded


async def test_metrics_stay_open_without_a_token(app: App) -> None:
    assert app.settings.metrics_token is None
    scraped = await app.client.get("/metrics")
    assert scraped.status_code == 200 and "comptoir_http_requests_total" in scraped.text


def test_a_blank_token_is_no_token() -> None:
    assert Settings(metrics_token="  ").metrics_token is None
    assert Settings(metrics_token=f" {TOKEN} ").metrics_token == TOKEN
