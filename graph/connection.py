"""One Neo4j driver per process, and the domain errors that driver failures become."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString

from neo4j import READ_ACCESS, Driver, GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from assetgraph.graph import local_server
from assetgraph.graph.cypher import statement
from assetgraph.settings import Settings


class GraphUnavailableError(ConnectionError):
    """Neo4j could not be reached or refused the credentials."""


class GraphQueryError(RuntimeError):
    """Neo4j rejected or failed a statement."""


Record = dict[str, Any]

READ_ATTEMPTS = 3  # tries of a read that meets a dropped connection or a transient error


class Graph:
    """The knowledge graph: a driver, a database name, and named statements run with parameters."""

    def __init__(self, driver: Driver, *, database: str) -> None:
        self._driver = driver
        self.database = database

    @property
    def driver(self) -> Driver:
        """The underlying driver, for sessions that need explicit transactions."""
        return self._driver

    def read(self, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        """Run the named read statement, routed to a reader in a cluster, and return its rows."""
        text = statement(name)
        attempt = 1
        with translate_driver_errors(name):
            while True:
                try:
                    return self._read_once(text, dict(parameters or {}))
                except (Neo4jError, DriverError) as error:  # a read is safe to repeat, as execute_query would
                    if attempt >= READ_ATTEMPTS or not error.is_retryable():
                        raise
                    attempt += 1

    def write(self, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
        """Run the named write statement in its own transaction and return its rows."""
        with translate_driver_errors(name):
            records, _, keys = self._driver.execute_query(
                statement(name),
                parameters_=dict(parameters or {}),
                database_=self.database,
                routing_=RoutingControl.WRITE,
            )
        return _rows(keys, records)

    def _read_once(self, text: LiteralString, parameters: dict[str, Any]) -> list[Record]:
        # An auto-commit read is one round trip where execute_query's managed transaction takes two (BEGIN
        # and RUN, then COMMIT): about a millisecond per search. Sharing execute_query's bookmark manager
        # keeps reads causally after this process's writes in a cluster.
        with self._driver.session(
            database=self.database,
            default_access_mode=READ_ACCESS,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        ) as session:
            result = session.run(text, parameters)
            keys = result.keys()
            return _rows(keys, result)

    def run_autocommit(self, name: str, parameters: Mapping[str, Any] | None = None) -> None:
        """Run a named statement that manages its own transactions (`CALL ... IN TRANSACTIONS`)."""
        with translate_driver_errors(name), self._driver.session(database=self.database) as session:
            session.run(statement(name), dict(parameters or {})).consume()

    def verify(self) -> None:
        """Check that Neo4j answers; raise GraphUnavailableError if it does not."""
        with translate_driver_errors("verify connectivity"):
            self._driver.verify_connectivity()

    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()


def _rows(keys: Sequence[str], records: Iterable[Sequence[Any]]) -> list[Record]:
    # A Record iterates over its values; zip is several times cheaper than Record.data() or dict(record).
    return [dict(zip(keys, record, strict=True)) for record in records]


@contextmanager
def translate_driver_errors(what: str) -> Iterator[None]:
    """Turn driver exceptions into the graph's domain errors, naming what was being done."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as error:
        raise GraphUnavailableError(f"Neo4j is not reachable ({what}): {error}") from error
    except AuthError as error:
        raise GraphUnavailableError(f"Neo4j refused the credentials ({what}): {error.message}") from error
    except Neo4jError as error:
        raise GraphQueryError(f"Neo4j failed {what}: {error.code}: {error.message}") from error


def connect(settings: Settings, *, start_local: bool = True) -> Graph:
    """Open the process's driver: to NEO4J_URI when set, else to the local server (started on demand)."""
    if settings.neo4j_uri is not None:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        uri, auth = settings.neo4j_uri, (settings.neo4j_user, password)
    else:
        if start_local:
            local_server.start(settings)
        credentials = local_server.local_credentials(settings)
        uri, auth = credentials.uri, (credentials.user, credentials.password)
    driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
    graph = Graph(driver, database=settings.neo4j_database)
    try:
        graph.verify()
    except GraphUnavailableError:
        driver.close()
        raise
    return graph


__all__ = ["Graph", "GraphQueryError", "GraphUnavailableError", "Record", "connect"]
