"""Writer schemas by Confluent schema id, fetched from the Schema Registry and cached for the job's life.

A Confluent schema id names one schema forever, so a fetched schema never goes stale; only ids the registry
does not know are asked again (a later registration may make them known). When the registry cannot be
reached, ids already cached keep decoding; a batch that needs an id not cached yet retries with backoff
and then fails, so the query stops and the operator restarts the job from its checkpoint (nothing lost).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping

LOG = logging.getLogger("streamstack.schema_registry")

# (url) -> (HTTP status, body); a connection failure raises OSError. Injected so tests need no server.
Fetch = Callable[[str], tuple[int, str]]


class RegistryUnavailable(RuntimeError):
    """The registry did not answer (or answered 5xx) for an id the batch needs."""


def _http_get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.schemaregistry.v1+json"})
    try:
        # URL from our own config.
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class WriterSchemas:
    def __init__(
        self,
        registry_url: str,
        fetch: Fetch = _http_get,
        attempts: int = 6,
        first_delay_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._base = registry_url.rstrip("/")
        self._fetch = fetch
        self._attempts = attempts
        self._first_delay = first_delay_seconds
        self._sleep = sleep
        self._cache: dict[int, str] = {}

    def _fetch_one(self, schema_id: int) -> str | None:
        """The schema text, or None when the registry says it does not know the id (404)."""
        url = f"{self._base}/schemas/ids/{schema_id}"
        delay = self._first_delay
        last_problem = ""
        for attempt in range(1, self._attempts + 1):
            try:
                status, body = self._fetch(url)
            except OSError as error:
                status, body = 0, ""
                last_problem = f"no answer ({error})"
            if status == 200:
                return json.loads(body)["schema"]
            if status == 404:
                return None
            if status != 0:
                last_problem = f"HTTP {status}: {body[:200]}"
            if attempt < self._attempts:
                LOG.warning("schema id %d: registry %s; retrying in %.0f s", schema_id, last_problem, delay)
                self._sleep(delay)
                delay *= 2
        raise RegistryUnavailable(
            f"Schema Registry at {self._base} gave no schema for id {schema_id} after {self._attempts} attempts: "
            f"{last_problem}"
        )

    def cached(self) -> Mapping[int, str]:
        """Every writer schema fetched so far, by id (no registry call)."""
        return dict(self._cache)

    def resolve(self, schema_ids: Iterable[int]) -> Mapping[int, str]:
        """Writer schemas of the given ids that the registry knows; unknown ids are left out."""
        known: dict[int, str] = {}
        for schema_id in sorted(set(schema_ids)):
            if schema_id not in self._cache:
                schema = self._fetch_one(schema_id)
                if schema is None:
                    continue
                LOG.info("writer schema id %d fetched from the registry", schema_id)
                self._cache[schema_id] = schema
            known[schema_id] = self._cache[schema_id]
        return known
