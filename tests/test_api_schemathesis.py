"""schemathesis on our own OpenAPI document: no request makes the server answer 5xx."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from test_api_support import live_server


def test_no_server_errors(tmp_path: Path) -> None:
    with live_server(tmp_path, workers=0) as (base_url, key):
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
        failures: list[str] = []
        for result in schema.get_all_operations():
            operation = result.ok()

            @settings(
                max_examples=3,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                case.query = {**(case.query or {}), "api-version": "2025-10-15"}
                response = case.call(base_url=base_url, headers={"Ocp-Apim-Subscription-Key": key})
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: {response.text}")

            check()
        assert not failures, failures
