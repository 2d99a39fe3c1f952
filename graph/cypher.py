"""Load the product's Cypher statements by name from the `cypher/` folder."""

from __future__ import annotations

from functools import cache
from typing import LiteralString

from assetgraph.paths import CYPHER_DIR


class UnknownStatementError(LookupError):
    """No Cypher file exists under the given name."""


@cache
def statement(name: str) -> LiteralString:
    """Return the text of `cypher/<name>.cypher`, e.g. `statement("read/search_candidates")`.

    The text comes from the repository, never from user input, so it is safe to hand to the driver
    as a literal query; values always travel as parameters.
    """
    path = (CYPHER_DIR / f"{name}.cypher").resolve()
    if CYPHER_DIR.resolve() not in path.parents or not path.is_file():
        raise UnknownStatementError(f"no Cypher statement named {name!r} in {CYPHER_DIR}")
    text: LiteralString = path.read_text(encoding="utf-8").strip()
    return text


def split_statements(text: str) -> list[LiteralString]:
    """Split a schema file into its statements (separated by `;`, `//` comments dropped)."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    parts = "\n".join(lines).split(";")
    statements: list[LiteralString] = [part.strip() for part in parts if part.strip()]
    return statements


def schema_files() -> list[str]:
    """Names of the schema files, in the order they are applied."""
    return [f"schema/{path.stem}" for path in sorted((CYPHER_DIR / "schema").glob("*.cypher"))]
