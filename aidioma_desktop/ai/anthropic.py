"""Anthropic's Messages API: `POST {base}/v1/messages` streamed as server-sent events, with
`x-api-key` and `anthropic-version: 2023-06-01`; `GET {base}/v1/models` for the models.

Request  {"model", "max_tokens", "system", "messages": [{"role", "content"}], "stream": true,
          "temperature", "tools": [{"name", "description", "input_schema"}],
          "tool_choice": {"type": "tool", "name"}}
Events   message_start        {"message": {"model", "usage": {"input_tokens", "output_tokens"}}}
         content_block_start  {"index", "content_block": {"type": "text" | "tool_use", ...}}
         content_block_delta  {"delta": {"type": "text_delta", "text"}}
                              {"delta": {"type": "input_json_delta", "partial_json"}}
         content_block_stop, ping
         message_delta        {"delta": {"stop_reason"}, "usage": {"output_tokens"}}
         message_stop
         error                {"error": {"type": "overloaded_error", "message"}}
Errors   {"type": "error", "error": {"type": "authentication_error", "message"}} with the status.

Structured output is one tool whose `input_schema` is the schema, and `tool_choice` naming
it: the model must answer by "calling" it, and the call's input is the answer. Its JSON
arrives as `input_json_delta` pieces, passed to `on_text` like the other providers' JSON text.
"""

from __future__ import annotations

import json
from typing import Any

from .base import ChatRequest, ErrorKind, ProviderError, safe_name
from .http import Call, HttpProvider, StreamFailure, StreamParser, WireError
from .sse import data_of

VERSION = "2023-06-01"
MODELS_LIMIT = 1000  # one page holds them all

# The error types of the API and the HTTP status each stands for (for errors mid-stream).
_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}


class AnthropicProvider(HttpProvider):
    kind = "anthropic"
    LABEL = "Anthropic"
    DEFAULT_URL = "https://api.anthropic.com"

    def _normalise(self, url: str) -> str:
        return url.removesuffix("/v1")  # the paths below carry it

    def _headers(self) -> dict[str, str]:
        if not self._key:
            raise ProviderError(ErrorKind.AUTH, "Anthropic needs an API key: add it in Settings.")
        return {"x-api-key": self._key.reveal(), "anthropic-version": VERSION}

    def _chat_call(self, request: ChatRequest, model: str) -> Call:
        body: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": True,
        }
        if request.system:
            body["system"] = request.system
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.schema is not None:
            name = safe_name(request.schema_name)
            body["tools"] = [
                {
                    "name": name,
                    "description": "Give your answer in this structure.",
                    "input_schema": request.schema,
                }
            ]
            body["tool_choice"] = {"type": "tool", "name": name}
        headers = {**self._headers(), "Accept": "text/event-stream"}
        return Call(f"{self.url}/v1/messages", headers, body)

    def _parser(self, request: ChatRequest) -> AnthropicParser:
        return AnthropicParser()

    def _models_call(self) -> tuple[str, dict[str, str]]:
        return f"{self.url}/v1/models?limit={MODELS_LIMIT}", self._headers()

    def _models_from(self, data: Any) -> list[str]:
        return [str(model["id"]) for model in data["data"]]

    def _offline(self) -> str:
        return f"Can't reach Anthropic at {self.url}. Check your internet connection."

    def _not_found_hint(self) -> str:
        return "Leave the address empty for https://api.anthropic.com."


class AnthropicParser(StreamParser):
    """The events of one message. The event's kind is read from its data's `type` (the
    `event:` line says the same); kinds this parser does not know are skipped, as the API's
    documentation asks of clients."""

    def __init__(self) -> None:
        super().__init__()
        self._tool: list[str] | None = None  # the tool call's JSON pieces, once one started
        self._tool_input = ""  # the tool call's input when it came whole, not in pieces

    @property
    def json_text(self) -> str | None:
        if self._tool is None:
            return None
        return "".join(self._tool) or self._tool_input

    def feed(self, line: str) -> list[str]:
        item = data_of(line)
        if item is None:
            return []
        if isinstance(item, str) or "type" not in item:
            raise WireError(line[:80])
        kind = item["type"]
        if kind == "message_start":
            message = item.get("message") or {}
            self.model = str(message.get("model") or self.model)
            self._usage(message.get("usage"))
        elif kind == "content_block_start":
            block = item.get("content_block") or {}
            if block.get("type") == "tool_use":
                self._tool = []
                if block.get("input"):
                    self._tool_input = json.dumps(block["input"], ensure_ascii=False)
        elif kind == "content_block_delta":
            return self._delta(item.get("delta") or {})
        elif kind == "message_delta":
            reason = (item.get("delta") or {}).get("stop_reason")
            if reason:
                self.finished = True
                self.truncated = reason == "max_tokens"
            self._usage(item.get("usage"))
        elif kind == "message_stop":
            self.finished = self.done = True
        elif kind == "error":
            error = item.get("error") or {}
            code = str(error.get("type") or "")
            raise StreamFailure(_STATUS.get(code, 500), code, str(error.get("message") or ""))
        return []

    def _delta(self, delta: dict[str, Any]) -> list[str]:
        if delta.get("type") == "text_delta":
            return [str(delta.get("text") or "")]
        if delta.get("type") == "input_json_delta":
            piece = str(delta.get("partial_json") or "")
            if self._tool is None:
                self._tool = []
            self._tool.append(piece)
            return [piece]
        return []  # thinking, signatures, citations: not part of the answer

    def _usage(self, usage: Any) -> None:
        if not isinstance(usage, dict):
            return
        if usage.get("input_tokens") is not None:
            self.tokens_in = int(usage["input_tokens"])
        if usage.get("output_tokens") is not None:
            self.tokens_out = int(usage["output_tokens"])
