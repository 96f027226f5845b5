"""``showup run`` as a newcomer starts it: a real process serving HTTP on a free port."""

from __future__ import annotations

import asyncio
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import free_port as _free_port
from tests.cli.helpers import showup, showup_env
from tests.cli.helpers import until_healthy as _until_healthy
from tests.fakes.graph_api import (
    APP_SECRET,
    PHONE_ID,
    VERIFY_TOKEN,
    GraphApiEmulator,
    signed,
    text,
)
from tests.fakes.graph_api import TOKEN as WA_TOKEN
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

# a real `showup` process reads the machine's clock and zone
pytestmark = pytest.mark.clock


def _start(tmp_path: Path, port: int, **settings: str) -> subprocess.Popen[str]:
    """``showup run`` in ``tmp_path`` on ``port`` with these ``SHOWUP_*`` settings."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=showup_env(tmp_path, api_port=str(port), **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_healthy(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60  # as _until_healthy: a busy CI machine starts it slowly
    while time.monotonic() < deadline:
        assert process.poll() is None, "showup run exited early"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("showup run did not become healthy within 60 s")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_run_serves_the_api_with_a_generated_token(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(tmp_path, port)
    try:
        _wait_healthy(base, process)
        token = (tmp_path / "var" / "api-token").read_text(encoding="utf-8").strip()
        assert stat.S_IMODE((tmp_path / "var" / "api-token").stat().st_mode) == 0o600
        assert httpx.get(f"{base}/api/v1/staff").status_code == 401
        authorised = httpx.get(
            f"{base}/api/v1/staff", headers={"Authorization": f"Bearer {token}"}
        )
        assert (authorised.status_code, authorised.json()) == (200, [])
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert output.count(token) == 2  # the token and the curl example, in the one-time panel
    assert "/docs" in output
    assert "showup demo" in output
    assert "showup chat" in output

    process = _start(tmp_path, port)
    try:
        _wait_healthy(base, process)
    finally:
        output = _stop(process)
    assert token not in output


async def _until(check: Callable[[], object], what: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_run_on_telegram_and_whatsapp(
    tmp_path: Path, api_emulator: BotApiEmulator, graph_emulator: GraphApiEmulator
) -> None:
    """The whole path a salon takes: a real `showup run` process polling the Bot API and
    serving the WhatsApp webhook."""
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(  # starting it does not block; the waits below are async
        tmp_path,
        port,
        api_token="run-test-token-0123456789",
        telegram_token=TOKEN,
        telegram_api_base=api_emulator.base,
        admin_telegram_ids="900",
        outbox_tick="1s",
        chat_min_interval="0s",
        whatsapp_phone_id=PHONE_ID,
        whatsapp_token=WA_TOKEN,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_api_base=graph_emulator.base,
        whatsapp_pair_interval="0s",
        quiet_hours="off",  # else from 21:00 in Madrid the confirmation waits until 09:00
    )
    headers = {"Authorization": "Bearer run-test-token-0123456789"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=5) as api:
            await _until_healthy(api, process)
            staff = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()
            service = (
                await api.post(
                    "/api/v1/services",
                    json={"name": "Haircut", "duration_minutes": 60, "price": "30"},
                )
            ).json()
            client = (
                await api.post(
                    "/api/v1/clients",
                    json={"name": "Anna", "phone": "+34600111222", "locale": "en"},
                )
            ).json()
            link = await api.post(f"/api/v1/clients/{client['id']}/telegram-link")
            assert link.status_code == 201, link.text
            token = link.json()["url"].split("start=")[1]

            api_emulator.push(api_emulator.message_update(111, f"/start {token}", language="en"))
            await _until(lambda: api_emulator.texts(111), "the linked greeting")
            assert "Hello, Anna!" in api_emulator.texts(111)[0]

            booked = await api.post(
                "/api/v1/appointments",
                json={
                    "client_id": client["id"],
                    "staff_id": staff["id"],
                    "service_id": service["id"],
                    "starts_at": "2030-01-15T11:00:00",
                },
            )
            assert booked.status_code == 201, booked.text
            await _until(lambda: len(api_emulator.texts(111)) >= 2, "the booking confirmation")
            assert "Haircut" in api_emulator.texts(111)[1]

            api_emulator.push(api_emulator.message_update(900, "/tomorrow", language="en"))
            await _until(lambda: api_emulator.texts(900), "the admin's board")
            assert api_emulator.texts(900)[0].startswith("Tomorrow, ")

            handshake = await api.get(
                "/webhooks/whatsapp",
                params={
                    "hub.mode": "subscribe",
                    "hub.verify_token": VERIFY_TOKEN,
                    "hub.challenge": "42",
                },
            )
            assert (handshake.status_code, handshake.text) == (200, "42")
            body, signature = signed(text("34600111222", "¿Hay parking cerca?"))
            posted = await api.post("/webhooks/whatsapp", content=body, headers=signature)
            assert posted.status_code == 200
            await _until(lambda: graph_emulator.sent, "the WhatsApp answer")
            assert graph_emulator.sent[0]["to"] == "34600111222"
    finally:
        output = await asyncio.to_thread(_stop, process)  # the emulator keeps answering meanwhile
    assert process.returncode == 0, output
    assert "Telegram: @showup_test_bot, long polling" in output
    assert f"WhatsApp: number id {PHONE_ID}" in output
    assert TOKEN not in output
    assert WA_TOKEN not in output
    assert APP_SECRET not in output


async def test_run_in_telegram_webhook_mode(tmp_path: Path, api_emulator: BotApiEmulator) -> None:
    """Webhook mode as deployed behind HTTPS: registered at start-up with the secret, updates
    accepted only with it, a stale secret replaced at the next start."""
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    url = "https://bot.example.com/webhooks/telegram"
    secret = "webhook-secret-0123456789"
    api_emulator.webhook_url = url  # registered by an earlier start, with another secret
    api_emulator.webhook_secret = "an-older-secret-0123456789"
    api_emulator.webhook_error = "Wrong response from the webhook: 401 Unauthorized"
    process = _start(  # starting it does not block; the waits below are async
        tmp_path,
        port,
        telegram_token=TOKEN,
        telegram_api_base=api_emulator.base,
        telegram_webhook_url=url,
        telegram_webhook_secret=secret,
        admin_telegram_ids="900",
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            await _until_healthy(http, process)
            await _until(lambda: api_emulator.webhook_secret == secret, "setWebhook")
            update = {"update_id": 1, **api_emulator.message_update(900, "/help", language="en")}
            refused = await http.post("/webhooks/telegram", json=update)
            accepted = await http.post(
                "/webhooks/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            await _until(lambda: api_emulator.texts(900), "the admin's help")
    finally:
        output = await asyncio.to_thread(_stop, process)
    assert process.returncode == 0, output
    assert (refused.status_code, accepted.status_code) == (401, 200)
    assert api_emulator.texts(900)[0].startswith("ShowUp admin commands")
    assert api_emulator.sent("getUpdates") == []  # no polling beside the webhook
    assert f"Telegram webhook kept at {url}" in output
    assert "last delivery error there: Wrong response from the webhook: 401" in output
    assert secret not in output


async def test_a_refused_webhook_registration_is_reported_and_serving_goes_on(
    tmp_path: Path, api_emulator: BotApiEmulator
) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    api_emulator.fail(
        "setWebhook", code=400, description="Bad Request: bad webhook: Failed to resolve host"
    )
    process = _start(
        tmp_path,
        port,
        telegram_token=TOKEN,
        telegram_api_base=api_emulator.base,
        telegram_webhook_url="https://no-such-host.example/webhooks/telegram",
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            await _until_healthy(http, process)
            await _until(lambda: api_emulator.sent("setWebhook"), "the setWebhook attempt")
            await asyncio.sleep(0.5)
            assert process.poll() is None  # still serving
    finally:
        output = await asyncio.to_thread(_stop, process)
    assert process.returncode == 0, output
    assert "Could not register the Telegram webhook" in output
    assert "bad webhook: Failed to resolve host" in output


async def test_link_prints_a_single_use_deep_link(
    tmp_path: Path, api_emulator: BotApiEmulator
) -> None:
    env = showup_env(tmp_path, telegram_token=TOKEN, telegram_api_base=api_emulator.base)

    async def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(showup, tmp_path, *args, env=env)

    assert (await cli("db", "upgrade")).returncode == 0
    assert (await cli("staff", "add", "Vitaly")).returncode == 0
    assert (
        await cli("services", "add", "Haircut", "--minutes", "60", "--price", "30")
    ).returncode == 0
    booked = await cli(
        "book",
        "--phone",
        "600111222",
        "--at",
        "2030-01-15 11:00",
        "--service",
        "Haircut",
        "--staff",
        "Vitaly",
        "--name",
        "Anna",
    )
    assert booked.returncode == 0, booked.stderr

    first = await cli("link", "--phone", "600 111 222")
    second = await cli("link", "--client-id", "1")
    unknown = await cli("link", "--phone", "+34699999999")

    assert first.returncode == 0, first.stderr
    urls = [
        line
        for result in (first, second)
        for line in result.stdout.splitlines()
        if line.startswith("https://t.me/showup_test_bot?start=")
    ]
    assert len(set(urls)) == 2  # a fresh token each time
    assert "Telegram link for Anna (client 1), single use" in first.stdout
    assert unknown.returncode == 1
    assert "no client has the phone +34699999999" in unknown.stderr
    no_telegram = await asyncio.to_thread(
        showup, tmp_path, "link", "--client-id", "1", env=showup_env(tmp_path)
    )
    assert no_telegram.returncode == 1
    assert "SHOWUP_TELEGRAM_TOKEN" in no_telegram.stderr


async def test_run_refuses_a_token_telegram_rejects(
    tmp_path: Path, api_emulator: BotApiEmulator
) -> None:
    assert (await asyncio.to_thread(showup, tmp_path, "db", "upgrade")).returncode == 0
    wrong = "987654321:" + "B" * 35
    env = showup_env(
        tmp_path,
        telegram_token=wrong,
        telegram_api_base=api_emulator.base,
        api_token="run-test-token-0123456789",
        api_port=str(_free_port()),
    )
    result = await asyncio.to_thread(showup, tmp_path, "run", env=env)
    assert result.returncode == 1
    assert "Telegram did not accept the bot (SHOWUP_TELEGRAM_TOKEN)" in result.stderr
    assert wrong not in result.stdout + result.stderr
