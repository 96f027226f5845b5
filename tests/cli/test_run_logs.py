"""``showup run`` never writes a token or a secret of a request's URL into its output."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
from uvicorn.logging import AccessFormatter

from bot.logs import RedactQueryStrings, masked, sender_for_log, uvicorn_log_config
from tests.cli.helpers import free_port as _free_port
from tests.cli.helpers import showup
from tests.cli.helpers import until_healthy as _until_healthy
from tests.cli.test_run import _start, _stop
from tests.fakes.graph_api import APP_SECRET, PHONE_ID, VERIFY_TOKEN, GraphApiEmulator
from tests.fakes.graph_api import TOKEN as WA_TOKEN

SECRET = "query-secret-0123456789"


async def test_query_strings_never_reach_the_log(
    tmp_path: Path, graph_emulator: GraphApiEmulator
) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    process = _start(
        tmp_path,
        port,
        api_token="run-test-token-0123456789",
        log_level="INFO",
        whatsapp_phone_id=PHONE_ID,
        whatsapp_token=WA_TOKEN,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_api_base=graph_emulator.base,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            await _until_healthy(http, process)
            handshake = await http.get(
                "/webhooks/whatsapp",
                params={
                    "hub.mode": "subscribe",
                    "hub.verify_token": VERIFY_TOKEN,
                    "hub.challenge": "challenge-4242",
                },
            )
            assert handshake.status_code == 200
            wrong = await http.get(
                f"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={SECRET}&token=S2-{SECRET}"
            )
            assert wrong.status_code == 403
            api = await http.get(f"/api/v1/staff?token={SECRET}&api_key=K-{SECRET}")
            assert api.status_code == 401
    finally:
        output = _stop(process)
    assert VERIFY_TOKEN not in output
    assert SECRET not in output
    assert "challenge-4242" not in output
    # what happened is still there: the path, the parameter names, the status
    assert "GET /webhooks/whatsapp?hub.mode=***&hub.verify_token=***&hub.challenge=***" in output
    assert "/api/v1/staff?token=***&api_key=***" in output
    assert '" 401' in output


def test_the_access_formatter_still_gets_its_five_arguments() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/webhooks/whatsapp?hub.verify_token={SECRET}", "1.1", 200),
        None,
    )
    assert RedactQueryStrings().filter(record)
    line = AccessFormatter(fmt='%(client_addr)s - "%(request_line)s" %(status_code)s').format(
        record
    )
    assert line == '127.0.0.1:5000 - "GET /webhooks/whatsapp?hub.verify_token=*** HTTP/1.1" 200 OK'


def test_both_uvicorn_handlers_are_filtered() -> None:
    config = uvicorn_log_config()
    assert {name for name, handler in config["handlers"].items() if handler["filters"]} == {
        "default",
        "access",
    }


def test_a_whatsapp_sender_is_masked_a_telegram_chat_id_is_not() -> None:
    assert sender_for_log("whatsapp", "34600111222") == "…222"
    assert sender_for_log("telegram", "555") == "555"
    assert masked("12") == "***"
