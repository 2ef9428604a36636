"""The tables of an access report, each row read once and written to data.json, CSV and index.html.

``write_table`` pages through one declared table of one customer by primary key (plain indexed
queries, ``register.registry.Registry.iter_pages``) and writes every row, as it is read, to its CSV
entry of the archive and to the data.json and index.html streams. Everything that does not depend
on the row (labels, escaped markup, how each column is written) is worked out once per table, and a
batch of rows is converted a column at a time (``Column``), then joined row by row with the markup.

The same read also answers what the law would keep (``LawKeeps``): the columns the bookkeeping and
statutory holds need are read with the row, and the holds judge each page of rows as it goes by, so
no table is read a second time for GDPR Art. 15(1)(d).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import operator
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import IO, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

# Values read per page of a table (a page of a table with 10 columns is 25,000 rows): a customer
# with 10,000 orders reads each table in one query, and a page of rows, whatever the table and the
# customer's size, stays the same few megabytes.
PAGE_CELLS = 250_000

# Distinct values per column whose cells are kept for reuse: memory stays bounded.
REPEATS = 1024

# Rows gathered in memory before they are written to the report's files.
WRITE_ROWS = 1000

# Withheld items of a report: {(table, row id as text, field): reason}.
Withheld = dict[tuple[str, str, str], str]

# Fields whose values the CSV writer already writes as the export does (``str()``; None as empty).
_CSV_AS_IS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DecimalField",
    "EmailField",
    "GenericIPAddressField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "URLField",
    "UUIDField",
}
# Fields whose shown value holds no character that needs escaping in HTML.
_HTML_SAFE = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
_TEXT_FIELDS = {"CharField", "EmailField", "SlugField", "TextField", "URLField"}
_INTEGERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
_NUMBERS = {
    "BigIntegerField",
    "DecimalField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}


def table_labels() -> dict[str, tuple[str, dict[str, str]]]:
    """Return {table: (the model's plural name, {column: field name})} in the active language.

    The readable page names tables and columns for people; data.json and the CSV files keep the
    stable machine names.
    """
    from register.registry import registry

    labels = {}
    for declaration in registry.declarations():
        columns = {}
        for name in declaration.personal:
            try:
                columns[name] = str(declaration.model._meta.get_field(name).verbose_name).capitalize()
            except FieldDoesNotExist:
                columns[name] = name
        labels[declaration.table] = (str(declaration.model._meta.verbose_name_plural).capitalize(), columns)
    return labels


@dataclass
class Column:
    """One exported column: its machine name, its label, and how each output writes its values.

    The report writes a batch of rows a column at a time (``texts``, ``json_texts``, ``csv_cells``,
    ``shown_texts``): each way of writing is chosen once per column, and the work on each value is
    mostly done by ``map`` over functions written in C (``str``, ``json``'s string encoder, ``html.escape``
    of a whole column at once), not by Python code run for every value.
    """

    name: str
    lookup: str
    label: str
    shown: bool
    display: Callable[[Any], str]
    # How data.json and the CSV file both write a value that is not None (ISO dates, amounts as text);
    # None: as it is.
    text: Callable[[Any], Any] | None = None
    # What the CSV file does more (lists and mappings as JSON text); None: nothing (the CSV writer's
    # ``str()``, None as empty).
    csv: Callable[[Any], Any] | None = None
    # Whether the shown value must be escaped for HTML (dates and numbers need not be).
    escape: bool = True
    # Whether equal values always show alike, so a cell's markup can be reused for the same value.
    repeats: bool = False
    # How data.json writes a text that is not None, where it is known to be a string (``_JSON_STRING``)
    # or an integer (``int.__repr__``); None: ``dump``.
    json: Callable[[Any], str] | None = None
    # Whether the values are texts (or None), shown as they are.
    strings: bool = False

    # Each method takes ``nones``: whether the column holds None in the batch (``_has_none``).

    def texts(self, values: Sequence, nones: bool) -> Sequence:
        """The values as data.json and the CSV file write them (``text``), None kept."""
        return values if self.text is None else _each(self.text, values, None, nones)

    def json_texts(self, texts: Sequence, nones: bool) -> list[str]:
        """The JSON text of each of ``texts``."""
        return _each(self.json or dump, texts, "null", nones)

    def csv_cells(self, texts: Sequence, nones: bool) -> Sequence[str]:
        """The CSV field of each of ``texts``, as the CSV writer writes it (``csv.QUOTE_MINIMAL``):
        None as empty, anything else as its ``str()``, quoted where it holds a comma, a quote or a line
        break."""
        cells = texts if self.csv is None else _each(self.csv, texts, None, nones)
        if not self.strings or nones:
            cells = _each(str, cells, "", nones)
        joined = "".join(cells)
        if "," in joined or '"' in joined or "\n" in joined or "\r" in joined:
            return list(map(_csv_quoted, cells))
        return cells

    def shown_texts(self, values: Sequence, nones: bool, made: dict | None) -> Sequence[str]:
        """The readable page's text of each value, escaped for HTML; ``made``: the texts of values seen
        before (a ``_Shown`` for this column, or None)."""
        if made is not None:
            return list(map(made.__getitem__, values))
        if isinstance(self.display, _LocalTime):
            texts = self.display.all(values)
        elif self.display is not _str_or_empty:
            texts = list(map(self.display, values))
        elif self.strings and not nones:
            texts = values
        else:
            texts = _each(str, values, "", nones)
        return _escaped(texts) if self.escape else texts


class _Shown(dict):
    """{value: its escaped text on the page} of one column whose values repeat, up to ``REPEATS``
    values (memory stays bounded); a value not seen before is worked out when asked for."""

    def __init__(self, column: Column) -> None:
        super().__init__()
        self.column = column

    def __missing__(self, value: Any) -> str:
        text = self.column.display(value)
        if self.column.escape:
            text = html.escape(text)
        if len(self) < REPEATS:
            self[value] = text
        return text


_is_none = partial(operator.is_, None)


def _has_none(values: Sequence) -> bool:
    """Whether one of ``values`` is None."""
    # By identity: ``None in values`` asks each value whether it equals None, and an amount answers
    # through the number ABCs, slowly.
    return any(map(_is_none, values))


def _each(convert: Callable[[Any], Any], values: Sequence, none: Any, nones: bool) -> list:
    """``convert`` of each value that is not None, ``none`` for None (``nones``: ``_has_none(values)``)."""
    if nones:
        return [none if value is None else convert(value) for value in values]
    return list(map(convert, values))


def _csv_quoted(field: str) -> str:
    if "," in field or '"' in field or "\n" in field or "\r" in field:
        return '"' + field.replace('"', '""') + '"'
    return field


def _escaped(texts: Sequence[str]) -> list[str]:
    """``html.escape`` of each text: of all of them joined by NUL at once, unless a text holds NUL itself
    (PostgreSQL's text never does)."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return list(map(html.escape, texts))
    return html.escape(joined).split("\0")


def _shop_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _field_at(model: Any, lookup: str) -> Any:
    """The model field a ``values_list`` lookup reads (through relations), or None."""
    try:
        if lookup == "pk":
            return model._meta.pk
        *path, last = lookup.split("__")
        for part in path:
            model = model._meta.get_field(part).related_model
        return model._meta.get_field(last)
    except (FieldDoesNotExist, AttributeError):
        return None


class _LocalTime:
    """How the page shows a time: "%Y-%m-%d %H:%M %Z" in ``zone``, without strftime's cost."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.local = operator.methodcaller("astimezone", zone)

    def __call__(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            local = value.astimezone(self.zone)
            return f"{local.isoformat(' ', 'minutes')[:16]} {local.tzname()}"
        return str(value)

    def all(self, values: Sequence) -> list[str]:
        """The text of each value: a column of times by ``map`` over datetime's own methods."""
        if not all(map(isinstance, values, repeat(datetime))):
            return list(map(self, values))
        local = list(map(self.local, values))
        return list(map("{:.16} {}".format, map(_MINUTES, local), map(_ZONE_NAME, local)))


_MINUTES = operator.methodcaller("isoformat", " ", "minutes")
_ZONE_NAME = operator.methodcaller("tzname")


def _display_for(model_field: Any, purposes: dict[str, str], read: Any = None) -> Callable[[Any], str]:
    """How the readable page shows a value of ``model_field``: labels, local times, names. ``read``: the
    field whose value is exported, where a relation is exported by a lookup (an order by its number)."""
    zone = _shop_zone()

    def plain(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, datetime):
            return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M %Z")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return ", ".join(
                purposes.get(item, str(item)) if isinstance(item, str) else str(item) for item in value
            )
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    if model_field is None:
        return plain
    related = getattr(model_field, "related_model", None)
    if related is not None and related._meta.label_lower == "customers.consentpurpose":
        return lambda value: purposes.get(value, plain(value))
    if getattr(model_field, "choices", None):
        labels = {str(key): str(label) for key, label in model_field.flatchoices}

        def chosen(value: Any) -> str:
            if value is None or value == "":
                return ""
            label = labels.get(str(value))
            return plain(value) if label is None else label

        return chosen
    if getattr(model_field, "name", "") == "template":
        from requests.emails import REPLY_TEMPLATES

        return lambda value: str(REPLY_TEMPLATES.get(value, "")) if value else ""
    # The commonest columns without the checks ``plain`` makes of every value; a relation by the field
    # its lookup reads.
    shown_field = model_field if related is None else read
    kind = shown_field.get_internal_type() if shown_field is not None else ""
    if kind == "DateTimeField":
        return _LocalTime(zone)
    # A date's own text is its ISO form.
    if kind in _TEXT_FIELDS or kind in _NUMBERS or kind == "DateField":
        return _str_or_empty
    return plain


def _str_or_empty(value: Any) -> str:
    """A text, a number or a date as it is shown: its own text, "" for None."""
    return "" if value is None else str(value)


def _code_labels(table: str, name: str) -> dict[str, str] | None:
    """Labels of columns that hold codes without model choices: which field or table a row is about."""
    if (table, name) == ("rectification_change", "field"):
        from requests.rectification import RECTIFIABLE_FIELDS

        return {code: str(label) for code, label in RECTIFIABLE_FIELDS.items()}
    if (table, name) == ("withheld_item", "table"):
        return {code: title for code, (title, _columns) in table_labels().items()}
    return None


def _labelled(
    labels: dict[str, str] | None, model_field: Any, purposes: dict[str, str], read: Any = None
) -> Callable[[Any], str]:
    display = _display_for(model_field, purposes, read)
    if labels is None:
        return display
    return lambda value: labels.get(value, display(value)) if isinstance(value, str) else display(value)


def _as_json(value: Any) -> Any:
    from register.registry import to_json

    return to_json(value)


def _json_text(value: Any) -> Any:
    """Lists and mappings as JSON text, for the CSV file (``register.registry._csv_cell``)."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


# data.json's text of a string, as ``json`` writes it without ``ensure_ascii`` (in C where it can).
_JSON_STRING = json.encoder.encode_basestring

# How data.json and the CSV file write a value of each kind of field, where the value is not already a
# JSON value the CSV writer writes alike (``str()``).
_TEXT_OF_KIND = {
    "DateTimeField": datetime.isoformat,
    "DateField": date.isoformat,
    "TimeField": time.isoformat,
    "DecimalField": str,
    "UUIDField": str,
}


def columns_of(declaration: Any, provided_only: bool, purposes: dict[str, str]) -> list[Column]:
    """The exported columns of ``declaration``, the row id first."""
    from register.registry import registry

    columns = []
    for name, lookup in registry.export_columns(declaration, provided_only):
        rule = declaration.personal.get(name)
        try:
            model_field = declaration.model._meta.get_field(name) if name != "id" else None
        except FieldDoesNotExist:
            model_field = None
        label = str(model_field.verbose_name).capitalize() if model_field is not None else name
        code_labels = _code_labels(declaration.table, name)
        read = _field_at(declaration.model, lookup)
        kind = read.get_internal_type() if read is not None else ""
        # data.json and the CSV file write the same text (as ``json_default`` and
        # ``register.registry._csv_cell`` would), made once per value.
        if kind in _TEXT_OF_KIND:
            as_text, as_csv = _TEXT_OF_KIND[kind], None
        elif kind in _CSV_AS_IS:
            as_text, as_csv = None, None
        else:
            as_text, as_csv = _as_json, _json_text
        # Texts (the dates and amounts as text too) and integers without the encoder's checks.
        if kind in _TEXT_OF_KIND or kind in _TEXT_FIELDS:
            as_json = _JSON_STRING
        elif kind in _INTEGERS:
            as_json = int.__repr__
        else:
            as_json = None
        shows_field = model_field is not None and model_field.choices
        columns.append(
            Column(
                name=name,
                lookup=lookup,
                label=label,
                # The row id, digests and normalised copies mean nothing to a reader: data.json keeps them.
                shown=name != "id" and not (rule is not None and rule.derived),
                display=_labelled(code_labels, model_field, purposes, read),
                text=as_text,
                csv=as_csv,
                escape=not (kind in _HTML_SAFE and code_labels is None and not shows_field),
                # Not amounts: 49.9 and 49.90 are equal but shown differently.
                repeats=kind in _CSV_AS_IS and kind != "DecimalField",
                json=as_json,
                strings=kind in _TEXT_FIELDS,
            )
        )
    return columns


def export_declarations(provided_only: bool) -> list:
    """The declarations a report exports, the tables of a category together."""
    from register.registry import registry

    declarations = [
        declaration
        for declaration in registry.with_personal_data()
        if not provided_only or any(rule.provided for rule in declaration.personal.values())
    ]
    categories = list(dict.fromkeys(declaration.category for declaration in declarations))
    declarations.sort(key=lambda declaration: categories.index(declaration.category))
    return declarations


def purpose_names() -> dict[str, str]:
    from customers.models import ConsentPurpose

    return {purpose.code: purpose.localized_name() for purpose in ConsentPurpose.objects.all()}


def json_default(value: Any) -> Any:
    """JSON for what ``json`` cannot write: ISO dates and times, amounts and ids as strings."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return DjangoJSONEncoder().default(value)


# One encoder for every row: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(default=json_default, ensure_ascii=False)


def dump(value: Any) -> str:
    return _ENCODER.encode(value)


def _withheld_cell(reason: str) -> str:
    label = gettext("Withheld (GDPR Art. 15(4)): %(reason)s") % {"reason": reason}
    return f'<em class="withheld">{escape(label)}</em>'


class LawKeeps:
    """What bookkeeping law and the statutory holds would keep of the rows read (GDPR Art. 15(1)(d)).

    The erasure preview's retained items, limited to the holds the law sets (GDPR Art. 17(3)(b)):
    each page of a table's rows is judged by the holds its model declares as it is read, and only
    the number of rows under each set of holds is kept, so memory does not grow with the rows.
    Use inside ``register.registry.memoised_lookups()``: the shop's country, the controllers'
    countries, the bookkeeping periods and the statutory holds are then read once per report.
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[str, frozenset], int] = defaultdict(int)

    @staticmethod
    def holds_of(declaration: Any) -> list:
        """The declaration's holds that the law sets."""
        from register.registry import HoldName

        by_law = {HoldName.BOOKKEEPING, HoldName.STATUTORY}
        return [hold for hold in declaration.holds if hold.name in by_law]

    def count(self, label: str, held: dict[int, tuple]) -> None:
        """Count the rows of one page under each set of holds (``held``: {pk: matches}, rows under the
        same holds sharing one tuple, as ``Registry.iter_judged_pages`` gives them)."""
        matches = list(held.values())
        of_id = dict(zip(map(id, matches), matches, strict=True))
        for key, rows in Counter(map(id, matches)).items():
            self.counts[(label, frozenset(of_id[key]))] += rows

    def summary(self, language: str) -> list[dict[str, Any]]:
        """The kept records grouped for the customer to read (``requests.erasure.summarise_retained``),
        the groups that end in the same month under the same holds together (``by_month``)."""
        from register.registry import HoldMatch
        from requests.erasure import RETAIN, summarise_retained

        items = []
        for (label, group), count in self.counts.items():
            matches = tuple(sorted(group, key=HoldMatch.sort_key))
            ends = [match.until for match in matches]
            items.append(
                {
                    "model": label,
                    "action": RETAIN,
                    "hold": matches[-1].name,
                    "until": None if None in ends else max(ends).isoformat(),
                    "holds": [match.as_record() for match in matches],
                    # summarise_retained counts the rows.
                    "pks": range(count),
                }
            )
        return by_month(summarise_retained(items, language))


def by_month(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge the groups of ``summarise_retained`` whose records are kept by the same holds and whose
    latest end falls in the same month; each group and each of its holds then gives the first and the
    last end date of its records (``until_from``, ``until``; ``until_from`` is None when all end on one
    day).

    A hold that runs for a period from each order's own event (a delivery) ends on a different day for
    every order: one group per day would make a list of thousands of lines that says no more than the
    period the notice names. The dates shown stay exact: the earliest and the latest end.
    """
    merged: dict[tuple, dict[str, Any]] = {}
    for group in groups:
        until = group["until"]
        holds = sorted(
            group["holds"], key=lambda hold: (hold["name"], hold["statute"], hold["until"] is None)
        )
        key = (
            group["what"],
            group["why"],
            None if until is None else (until.year, until.month),
            tuple((hold["name"], hold["statute"], hold["until"] is None) for hold in holds),
        )
        kept = merged.get(key)
        if kept is None:
            merged[key] = {
                **group,
                "until_from": until,
                "holds": [{**hold, "until_from": hold["until"]} for hold in holds],
            }
            continue
        kept["count"] += group["count"]
        for into, hold in [(kept, group), *zip(kept["holds"], holds, strict=True)]:
            if hold["until"] is not None:
                into["until_from"] = min(into["until_from"], hold["until"])
                into["until"] = max(into["until"], hold["until"])
    result = list(merged.values())
    for group in result:
        group["holds"].sort(key=lambda hold: (hold["until"] is None, hold["until"] or datetime.min.date()))
        for item in [group, *group["holds"]]:
            if item["until_from"] == item["until"]:
                item["until_from"] = None
    return result


def write_table(
    archive: zipfile.ZipFile,
    csv_name: str,
    declaration: Any,
    columns: list[Column],
    customer: Any,
    json_out: IO[str],
    html_out: IO[str],
    withheld: Withheld,
    law: LawKeeps | None = None,
    *,
    empty: bool = False,
) -> int:
    """Read the table's rows once; write each to data.json, its CSV file and index.html together.

    With ``law``, the holds the law sets on the table's rows judge them in the same read. ``empty``:
    the table is known to have no rows of the customer, and is not read. Return the number of rows.
    """
    from register.registry import registry

    table = declaration.table
    names = [column.name for column in columns]
    shown = [column for column in columns if column.shown]
    # A customer's own record reads as a list of fields; other tables as rows that wrap on a phone.
    as_fields = declaration.path == ""
    json_out.write(f"\n        {dump(table)}: [")
    # The markup around each shown value, escaped once per table, not once per cell.
    if as_fields:
        opening = [f'<tr><th scope="row">{escape(column.label)}</th><td>' for column in shown]
        closing = "</td></tr>"
        row_start, row_end = '<table class="fields"><tbody>', "</tbody></table>\n"
    else:
        opening = [f'<td data-label="{escape(column.label)}">' for column in shown]
        closing = "</td>"
        row_start, row_end = "<tr>", "</tr>\n"
        html_out.write('<table class="rows"><thead><tr>')
        html_out.write("".join(f'<th scope="col">{escape(column.label)}</th>' for column in shown))
        html_out.write("</tr></thead><tbody>\n")
    # The markup between the values of a row, per output, made once.
    json_markup = ["{" + dump(names[0]) + ": ", *(", " + dump(name) + ": " for name in names[1:]), "}"]
    if shown:
        html_markup = [row_start + opening[0], *(closing + start for start in opening[1:]), closing + row_end]
    else:
        html_markup = [row_start + row_end]
    positions = [names.index(column.name) for column in shown]
    # The shown texts of values already seen, for columns whose values repeat (statuses, currencies,
    # products) and are not shown as their own text.
    made = [
        _Shown(column) if column.repeats and column.display is not _str_or_empty else None for column in shown
    ]
    # {row id: {field: reason}} of this table's withheld items.
    left_out: dict[str, dict[str, str]] = {}
    for (of_table, row_id, name), reason in withheld.items():
        if of_table == table:
            left_out.setdefault(row_id, {})[name] = reason
    holds = law.holds_of(declaration) if law is not None else []
    lookups = [column.lookup for column in columns]
    if empty:
        pages = iter(())
    elif holds:
        pages = registry.iter_judged_pages(declaration, customer, lookups, holds, page_cells=PAGE_CELLS)
    else:
        pages = registry.iter_pages(declaration, customer, lookups, page_cells=PAGE_CELLS)
        pages = ((page, None) for page in pages)
    label = declaration.model._meta.label_lower
    count = 0
    with archive.open(csv_name, "w") as raw:
        # The byte-order mark of utf-8-sig: spreadsheet programs then read Nordic letters correctly.
        raw.write(codecs.BOM_UTF8)
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        csv.writer(text).writerow(names)
        for page, held in pages:
            # Rows are written a batch at a time, not one write per row and file.
            for first in range(0, len(page), WRITE_ROWS):
                batch = page[first : first + WRITE_ROWS]
                # The batch a column at a time: values, then texts, then what each output writes.
                values = list(zip(*batch, strict=True))
                nones = list(map(_has_none, values))
                texts = list(map(Column.texts, columns, values, nones))
                json_cells = list(map(Column.json_texts, columns, texts, nones))
                csv_cells = list(map(Column.csv_cells, columns, texts, nones))
                shown_cells = [
                    column.shown_texts(values[position], nones[position], made_of)
                    for column, position, made_of in zip(shown, positions, made, strict=True)
                ]
                json_rows = _rows(json_markup, json_cells, len(batch))
                if left_out:
                    _leave_out(
                        left_out, names, positions, values[0], texts, json_rows, csv_cells, shown_cells
                    )
                json_out.write(("," if count else "") + "\n          " + ",\n          ".join(json_rows))
                # The CSV writer's lines; the row id comes first and is never empty, so no line is one
                # empty field (which the writer would write as "").
                text.write("\r\n".join(map(",".join, zip(*csv_cells, strict=True))) + "\r\n")
                html_out.write("".join(_rows(html_markup, shown_cells, len(batch))))
                count += len(batch)
            if held is not None:
                law.count(label, held)
            # The page goes before the next is read: one page in memory at a time.
            del page, held, batch, values, texts, json_cells, csv_cells, shown_cells, json_rows
        text.flush()
        text.detach()
    json_out.write("\n        ]")
    if not as_fields:
        html_out.write("</tbody></table>\n")
    if not count:
        html_out.write('<p class="muted">' + escape(gettext("No rows.")) + "</p>\n")
    return count


def _rows(markup: list[str], cells: list[Sequence[str]], count: int) -> list[str]:
    """The text of each of ``count`` rows: ``markup[0]``, the row's cell of ``cells[0]``, ``markup[1]``, …,
    ``markup[-1]`` (one more markup than columns), each row joined at once."""
    if not cells:
        return [markup[0]] * count
    parts: list[Iterable[str]] = []
    for before, column in zip(markup[:-1], cells, strict=True):
        parts += [repeat(before), column]
    parts.append(repeat(markup[-1]))
    # ``zip`` stops with the columns; the markup repeats.
    return list(map("".join, zip(*parts, strict=False)))


def _leave_out(
    left_out: dict[str, dict[str, str]],
    names: list[str],
    positions: list[int],
    ids: Sequence,
    texts: list[Sequence],
    json_rows: list[str],
    csv_cells: list[Sequence],
    shown_cells: list[Sequence[str]],
) -> None:
    """Take the withheld items of a batch of rows out of what is written (GDPR Art. 15(4)): data.json
    leaves the field out, the CSV file leaves its cell empty and the page names the reason instead."""
    for index, row_id in enumerate(ids):
        fields = left_out.get(str(row_id))
        if not fields:
            continue
        json_rows[index] = dump(
            {name: of[index] for name, of in zip(names, texts, strict=True) if name not in fields}
        )
        for position, name in enumerate(names):
            if name in fields:
                csv_cells[position] = list(csv_cells[position])
                csv_cells[position][index] = ""
        for shown_index, position in enumerate(positions):
            if names[position] in fields:
                shown_cells[shown_index] = list(shown_cells[shown_index])
                shown_cells[shown_index][index] = _withheld_cell(fields[names[position]])


def parent_tables(declarations: list) -> dict[str, str]:
    """{table: the exported table its rows are reached through}, e.g. order lines through orders.

    A table whose path to the customer runs through another exported table's rows has no rows of a
    customer that table has none of, so it need not be read.
    """
    by_model = {declaration.model: declaration for declaration in declarations}
    parents = {}
    for declaration in declarations:
        first, _sep, rest = (declaration.path or "").partition("__")
        if not rest:
            continue
        try:
            related = declaration.model._meta.get_field(first).related_model
        except FieldDoesNotExist:
            continue
        parent = by_model.get(related)
        if parent is not None and parent.path == rest:
            parents[declaration.table] = parent.table
    return parents


def write_withheld_list(out: IO[str], withheld: Withheld, labels: dict) -> None:
    """The section of index.html that names every withheld item and why (GDPR Art. 15(4))."""
    out.write('<section id="withheld"><h2>' + escape(gettext("Withheld from this copy")) + "</h2>")
    out.write(
        "<p>"
        + escape(
            gettext(
                "We have left the following texts out of this copy because showing them would adversely "
                "affect the rights and freedoms of others (GDPR Art. 15(4)). You may ask us about them or "
                "complain to the supervisory authority."
            )
        )
        + "</p>\n<ul>"
    )
    for (table, row_id, field), reason in sorted(withheld.items()):
        title, columns = labels.get(table, (table, {}))
        what = f"{title}, {columns.get(field, field)} (id {row_id})"
        out.write(f"<li><strong>{escape(what)}</strong>: {escape(reason)}</li>")
    out.write("</ul></section>\n")
