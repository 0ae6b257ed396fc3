"""The one message catalogue of the words a reader sees (gettext, French).

``observatory/locale/fr/LC_MESSAGES/messages.po`` is the source: it is compiled in memory by
Babel when loaded (no compiled file to keep in step), once per render or per command.
``make i18n`` extracts the message ids from the code and templates and updates the .po; a
criterion's docstring (English, for developers) is a message id too, extracted by
``observatory.i18n_extract`` and shown in French on the methodology page.

Machine codes stay English in the data (outcome codes, evidence keys, probe reasons as the
probes write them); they become French words only here, when shown:

- outcomes (``up`` …) and evidence keys (``missing`` …) are looked up with a context
  (``pgettext("outcome", "up")``), so a short code never collides with another message;
- a probe reason is matched against the English templates the probes write
  (``REASON_TEMPLATES``, each a message id), and its parts are put back into the French
  one. A reason written by an older version that matches no template is shown as stored.
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGE = "fr"


def N_(message: str) -> str:  # noqa: N802 — the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction; translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802
    """Mark ``message`` in ``context`` for extraction (``make i18n`` knows this keyword)."""
    return message


def po_path(language: str = LANGUAGE) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(language: str = LANGUAGE) -> gettext.GNUTranslations:
    """The catalogue of ``language``, compiled in memory from its .po file."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


OUTCOMES: tuple[str, ...] = (
    NP_("outcome", "up"),
    NP_("outcome", "degraded"),
    NP_("outcome", "down"),
    NP_("outcome", "unknown"),
    NP_("outcome", "refused"),
)
# Update frequencies as udata names them, and the legal periodicities of the SPDR
# (observatory.scoring.frequencies).
FREQUENCIES: tuple[str, ...] = (
    NP_("frequency", "continuous"),
    NP_("frequency", "hourly"),
    NP_("frequency", "fourTimesADay"),
    NP_("frequency", "threeTimesADay"),
    NP_("frequency", "semidaily"),
    NP_("frequency", "daily"),
    NP_("frequency", "fourTimesAWeek"),
    NP_("frequency", "threeTimesAWeek"),
    NP_("frequency", "semiweekly"),
    NP_("frequency", "weekly"),
    NP_("frequency", "biweekly"),
    NP_("frequency", "threeTimesAMonth"),
    NP_("frequency", "semimonthly"),
    NP_("frequency", "monthly"),
    NP_("frequency", "bimonthly"),
    NP_("frequency", "fourTimesAYear"),
    NP_("frequency", "quarterly"),
    NP_("frequency", "threeTimesAYear"),
    NP_("frequency", "semiannual"),
    NP_("frequency", "annual"),
    NP_("frequency", "biennial"),
    NP_("frequency", "triennial"),
    NP_("frequency", "quadrennial"),
    NP_("frequency", "quinquennial"),
    NP_("frequency", "decennial"),
    NP_("frequency", "as_needed"),
    NP_("frequency", "irregular"),
    NP_("frequency", "never"),
    NP_("frequency", "not_planned"),
    NP_("frequency", "other"),
    NP_("frequency", "punctual"),
    NP_("frequency", "unknown"),
    NP_("frequency", "daily_working"),  # the legal periodicities of the SPDR
    NP_("frequency", "four_monthly"),
    NP_("frequency", "half_yearly"),
    NP_("frequency", "yearly"),
    NP_("frequency", "per_campaign"),
)
# The keys of criteria evidence (observatory/scoring/criteria) shown on the dataset pages.
EVIDENCE_KEYS: tuple[str, ...] = (
    NP_("evidence", "bar"),
    NP_("evidence", "checked"),
    NP_("evidence", "compared"),
    NP_("evidence", "count"),
    NP_("evidence", "days_late"),
    NP_("evidence", "described"),
    NP_("evidence", "documentation"),
    NP_("evidence", "drops"),
    NP_("evidence", "due"),
    NP_("evidence", "end"),
    NP_("evidence", "error_counts"),
    NP_("evidence", "expected_by"),
    NP_("evidence", "files"),
    NP_("evidence", "formats"),
    NP_("evidence", "frequency"),
    NP_("evidence", "invalid"),
    NP_("evidence", "issues"),
    NP_("evidence", "items"),
    NP_("evidence", "keywords"),
    NP_("evidence", "last_update"),
    NP_("evidence", "length"),
    NP_("evidence", "licence"),
    NP_("evidence", "machine_readable"),
    NP_("evidence", "meets_bar"),
    NP_("evidence", "minimum"),
    NP_("evidence", "mismatches"),
    NP_("evidence", "missing"),
    NP_("evidence", "missing_mandatory"),
    NP_("evidence", "missing_recommended"),
    NP_("evidence", "note"),
    NP_("evidence", "open_resources"),
    NP_("evidence", "period_days"),
    NP_("evidence", "periodicity"),
    NP_("evidence", "periodicity_label"),
    NP_("evidence", "periods_missed"),
    NP_("evidence", "present"),
    NP_("evidence", "problems"),
    NP_("evidence", "reason"),
    NP_("evidence", "share"),
    NP_("evidence", "start"),
    NP_("evidence", "total"),
    NP_("evidence", "unchecked"),
    NP_("evidence", "validated"),
    NP_("evidence", "value"),
    NP_("evidence", "version"),
    NP_("evidence", "violations"),
    NP_("evidence", "warnings"),
    NP_("evidence", "working_days_late"),
    NP_("evidence", "worst_empty_share"),
)
EVIDENCE_VALUES: tuple[str, ...] = (  # coded values inside evidence records
    NP_("evidence_value", "latest_probe"),
    NP_("evidence_value", "uptime_30d"),
)

# English templates of the probe reasons (observatory/probes, observatory/net), most specific
# first. ``{reason}`` and ``{error}`` fields hold a nested reason, translated in turn.
REASON_TEMPLATES: tuple[str, ...] = (
    N_("HTTP {status} but slow: {latency} ms > {slow} ms"),
    N_("answers as expected but slow: {latency} ms > {slow} ms"),
    N_("HTTP {status}, {count} assertion(s) hold"),
    N_("HTTP 304 Not Modified ({method}): unchanged since the last probe"),
    N_("HTTP 429 Too Many Requests: the server asks to slow down (Retry-After: {retry})"),
    N_("HTTP 429 Too Many Requests: the server asks to slow down"),
    N_("HTTP 503 Service Unavailable with Retry-After: {retry} (temporary)"),
    N_("HTTP 416 to a range from byte 0: the server has no byte of this file"),
    N_("HTTP {status} with an empty body: no file is served"),
    N_("HEAD says {head} but GET answers {status}"),
    N_("HTTP {status} ({method})"),
    N_("HTTP {status}"),
    N_("firewall/HTML page instead of a file: a block page mentioning {words}"),
    N_("firewall/HTML page instead of a file: the server answers an HTML page"),
    N_("answered {status} but {reason}"),
    N_("answering but wrong: {failures}"),
    N_("refused by the address guard: {error}"),
    N_("redirect loop: {error}"),
    N_("timeout: {error}"),
    N_("connection: {error}"),
    N_("tls: {error}"),
    N_("read: {error}"),
    N_("http: {error}"),
    N_("too-large: {error}"),
    N_("not requested: {host} asked to slow down (HTTP {status})"),
    N_("total time limit reached while reading the body"),
    N_("total time limit reached while reading"),
    N_("timed out ({cause})"),
    N_("too many redirects"),
    N_("more than {limit} redirects"),
    N_("redirect loop back to {url}"),
    N_("connection failed: {cause}"),
    N_("request failed: {cause}"),
    N_("reading the body failed: {cause}"),
    N_("TLS error: {cause}"),
    N_("larger than {size} bytes"),
    N_("host '{host}' does not resolve ({cause})"),
    N_("certificate expires in {days} days ({date})"),
)
FAILURE_TEMPLATES: tuple[str, ...] = (  # the parts of "answering but wrong: …"
    N_("{name}: expected {expected}, got {got}"),
    N_("{name}: expected {expected}"),
)
ASSERTION_TEMPLATES: tuple[str, ...] = (  # names and values of an API assertion
    N_("status"),
    N_("content_type"),
    N_("json_path {path}"),
    N_("{path} equals"),
    N_("{path} type"),
    N_("contains"),
    N_("max_latency_ms"),
    N_("present"),
    N_("a JSON body"),
    N_("a valid path"),
    N_("not JSON ({cause})"),
)
NESTED = frozenset({"reason", "error"})
_FIELD = re.compile(r"\\\{(\w+)\\\}")  # a field in an escaped template
_FIELD_PLAIN = re.compile(r"\{(\w+)\}")
_CERT_SUFFIX = re.compile(r"(.+); (certificate expires in .+)", re.DOTALL)


def template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the text written from ``template``."""
    return re.compile(_FIELD.sub(r"(?P<\1>.+?)", re.escape(template)), re.DOTALL)


REMEMBERED_REASONS = 10_000


@cache
def catalogue() -> Catalogue:
    """The French catalogue, loaded on first use (not at import time)."""
    return Catalogue()


@dataclass
class Catalogue:
    """French words for the codes and reasons a reader sees (one per render)."""

    translations: gettext.GNUTranslations = field(default_factory=load_translations)

    def __post_init__(self) -> None:
        self._reasons = [(t, template_pattern(t)) for t in REASON_TEMPLATES]
        self._said: dict[str, str] = {}  # reasons already put in French
        self._failures = [(t, template_pattern(t)) for t in FAILURE_TEMPLATES]
        self._assertions = [(t, template_pattern(t)) for t in ASSERTION_TEMPLATES]

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def outcome(self, code: str | None) -> str:
        """« disponible » for ``up`` …; an unknown code is shown as it is."""
        return self._in_context("outcome", code or "")

    def evidence_key(self, key: str) -> str:
        """French label of a criterion's evidence key (``missing`` → « manquants »)."""
        return self._in_context("evidence", key)

    def frequency(self, code: str) -> str:
        """« quotidienne » for ``daily`` …; a frequency the catalogue does not know as is."""
        return self._in_context("frequency", code)

    def scope(self, code: str) -> str:
        """What a criterion applies to, in French (``resource`` → « ressource »)."""
        return self._in_context("scope", code)

    def criterion_doc(self, doc: str) -> str:
        """A criterion's docstring (``Criterion.doc``, English) in French, for the methodology."""
        return self.gettext(doc)

    def evidence_value(self, key: str, value: str) -> str:
        """A value inside an evidence record: outcome and reason in French, codes labelled."""
        if key == "outcome":
            return self.outcome(value)
        if key == "reason":
            return self.reason(value)
        if key in ("frequency", "periodicity"):
            return self.frequency(value)
        return self._in_context("evidence_value", value)

    def reason(self, text: str | None) -> str:
        """A probe reason in French, matched to the template it was written from (the same
        reasons come back on many pages: each is matched once)."""
        if not text:
            return ""
        said = self._said.get(text)
        if said is None:
            if len(self._said) >= REMEMBERED_REASONS:
                self._said.clear()
            said = self._said[text] = self._reason(text)
        return said

    def _reason(self, text: str) -> str:
        found = _CERT_SUFFIX.fullmatch(text)
        if found:
            return f"{self._one(found.group(1))} ; {self._one(found.group(2))}"
        return self._one(text)

    def _in_context(self, context: str, code: str) -> str:
        return self.translations.pgettext(context, code)

    def _one(self, text: str) -> str:
        found = _first_match(self._reasons, text)
        if found is None:
            return text
        template, fields = found
        return self._fill(template, {k: self._part(k, v) for k, v in fields.items()})

    def _part(self, name: str, value: str) -> str:
        if name == "failures":
            return self._failures_text(value)
        return self._one(value) if name in NESTED else value

    def _failures_text(self, text: str) -> str:
        out = []
        for part in text.split("; "):
            found = _first_match(self._failures, part)
            if found:
                template, fields = found
                words = {k: self._assertion_word(v) for k, v in fields.items()}
                part = self._fill(template, words)
            out.append(part)
        return " ; ".join(out)

    def _assertion_word(self, text: str) -> str:
        found = _first_match(self._assertions, text)
        return self._fill(*found) if found else text

    def _fill(self, template: str, parts: dict[str, str]) -> str:
        french = self.gettext(template)
        return _FIELD_PLAIN.sub(lambda m: parts.get(m.group(1), m.group(0)), french)


def _first_match(
    templates: list[tuple[str, re.Pattern[str]]], text: str
) -> tuple[str, dict[str, str]] | None:
    """The first template ``text`` was written from, with the values of its fields."""
    for template, pattern in templates:
        found = pattern.fullmatch(text)
        if found:
            return template, found.groupdict()
    return None
