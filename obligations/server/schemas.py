"""The HTTP bodies as pydantic models: what /docs shows, and what requests are checked against.

Requests are parsed by the handlers themselves (so that a body over the limit is refused
before it is read whole, and errors keep their statuses: 400 for a body that is not what an
endpoint takes, 422 for a value it does not know), then checked against these models, whose
errors name the key expected. Responses are documented by them; the extraction result keeps
every key the run writes (extra keys allowed), see docs/output.schema.json.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Problem(BaseModel):
    detail: str = Field(description="What was wrong, in one sentence (never a server path).")


# ---------------------------------------------------------------------- service


class Health(BaseModel):
    status: Literal["ok"]
    service: str
    model: str | None
    device: str
    loaded: bool
    vram_used_gb: float | None = Field(description="GPU memory the process holds now (None: no model on a GPU).")
    queue_depth: int


class Info(BaseModel):
    service: str
    model: str | None
    precision: str | None
    device: str
    reason: str
    versions: dict[str, str]
    doc_types: dict[str, list[str]] = Field(description="Document type id -> its field ids.")
    limits: dict[str, int]


# ---------------------------------------------------------------------- /ocr


class OcrRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    image: str = Field(min_length=1, description="The image (PNG, JPEG, TIFF, WEBP, BMP) as base64, "
                                                 "or a data: URI.")
    language: str = Field("auto", description="auto, russian, english, rus, eng or rus+eng.")


class OcrBlock(BaseModel):
    text: str
    bbox: list[int] = Field(description="[x0, y0, x1, y1] in pixels of the image sent.")
    confidence: float = Field(ge=0, le=1)
    line: list[int] = Field(description="The word's (block, paragraph, line) numbers.")


class OcrResponse(BaseModel):
    text: str
    blocks: list[OcrBlock]
    rotation: int | None = None
    timing_s: float


# ---------------------------------------------------------------------- /extract


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    file: str = Field(min_length=1, description="The file (PDF or image) as base64, or a data: URI.")
    filename: str | None = Field(None, description="Its name (the suffix says its kind); shown in source.path.")
    doc_type: str = Field("auto", description="auto, or a document type id to force.")
    pages: str | None = Field(None, description="Pages to read, e.g. 1-3,5.")


class FieldOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    value: str | None
    raw: str | None
    valid: bool | None
    confidence: float = Field(ge=0, le=1)
    page: int | None
    bbox: list[int] | None = Field(description="[x0, y0, x1, y1] in pixels of the page image in pages[].")
    source: str | None = Field(description="How it was found (label, pattern, vlm, ...), or user when corrected.")
    machine_value: str | None = Field(None, description="A corrected field: the value the machine gave.")


class DocumentOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_type: str
    pages: list[int]
    confidence: float
    fields: dict[str, FieldOut]


class PageOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    page: int
    width: int
    height: int
    dpi: int | None
    text_source: str
    text: str
    rotation: int = 0


class ExtractResponse(BaseModel):
    """The result `obligations run` writes for one file (schema_version 1)."""

    model_config = ConfigDict(extra="allow")
    schema_version: str
    source: dict
    backend: dict
    documents: list[DocumentOut]
    pages: list[PageOut]
    timing_s: dict
    warnings: list[str]


# ---------------------------------------------------------------------- OpenAI wire format


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    messages: list[dict] = Field(description="OpenAI chat messages; the image as an image_url data: URI.")
    max_tokens: int | None = Field(None, ge=1, le=32768)
    max_completion_tokens: int | None = Field(None, ge=1, le=32768)
    stream: bool = Field(False, description="Server-sent events: chat.completion.chunk objects, then [DONE]. "
                                            "The answer comes as one chunk once generated (requests are batched).")
    stream_options: dict | None = Field(None, description='{"include_usage": true}: a last chunk with the usage.')
    response_format: dict | None = Field(None, description="Accepted; this server does not constrain its output.")


class ChatResponse(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[dict]
    usage: dict


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[dict]


# ---------------------------------------------------------------------- review page


class Counts(BaseModel):
    fields: int = 0
    found: int = 0
    invalid: int = 0
    low_confidence: int = 0
    to_review: int = 0
    corrected: int = 0


class ReviewItem(BaseModel):
    id: str
    name: str = Field(description="The file's name (an upload's) or its path below the folder opened.")
    kind: Literal["upload", "disk"]
    status: Literal["queued", "reading", "done", "failed"]
    pages_done: int = 0
    pages_total: int | None = None
    error: str | None = None
    doc_types: list[str] = []
    counts: Counts = Counts()
    has_source: bool = Field(False, description="Whether the page images can be shown.")
    unsaved: bool = False
    saved_as: str | None = Field(None, description="The file name the last save wrote.")


class ReviewList(BaseModel):
    items: list[ReviewItem] = Field(description="Files with invalid, low-confidence or to-review fields first.")
    low_confidence: float = Field(description="Confidence under which a field counts as low.")
    workspace: str | None = Field(None, description="Where uploads and their saved results are kept.")


class FieldEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str | None = Field(None, description="The corrected value, as a person types it; null: no value.")
    accept: bool = Field(False, description="Accept the machine's value as it is (value is ignored).")
    revert: bool = Field(False, description="Go back to the machine's value.")


class FieldEdited(BaseModel):
    field: FieldOut
    warning: str | None = Field(None, description="Why the value is invalid, when it is.")
    item: ReviewItem


class SaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overwrite: bool = Field(False, description="Write over the original result instead of <stem>.reviewed.json "
                                               "beside it.")


class Saved(BaseModel):
    saved_as: str
    item: ReviewItem


# ---------------------------------------------------------------------- helpers


def parse(model: type[BaseModel], body: dict):
    """`body` as `model`, or ValueError with one sentence naming the key at fault and the keys
    expected."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error.get("loc", ())) or "body"
        keys = ", ".join(f"'{k}'" for k, f in model.model_fields.items() if f.is_required())
        optional = ", ".join(f"'{k}'" for k, f in model.model_fields.items() if not f.is_required())
        expected = f"expected a JSON object with {keys}" if keys else "expected a JSON object"
        if optional:
            expected += f" (optional: {optional})"
        got = ", ".join(f"'{k}'" for k in body) or "no keys"
        if error.get("type") == "missing":
            return_reason = f"missing key '{where}'"
        elif error.get("type") == "extra_forbidden":
            return_reason = f"unknown key '{where}'"
        else:
            return_reason = f"key '{where}': {error.get('msg', 'invalid')}".replace("Input should be", "should be")
        raise ValueError(f"{return_reason}; {expected}; got {got}") from None


def request_body(model: type[BaseModel], content_type: str = "application/json", *, also: dict | None = None) -> dict:
    """`openapi_extra` documenting a request body parsed by hand as `model`."""
    content = {content_type: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}
    content.update(also or {})
    return {"requestBody": {"required": True, "content": content}}


REQUEST_MODELS = (OcrRequest, ExtractRequest, ChatRequest, FieldEdit, SaveRequest)
