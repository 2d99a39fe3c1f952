"""The one settings class: read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "assetgraph"


class Settings(BaseSettings):
    """Configuration for the graph connection, the local Neo4j server and the API."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        validation_alias=AliasChoices("ASSETGRAPH_DATA_DIR", "data_dir"),
    )
    local_bolt_port: int = Field(
        default=7687,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("ASSETGRAPH_NEO4J_PORT", "local_bolt_port"),
    )
    local_page_cache: str = Field(
        default="256m", validation_alias=AliasChoices("ASSETGRAPH_NEO4J_PAGECACHE", "local_page_cache")
    )
    local_heap: str = Field(default="1g", validation_alias=AliasChoices("ASSETGRAPH_NEO4J_HEAP", "local_heap"))
    local_start_timeout_s: float = Field(
        default=120.0, validation_alias=AliasChoices("ASSETGRAPH_NEO4J_START_TIMEOUT", "local_start_timeout_s")
    )

    api_host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("ASSETGRAPH_API_HOST", "api_host"))
    api_port: int = Field(
        default=8000, ge=1, le=65535, validation_alias=AliasChoices("ASSETGRAPH_API_PORT", "api_port")
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _check_uri(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not value.startswith(_NEO4J_SCHEMES):
            raise ValueError(f"NEO4J_URI must start with one of {', '.join(_NEO4J_SCHEMES)}; got {value!r}")
        return value

    @property
    def uses_local_server(self) -> bool:
        """True when no NEO4J_URI is set, so the CLI runs Neo4j itself."""
        return self.neo4j_uri is None

    @property
    def local_dir(self) -> Path:
        """Directory holding the local Neo4j server's data, logs, pid and password files."""
        return self.data_dir / "neo4j"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
