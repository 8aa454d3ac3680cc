"""The API against its own OpenAPI document (issue 11 item 6): schemathesis generates requests for every
operation — valid ones and deliberately invalid ones — and every check must hold: no 5xx, documented status
codes, content types and response shapes, invalid input refused. Run as the 党务管理员 of the root on the
persona world, a bounded number of examples per operation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = 8
SESSION_ONLY = {"/api/v1/tokens/"}


def _document() -> dict[str, object]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


# Every check is on. Positive data acceptance allows 400 and 404 besides 2xx: a request can fit the document and
# still name a record that does not exist or break a rule of the regulations (a date order, a count that does not
# add up), which no schema can say; such answers are checked by the other checks (documented, JSON, shaped).
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}},
})
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)
app = get_wsgi_application()
schema.app = app  # the checks' own follow-up requests go to the app too


@pytest.fixture
def token(world) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The admin's token; while the test runs, requests do not close the database connection at their end (as
    Django's own test client arranges), which would end the test's transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Token.objects.create(user=world.admin).key
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.filterwarnings("ignore")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, token):  # type: ignore[no-untyped-def]
    # Issuing a token takes a browser session only (a token cannot mint tokens): with a token it answers 401, as
    # documented, so only "valid data is accepted" is not asked of it.
    excluded = [positive_data_acceptance] if case.operation.path in SESSION_ONLY else []
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=excluded)
