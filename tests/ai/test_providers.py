"""The three providers against a real HTTP stand-in (tests/ai/standin.py): streaming, usage,
structured answers, retries, Stop, and every failure a person can meet, in words."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest

from aidioma_desktop.ai.base import ChatMessage, ChatRequest, ErrorKind, ProviderError
from aidioma_desktop.ai.providers import (
    Provider,
    ProviderKind,
    RetryPolicy,
    Timeouts,
    detect_ollama,
    make_provider,
)
from tests.ai.standin import MODELS, Fail, Reply, StandIn, words

KINDS: list[ProviderKind] = ["ollama", "openai", "anthropic"]
KEY = "sk-standin-0123456789abcdef"
SYSTEM = "Eres un tutor de español paciente."
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"verdict": {"type": "string"}, "note": {"type": "string"}},
    "required": ["verdict", "note"],
    "additionalProperties": False,
}
ASK = ChatRequest([ChatMessage("user", "¿Cómo se dice 'cat'?")], system=SYSTEM, max_tokens=200)
GRADE = ChatRequest(
    [ChatMessage("user", "Grade: 'Yo soy cansado'")], schema=SCHEMA, schema_name="grading"
)


class Sleeps(list[float]):
    """The injected sleep: records each wait, never sleeps."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def providers() -> Iterator[list[Provider]]:
    made: list[Provider] = []
    yield made
    for provider in made:
        provider.close()


@pytest.fixture
def connect(server: StandIn, sleeps: Sleeps, providers: list[Provider]) -> Any:
    """`connect(kind, model=..., key=..., timeouts=...)`: a provider of `kind` at the stand-in."""

    def make(
        kind: ProviderKind,
        model: str = "tutor-small",
        key: str | None = KEY,
        timeouts: Timeouts | None = None,
        url: str | None = None,
    ) -> Provider:
        base = url or (server.url + "/v1" if kind == "openai" else server.url)
        retry = RetryPolicy(sleep=sleeps, rng=random.Random(7))
        provider = make_provider(kind, base, model, key=key, timeouts=timeouts, retry=retry)
        providers.append(provider)
        return provider

    return make


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def failure(call: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        call()
    return caught.value


# ---- answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_streamed_text_arrives_in_order_through_on_text(server, connect, kind):
    text = "Se dice «gato». ¿Quieres practicar con una frase?"
    server.script(Reply(text))
    pieces: list[str] = []
    result = connect(kind).chat(ASK, on_text=pieces.append)
    assert pieces == words(text)
    assert result.text == text
    assert result.data is None
    assert not result.stopped and not result.truncated
    assert result.model == "tutor-small"
    assert result.first_token_ms is not None and result.first_token_ms <= result.duration_ms


@pytest.mark.parametrize("kind", KINDS)
def test_a_reply_paced_at_a_rate_arrives_whole(server, connect, kind):
    text = "Despacio se llega lejos."
    server.script(Reply(text, tokens_per_s=1000))
    assert connect(kind).chat(ASK).text == text


@pytest.mark.parametrize("kind", KINDS)
def test_usage_tokens_are_exactly_as_reported(server, connect, kind):
    server.script(Reply("Muy bien.", tokens_in=321, tokens_out=45))
    result = connect(kind).chat(ASK)
    assert (result.tokens_in, result.tokens_out) == (321, 45)


@pytest.mark.parametrize("kind", KINDS)
def test_a_cut_at_max_tokens_is_marked(server, connect, kind):
    server.script(Reply("Una respuesta que", finish="length"))
    assert connect(kind).chat(ASK).truncated


def test_ollama_request_is_its_native_chat(server, connect):
    connect("ollama").chat(ChatRequest(ASK.messages, SYSTEM, temperature=0.2, max_tokens=99))
    sent = server.chats[-1]
    assert sent.path == "/api/chat"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body == {
        "model": "tutor-small",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "¿Cómo se dice 'cat'?"},
        ],
        "stream": True,
        "options": {"num_predict": 99, "temperature": 0.2},
    }


def test_openai_request_streams_with_usage(server, connect):
    connect("openai").chat(ASK)
    sent = server.chats[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.body is not None
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    assert sent.body["max_tokens"] == 200
    assert sent.body["messages"][0] == {"role": "system", "content": SYSTEM}
    assert "temperature" not in sent.body  # None: the model's default


def test_anthropic_request_has_its_headers_and_system_field(server, connect):
    connect("anthropic").chat(ASK)
    sent = server.chats[-1]
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert sent.body is not None
    assert sent.body["system"] == SYSTEM
    assert sent.body["messages"] == [{"role": "user", "content": "¿Cómo se dice 'cat'?"}]
    assert (sent.body["max_tokens"], sent.body["stream"]) == (200, True)


# ---- structured answers ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_structured_answer_is_parsed(server, connect, kind):
    answer = {"verdict": "almost", "note": "Con 'cansado' va 'estar': «Estoy cansado»."}
    server.script(Reply(data=answer))
    pieces: list[str] = []
    result = connect(kind).chat(GRADE, on_text=pieces.append)
    assert result.data == answer
    assert "".join(pieces) == result.text


def test_each_wire_format_carries_the_schema_its_own_way(server, connect):
    server.default = Reply(data={"verdict": "correct", "note": ""})
    for kind in KINDS:
        connect(kind).chat(GRADE)
    ollama, openai, anthropic = (r.body or {} for r in server.chats)
    assert ollama["format"] == SCHEMA
    assert openai["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "grading", "schema": SCHEMA, "strict": True},
    }
    assert anthropic["tools"] == [
        {
            "name": "grading",
            "description": "Give your answer in this structure.",
            "input_schema": SCHEMA,
        }
    ]
    assert anthropic["tool_choice"] == {"type": "tool", "name": "grading"}


def test_openai_strict_mode_only_for_a_schema_that_keeps_its_rule(server, connect):
    loose = {"type": "object", "properties": {"verdict": {"type": "string"}}}
    nested = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": loose}},
        "required": ["items"],
        "additionalProperties": False,
    }
    for schema in (SCHEMA, loose, nested):
        connect("openai").chat(ChatRequest(GRADE.messages, schema=schema))
    strict = [(r.body or {})["response_format"]["json_schema"]["strict"] for r in server.chats]
    assert strict == [True, False, False]


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_json_gives_the_text_and_no_data(server, connect, kind):
    broken = '{"verdict": "corr'
    server.script(Reply(json_text=broken))
    result = connect(kind).chat(GRADE)
    assert (result.text, result.data) == (broken, None)


@pytest.mark.parametrize("kind", KINDS)
def test_plain_text_instead_of_json_gives_the_text_and_no_data(server, connect, kind):
    server.script(Reply("Casi: se dice «estoy cansado»."))
    result = connect(kind).chat(GRADE)
    assert (result.text, result.data) == ("Casi: se dice «estoy cansado».", None)


@pytest.mark.parametrize("kind", ["ollama", "openai"])
def test_a_json_array_is_not_a_structured_answer(server, connect, kind):
    server.script(Reply(json_text='["correct"]'))
    assert connect(kind).chat(GRADE).data is None


# ---- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_429_is_retried_after_the_advertised_wait(server, connect, sleeps, kind):
    server.script(Fail(429, retry_after="2"), Reply("Ya está."))
    result = connect(kind).chat(ASK)
    assert result.text == "Ya está."
    assert len(server.chats) == 2
    assert sum(sleeps) == pytest.approx(2.0)
    assert max(sleeps) <= 0.1 + 1e-9  # in small steps, checking for a Stop between them


def test_retry_after_as_an_http_date_is_honoured(server, connect, sleeps):
    server.script(Fail(429, retry_after=formatdate(time.time() + 10, usegmt=True)), Reply())
    connect("openai").chat(ASK)
    assert 8.5 <= sum(sleeps) <= 10.5  # the date has whole seconds


def test_a_wait_longer_than_the_policy_allows_is_not_made(server, connect, sleeps):
    server.script(Fail(429, retry_after="120"), Reply())
    error = failure(lambda: connect("anthropic").chat(ASK))
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after_s == 120
    assert str(error) == (
        "Anthropic is getting too many requests from you (429). Try again in 120 seconds."
    )
    assert sleeps == [] and len(server.chats) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_5xx_is_retried_with_backoff(server, connect, sleeps, kind):
    server.script(Fail(500), Fail(503), Reply("Hola."))
    assert connect(kind).chat(ASK).text == "Hola."
    assert len(server.chats) == 3
    assert 0.5 + 1.0 <= sum(sleeps) <= 1.0 + 2.0  # 1 s then 2 s ceilings, jittered down to half


@pytest.mark.parametrize(("kind", "status"), [("ollama", 500), ("openai", 502), ("anthropic", 529)])
def test_5xx_after_three_tries_is_a_clear_error(server, connect, kind, status):
    server.script(Fail(status), Fail(status), Fail(status), Reply("never"))
    error = failure(lambda: connect(kind).chat(ASK))
    assert error.kind is ErrorKind.DOWN
    assert len(server.chats) == 3
    label = {"ollama": "Ollama", "openai": "The model server", "anthropic": "Anthropic"}[kind]
    trouble = "is overloaded" if status == 529 else "has a problem"
    assert str(error) == f"{label} {trouble} ({status}). Try again in a few minutes."


def test_no_quota_left_is_not_retried(server, connect, sleeps):
    server.script(Fail(429, code="insufficient_quota"), Reply())
    error = failure(lambda: connect("openai").chat(ASK))
    assert error.kind is ErrorKind.QUOTA
    assert "no credit left" in str(error)
    assert sleeps == [] and len(server.chats) == 1


def test_a_stop_during_a_retry_wait_returns_at_once(server, connect, sleeps):
    server.script(Fail(429, retry_after="5"), Reply())
    result = connect("ollama").chat(ASK, cancelled=lambda: len(sleeps) >= 3)
    assert result.stopped and result.text == ""
    assert sum(sleeps) == pytest.approx(0.3)
    assert len(server.chats) == 1


def test_openai_parameters_a_model_refuses_are_dropped(server, connect):
    server.refuses = frozenset({"max_tokens", "temperature"})
    request = ChatRequest(ASK.messages, temperature=0.3, max_tokens=50)
    assert connect("openai").chat(request).text == Reply().text
    first, second, third = (r.body or {} for r in server.chats)
    assert "max_tokens" in first
    assert second["max_completion_tokens"] == 50 and "max_tokens" not in second
    assert "temperature" not in third


# ---- failures, in words ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_key_is_named_and_never_quoted(server, connect, kind):
    server.key = KEY
    wrong = "sk-wrong-key-9876543210fedcba"
    error = failure(lambda: connect(kind, key=wrong).chat(ASK))
    assert error.kind is ErrorKind.AUTH
    label = {"ollama": "Ollama", "openai": "The model server", "anthropic": "Anthropic"}[kind]
    assert str(error) == f"{label} refused the API key (401). Check the key in Settings."
    assert wrong not in repr(error) and KEY not in repr(error)


@pytest.mark.parametrize("kind", KINDS)
def test_models_with_a_wrong_key_say_so(server, connect, kind):
    server.key = KEY
    error = failure(lambda: connect(kind, key="sk-wrong-key-9876543210").models())
    assert error.kind is ErrorKind.AUTH


def test_anthropic_without_a_key_says_to_add_one(connect):
    error = failure(lambda: connect("anthropic", key=None).chat(ASK))
    assert (error.kind, str(error)) == (
        ErrorKind.AUTH,
        "Anthropic needs an API key: add it in Settings.",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_model_is_named_with_some_that_exist(server, connect, kind):
    error = failure(lambda: connect(kind, model="tutor-huge").chat(ASK))
    assert error.kind is ErrorKind.MODEL
    assert "no model named 'tutor-huge'" in str(error)
    assert "Available: tutor-large, tutor-small, tutor-tiny." in str(error)
    if kind == "ollama":
        assert "`ollama pull tutor-huge`" in str(error)


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_a_conversation_too_long_says_so(server, connect, kind):
    server.context_tokens = 50
    long = ChatRequest([ChatMessage("user", "palabra " * 80)])
    error = failure(lambda: connect(kind).chat(long))
    assert error.kind is ErrorKind.CONTEXT
    assert str(error).startswith("The conversation is too long for tutor-small")
    assert "Start a new conversation" in str(error)


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_cut_mid_answer_keeps_what_came(server, connect, kind):
    server.script(Reply("uno dos tres cuatro cinco", drop_after=3), Reply("never"))
    pieces: list[str] = []
    error = failure(lambda: connect(kind).chat(ASK, on_text=pieces.append))
    assert error.kind is ErrorKind.DROPPED
    assert "was cut before the answer was complete" in str(error)
    assert error.partial is not None and error.partial.text == "uno dos tres "
    assert "".join(pieces) == "uno dos tres "
    assert len(server.chats) == 1  # text was shown: no retry


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_cut_before_any_text_is_retried(server, connect, kind):
    server.script(Reply("lost", drop_after=0), Reply("Aquí estoy."))
    assert connect(kind).chat(ASK).text == "Aquí estoy."
    assert len(server.chats) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_mid_stream_keeps_what_came(server, connect, kind):
    server.script(Reply("uno dos tres cuatro", error_after=2))
    error = failure(lambda: connect(kind).chat(ASK))
    assert error.kind is ErrorKind.DOWN
    assert error.partial is not None and error.partial.text == "uno dos "


@pytest.mark.parametrize("kind", KINDS)
def test_offline_says_what_to_do(connect, sleeps, kind):
    port = closed_port()
    url = f"http://127.0.0.1:{port}" + ("/v1" if kind == "openai" else "")
    error = failure(lambda: connect(kind, url=url).chat(ASK))
    assert error.kind is ErrorKind.OFFLINE
    expected = {
        "ollama": f"Can't reach Ollama at {url}. Is it running? Start it with `ollama serve`.",
        "openai": f"Can't reach the model server at {url}. Is it running (LM Studio, "
        "llama.cpp, vLLM), and is this its address?",
        "anthropic": f"Can't reach Anthropic at {url}. Check your internet connection.",
    }
    assert str(error) == expected[kind]
    assert sleeps == []


def test_an_address_that_is_not_the_service_says_so(server, connect):
    error = failure(lambda: connect("openai", url=server.url).chat(ASK))  # no /v1
    assert error.kind is ErrorKind.ADDRESS
    assert "it usually ends in /v1" in str(error)


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_that_is_not_the_wire_format_says_so(server, connect, kind):
    server.script(Reply(page="<html><body>Welcome to Hotel Sol wifi. Log in</body></html>"))
    provider = connect(kind)
    error = failure(lambda: provider.chat(ASK))
    assert error.kind is ErrorKind.PROTOCOL
    assert str(error) == (
        f"The answer from {provider.url} is not what {provider.label} sends (it began: "
        "'<html><body>Welcome to Hotel Sol wifi. Log in</body></html>'). Check the address "
        "and the kind of service in Settings."
    )


# ---- Stop and timeouts -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_stop_mid_stream_returns_what_came_and_closes_the_response(server, connect, kind):
    server.script(Reply("uno dos tres cuatro cinco seis", hold_after=3))
    pieces: list[str] = []
    result = connect(kind).chat(ASK, on_text=pieces.append, cancelled=lambda: len(pieces) >= 3)
    assert result.stopped
    assert result.text == "uno dos tres "
    assert server.disconnected.wait(5)  # the server saw the client leave


def test_an_on_text_that_raises_closes_the_response(server, connect):
    server.script(Reply("uno dos tres", hold_after=1))

    def broken(text: str) -> None:
        raise LookupError("the window was closed")

    with pytest.raises(LookupError):
        connect("openai").chat(ASK, on_text=broken)
    assert server.disconnected.wait(5)


@pytest.mark.parametrize("kind", KINDS)
def test_stop_before_the_first_token_returns_at_once(server, connect, kind):
    server.script(Reply("tarde", hold_after=0))
    # The default first-byte timeout is a minute: returning at all shows the Stop was heard.
    result = connect(kind).chat(ASK, cancelled=server.entered.is_set)
    assert result.stopped and result.text == "" and result.first_token_ms is None
    assert server.disconnected.wait(5)


@pytest.mark.parametrize("kind", KINDS)
def test_a_slow_first_token_is_waited_for(server, connect, kind):
    server.script(Reply("Por fin.", hold_after=0))

    def release_when_asked() -> None:
        if server.entered.wait(5):
            server.release.set()

    threading.Thread(target=release_when_asked, daemon=True).start()
    result = connect(kind).chat(ASK)
    assert result.text == "Por fin."


def test_no_first_token_in_time_says_so(server, connect):
    server.script(Reply("tarde", hold_after=0))
    timeouts = Timeouts(first_byte_s=0.2)
    error = failure(lambda: connect("ollama", timeouts=timeouts).chat(ASK))
    assert error.kind is ErrorKind.TIMEOUT
    assert "did not start answering within 0.2 seconds" in str(error)
    assert len(server.chats) == 1


def test_a_stream_that_stalls_keeps_what_came(server, connect):
    server.script(Reply("uno dos tres", hold_after=2))
    timeouts = Timeouts(between_chunks_s=0.2)
    error = failure(lambda: connect("anthropic", timeouts=timeouts).chat(ASK))
    assert error.kind is ErrorKind.TIMEOUT
    assert error.partial is not None and error.partial.text == "uno dos "


# ---- models and detection --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_models_are_listed(server, connect, kind):
    assert connect(kind).models() == sorted(MODELS)


def test_detect_ollama_finds_the_standin(server):
    found = detect_ollama(server.url)
    assert found is not None
    assert (found.url, found.models) == (server.url, sorted(MODELS))


def test_detect_ollama_finds_nothing_on_a_closed_port():
    assert detect_ollama(f"http://127.0.0.1:{closed_port()}") is None


def test_detect_ollama_gives_up_on_a_port_that_never_answers():
    with socket.socket() as silent:  # listens, never accepts: connects, then nothing comes
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        assert detect_ollama(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3) is None
        assert time.monotonic() - started < 5  # bounded by its timeout, not hanging


# ---- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_plain_http_to_another_computer_is_refused(kind):
    error = failure(lambda: make_provider(kind, "http://192.168.1.20:11434", "m", key=KEY))
    assert error.kind is ErrorKind.INSECURE
    assert "uses plain http" in str(error) and "Allow insecure connection" in str(error)
    allowed = make_provider(kind, "http://192.168.1.20:11434", "m", key=KEY, allow_insecure=True)
    assert allowed.is_cloud and not allowed.is_local


def test_addresses_people_type_are_understood():
    assert make_provider("ollama", "", "m").url == "http://127.0.0.1:11434"
    assert make_provider("ollama", "localhost:11434/", "m").url == "http://localhost:11434"
    assert make_provider("ollama", "http://127.0.0.1:11434/api", "m").url == (
        "http://127.0.0.1:11434"
    )
    assert make_provider("openai", "api.mistral.ai/v1", "m").url == "https://api.mistral.ai/v1"
    assert make_provider("anthropic", "", "m").url == "https://api.anthropic.com"
    assert make_provider("anthropic", "https://api.anthropic.com/v1/", "m").url == (
        "https://api.anthropic.com"
    )
    for bad in ("htp:/x", "https://", "https://host:port"):
        assert failure(lambda bad=bad: make_provider("openai", bad, "m")).kind is (
            ErrorKind.ADDRESS
        )


def test_a_key_in_the_address_is_refused_without_repeating_it():
    for url in (f"https://api.example.com/v1?key={KEY}", f"https://me:{KEY}@api.example.com/v1"):
        error = failure(lambda url=url: make_provider("openai", url, "m"))
        assert error.kind is ErrorKind.ADDRESS
        assert KEY not in str(error)


def test_local_and_cloud():
    assert make_provider("ollama", "", "m").is_local
    assert not make_provider("ollama", "", "m").is_cloud
    assert make_provider("openai", "http://127.0.0.1:1234/v1", "m").is_local
    assert make_provider("openai", "https://openrouter.ai/api/v1", "m").is_cloud
    # Anthropic is a cloud service even through a local proxy.
    assert make_provider("anthropic", "http://127.0.0.1:8080", "m", key=KEY).is_cloud


def test_the_key_is_not_in_the_providers_repr():
    provider = make_provider("openai", "https://api.openai.com/v1", "gpt-x", key=KEY)
    assert KEY not in repr(provider) and KEY not in str(vars(provider))
