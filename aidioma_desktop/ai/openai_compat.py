"""Any OpenAI-compatible chat endpoint: LM Studio, llama.cpp's server, vLLM, Mistral,
OpenRouter, OpenAI. The base address is the one a person copies from the service's page,
usually ending in /v1 (http://127.0.0.1:1234/v1, https://openrouter.ai/api/v1), and is used
as typed: `POST {base}/chat/completions`, `GET {base}/models`, the key as a Bearer token.

Request  {"model", "messages": [{"role": "system" | "user" | "assistant", "content"}],
          "stream": true, "stream_options": {"include_usage": true}, "max_tokens",
          "temperature", "response_format": {"type": "json_schema", "json_schema":
          {"name", "schema", "strict": <the schema keeps strict mode's rule>}}}
Stream   data: {"model", "choices": [{"index": 0, "delta": {"content": "Ho"},
                "finish_reason": null}]}
         data: {"choices": [{"delta": {}, "finish_reason": "stop" | "length"}]}
         data: {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 12}}
         data: [DONE]
Errors   {"error": {"message", "type", "param", "code"}}, also as a data line mid-stream.

Servers differ in what they accept: OpenAI's reasoning models refuse `max_tokens` (they want
`max_completion_tokens`) and any temperature but 1; some older servers refuse
`stream_options`. Such a 400 is answered by sending the request again without the refused
parameter (`_amend`), so the person never has to know.
"""

from __future__ import annotations

from typing import Any

from .base import ChatRequest, safe_name
from .http import Call, HttpProvider, StreamFailure, StreamParser, WireError
from .sse import data_of

# Hosts a person may name, for messages ("OpenRouter refused the API key").
_LABELS = {
    "api.openai.com": "OpenAI",
    "openrouter.ai": "OpenRouter",
    "api.mistral.ai": "Mistral",
    "api.groq.com": "Groq",
    "api.deepseek.com": "DeepSeek",
    "api.together.xyz": "Together",
    "generativelanguage.googleapis.com": "Gemini",
}
_STATUS = {"invalid_request_error": 400, "rate_limit_exceeded": 429, "server_error": 500}


class OpenAICompatProvider(HttpProvider):
    kind = "openai"
    LABEL = "the model server"
    DEFAULT_URL = "https://api.openai.com/v1"

    @property
    def label(self) -> str:
        return _LABELS.get(self.host, self.LABEL)

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key.reveal()}"
        return headers

    def _chat_call(self, request: ChatRequest, model: str) -> Call:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        body: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": request.max_tokens,
        }
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.schema is not None:
            # strict: OpenAI then guarantees the structure, but refuses (400) a schema that
            # breaks its rule; other servers ignore the flag.
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": safe_name(request.schema_name),
                    "schema": request.schema,
                    "strict": strict_ready(request.schema),
                },
            }
        return Call(f"{self.url}/chat/completions", self._headers(), body)

    def _amend(self, body: dict[str, Any], code: str, message: str) -> dict[str, Any] | None:
        said = message.lower()
        amended = dict(body)
        if "max_completion_tokens" in said and "max_tokens" in amended:
            amended["max_completion_tokens"] = amended.pop("max_tokens")
        elif "temperature" in said and "temperature" in amended:
            del amended["temperature"]
        elif "stream_options" in said and "stream_options" in amended:
            del amended["stream_options"]
        else:
            return None
        return amended

    def _parser(self, request: ChatRequest) -> OpenAIParser:
        return OpenAIParser()

    def _models_call(self) -> tuple[str, dict[str, str]]:
        headers = self._headers()
        headers["Accept"] = "application/json"
        return f"{self.url}/models", headers

    def _models_from(self, data: Any) -> list[str]:
        return [str(model["id"]) for model in data["data"]]

    def _offline(self) -> str:
        if self.is_local:
            return (
                f"Can't reach the model server at {self.url}. Is it running (LM Studio, "
                "llama.cpp, vLLM), and is this its address?"
            )
        return f"Can't reach {self.label} at {self.url}. Check the address and your connection."

    def _not_found_hint(self) -> str:
        return (
            "Check the address in Settings: it usually ends in /v1, such as "
            "http://127.0.0.1:1234/v1 or https://api.mistral.ai/v1."
        )


def strict_ready(schema: Any) -> bool:
    """Whether `schema` keeps the rule of OpenAI's strict mode: every object lists all its
    properties in `required` and sets `additionalProperties` to false."""
    if isinstance(schema, list):
        return all(strict_ready(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    if schema.get("type") == "object" or isinstance(schema.get("properties"), dict):
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return False
        if set(schema.get("required") or ()) != set(properties):
            return False
        if not all(strict_ready(item) for item in properties.values()):
            return False
    return all(strict_ready(value) for key, value in schema.items() if key != "properties")


class OpenAIParser(StreamParser):
    """`choices[0].delta.content` pieces; usage from whichever chunk carries it (the last one,
    with `stream_options.include_usage`; some servers put it on the finishing chunk)."""

    def feed(self, line: str) -> list[str]:
        item = data_of(line)
        if item is None:
            return []
        if isinstance(item, str):
            if item == "[DONE]":
                self.finished = self.done = True
                return []
            raise WireError(line[:80])
        error = item.get("error")
        if error:
            self._fail(error)
        self.model = str(item.get("model") or self.model)
        usage = item.get("usage")
        if isinstance(usage, dict):
            self.tokens_in = int(usage.get("prompt_tokens") or 0)
            self.tokens_out = int(usage.get("completion_tokens") or 0)
        texts: list[str] = []
        for choice in item.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                texts.append(content)
            reason = choice.get("finish_reason")
            if reason:
                self.finished = True  # for servers that end without [DONE]
                self.truncated = reason == "length"
        return texts

    @staticmethod
    def _fail(error: Any) -> None:
        if not isinstance(error, dict):
            raise StreamFailure(500, "", str(error))
        code = error.get("code")
        kind = str(error.get("type") or "")
        status = code if isinstance(code, int) else _STATUS.get(str(code or kind), 500)
        raise StreamFailure(status, str(code or kind), str(error.get("message") or ""))
