"""Ollama's native API: `POST /api/chat` streamed as NDJSON, `GET /api/tags` for the models.

The native API rather than Ollama's OpenAI-compatible one: `format` takes a JSON schema that
Ollama enforces while sampling (constrained decoding), and the last line reports the token
counts (`prompt_eval_count`, `eval_count`) without asking.

Request  {"model", "messages": [{"role", "content"}], "stream": true, "format": <schema>,
          "options": {"num_predict", "temperature"}}
Lines    {"model", "message": {"role": "assistant", "content": "Ho"}, "done": false}
         ... {"done": true, "done_reason": "stop" | "length", "prompt_eval_count": 26,
              "eval_count": 259, ...}
Errors   {"error": "model \\"x\\" not found, try pulling it first"} (404), also as a line
         mid-stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .base import ChatRequest
from .http import Call, HttpProvider, StreamFailure, StreamParser, WireError

DEFAULT_URL = "http://127.0.0.1:11434"


@dataclass(frozen=True)
class OllamaFound:
    url: str
    models: list[str]  # may be empty: Ollama runs, but nothing was pulled yet


def detect_ollama(url: str = DEFAULT_URL, timeout: float = 0.3) -> OllamaFound | None:
    """An Ollama answering at `url` and its models, or None. Fast (one request, `timeout`
    seconds at most) and never raises: Settings calls it to offer a local tutor."""
    try:
        import httpx

        base = url.strip().rstrip("/")
        response = httpx.get(f"{base}/api/tags", timeout=timeout, trust_env=False)
        if response.status_code != 200:
            return None
        return OllamaFound(base, sorted({str(m["name"]) for m in response.json()["models"]}))
    except Exception:  # anything at all means: no Ollama there
        return None


class OllamaProvider(HttpProvider):
    kind = "ollama"
    LABEL = "Ollama"
    DEFAULT_URL = DEFAULT_URL

    def _normalise(self, url: str) -> str:
        return url.removesuffix("/api")  # the address as some guides write it

    def _headers(self) -> dict[str, str]:
        # Ollama itself has no keys; one behind an authenticating proxy takes a bearer token.
        return {"Authorization": f"Bearer {self._key.reveal()}"} if self._key else {}

    def _chat_call(self, request: ChatRequest, model: str) -> Call:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        options: dict[str, Any] = {"num_predict": request.max_tokens}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        body: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "stream": True,
            "options": options,
        }
        if request.schema is not None:
            body["format"] = request.schema
        return Call(f"{self.url}/api/chat", self._headers(), body)

    def _parser(self, request: ChatRequest) -> OllamaParser:
        return OllamaParser()

    def _models_call(self) -> tuple[str, dict[str, str]]:
        return f"{self.url}/api/tags", self._headers()

    def _models_from(self, data: Any) -> list[str]:
        return [str(model["name"]) for model in data["models"]]

    def _offline(self) -> str:
        return f"Can't reach Ollama at {self.url}. Is it running? Start it with `ollama serve`."

    def _pull_hint(self, model: str) -> str:
        return f"Download it with `ollama pull {model}`, or choose another model in Settings."

    def _not_found_hint(self) -> str:
        return "Is this Ollama's address (such as http://127.0.0.1:11434)?"


class OllamaParser(StreamParser):
    """One JSON object a line; the last one (`done`) carries the counts."""

    def feed(self, line: str) -> list[str]:
        if not line.strip():
            return []
        try:
            item = json.loads(line)
        except ValueError:
            raise WireError(line[:80]) from None
        if not isinstance(item, dict):
            raise WireError(line[:80])
        if "error" in item:
            raise StreamFailure(500, "", str(item["error"]))
        if "message" not in item and "done" not in item:
            raise WireError(line[:80])
        self.model = str(item.get("model") or self.model)
        message = item.get("message") or {}
        text = message.get("content") if isinstance(message, dict) else None
        if item.get("done"):
            self.finished = self.done = True
            self.truncated = item.get("done_reason") == "length"
            self.tokens_in = int(item.get("prompt_eval_count") or 0)
            self.tokens_out = int(item.get("eval_count") or 0)
        return [text] if isinstance(text, str) and text else []
