"""The OpenAPI 3.1 document of the service, and the human docs page made from it.

Written next to the routes rather than generated from type hints: request
bodies are read by nqengine's own loaders (located problems, not a
framework's), and the evaluation answer is the JSON contract of
``docs/json-contract.md``.  ``tests/test_service_schema.py`` runs schemathesis
against this document, so it cannot drift from what the service does.
"""

from __future__ import annotations

import html
from typing import Any

from nqengine._version import __version__

__all__ = ["openapi_document", "docs_page"]

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_NINT = {"type": ["integer", "null"]}

_PROBLEM = {
    "type": "object",
    "required": ["file", "line", "column", "path", "code", "message", "message_en"],
    "properties": {"file": _STR, "line": _INT, "column": _INT, "path": _STR, "code": _STR, "message": _STR, "message_en": _STR},
}
_ERROR = {
    "type": "object",
    "required": ["error", "message", "message_en"],
    "properties": {
        "error": _STR, "message": _STR, "message_en": _STR,
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
        "conflicts": {"type": "array", "items": {"type": "object", "required": ["id", "stored", "submitted"],
                                                   "properties": {"id": _STR, "stored": {"type": "object"}, "submitted": {"type": "object"}}}},
    },
}
_STATUS = {"enum": ["not_applicable", "pending", "due_soon", "met", "met_late", "overdue", "violated", "indeterminate"]}
_VERDICT = {
    "type": "object",
    "required": ["obligation", "unit", "unit_name", "status", "status_label", "due", "fulfilled_on", "interpretation",
                 "amended_by", "clause", "findings", "evidence"],
    "properties": {
        "obligation": _STR, "unit": _STR, "unit_name": _NSTR, "status": _STATUS, "status_label": _STR,
        "due": _NSTR, "fulfilled_on": _NSTR, "interpretation": _NSTR,
        "amended_by": {"type": "array", "items": _STR}, "clause": {"type": "object"},
        "findings": {"type": "array", "items": {"type": "object"}}, "evidence": {"type": "array", "items": _STR},
    },
}
_EVALUATION = {
    "type": "object",
    "description": "The JSON contract of docs/json-contract.md (nqengine evaluate --format json).",
    "required": ["format", "version", "spec", "as_of", "lang", "verdicts", "unmatched_facts", "summary"],
    "properties": {
        "format": {"const": "nqengine.evaluation"}, "version": _INT,
        "spec": {"type": "object", "required": ["id", "title", "document"]},
        "as_of": _STR, "lang": {"enum": ["vi", "en"]},
        "verdicts": {"type": "array", "items": {"$ref": "#/components/schemas/Verdict"}},
        "unmatched_facts": {"type": "array", "items": {"type": "object", "required": ["fact", "reason", "message", "source"],
                                                        "properties": {"fact": _STR, "reason": _STR, "message": _STR, "source": _NSTR}}},
        "summary": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": _INT}},
    },
}
_DECISION = {
    "type": "object",
    "required": ["id", "kind", "at", "token", "unit", "spec", "spec_hash", "registry_version", "watermark", "as_of", "request", "content_hash"],
    "properties": {
        "id": _INT, "kind": {"enum": ["evaluation", "verdict", "submission"]}, "at": _STR, "token": _NSTR, "unit": _NSTR,
        "spec": _STR, "spec_hash": _NSTR, "registry_version": _NINT, "watermark": _NINT, "as_of": _NSTR,
        "request": {"type": "object"}, "content_hash": _STR,
    },
}

_SCHEMAS = {"Problem": _PROBLEM, "Error": _ERROR, "Verdict": _VERDICT, "Evaluation": _EVALUATION, "Decision": _DECISION}


def _resp(description: str, schema: Any = None, content: str = "application/json") -> dict:
    out: dict = {"description": description}
    if schema is not None:
        out["content"] = {content: {"schema": schema}}
    return out


_ERR = {"$ref": "#/components/schemas/Error"}
_E401 = _resp("missing or invalid token", _ERR)
_E403 = _resp("the token's scope or unit does not allow this; the message names the unit", _ERR)
_E404 = _resp("no such spec (or fact, verdict, token)", _ERR)
_E422 = _resp("invalid input: every problem located", _ERR)
_E413 = _resp("request or batch too large", _ERR)

_SPEC = {"name": "spec", "in": "path", "required": True, "schema": _STR, "description": "spec id"}
_AS_OF = {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
          "description": "evaluation date, yyyy-mm-dd or dd/mm/yyyy (default today)"}
_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["vi", "en"]}, "description": "language of messages"}

_FACT = {
    "type": "object",
    "required": ["type", "unit", "date"],
    "properties": {"id": _STR, "type": _STR, "unit": _STR, "date": _STR, "note": _STR,
                   "supersedes": {"type": "string", "description": "id of the fact this one corrects"}},
    "additionalProperties": True,
}


def openapi_document() -> dict:
    """The OpenAPI 3.1 document served at ``/openapi.json``."""
    sec = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "nqengine service", "version": __version__,
                 "description": "Facts in, evaluations out, every answer logged. See docs/service.md."},
        "components": {"schemas": _SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/healthz": {"get": {"operationId": "healthz", "summary": "liveness", "responses": {
                "200": _resp("the service is up", {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}})}}},
            "/v1/specs": {"get": {"operationId": "specs", "summary": "the specs served", "security": sec, "responses": {
                "200": _resp("one entry per spec", {"type": "array", "items": {"type": "object", "required": ["id", "title", "obligations"]}}),
                "401": _E401}}},
            "/v1/specs/{spec}/facts": {"post": {
                "operationId": "submit_facts", "summary": "submit a batch of facts", "security": sec, "parameters": [_SPEC,
                    {"name": "source", "in": "query", "required": False, "schema": _STR, "description": "name used to locate problems"}],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": {"type": "object", "required": ["facts"], "properties": {"facts": {"type": "array", "items": _FACT}}}},
                    "application/x-ndjson": {"schema": _STR}, "text/csv": {"schema": _STR}}},
                "responses": {
                    "200": _resp("every fact was already stored with the same content", {"$ref": "#/components/schemas/SubmitResult"}),
                    "201": _resp("stored", {"$ref": "#/components/schemas/SubmitResult"}),
                    "401": _E401, "403": _E403, "404": _E404, "409": _resp("an id already stored with other content: both shown", _ERR),
                    "413": _E413, "422": _E422}}},
            "/v1/specs/{spec}/facts/{fact}": {"get": {
                "operationId": "fact_history", "summary": "a fact and its corrections", "security": sec,
                "parameters": [_SPEC, {"name": "fact", "in": "path", "required": True, "schema": _STR}],
                "responses": {"200": _resp("versions, oldest first", {"type": "object", "required": ["id", "versions"]}),
                              "401": _E401, "403": _E403, "404": _E404}}},
            "/v1/specs/{spec}/evaluation": {"get": {
                "operationId": "evaluation", "summary": "the evaluation (JSON contract)", "security": sec, "parameters": [_SPEC, _AS_OF, _LANG],
                "responses": {"200": _resp("the evaluation; X-Decision-Id names its log entry", {"$ref": "#/components/schemas/Evaluation"}),
                              "401": _E401, "403": _E403, "404": _E404, "422": _E422}}},
            "/v1/specs/{spec}/verdicts/{obligation}/{unit}": {"get": {
                "operationId": "verdict", "summary": "one verdict and its explanation", "security": sec,
                "parameters": [_SPEC, {"name": "obligation", "in": "path", "required": True, "schema": _STR},
                               {"name": "unit", "in": "path", "required": True, "schema": _STR}, _AS_OF, _LANG],
                "responses": {"200": _resp("the verdict", {"type": "object", "required": ["verdict", "explanation"],
                                                           "properties": {"verdict": {"$ref": "#/components/schemas/Verdict"}, "explanation": _STR}}),
                              "401": _E401, "403": _E403, "404": _E404, "422": _E422}}},
            "/v1/specs/{spec}/registry": {
                "put": {"operationId": "put_registry", "summary": "a new registry version (admin)", "security": sec, "parameters": [_SPEC],
                        "requestBody": {"required": True, "content": {"application/yaml": {"schema": _STR}, "application/x-ndjson": {"schema": _STR},
                                                                      "text/csv": {"schema": _STR}}},
                        "responses": {"201": _resp("stored", {"type": "object", "required": ["spec", "version"]}),
                                      "401": _E401, "403": _E403, "404": _E404, "413": _E413, "422": _E422}},
                "get": {"operationId": "registry_versions", "summary": "registry versions (admin)", "security": sec, "parameters": [_SPEC],
                        "responses": {"200": _resp("versions", {"type": "object", "required": ["spec", "versions"]}),
                                      "401": _E401, "403": _E403, "404": _E404}}},
            "/v1/tokens": {
                "post": {"operationId": "create_token", "summary": "create a token (admin)", "security": sec,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["unit", "scope"],
                             "properties": {"unit": _STR, "scope": {"enum": ["read", "submit", "admin"]}, "note": _STR}}}}},
                         "responses": {"201": _resp("the token, shown once", {"type": "object", "required": ["id", "unit", "scope", "token"]}),
                                       "401": _E401, "403": _E403, "413": _E413, "422": _E422}},
                "get": {"operationId": "list_tokens", "summary": "tokens (admin)", "security": sec,
                        "responses": {"200": _resp("tokens, without secrets", {"type": "object", "required": ["tokens"]}),
                                      "401": _E401, "403": _E403}}},
            "/v1/tokens/{token}": {"delete": {
                "operationId": "revoke_token", "summary": "revoke a token (admin)", "security": sec,
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": _STR}],
                "responses": {"200": _resp("revoked", {"type": "object", "required": ["id", "revoked"]}),
                              "401": _E401, "403": _E403, "404": _E404}}},
            "/v1/decisions": {"get": {
                "operationId": "decisions", "summary": "the decision log, newest first (admin)", "security": sec,
                "parameters": [{"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
                "responses": {"200": _resp("decisions", {"type": "object", "required": ["decisions"], "properties": {
                    "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}}}),
                    "401": _E401, "403": _E403, "422": _E422}}},
        },
    } | {"components": {"schemas": {**_SCHEMAS, "SubmitResult": {
        "type": "object", "required": ["submission", "stored", "unchanged", "watermark"],
        "properties": {"submission": _INT, "stored": {"type": "array", "items": _STR}, "unchanged": {"type": "array", "items": _STR},
                       "watermark": _INT}}}, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}


def docs_page() -> str:
    """A plain HTML page listing every route from the OpenAPI document."""
    doc = openapi_document()
    rows = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                        f"<td>{html.escape(op.get('summary', ''))}</td></tr>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>nqengine service</title></head><body>"
        "<h1>nqengine service</h1><p>Machine-readable: <a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1). "
        "Every <code>/v1</code> route needs <code>Authorization: Bearer TOKEN</code>.</p>"
        f"<table><tr><th>method</th><th>path</th><th>what</th></tr>{''.join(rows)}</table></body></html>"
    )
