"""Snapshot files (tests/parity/snapshots/<case>.json): one real answer and where it came from.

The body is kept as TEXT, so number literals, key order and JSON types survive. ``known`` says
how much of the answer the source shows: a public capture often shows only part (an error's code
and message from a log line; key order lost by a client that sorts keys; JSON types lost by a
client that stringifies numbers), and the comparison then checks only that part. Snapshots are
written by ``--record`` or taken verbatim from a public capture, never edited to make a test pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"

#: grades of a capture (../shared/spec/fidelity-audit.md "How evidence is graded")
GRADES = ("RAW", "LIB", "LIVE-NOTE", "RECORDED")


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer as a client received it."""

    status: int
    headers: dict[str, str]  # lower-case names
    text: str

    @property
    def body_format(self) -> str:
        content_type = self.headers.get("content-type", "")
        if "json" in content_type:
            return "json"
        return "html" if "html" in content_type or self.text.lstrip().startswith("<") else "text"


@dataclass(frozen=True, slots=True)
class Known:
    """What the source of a snapshot shows: the whole body or part of it, key order, JSON types."""

    whole_body: bool = True
    key_order: bool = True
    json_types: bool = True


@dataclass(frozen=True, slots=True)
class Snapshot:
    case: str
    request: str  # "METHOD /path"
    provenance: dict[str, str]
    status: int | None  # None: the source does not show it
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # None: the source does not show the body's text
    body_format: str = "json"
    known: Known = Known()

    @property
    def kind(self) -> str:
        return self.provenance["kind"]

    @property
    def grade(self) -> str:
        return self.provenance.get("grade", "RECORDED" if self.kind == "recorded" else "")

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "case": self.case,
            "request": self.request,
            "provenance": self.provenance,
            "status": self.status,
            "headers": self.headers,
            "bodyFormat": self.body_format,
            "body": self.body,
            "known": {
                "wholeBody": self.known.whole_body,
                "keyOrder": self.known.key_order,
                "jsonTypes": self.known.json_types,
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        known = data.get("known", {})
        return cls(
            case=data["case"],
            request=data["request"],
            provenance=dict(data["provenance"]),
            status=data["status"],
            headers={k.lower(): v for k, v in data.get("headers", {}).items()},
            body=data.get("body"),
            body_format=data.get("bodyFormat", "json"),
            known=Known(known.get("wholeBody", True), known.get("keyOrder", True), known.get("jsonTypes", True)),
        )


def path_for(case: str, directory: Path = SNAPSHOT_DIR) -> Path:
    return directory / f"{case}.json"


def load(case: str, directory: Path = SNAPSHOT_DIR) -> Snapshot | None:
    path = path_for(case, directory)
    return Snapshot.from_json(path.read_text()) if path.exists() else None


def save(snapshot: Snapshot, directory: Path = SNAPSHOT_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = path_for(snapshot.case, directory)
    path.write_text(snapshot.to_json())
    return path
