#!/usr/bin/env python3
"""Record what SQLAlchemy decides for sqlrel's fixture cases.

A case (``NAME.json``, format in ``tests/oracle/README.md``) describes a
schema as SQLite DDL plus either relationship declarations or
``"automap": true``, and optionally seed data and predicates. This script
builds the same thing with SQLAlchemy (imperative mappings over the
reflected tables, or automap), and prints as JSON what SQLAlchemy decided:
for every relationship its direction, join conditions, pairs and column
sets, or the error that configuration raised; for every predicate the SQL
it compiles to and the rows it selects.

sqlrel's tests compare their own results with these recordings
(``NAME.oracle.json`` beside each case). Run it through the ``record``
wrapper next to this file, which provides the pinned SQLAlchemy:

    tests/oracle/record CASE.json             print the recording
    tests/oracle/record --write PATH...       write NAME.oracle.json files
    tests/oracle/record --check PATH...       compare with the committed ones

A PATH is a case file or a directory (every NAME.json in it, excluding the
NAME.oracle.json recordings).
"""

import argparse
import json
import operator
import re
import sys
import warnings
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.automap import automap_base

# SQLAlchemy warns about some of the unusual configurations the cases
# exercise on purpose (overlapping relationships, for instance); the
# recordings hold decisions, not warnings.
warnings.simplefilter("ignore")

RECORDING_SUFFIX = ".oracle.json"


class CaseError(Exception):
    """The case itself is malformed (as opposed to SQLAlchemy refusing it)."""


# ---------------------------------------------------------------------------
# Join conditions: the SQL subset cases use in primaryjoin/secondaryjoin
# ---------------------------------------------------------------------------
#
#   condition   := conjunction ("OR" conjunction)*
#   conjunction := negation ("AND" negation)*
#   negation    := "NOT" negation | predicate
#   predicate   := sum [ comparator sum
#                      | "IS" ["NOT"] "NULL"
#                      | ["NOT"] "BETWEEN" sum "AND" sum
#                      | ["NOT"] "IN" "(" condition ("," condition)* ")"
#                      | ["NOT"] ("LIKE" | "ILIKE") sum ]
#   sum         := product (("+" | "-") product)*
#   product     := unary (("*" | "/" | "%" | "||") unary)*
#   unary       := "-" unary | primary
#   primary     := "foreign(" condition ")" | "remote(" condition ")"
#                | "CAST(" condition "AS" type ")" | name "(" [condition ("," condition)*] ")"
#                | "(" condition ")" | 'text' | number | table.column
#   type        := name ["(" integer ["," integer] ")"]
#   comparator  := "=" | "!=" | "<>" | "<" | ">" | "<=" | ">="
#
# The precedences are sqlparser's (GenericDialect), which reads the same
# text on the sqlrel side: "||" binds like "*", and "NOT" applies to a
# whole comparison. Keywords and function names are case-insensitive.
#
# Comparisons and arithmetic are built with Python's operators on the
# SQLAlchemy objects, so SQLAlchemy decides how they render (an annotated
# right operand, for instance, is rendered first); the other forms use
# SQLAlchemy's methods and functions (README, "Conditions").

COMPARATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}

ADDITIVE = {"+": operator.add, "-": operator.sub}

MULTIPLICATIVE = {
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "||": lambda left, right: left.concat(right),
}

PATTERN_MATCHES = {
    "like": lambda left, right: left.like(right),
    "ilike": lambda left, right: left.ilike(right),
}

NEGATED_PATTERN_MATCHES = {
    "like": lambda left, right: left.not_like(right),
    "ilike": lambda left, right: left.not_ilike(right),
}

ANNOTATIONS = {"foreign": orm.foreign, "remote": orm.remote}

# Type names of CAST, with how many integer arguments they take at most.
CAST_TYPES = {
    "integer": (sa.Integer, 0),
    "int": (sa.Integer, 0),
    "bigint": (sa.BigInteger, 0),
    "smallint": (sa.SmallInteger, 0),
    "text": (sa.Text, 0),
    "varchar": (sa.String, 1),
    "char": (sa.CHAR, 1),
    "numeric": (sa.Numeric, 2),
    "decimal": (sa.Numeric, 2),
    "real": (sa.REAL, 0),
    "float": (sa.Float, 0),
    "double": (sa.Double, 0),
    "date": (sa.Date, 0),
    "boolean": (sa.Boolean, 0),
}

KEYWORDS = {"and", "or", "not", "is", "null", "between", "in", "like", "ilike", "as"}

TOKEN = re.compile(
    r"""\s*(?:
        (?P<column>[A-Za-z_][A-Za-z_0-9]*\.[A-Za-z_][A-Za-z_0-9]*)
      | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
      | (?P<paren>[()])
      | (?P<comma>,)
      | (?P<operator><=|>=|!=|<>|\|\||=|<|>|\+|-|\*|/|%)
      | (?P<text>'(?:[^']|'')*')
      | (?P<number>\d+(?:\.\d+)?)
    )""",
    re.VERBOSE,
)


def tokenize(text):
    """The condition's tokens as (kind, text) pairs; words are lowercased
    and those in KEYWORDS are of kind "keyword"."""
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise CaseError("cannot read the condition %r at %r" % (text, text[position:]))
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word":
            value = value.lower()
            if value in KEYWORDS:
                kind = "keyword"
        tokens.append((kind, value))
        position = match.end()
    return tokens


class ConditionParser:
    """Builds a SQLAlchemy expression from a condition's text."""

    def __init__(self, text, tables):
        self.text = text
        self.tables = tables
        self.tokens = tokenize(text)
        self.index = 0

    def parse(self):
        expression = self.condition()
        if self.peek() is not None:
            raise CaseError("unexpected %r in the condition %r" % (self.peek()[1], self.text))
        return expression

    def peek(self, ahead=0):
        index = self.index + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise CaseError("the condition %r ends early" % self.text)
        self.index += 1
        return token

    def expect(self, value):
        kind, text = self.take()
        if text != value:
            raise CaseError("expected %r, found %r in the condition %r" % (value, text, self.text))

    def at(self, value, ahead=0):
        token = self.peek(ahead)
        return token is not None and token[1] == value and token[0] != "text"

    def accept(self, value):
        if self.at(value):
            self.index += 1
            return True
        return False

    def condition(self):
        terms = [self.conjunction()]
        while self.accept("or"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else sa.or_(*terms)

    def conjunction(self):
        terms = [self.negation()]
        while self.accept("and"):
            terms.append(self.negation())
        return terms[0] if len(terms) == 1 else sa.and_(*terms)

    def negation(self):
        if self.accept("not"):
            return sa.not_(self.negation())
        return self.predicate()

    def predicate(self):
        left = self.sum()
        token = self.peek()
        if token is None:
            return left
        kind, text = token
        if kind == "operator" and text in COMPARATORS:
            self.take()
            return COMPARATORS[text](left, self.sum())
        if self.accept("is"):
            negated = self.accept("not")
            self.expect("null")
            return left.is_not(None) if negated else left.is_(None)
        negated = self.at("not") and (
            self.at("between", 1) or self.at("in", 1) or self.at("like", 1) or self.at("ilike", 1)
        )
        if negated:
            self.take()
        if self.accept("between"):
            low = self.sum()
            self.expect("and")
            expression = left.between(low, self.sum())
            return ~expression if negated else expression
        if self.accept("in"):
            self.expect("(")
            items = self.arguments()
            return left.not_in(items) if negated else left.in_(items)
        if self.at("like") or self.at("ilike"):
            _, word = self.take()
            table = NEGATED_PATTERN_MATCHES if negated else PATTERN_MATCHES
            return table[word](left, self.sum())
        return left

    def arguments(self):
        """Comma-separated conditions up to the closing parenthesis (which
        is consumed); the opening one is already taken."""
        items = []
        if self.accept(")"):
            return items
        items.append(self.condition())
        while self.accept(","):
            items.append(self.condition())
        self.expect(")")
        return items

    def sum(self):
        left = self.product()
        while self.peek() is not None and self.peek() in (("operator", "+"), ("operator", "-")):
            _, text = self.take()
            left = ADDITIVE[text](left, self.product())
        return left

    def product(self):
        left = self.unary()
        while self.peek() is not None and self.peek()[0] == "operator" and (
            self.peek()[1] in MULTIPLICATIVE
        ):
            _, text = self.take()
            left = MULTIPLICATIVE[text](left, self.unary())
        return left

    def unary(self):
        if self.peek() == ("operator", "-"):
            self.take()
            if self.peek() is not None and self.peek()[0] == "number":
                return self.number("-" + self.take()[1])
            return operator.neg(self.unary())
        return self.primary()

    def number(self, text):
        return sa.literal(float(text) if "." in text else int(text))

    def primary(self):
        kind, text = self.take()
        if kind == "word" and self.at("("):
            self.take()
            if text in ANNOTATIONS:
                inner = self.condition()
                self.expect(")")
                return ANNOTATIONS[text](inner)
            if text == "cast":
                inner = self.condition()
                self.expect("as")
                cast_type = self.cast_type()
                self.expect(")")
                return sa.cast(inner, cast_type)
            return getattr(sa.func, text)(*self.arguments())
        if (kind, text) == ("paren", "("):
            inner = self.condition()
            self.expect(")")
            return inner
        if kind == "text":
            return sa.literal(text[1:-1].replace("''", "'"))
        if kind == "number":
            return self.number(text)
        if kind == "column":
            return column(self.tables, text)
        raise CaseError("unexpected %r in the condition %r" % (text, self.text))

    def cast_type(self):
        kind, name = self.take()
        if kind != "word" or name not in CAST_TYPES:
            raise CaseError("unknown CAST type %r in the condition %r" % (name, self.text))
        constructor, most = CAST_TYPES[name]
        arguments = []
        if self.accept("("):
            arguments.append(self.integer())
            while self.accept(","):
                arguments.append(self.integer())
            self.expect(")")
        if len(arguments) > most:
            raise CaseError("too many arguments for %s in the condition %r" % (name, self.text))
        return constructor(*arguments)

    def integer(self):
        kind, text = self.take()
        if kind != "number" or "." in text:
            raise CaseError("expected an integer, found %r in the condition %r" % (text, self.text))
        return int(text)


def column(tables, reference):
    """The column written ``table.column``."""
    table_name, _, column_name = reference.partition(".")
    try:
        return tables[table_name].c[column_name]
    except KeyError:
        raise CaseError("unknown column %r" % reference) from None


def columns(tables, references):
    return [column(tables, reference) for reference in references]


# ---------------------------------------------------------------------------
# Building the case with SQLAlchemy
# ---------------------------------------------------------------------------


def sqlite_engine(ddl):
    """An in-memory SQLite database holding the case's tables.

    The in-memory database lives as long as its one pooled connection, so
    everything (reflection, seed data, queries) goes through this engine.
    """
    engine = sa.create_engine("sqlite://")
    connection = engine.raw_connection()
    try:
        connection.driver_connection.executescript(ddl)
        connection.commit()
    finally:
        connection.close()
    return engine


def relationship_arguments(spec, tables):
    """The keyword arguments of ``relationship()`` for one declaration.

    Absent, null, false and empty values all mean "not given".
    """
    arguments = {}
    if spec.get("secondary"):
        arguments["secondary"] = tables[spec["secondary"]]
    for key in ("primaryjoin", "secondaryjoin"):
        if spec.get(key):
            arguments[key] = ConditionParser(spec[key], tables).parse()
    for key in ("foreign_keys", "remote_side"):
        if spec.get(key):
            arguments[key] = columns(tables, spec[key])
    if spec.get("uselist") is not None:
        arguments["uselist"] = spec["uselist"]
    if spec.get("viewonly"):
        arguments["viewonly"] = True
    if spec.get("back_populates"):
        arguments["back_populates"] = spec["back_populates"]
    if spec.get("overlaps"):
        arguments["overlaps"] = ",".join(spec["overlaps"])
    backref = spec.get("backref")
    if isinstance(backref, str) and backref:
        arguments["backref"] = backref
    elif isinstance(backref, dict):
        options = {}
        for key in ("foreign_keys", "remote_side"):
            if backref.get(key):
                options[key] = columns(tables, backref[key])
        if backref.get("uselist") is not None:
            options["uselist"] = backref["uselist"]
        if backref.get("overlaps"):
            options["overlaps"] = ",".join(backref["overlaps"])
        arguments["backref"] = orm.backref(backref["name"], **options)
    return arguments


def declared_mappings(case, engine):
    """Maps every table with a primary key as class ``C_<table>`` with the
    case's relationships, and configures the mappers.

    Returns the tables and the classes, both by table name.
    """
    metadata = sa.MetaData()
    metadata.reflect(engine)
    tables = dict(metadata.tables)
    classes = {
        name: type("C_" + name, (), {})
        for name, table in tables.items()
        if len(table.primary_key.columns) > 0
    }
    properties = {name: {} for name in classes}
    for spec in case.get("relationships", []):
        try:
            target = classes[spec["target"]]
            owner = properties[spec["table"]]
        except KeyError as missing:
            raise CaseError("no mapped table %s" % missing) from None
        owner[spec["name"]] = orm.relationship(target, **relationship_arguments(spec, tables))
    registry = orm.registry()
    for name, cls in classes.items():
        registry.map_imperatively(cls, tables[name], properties=properties[name])
    orm.configure_mappers()
    return tables, classes


def automapped(engine):
    """SQLAlchemy's automap over the reflected tables.

    Returns the tables and the generated classes, both by table name.
    """
    base = automap_base()
    base.prepare(autoload_with=engine)
    orm.configure_mappers()
    tables = {table.name: table for table in base.metadata.tables.values()}
    classes = {cls.__table__.name: cls for cls in base.classes}
    return tables, classes


# ---------------------------------------------------------------------------
# What is recorded
# ---------------------------------------------------------------------------


def column_name(col):
    return "%s.%s" % (col.table.name, col.name)


def pair_names(pairs):
    return [[column_name(a), column_name(b)] for a, b in pairs]


def describe(prop):
    """One configured relationship, in the recording's field order.

    Pairs keep SQLAlchemy's order and orientation; column sets are sorted.
    """
    return {
        "target": prop.mapper.local_table.name,
        "direction": prop.direction.name,
        "uselist": bool(prop.uselist),
        "secondary": prop.secondary.name if prop.secondary is not None else None,
        "primaryjoin": str(prop.primaryjoin),
        "secondaryjoin": str(prop.secondaryjoin) if prop.secondaryjoin is not None else None,
        "local_remote_pairs": pair_names(prop.local_remote_pairs),
        "synchronize_pairs": pair_names(prop.synchronize_pairs),
        "secondary_synchronize_pairs": pair_names(prop.secondary_synchronize_pairs or []),
        # The columns the join condition treats as foreign, whether from the
        # schema, foreign_keys or foreign() (no public accessor holds them).
        "foreign_key_columns": sorted(column_name(c) for c in prop._calculated_foreign_keys),
        "remote_side": sorted(column_name(c) for c in prop.remote_side),
        "local_columns": sorted(column_name(c) for c in prop.local_columns),
    }


# Python's default object representation, `<C_users at 0x7f3a...>`, appears in
# some of SQLAlchemy's messages; the address differs from run to run.
OBJECT_ADDRESS = re.compile(r"( at 0x)[0-9a-f]+")


def error(exception):
    """The class name and message of an error SQLAlchemy raised, object
    addresses in the message written `0x...` so that recordings repeat."""
    message = OBJECT_ADDRESS.sub(r"\g<1>...", str(exception))
    return {"kind": type(exception).__name__, "message": message}


# ---------------------------------------------------------------------------
# Predicates
# ---------------------------------------------------------------------------

CMP_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "like": lambda col, value: col.like(value),
}

RELATIONSHIP_PREDICATES = (
    "any",
    "has",
    "is_none",
    "is_not_none",
    "contains",
    "eq",
    "ne",
    "with_parent",
)


def predicate(spec, classes, tables):
    """The SQLAlchemy expression of a predicate (format in the README)."""
    if "and" in spec:
        return sa.and_(*[predicate(p, classes, tables) for p in spec["and"]])
    if "or" in spec:
        return sa.or_(*[predicate(p, classes, tables) for p in spec["or"]])
    if "not" in spec:
        return sa.not_(predicate(spec["not"], classes, tables))
    if "cmp" in spec:
        reference, op, value = spec["cmp"]
        if op not in CMP_OPERATORS:
            raise CaseError("unknown comparison operator %r" % op)
        return CMP_OPERATORS[op](column(tables, reference), value)
    for method in RELATIONSHIP_PREDICATES:
        if method in spec:
            return relationship_predicate(method, spec, classes, tables)
    raise CaseError("unknown predicate %r" % (spec,))


def relationship_predicate(method, spec, classes, tables):
    table_name, _, name = spec[method].partition(".")
    try:
        attribute = getattr(classes[table_name], name)
    except (KeyError, AttributeError):
        raise CaseError("unknown relationship %r" % spec[method]) from None
    if method in ("any", "has"):
        call = getattr(attribute, method)
        if spec.get("criterion"):
            return call(predicate(spec["criterion"], classes, tables))
        return call()
    if method == "is_none":
        return attribute == None  # noqa: E711 (the comparator's IS NULL form)
    if method == "is_not_none":
        return attribute != None  # noqa: E711
    if method == "with_parent":
        # The target rows of a parent instance holding the given values.
        parent = attribute.parent.class_()
        for column_key, value in spec["row"].items():
            setattr(parent, column_key, value)
        return orm.with_parent(parent, attribute)
    # contains / eq / ne compare with an instance of the related class
    # holding the given column values.
    related = attribute.property.mapper.class_()
    for column_key, value in spec["row"].items():
        setattr(related, column_key, value)
    if method == "contains":
        return attribute.contains(related)
    if method == "eq":
        return attribute == related
    return attribute != related


def join_select(query, classes):
    """`SELECT parent key, target key FROM parent JOIN target` along a
    relationship (an outer join with `"outer": true`), ordered by the keys;
    a self-referential target is aliased."""
    table_name, _, name = query["join"].partition(".")
    try:
        parent = classes[table_name]
        attribute = getattr(parent, name)
    except (KeyError, AttributeError):
        raise CaseError("unknown relationship %r" % query["join"]) from None
    target = orm.aliased(attribute.property.mapper.class_)
    key = [getattr(parent, c.key) for c in sa.inspect(parent).primary_key]
    key += [getattr(target, c.key) for c in sa.inspect(target).mapper.primary_key]
    select = sa.select(*key).select_from(parent)
    if query.get("outer"):
        select = select.outerjoin(attribute.of_type(target))
    else:
        select = select.join(attribute.of_type(target))
    return select.order_by(*key)


def run_queries(case, engine, classes, tables):
    """Seeds the database and records each query's SQL and rows, or the
    error SQLAlchemy raised while building or running it."""
    results = {}
    with engine.connect() as connection:
        for statement in case.get("data", []):
            connection.exec_driver_sql(statement)
        for query in case["queries"]:
            table = tables[query["table"]]
            key = list(table.primary_key.columns)
            try:
                if "join" in query:
                    select = join_select(query, classes)
                else:
                    select = (
                        sa.select(*key)
                        .where(predicate(query["where"], classes, tables))
                        .order_by(*key)
                    )
                sql = str(select.compile(engine, compile_kwargs={"literal_binds": True}))
                rows = [list(row) for row in connection.execute(select)]
                results[query["name"]] = {"sql": sql, "rows": rows}
            except sa.exc.SQLAlchemyError as e:
                results[query["name"]] = {"error": error(e)}
    return results


# ---------------------------------------------------------------------------
# Cases and files
# ---------------------------------------------------------------------------


def record(case):
    """The recording of one case."""
    result = {"name": case.get("name")}
    try:
        engine = sqlite_engine(case["ddl"])
        with warnings.catch_warnings(record=True) as caught:
            if case.get("record_warnings"):
                warnings.simplefilter("always", sa.exc.SAWarning)
            try:
                if case.get("automap"):
                    tables, classes = automapped(engine)
                else:
                    tables, classes = declared_mappings(case, engine)
            except sa.exc.SQLAlchemyError as e:
                result["error"] = error(e)
                return result
            finally:
                if case.get("record_warnings"):
                    result["warnings"] = sorted(
                        {
                            re.sub(r" at 0x[0-9a-f]+", " at 0x...", str(w.message))
                            for w in caught
                            if issubclass(w.category, sa.exc.SAWarning)
                        }
                    )
        relationships = {}
        for table_name, cls in sorted(classes.items()):
            props = list(sa.inspect(cls).relationships)
            if case.get("automap"):
                # automap adds relationships in the iteration order of a set
                # of constraints, which varies between runs; declared ones
                # come in declaration order, backrefs after.
                props.sort(key=lambda prop: prop.key)
            for prop in props:
                relationships["%s.%s" % (table_name, prop.key)] = describe(prop)
        result["relationships"] = relationships
        if case.get("queries"):
            result["queries"] = run_queries(case, engine, classes, tables)
        return result
    finally:
        orm.clear_mappers()


def render(document):
    """A recording as the committed files hold it."""
    return json.dumps(document, indent=1) + "\n"


def record_text(data):
    """The recording of a case, or of a list of cases, as text."""
    if isinstance(data, list):
        return render([record(case) for case in data])
    return render(record(data))


def recording_path(case_path):
    return case_path.with_name(case_path.name[: -len(".json")] + RECORDING_SUFFIX)


def case_files(paths):
    """(case file, named explicitly) for every PATH, directories expanded."""
    explicit = [Path(p) for p in paths if not Path(p).is_dir()]
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                (p, False)
                for p in sorted(path.glob("*.json"))
                if not p.name.endswith(RECORDING_SUFFIX) and p not in explicit
            )
        else:
            found.append((path, True))
    return found


def main():
    parser = argparse.ArgumentParser(
        description="Record SQLAlchemy's decisions for sqlrel fixture cases.",
        epilog="Cases marked \"collision\": true are skipped when found in a directory with "
        "--write (SQLAlchemy's output for them varies between runs); name their files to "
        "re-record them.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--write", action="store_true", help="write NAME.oracle.json beside each NAME.json"
    )
    mode.add_argument(
        "--check",
        action="store_true",
        help="compare with the committed NAME.oracle.json files, byte for byte",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="case file, directory, or -")
    args = parser.parse_args()

    if not (args.write or args.check):
        if len(args.paths) != 1:
            parser.error("without --write or --check, give exactly one case file (or -)")
        source = sys.stdin if args.paths[0] == "-" else open(args.paths[0], encoding="utf-8")
        with source:
            data = json.load(source)
        try:
            sys.stdout.write(record_text(data))
        except CaseError as e:
            sys.exit("%s: %s" % (args.paths[0], e))
        return

    identical = differing = varying = skipped = written = 0
    for path, explicit in case_files(args.paths):
        data = json.loads(path.read_text(encoding="utf-8"))
        varies = isinstance(data, dict) and bool(data.get("collision"))
        if args.write and varies and not explicit:
            skipped += 1
            print("skipped %s (output varies between runs)" % path, file=sys.stderr)
            continue
        try:
            text = record_text(data)
        except CaseError as e:
            sys.exit("%s: %s" % (path, e))
        except Exception:
            print("while recording %s:" % path, file=sys.stderr)
            raise
        target = recording_path(path)
        if args.write:
            target.write_text(text, encoding="utf-8")
            written += 1
            continue
        committed = target.read_text(encoding="utf-8") if target.exists() else None
        if committed == text:
            identical += 1
        elif varies:
            varying += 1
            print("varies   %s (SQLAlchemy's output for it varies between runs)" % target)
        else:
            differing += 1
            print("differs  %s" % target)
    if args.write:
        print("wrote %d recordings, skipped %d" % (written, skipped), file=sys.stderr)
    else:
        print(
            "%d identical, %d differ, %d differ but vary between runs"
            % (identical, differing, varying)
        )
        if differing:
            sys.exit(1)


if __name__ == "__main__":
    main()
