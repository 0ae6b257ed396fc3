"""One language for readers: the published site shows no English code or message id, and
every message of the French catalogue is translated."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from observatory import i18n
from observatory.publish.site import make_env
from observatory.scoring import all_criteria
from tests.catalogue import french, make_i18n_messages

FIELD = re.compile(r"\{(\w+)\}")
CODES = (
    ("outcome", i18n.OUTCOMES),
    ("evidence", i18n.EVIDENCE_KEYS),
    ("evidence_value", i18n.EVIDENCE_VALUES),
    ("frequency", i18n.FREQUENCIES),
)


HIDDEN = ("script", "style", "code")  # not read, or shown as code (field names)


class _Text(HTMLParser):
    """The visible text pieces of a page (scripts, styles and code aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in HIDDEN

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.pieces.extend(p.strip() for p in data.split(" · ") if p.strip())


def visible_pieces(page: Path) -> list[str]:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.pieces


def english_leftovers(root: Path) -> list[str]:
    """Text pieces of the site equal to a code or written from an English message id
    (codes and messages whose French is the same word, such as ``formats``, aside)."""
    words = i18n.Catalogue()
    codes = {
        code
        for context, ids in CODES
        for code in ids
        if words.translations.pgettext(context, code) != code
    }
    templates = [i18n.template_pattern(t) for t in i18n.REASON_TEMPLATES if words.gettext(t) != t]
    found = []
    for page in sorted(root.rglob("*.html")):
        for piece in visible_pieces(page):
            if piece in codes or any(p.fullmatch(piece) for p in templates):
                found.append(f"{page.relative_to(root)}: {piece!r}")
    return found


def test_the_observed_site_shows_no_english_code_or_message(observed) -> None:
    pages = list(observed.root.rglob("*.html"))
    assert len(pages) > 20
    text = " ".join(" ".join(visible_pieces(p)) for p in pages)
    # what the demo probes really met, in French: slow, failing and healthy resources
    for words in ("disponible", "indisponible", "dégradé", "mais lent", "vérification(s)"):
        assert words in text, words
    assert english_leftovers(observed.root) == []


def test_the_published_methodology_describes_every_criterion_in_french(observed) -> None:
    page = " ".join(visible_pieces(observed.root / "methodology.html"))
    text = " ".join(page.split())
    words = i18n.catalogue()
    for c in all_criteria():
        assert c.doc.splitlines()[0] not in text, c.id
        assert words.criterion_doc(c.doc).splitlines()[0] in text, c.id
    assert "s'applique à : ressource tabulaire" in text
    assert "s'applique à : tabular resource" not in text


def test_the_checker_sees_english_when_there_is_some(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<p>HTTP 200, 5 assertion(s) hold</p><dl><dt>worst_empty_share</dt></dl>"
        "<td>degraded</td><script>up</script>",
        encoding="utf-8",
    )
    assert english_leftovers(tmp_path) == [
        "p.html: 'HTTP 200, 5 assertion(s) hold'",
        "p.html: 'worst_empty_share'",
        "p.html: 'degraded'",
    ]


def test_every_message_has_a_french_translation_with_the_same_fields() -> None:
    with i18n.po_path().open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    messages = [m for m in catalog if m.id]
    assert len(messages) > 50
    for message in messages:
        assert message.string, f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        assert set(FIELD.findall(message.string)) == set(FIELD.findall(message.id)), message.id


def test_the_catalogue_holds_every_marked_message() -> None:
    """`make i18n` was run: every code and template in the code is in the .po."""
    with i18n.po_path().open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for context, ids in CODES:
        for msgid in ids:
            assert catalog.get(msgid, context=context), (context, msgid)
    for msgid in (*i18n.REASON_TEMPLATES, *i18n.FAILURE_TEMPLATES, *i18n.ASSERTION_TEMPLATES):
        assert catalog.get(msgid), msgid


def test_the_catalogue_is_what_make_i18n_extracts_and_compiles_cleanly() -> None:
    """Every message `make i18n` extracts (criterion docstrings included) is in the .po and
    nothing else is; `pybabel compile` would report no error (a docstring's "20 % of" reads
    as a %-format placeholder to Babel: write "20 %." or rephrase)."""
    catalog = french()
    in_po = {(m.context, m.id) for m in catalog if m.id}
    assert make_i18n_messages() == in_po, "run `make i18n` and translate"
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def test_reasons_render_in_french_and_old_unknown_ones_as_stored() -> None:
    words = i18n.Catalogue()
    assert words.reason("HTTP 200, 5 assertion(s) hold") == (
        "HTTP 200, 5 vérification(s) satisfaite(s)"
    )
    assert words.reason("answers as expected but slow: 1502 ms > 1000 ms") == (
        "répond comme attendu, mais lentement : 1502 ms > 1000 ms"
    )
    assert words.reason(
        "answering but wrong: status: expected 200, got 500; json_path $.a: expected present"
        "; certificate expires in 3 days (2027-01-01)"
    ) == (
        "répond, mais de façon incorrecte : statut HTTP : attendu 200, obtenu 500 ; "
        "chemin JSON $.a : attendu présent ; le certificat expire dans 3 jours (2027-01-01)"
    )
    assert words.reason("answered 200 but timeout: timed out (ReadTimeout)") == (
        "a répondu 200 mais délai dépassé : délai d'attente dépassé (ReadTimeout)"
    )
    assert words.reason("an old reason, stored before <b>") == "an old reason, stored before <b>"


def test_filters_escape_what_they_translate() -> None:
    env = make_env()
    page = env.from_string("{{ r|reason }} {{ o|outcome }} {{ k|evidence_key }}")
    html = page.render(r="HTTP <script>x</script>", o="<i>up</i>", k="missing")
    assert "<script>" not in html and "<i>" not in html
    assert "HTTP &lt;script&gt;x&lt;/script&gt;" in html and "manquants" in html
