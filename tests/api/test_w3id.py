"""The w3id.org redirect shipped in docs/w3id/.htaccess lands on routes the server answers.

Each RewriteRule is read from the file, applied (as Apache's mod_rewrite would, per-directory:
the path below icgraph/, no leading slash) to the IRIs the graph mints, and its target path
is requested from the app on the real graph: every one must answer, in the format asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from ..paths import ROOT

HTACCESS = ROOT / "docs" / "w3id" / ".htaccess"
HOST = "https://icgraph.example.org"
_RULE = re.compile(r"^RewriteRule\s+(\S+)\s+(\S+)\s+\[([^\]]+)\]\s*$")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    target: str
    flags: tuple[str, ...]

    def apply(self, path: str) -> str | None:
        match = self.pattern.match(path)
        if match is None:
            return None
        return re.sub(r"\$(\d)", lambda m: match.group(int(m[1])) or "", self.target)

    @property
    def status(self) -> int:
        return int(next(f for f in self.flags if f.startswith("R="))[2:])


def rules() -> list[Rule]:
    found = []
    for line in HTACCESS.read_text(encoding="utf-8").splitlines():
        match = _RULE.match(line.strip())
        if match:
            found.append(Rule(re.compile(match[1]), match[2], tuple(match[3].split(","))))
    return found


def redirect(path: str) -> tuple[str, int]:
    """Where w3id.org sends ``https://w3id.org/icgraph/<path>``: the first rule that matches."""
    for rule in rules():
        target = rule.apply(path)
        if target is not None:
            return target, rule.status
    raise AssertionError(f"no rule redirects icgraph/{path}")


#: The ontology's versionIRI, as its source declares it (e.g. ``ontology/0.2.0``).
VERSION_PATH = re.findall(
    r"owl:versionIRI <https://w3id.org/icgraph/(ontology/[^>]+)>",
    "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "ontology").glob("*.ttl"))),
)[0]

#: IRIs under https://w3id.org/icgraph/ the graph mints or documents, the media type a client
#: asks for, and what the server must then answer with.
MINTED = [
    ("id/state/ES", "text/turtle", "text/turtle"),
    ("id/state/ES", "text/html", "text/html"),
    ("id/dataset/icgraph", "application/ld+json", "application/ld+json"),
    ("id/recommendation/7", "application/n-triples", "application/n-triples"),
    ("ontology", "text/turtle", "text/turtle"),
    ("ontology", "text/html", "text/html"),
    ("ontology.ttl", "*/*", "text/turtle"),
    ("ontology.jsonld", "*/*", "application/ld+json"),
    (VERSION_PATH, "text/turtle", "text/turtle"),
    ("sparql", "application/n-triples", "application/n-triples"),
    ("dumps", "*/*", "application/json"),
    ("dumps/icgraph.nt", "*/*", "application/n-triples"),
    ("void", "text/turtle", "text/turtle"),
    ("catalog", "application/ld+json", "application/ld+json"),
    ("queries", "*/*", "application/json"),
    ("queries/cq01-responding-states", "text/csv", "text/csv"),
    ("", "text/html", "text/html"),
]


def test_the_file_is_read() -> None:
    assert HTACCESS.is_file()
    assert len(rules()) == 11
    assert all(rule.target.startswith(HOST) for rule in rules())
    assert "RewriteEngine on" in HTACCESS.read_text(encoding="utf-8")


def test_every_rule_is_exercised() -> None:
    used = {id(rule) for rule in rules() for path, _, _ in MINTED if rule.apply(path)}
    assert len(used) == len(rules()), "a RewriteRule no minted IRI reaches"


def test_the_sparql_redirect_keeps_post() -> None:
    assert redirect("sparql") == (f"{HOST}/sparql", 307)
    assert redirect("id/state/ES") == (f"{HOST}/id/state/ES", 303)


@pytest.mark.parametrize(("path", "accept", "media_type"), MINTED)
def test_each_redirect_lands_on_a_route(
    client: TestClient, path: str, accept: str, media_type: str
) -> None:
    target, _ = redirect(path)
    assert target.startswith(HOST)
    local = urlsplit(target).path or "/"
    response = client.get(local, headers={"accept": accept})
    assert response.status_code == 200, f"{path} -> {local}: {response.status_code}"
    assert response.headers["content-type"].split(";")[0] == media_type


def test_the_ontology_version_iri_resolves(client: TestClient) -> None:
    turtle = client.get("/ontology", headers={"accept": "application/n-triples"}).text
    versions = re.findall(
        r"<https://w3id.org/icgraph/ontology> <http://www.w3.org/2002/07/owl#versionIRI> "
        r"<https://w3id.org/icgraph/(ontology/[^>]+)>",
        turtle,
    )
    assert versions == [VERSION_PATH]
    target, status = redirect(versions[0])
    assert status == 303
    response = client.get(urlsplit(target).path, headers={"accept": "text/turtle"})
    assert response.status_code == 200


def test_a_query_string_passes_through(client: TestClient) -> None:
    # mod_rewrite appends the original query string to a target that has none.
    target, _ = redirect("sparql")
    assert "?" not in target
    response = client.get(
        urlsplit(target).path,
        params={"query": "ASK { ?s a <https://w3id.org/icgraph/ontology#MemberState> }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert response.json()["boolean"] is True
