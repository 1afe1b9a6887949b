"""RDF that would blow up its parser is refused before parsing, with where and why."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from icgraph.errors import InputError
from icgraph.rdf_guards import (
    JSON_MAX_DEPTH,
    check_rdf,
    explain_parse_error,
    refuse_declarations,
    refuse_deep_json,
)

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/"'
PLAIN = (
    f'<?xml version="1.0"?>\n<rdf:RDF {RDF}>\n'
    '<rdf:Description rdf:about="http://ex/s"><ex:p>v</ex:p></rdf:Description>\n</rdf:RDF>\n'
)


def laughs(levels: int, fanout: int = 10) -> bytes:
    """Nested internal entities: the last expands to 3 * fanout**levels characters."""
    entities = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{i} "{f"&e{i - 1};" * fanout}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        + "\n".join(entities)
        + f"\n]>\n<rdf:RDF {RDF}>\n"
        f'<rdf:Description rdf:about="http://ex/s"><ex:p>&e{levels};</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    ).encode()


def test_nested_entities_are_refused_at_the_doctype() -> None:
    body = laughs(10)
    assert len(body) < 1000  # like the 930-byte body of issue 10, which grew to 8 GB
    with pytest.raises(InputError) as caught:
        check_rdf(body, ox.RdfFormat.RDF_XML)
    assert (caught.value.line, caught.value.column) == (2, 1)
    assert "<!DOCTYPE" in caught.value.message
    assert "expand" in caught.value.message


def test_the_parser_does_expand_them() -> None:
    # Why the guard exists: without it, three levels already come back thirty-fold.
    quads = list(ox.parse(laughs(3), format=ox.RdfFormat.RDF_XML))
    assert [len(q.object.value) for q in quads] == [3 * 10**3]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # pyoxigraph reads a lower-case doctype, and one after the root element, too.
        (f'<!doctype x [<!ENTITY a "A">]>\n<rdf:RDF {RDF}/>', (1, 1)),
        (f'<rdf:RDF {RDF}>\n  <!DOCTYPE x [<!ENTITY a "A">]>\n</rdf:RDF>', (2, 3)),
        (f'<rdf:RDF {RDF}>\n<!ENTITY a "A">\n</rdf:RDF>', (2, 1)),
        # Columns count characters, not bytes ("é" is two).
        (f"<rdf:RDF {RDF}><ex:p>é</ex:p><!ATTLIST x>\n</rdf:RDF>", (1, 9 + len(RDF) + 16)),
    ],
)
def test_every_declaration_is_refused(body: str, where: tuple[int, int]) -> None:
    with pytest.raises(InputError) as caught:
        refuse_declarations(body.encode())
    assert (caught.value.line, caught.value.column) == where


def test_comments_cdata_and_other_formats_pass() -> None:
    with_comment = PLAIN.replace("<rdf:Description", "<!-- a note --><rdf:Description")
    refuse_declarations(with_comment.encode())
    refuse_declarations(PLAIN.replace(">v<", "><![CDATA[a < b]]><").encode())
    assert len(list(ox.parse(with_comment.encode(), format=ox.RdfFormat.RDF_XML))) == 1
    # Turtle has no entities: text that looks like a declaration is just text.
    check_rdf(b'<http://ex/s> <http://ex/p> "<!DOCTYPE x>" .', ox.RdfFormat.TURTLE)


def test_a_remote_jsonld_context_is_not_fetched_and_is_explained() -> None:
    # The listener-free check is in tests/api/test_hostile_input.py; here: the message.
    body = b'{"@context": "http://127.0.0.1:9/ctx", "@id": "http://ex/s", "name": "x"}'
    with pytest.raises(SyntaxError) as caught:
        list(ox.parse(body, format=ox.RdfFormat.JSON_LD))
    message = explain_parse_error(str(caught.value))
    assert "remote @context" in message
    assert "fetches nothing" in message
    assert explain_parse_error("unexpected end of file") == "unexpected end of file"


def nested_jsonld(levels: int) -> bytes:
    return (
        '{"@id": "http://ex/s", "http://ex/p": '
        + '{"http://ex/p": ' * levels
        + '"o"'
        + "}" * levels
        + "}"
    ).encode()


def test_jsonld_nested_past_the_limit_is_refused_where_it_passes() -> None:
    check_rdf(nested_jsonld(JSON_MAX_DEPTH - 1), ox.RdfFormat.JSON_LD)  # the outer one is 1
    with pytest.raises(InputError) as caught:
        check_rdf(nested_jsonld(3000), ox.RdfFormat.JSON_LD)  # kills pyoxigraph's reader
    body = nested_jsonld(3000).decode()
    column = body.index("{", len('{"@id": "http://ex/s", "http://ex/p": ') + 16 * 99) + 1
    assert (caught.value.line, caught.value.column) == (1, column)
    assert f"opens level {JSON_MAX_DEPTH + 1}" in caught.value.message


def test_brackets_in_json_strings_do_not_count() -> None:
    body = '{"@id": "http://ex/s", "http://ex/p": "' + "{[" * 500 + '\\" {{"}'
    refuse_deep_json(body.encode(), limit=1)
