"""The one Jinja environment of the web pages, with the filters every template may use.

``{{ iri | href }}`` is where a link to ``iri`` points on the page being rendered
(:mod:`icgraph.api.links`): the server's own path for the graph's IRIs when the request came to
another host than the base IRI's, the IRI itself otherwise. It reads the request from the
template context, which ``TemplateResponse`` always fills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from icgraph.api.links import for_request

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@pass_context
def _href(context: Any, iri: str) -> str:
    request = context.get("request")
    if request is None:  # a template rendered outside a request keeps the IRI
        return iri
    return for_request(request).href(iri)


@pass_context
def _links_json(context: Any) -> dict[str, str | bool]:
    return for_request(context["request"]).as_json()


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATE_DIR)
    # Starlette turns escaping on by file extension, and ours end in .j2: every template here
    # is HTML, so escape always (a search term must never come back as markup).
    templates.env.autoescape = True
    templates.env.filters["href"] = _href
    templates.env.globals["site_links"] = _links_json
    return templates


TEMPLATES = _templates()
