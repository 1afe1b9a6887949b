"""Settings, read once from the environment (prefix ``ICGRAPH_``) and validated at start-up.

One class serves the library, the CLI and the HTTP facade, so an operator sets a value in one
place. Nothing here has side effects at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The folders a root holds; a checkout and the wheel's bundle both have them.
SOURCE_FOLDERS = ("ontology", "data", "shapes", "queries")

_PACKAGE = Path(__file__).resolve().parent
#: Where the wheel carries the sources (see ``icgraph/_bundle/__init__.py``).
BUNDLE_ROOT = _PACKAGE / "_bundle"


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and all(
        (folder / name).is_dir() for name in SOURCE_FOLDERS
    )


def default_root() -> Path:
    """The checkout this package was imported from, else the sources the wheel carries.

    A checkout (an editable install, or the tests) builds from its own folders, so curators
    edit ``data/`` and see the change; an installed wheel builds from its package data.
    """
    checkout = _PACKAGE.parents[1]
    return checkout if _is_checkout(checkout) else BUNDLE_ROOT


def default_store() -> Path:
    """The per-user data folder's store: nothing is written into the working folder."""
    return platformdirs.user_data_path("icgraph", appauthor=False) / "store"


#: The sources this process reads unless ICGRAPH_ROOT says otherwise.
PROJECT_ROOT = default_root()


class Settings(BaseSettings):
    """Everything an operator can set. Environment variables are ``ICGRAPH_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ICGRAPH_", extra="ignore")

    root: Path = Field(
        default_factory=default_root,
        description="Folder holding ontology/, data/, shapes/, queries/: the checkout, else the wheel's copy.",
    )
    store_path: Path | None = Field(
        None, description="On-disk store; default <user data folder>/icgraph/store."
    )
    base_iri: str = Field("https://w3id.org/icgraph/", description="Base of every minted IRI.")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)

    query_timeout: float = Field(10.0, gt=0, description="Longest a query may run, in seconds.")
    validation_timeout: float = Field(
        30.0, gt=0, description="Longest POST /validate may take, in seconds."
    )
    max_results: int = Field(10_000, ge=1, description="Most rows or triples a query returns.")
    max_body_bytes: int = Field(1_000_000, ge=1, description="Largest request body accepted.")
    query_workers: int = Field(2, ge=1, le=32, description="Worker processes that run queries.")
    access_log: bool = Field(
        False,
        description="Log every request (uvicorn's access log), off the event loop; a proxy in "
        "front usually logs them already.",
    )
    service_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="SERVICE endpoints a query may call; empty means federation is off.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    result_cache_bytes: int = Field(
        64 * 2**20,
        ge=0,
        description="Bytes of serialised answers kept for repeated queries (the store is read-only); 0 turns it off.",
    )
    validation_workers: int = Field(
        2, ge=1, le=32, description="Child processes that validate uploaded RDF at once."
    )
    worker_memory_mb: int = Field(
        2048,
        ge=64,
        description="Address-space limit of each query or validation child (RLIMIT_AS), in MB.",
    )
    keep_versions: int = Field(
        3, ge=1, description="Store versions a build keeps (never one that a reader holds)."
    )
    version_poll_seconds: float = Field(
        1.0,
        gt=0,
        description="How often the server looks for a newly published store version (over a "
        "remote store: reads its live-edition pointer).",
    )
    # Hostile input: limits checked before any parser sees a request (src/icgraph/query_limits.py
    # says where pyoxigraph's parser gives way, and why these numbers are well below it).
    query_max_depth: int = Field(
        100, ge=1, le=500, description="Deepest nesting of (, { and [ a query may have."
    )
    query_max_elements: int = Field(
        300,
        ge=1,
        le=1000,
        description="Most groups, triple patterns, clauses (UNION, OPTIONAL, BIND, ...) and "
        "operators in a query.",
    )
    query_max_tokens: int = Field(
        100_000, ge=1, description="Most tokens (words, names, literals, punctuation) in a query."
    )
    max_url_bytes: int = Field(
        32_768,
        ge=1024,
        le=65_535,
        description="Longest request target (path and query string); longer gets 414. At "
        "most 65,535, the longest uvicorn's parser passes on.",
    )
    backend: Literal["embedded", "sparql"] = Field(
        "embedded",
        description="The query backend: 'embedded' (the pyoxigraph store on disk) or 'sparql' "
        "(a SPARQL 1.1 endpoint at ICGRAPH_SPARQL_ENDPOINT).",
    )
    sparql_endpoint: str | None = Field(
        None, description="Query URL of the remote store, for ICGRAPH_BACKEND=sparql."
    )
    sparql_update_endpoint: str | None = Field(
        None, description="Update URL of the remote store; only 'icgraph publish' uses it."
    )
    sparql_graph_store: str | None = Field(
        None,
        description="Graph Store Protocol URL of the remote store; 'icgraph publish' loads "
        "graphs through it (else through SPARQL Update).",
    )
    sparql_user: str | None = Field(None, description="User 'icgraph publish' writes as.")
    sparql_password: SecretStr | None = Field(
        None, description="Password of ICGRAPH_SPARQL_USER (HTTP Basic, or Digest if asked)."
    )
    sparql_auth: Literal["basic", "digest"] = Field(
        "basic", description="How 'icgraph publish' authenticates (Virtuoso asks for digest)."
    )

    @field_validator("service_allowlist", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("base_iri")
    @classmethod
    def _slash_terminated(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _endpoint_for_sparql(self) -> Settings:
        if self.backend == "sparql" and not self.sparql_endpoint:
            raise ValueError("ICGRAPH_BACKEND=sparql needs ICGRAPH_SPARQL_ENDPOINT (a query URL)")
        for name in ("sparql_endpoint", "sparql_update_endpoint", "sparql_graph_store"):
            value = getattr(self, name)
            if value is not None and not value.startswith(("http://", "https://")):
                raise ValueError(f"ICGRAPH_{name.upper()} must be an http(s) URL, got {value!r}")
        return self

    @property
    def store(self) -> Path:
        """Where the built store lives."""
        return self.store_path if self.store_path is not None else default_store()

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def vocabularies_dir(self) -> Path:
        return self.root / "vocabularies"

    @property
    def report_path(self) -> Path:
        """The review report, the graph's one source."""
        return self.root / "sources" / "cdadi-2021-5-review-report.md"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own ``Settings`` instead."""
    return Settings()
