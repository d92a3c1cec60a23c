"""schemathesis against the real server: requests generated from /openapi.json find no 5xx and no off-schema answer.

The budget is small (a few dozen examples per operation) so the suite stays quick;
raise ``max_examples`` locally to search longer.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from service_support import Server, make_token, request, tam_ky_facts

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    d = tmp_path_factory.mktemp("schema")
    store = f"sqlite:///{d / 'nqengine.db'}"
    token = make_token(store, "thanh-uy-tam-ky", "admin")
    with Server(store, cwd=str(d)) as srv:
        status, _, _ = request("POST", f"{srv.url}/v1/specs/tam-ky-xxi/facts", token, {"facts": tam_ky_facts()})
        assert status == 201
        yield srv, token


def _operations():
    """The operations of the OpenAPI document (read from the code, so the list is known before the server starts)."""
    from nqengine.service.openapi import openapi_document

    return [f"{m.upper()} {p}" for p, ops in openapi_document()["paths"].items() for m in ops]


@pytest.mark.parametrize("label", _operations())
def test_api_conforms_to_its_schema(live, label):
    srv, token = live
    schema = schemathesis.openapi.from_url(f"{srv.url}/openapi.json")
    (operation,) = [r.ok() for r in schema.get_all_operations() if r.ok().label == label]

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def check(case):
        case.call_and_validate(base_url=srv.url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=60)

    check()
