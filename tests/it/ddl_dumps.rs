//! Dumps and published scripts as they are: every construct of issue 15's
//! "What fails today" list, what is skipped (and which skips are warned
//! about), errors with their statement, dialect detection, streaming, and
//! broken foreign keys (a key to a column its table lacks is dropped, not
//! fatal).

use std::io::Read;

use sqlrel::dialect::Dialect;
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::{DdlDialect, Schema, WarningKind, detect_dialect};
use sqlrel::{Error, ErrorKind};

#[track_caller]
fn read(ddl: &str, dialect: Dialect) -> Schema {
    Schema::from_ddl_for(ddl, dialect).unwrap_or_else(|e| panic!("{dialect}: {e}\n{ddl}"))
}

/// `table: columns | primary key | foreign keys | unique`, one line.
fn describe(schema: &Schema, table: &str) -> String {
    let t = schema
        .table(table)
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    let name = |id: &sqlrel::schema::ColumnId| t.columns()[id.index()].name().to_owned();
    let columns: Vec<String> = t
        .columns()
        .iter()
        .map(|c| {
            format!(
                "{} {}{}",
                c.name(),
                c.sql_type(),
                if c.is_nullable() { "" } else { " NOT NULL" }
            )
        })
        .collect();
    let pk: Vec<String> = t.primary_key().iter().map(name).collect();
    let fks: Vec<String> = t
        .foreign_keys()
        .iter()
        .map(|fk| {
            let target = schema.table_by_id(fk.referred_table()).unwrap();
            format!(
                "({}) -> {}({})",
                fk.columns().iter().map(name).collect::<Vec<_>>().join(","),
                target.qualified_name(),
                fk.referred_columns()
                    .iter()
                    .map(|c| target.columns()[c.index()].name())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    let unique: Vec<String> = t
        .unique_constraints()
        .iter()
        .map(|u| u.columns().iter().map(name).collect::<Vec<_>>().join(","))
        .collect();
    format!(
        "{}: {} | pk {} | fk {} | unique {}",
        t.qualified_name(),
        columns.join(", "),
        pk.join(","),
        fks.join("; "),
        unique.join("; ")
    )
}

fn warnings(schema: &Schema) -> Vec<String> {
    schema.warnings().iter().map(ToString::to_string).collect()
}

// --- What fails today --------------------------------------------------------

#[test]
fn sqlite_pragma_first_line_of_every_dump() {
    let s = read(
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nCOMMIT;",
        Dialect::Sqlite,
    );
    assert_eq!(
        describe(&s, "a"),
        "a: id INTEGER NOT NULL | pk id | fk  | unique "
    );
    assert!(s.warnings().is_empty());
}

#[test]
fn postgres_restrict_and_unrestrict() {
    let s = read(
        "\\restrict tNn5WiDXEcdL4ZCAO4hGtll02oRnZ2UNtdNtw3Uc55kN6xBSuaNBTOd6hdzhhuk\n\
         CREATE TABLE public.a (id integer NOT NULL);\n\
         \\unrestrict tNn5WiDXEcdL4ZCAO4hGtll02oRnZ2UNtdNtw3Uc55kN6xBSuaNBTOd6hdzhhuk\n",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
    assert!(s.warnings().is_empty(), "{:?}", warnings(&s));
}

#[test]
fn postgres_owner_to_of_a_sequence_and_a_view() {
    let s = read(
        "CREATE TABLE public.a (id integer NOT NULL);
         CREATE SEQUENCE public.s;
         ALTER TABLE public.s OWNER TO postgres;
         CREATE VIEW public.v AS SELECT id FROM public.a;
         ALTER TABLE public.v OWNER TO postgres;
         ALTER SEQUENCE public.s OWNED BY public.a.id;",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
    assert!(s.warnings().is_empty(), "{:?}", warnings(&s));
    // An ALTER TABLE that changes columns or keys still needs its table.
    let e = Schema::from_ddl_for(
        "CREATE SEQUENCE public.s; ALTER TABLE public.s ADD COLUMN x integer;",
        Dialect::Postgres,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable, "{e}");
}

#[test]
fn postgres_owner_of_domains_and_types_domains_as_column_types() {
    let s = read(
        r#"CREATE DOMAIN public."Flag" AS boolean NOT NULL;
           ALTER DOMAIN public."Flag" OWNER TO postgres;
           CREATE TYPE public.mood AS ENUM ('ok', 'sad');
           ALTER TYPE public.mood OWNER TO postgres;
           CREATE TABLE public.a (id integer NOT NULL, f public."Flag", m public.mood);"#,
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "public.a"),
        r#"public.a: id integer NOT NULL, f public."Flag", m public.mood | pk  | fk  | unique "#
    );
}

#[test]
fn postgres_materialized_view_index_attach_and_cluster() {
    let s = read(
        "CREATE TABLE public.a (id integer NOT NULL);
         ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);
         CREATE MATERIALIZED VIEW m AS SELECT id FROM a WITH NO DATA;
         ALTER INDEX public.a_pkey ATTACH PARTITION public.a_2024_pkey;
         ALTER TABLE public.a CLUSTER ON a_pkey;
         REFRESH MATERIALIZED VIEW m;",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "public.a"),
        "public.a: id integer NOT NULL | pk id | fk  | unique "
    );
}

#[test]
fn postgres_schema_elements() {
    let s = read(
        "CREATE SCHEMA person CREATE TABLE be (id serial PRIMARY KEY) \
         CREATE TABLE p (id int PRIMARY KEY REFERENCES be) \
         CREATE VIEW v AS SELECT id FROM be GRANT SELECT ON be TO public;",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "person.p"),
        "person.p: id int NOT NULL | pk id | fk (id) -> person.be(id) | unique "
    );
    assert_eq!(s.tables().len(), 2);
}

#[test]
fn postgres_partition_primary_key_through_attach_partition() {
    // The partition's key comes from the partitioned table, when attached.
    let s = read(
        "CREATE TABLE public.customers (id integer PRIMARY KEY);
         CREATE TABLE public.events (at date NOT NULL, customer_id integer NOT NULL, kind text,
             PRIMARY KEY (at, customer_id)) PARTITION BY RANGE (at);
         CREATE TABLE public.events_2024 (at date NOT NULL, customer_id integer NOT NULL, kind text);
         ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024
             FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         ALTER TABLE public.events ADD CONSTRAINT events_customer_fkey
             FOREIGN KEY (customer_id) REFERENCES public.customers(id);",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "public.events_2024"),
        "public.events_2024: at date NOT NULL, customer_id integer NOT NULL, kind text \
         | pk at,customer_id | fk (customer_id) -> public.customers(id) | unique "
    );
    let fk = &s.table("public.events_2024").unwrap().foreign_keys()[0];
    assert_eq!(fk.name(), Some("events_customer_fkey"));
}

#[test]
fn postgres_partition_of_takes_the_columns_and_keys() {
    let s = read(
        "CREATE TABLE customers (id integer PRIMARY KEY);
         CREATE TABLE events (at date NOT NULL, customer_id integer REFERENCES customers (id),
             kind text, UNIQUE (at, kind), PRIMARY KEY (at, customer_id)) PARTITION BY RANGE (at);
         CREATE TABLE events_2024 PARTITION OF events (kind WITH OPTIONS NOT NULL)
             FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
         CREATE TABLE events_rest PARTITION OF events DEFAULT PARTITION BY LIST (kind);
         CREATE TABLE events_rest_x PARTITION OF events_rest FOR VALUES IN ('x');",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "events_2024"),
        "events_2024: at date NOT NULL, customer_id integer NOT NULL, kind text NOT NULL \
         | pk at,customer_id | fk (customer_id) -> customers(id) | unique at,kind"
    );
    assert_eq!(
        describe(&s, "events_rest_x"),
        "events_rest_x: at date NOT NULL, customer_id integer NOT NULL, kind text \
         | pk at,customer_id | fk (customer_id) -> customers(id) | unique at,kind"
    );
}

#[test]
fn mysql_delimiter_blocks_with_triggers_and_routines() {
    let s = read(
        "CREATE TABLE a (id INT PRIMARY KEY, ts DATETIME);
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.ts = NOW() */;;
CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)
BEGIN
  IF n > 0 THEN UPDATE a SET ts = NOW() WHERE id = n; END IF;
  SELECT 'a;b';
END ;;
DELIMITER ;
CREATE TABLE b (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES a (id));",
        Dialect::MySql,
    );
    assert_eq!(
        describe(&s, "b"),
        "b: id INT NOT NULL, a_id INT | pk id | fk (a_id) -> a(id) | unique "
    );
    assert!(s.warnings().is_empty(), "{:?}", warnings(&s));
}

#[test]
fn mysql_binary_and_other_column_attributes() {
    let s = read(
        "CREATE TABLE staff (staff_id INT PRIMARY KEY, password VARCHAR(40) BINARY DEFAULT NULL,
             name VARCHAR(45) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'x, y',
             last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
             n INT UNSIGNED ZEROFILL AUTO_INCREMENT UNIQUE KEY,
             g INT GENERATED ALWAYS AS (n * 2) VIRTUAL INVISIBLE,
             KEY idx_name (name(10)), FULLTEXT KEY ft (name)
         ) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COMMENT='staff; all';
         CREATE TABLE payment (id INT PRIMARY KEY, staff_id INT,
             CONSTRAINT fk_staff FOREIGN KEY (staff_id) REFERENCES staff (staff_id) ON DELETE RESTRICT ON UPDATE CASCADE);",
        Dialect::MySql,
    );
    assert_eq!(
        describe(&s, "staff"),
        "staff: staff_id INT NOT NULL, password VARCHAR(40) BINARY, name VARCHAR(45) NOT NULL, \
         last_update TIMESTAMP NOT NULL, n INT UNSIGNED ZEROFILL, g INT | pk staff_id | fk  | unique n"
    );
    assert_eq!(
        describe(&s, "payment"),
        "payment: id INT NOT NULL, staff_id INT | pk id | fk (staff_id) -> staff(staff_id) | unique "
    );
}

#[test]
fn mysql_alter_table_engine() {
    let s = read(
        "CREATE TABLE film_text (film_id SMALLINT NOT NULL, PRIMARY KEY (film_id));
         ALTER TABLE film_text engine=InnoDB;
         ALTER TABLE film_text AUTO_INCREMENT=5, DEFAULT CHARSET=utf8mb4, DISABLE KEYS;",
        Dialect::MySql,
    );
    assert_eq!(
        describe(&s, "film_text"),
        "film_text: film_id SMALLINT NOT NULL | pk film_id | fk  | unique "
    );
}

#[test]
fn sqlite_types_of_any_words_or_none() {
    let s = read(
        "CREATE TABLE film (film_id INTEGER PRIMARY KEY, description BLOB SUB_TYPE TEXT,
             n UNSIGNED BIG INT NOT NULL, d VARYING CHARACTER(255), untyped, x DOUBLE PRECISION);",
        Dialect::Sqlite,
    );
    assert_eq!(
        describe(&s, "film"),
        "film: film_id INTEGER NOT NULL, description BLOB SUB_TYPE TEXT, n UNSIGNED BIG INT NOT NULL, \
         d VARYING CHARACTER(255), untyped , x DOUBLE PRECISION | pk film_id | fk  | unique "
    );
}

#[test]
fn client_commands_in_published_scripts() {
    // psql's meta-commands: one line each, whatever follows on it.
    let s = read(
        "\\set ON_ERROR_STOP on
\\pset pager off
\\c chinook;
\\connect chinook
CREATE TABLE artist (id int PRIMARY KEY);
\\copy artist from 'artist.csv' with csv
\\copy artist from stdin
1
\\.
CREATE TABLE album (id int PRIMARY KEY, artist_id int REFERENCES artist (id));",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 2);
    assert!(s.warnings().is_empty(), "{:?}", warnings(&s));
    // The mysql client's `source`: the file is not read, which is worth a
    // warning.
    let s = read(
        "CREATE TABLE a (id INT PRIMARY KEY);\nsource sakila-data.sql;\nSOURCE other.sql\n",
        Dialect::MySql,
    );
    assert_eq!(s.tables().len(), 1);
    assert_eq!(
        warnings(&s),
        [
            "statement 2 at line 2, column 1 (source sakila-data.sql;): skipped: the file it \
             includes is not read (give its text too)",
            "statement 3 at line 3, column 1 (SOURCE other.sql): skipped: the file it includes \
             is not read (give its text too)"
        ]
    );
}

// --- Data, skipped by scanning ----------------------------------------------

#[test]
fn data_is_skipped_whatever_it_holds() {
    // Delimiters, quotes, comment openers and keywords inside data.
    let s = read(
        "CREATE TABLE public.a (id integer, note text);
COPY public.a (id, note) FROM stdin;
1\tCREATE TABLE x (y int); -- ' \" $$
2\t\\.x
\\.
INSERT INTO public.a VALUES (3, 'it''s; CREATE TABLE z (q int)'), (4, E'\\'; DROP TABLE a; --');
INSERT INTO public.a VALUES (5, $q$; CREATE TABLE w (v int); $q$);
ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
    assert_eq!(s.table("public.a").unwrap().primary_key().len(), 1);

    let s = read(
        "CREATE TABLE a (id INT PRIMARY KEY, note TEXT);
INSERT INTO `a` VALUES (1,'it\\'s; CREATE TABLE z (q INT)'),(2,\"a\\\"; b\"),(3,'\\\\');
# a comment; with CREATE TABLE y (q INT)
CREATE TABLE b (id INT PRIMARY KEY);",
        Dialect::MySql,
    );
    assert_eq!(s.tables().len(), 2);

    let s = read(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO a VALUES(1,replace('x\\ny;','\\n',char(10)));
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET note = CASE WHEN note IS NULL THEN 'x;' ELSE note END WHERE id = NEW.id;
  SELECT 'y;';
END;
CREATE TABLE b (id INTEGER PRIMARY KEY);",
        Dialect::Sqlite,
    );
    assert_eq!(s.tables().len(), 2);
}

#[test]
fn postgres_function_bodies() {
    let s = read(
        "CREATE FUNCTION public.answer() RETURNS integer
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT CASE WHEN true THEN 42 ELSE 0 END;
 SELECT 1;
END;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := now(); RETURN NEW; END; $$;
CREATE RULE r AS ON INSERT TO public.t DO INSTEAD (SELECT 1; SELECT 2);
CREATE TABLE public.t (id integer);",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
}

// --- Warnings ------------------------------------------------------------------

#[test]
fn skipped_statements_that_may_matter_are_warnings() {
    let s = read(
        "CREATE TABLE a (id integer PRIMARY KEY);
CREATE TEMPORARY TABLE scratch (id integer);
CREATE FOREIGN TABLE remote (id integer) SERVER s;
DO $$ BEGIN EXECUTE 'CREATE TABLE dynamic (id int)'; END $$;
CALL make_tables();
\\i more.sql
\\gexec
CREATE UNIQUE INDEX a_lower ON a (lower(id::text));
CREATE UNIQUE INDEX a_partial ON a (id) WHERE id > 0;",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
    let kinds: Vec<WarningKind> = s.warnings().iter().map(|w| w.kind()).collect();
    assert_eq!(
        kinds,
        [
            WarningKind::SkippedStatement,
            WarningKind::SkippedStatement,
            WarningKind::SkippedStatement,
            WarningKind::SkippedStatement,
            WarningKind::SkippedStatement,
            WarningKind::SkippedStatement,
            WarningKind::IgnoredClause,
            WarningKind::IgnoredClause,
        ]
    );
    let numbers: Vec<usize> = s
        .warnings()
        .iter()
        .map(|w| w.statement().unwrap().number())
        .collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(
        s.warnings()[2].to_string(),
        "statement 4 at line 4, column 1 (DO $$ BEGIN EXECUTE 'CREATE TABLE dynamic (id int)'; END \
         $$): skipped: a DO block runs code that may create tables; it is not run"
    );
    assert!(s.table("a").unwrap().unique_constraints().is_empty());
}

#[test]
fn plainly_irrelevant_statements_are_skipped_silently() {
    let s = read(
        "SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
COMMENT ON TABLE a IS 'x; y';
GRANT ALL ON TABLE a TO x;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE SEQUENCE s START WITH 1;
CREATE INDEX ix ON a USING btree (id);
CREATE TABLE a (id integer);
LOCK TABLE a;
CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();
CREATE AGGREGATE agg (int) (sfunc = f, stype = int);
SECURITY LABEL ON TABLE a IS 'x';
CREATE PUBLICATION p FOR TABLE a;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO x;",
        Dialect::Postgres,
    );
    assert_eq!(s.tables().len(), 1);
    assert!(s.warnings().is_empty(), "{:?}", warnings(&s));
}

#[test]
fn a_second_database_is_worth_a_warning() {
    let s = read(
        "\\connect a\nCREATE TABLE t (id int);\n\\connect -reuse-previous=on \"dbname='b'\"\nCREATE TABLE u (id int);",
        Dialect::Postgres,
    );
    assert_eq!(
        warnings(&s),
        [
            "statement 3 at line 3, column 1 (\\connect -reuse-previous=on \"dbname='b'\"): \
          statements after this one are for database 'b', not 'a'; their tables are read into \
          the same schema"
        ]
    );
}

#[test]
fn statements_sqlrel_does_not_sort_are_parsed_by_sqlparser() {
    // SQL that sqlparser knows is skipped with a warning ...
    let s = Schema::from_ddl("CREATE TABLE a (id int); MSCK REPAIR TABLE a;").unwrap();
    assert_eq!(
        warnings(&s),
        [
            "statement 2 at line 1, column 26 (MSCK REPAIR TABLE a): skipped: sqlrel does not read \
          this kind of statement"
        ]
    );
    let s = Schema::from_ddl("CREATE TABLE a (id int); GRANT SELECT ON a TO b; CREATE FOO bar;");
    let e = s.unwrap_err();
    // ... and what it does not know is an error with the statement.
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(
        e.to_string()
            .starts_with("cannot parse DDL statement 3 (CREATE FOO bar) at line 1, column 57: "),
        "{e}"
    );
}

// --- Errors ----------------------------------------------------------------------

#[test]
fn an_unreadable_table_definition_names_its_statement() {
    let ddl = "SET x = 1;\nCREATE TABLE a (id int);\n\nCREATE TABLE staff (\n    staff_id INT PRIMARY KEY,\n    password VARCHAR(40) BOGUS\n);";
    let e = Schema::from_ddl_for(ddl, Dialect::Postgres).unwrap_err();
    let Error::Parse {
        what,
        message,
        position: Some(position),
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        what,
        "DDL statement 3 (CREATE TABLE staff ( staff_id INT PRIMARY KEY, password VARC...)"
    );
    assert_eq!(
        message,
        "unexpected BOGUS in the definition of column password"
    );
    assert_eq!((position.line, position.column), (6, 26));
    assert_eq!(
        e.to_string(),
        "cannot parse DDL statement 3 (CREATE TABLE staff ( staff_id INT PRIMARY KEY, password \
         VARC...) at line 6, column 26: unexpected BOGUS in the definition of column password"
    );
}

#[test]
fn an_unterminated_string_is_an_error_at_its_start() {
    let e = Schema::from_ddl(
        "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('x);\nCREATE TABLE b (id int);",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(
        e.to_string().starts_with("cannot parse DDL statement 2 (INSERT INTO a VALUES ('x); CREATE TABLE b (id int);) at line 2, column 23: a string opened here"),
        "{e}"
    );
}

#[test]
fn a_key_of_expressions_is_an_error() {
    let e = Schema::from_ddl("CREATE TABLE t (a INT, PRIMARY KEY (lower(a)))").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("at line 1, column 36"), "{e}");
}

// --- Dialects and streaming --------------------------------------------------------

#[test]
fn dialects_are_detected_from_markers() {
    let cases = [
        (
            "--\n-- PostgreSQL database dump\n--\n",
            Some(Dialect::Postgres),
        ),
        ("\\restrict abc\n", Some(Dialect::Postgres)),
        (
            "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n",
            Some(Dialect::MySql),
        ),
        (
            "-- MySQL dump 10.13  Distrib 8.0.36\n",
            Some(Dialect::MySql),
        ),
        ("/*!40101 SET NAMES utf8mb4 */;\n", Some(Dialect::MySql)),
        ("PRAGMA foreign_keys=OFF;\n", Some(Dialect::Sqlite)),
        (
            "BEGIN TRANSACTION;\nCREATE TABLE a (id);\n",
            Some(Dialect::Sqlite),
        ),
        ("CREATE TABLE [a] ([id] INTEGER);\n", Some(Dialect::Sqlite)),
        ("CREATE TABLE `a` (`id` int);\n", Some(Dialect::MySql)),
        // DELIMITER $$ is MySQL's, although $$ would count for PostgreSQL.
        (
            "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END $$\nDELIMITER ;\n",
            Some(Dialect::MySql),
        ),
        (
            "CREATE TABLE a (id int DEFAULT 'x'::text, b integer[]);\n",
            Some(Dialect::Postgres),
        ),
        ("CREATE TABLE a (id int);\n", None),
    ];
    for (text, dialect) in cases {
        assert_eq!(detect_dialect(text), dialect, "{text}");
    }
    // A MySQL dump read with its dialect detected: backslash escapes.
    let s = Schema::from_dump(
        "-- MySQL dump\nCREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1,'x\\';CREATE TABLE b (id INT);');\n",
    )
    .unwrap();
    assert_eq!(s.tables().len(), 1);
}

/// A reader that hands out at most `chunk` bytes at a time, so that every
/// construct gets split across reads somewhere.
struct Trickle<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn reading_in_pieces_gives_the_same_schema() {
    let dump = "\\restrict k
CREATE TABLE public.a (id integer NOT NULL, note text DEFAULT 'x'::text);
COPY public.a (id, note) FROM stdin;
1\tx;y
\\.
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE FUNCTION public.g() RETURNS trigger LANGUAGE plpgsql AS $body$ BEGIN RETURN NEW; END; $body$;
/* a comment; */ CREATE TABLE public.b (id integer NOT NULL, a_id integer);
ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES public.a(id);
\\unrestrict k
";
    let whole = Schema::from_ddl_for(dump, Dialect::Postgres).unwrap();
    let describe_all = |s: &Schema| {
        s.tables()
            .map(|t| describe(s, &t.qualified_name().to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(whole.tables().len(), 2);
    for chunk in 1..=7 {
        let reader = Trickle {
            bytes: dump.as_bytes(),
            chunk,
        };
        let s = Schema::read_ddl(reader, DdlDialect::Detect).unwrap();
        assert_eq!(describe_all(&s), describe_all(&whole), "chunk {chunk}");
    }
}

#[test]
fn read_errors_are_io_errors() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let e = Schema::read_ddl(Failing, DdlDialect::Generic).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert_eq!(e.to_string(), "cannot read the input: disk on fire");
}

// --- Unique indexes ------------------------------------------------------------

#[test]
fn a_unique_index_makes_a_foreign_key_one_to_one() {
    for (ddl, dialect) in [
        (
            "CREATE TABLE users (id INTEGER PRIMARY KEY);
             CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
             CREATE UNIQUE INDEX profiles_user ON profiles (user_id);",
            Dialect::Sqlite,
        ),
        (
            "CREATE TABLE users (id INTEGER PRIMARY KEY);
             CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id),
                 CONSTRAINT profiles_user UNIQUE (user_id));",
            Dialect::Sqlite,
        ),
        (
            "CREATE TABLE public.users (id integer NOT NULL);
             CREATE TABLE public.profiles (id integer NOT NULL, user_id integer);
             ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
             ALTER TABLE ONLY public.profiles ADD CONSTRAINT profiles_pkey PRIMARY KEY (id);
             CREATE UNIQUE INDEX profiles_user ON public.profiles USING btree (user_id);
             ALTER TABLE ONLY public.profiles ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES public.users(id);",
            Dialect::Postgres,
        ),
    ] {
        let registry = Registry::builder(read(ddl, dialect))
            .automap()
            .configure()
            .unwrap();
        let scalar: Vec<(String, bool)> = registry
            .relationships()
            .map(|r| (r.key().to_owned(), r.uselist()))
            .collect();
        let key = if dialect == Dialect::Postgres {
            "public.users.profiles"
        } else {
            "users.profiles"
        };
        assert!(scalar.contains(&(key.to_owned(), false)), "{dialect}: {scalar:?}");
    }
}

// --- Broken foreign keys (issue 13, part 5) ------------------------------------

const BROKEN: &str = "CREATE TABLE t2 (id INTEGER PRIMARY KEY);
CREATE TABLE t1 (id INTEGER PRIMARY KEY, t2_id INTEGER REFERENCES t2(nonexistent_id));
CREATE TABLE t3 (id INTEGER PRIMARY KEY, t1_id INTEGER REFERENCES t1(id));";

#[test]
fn a_broken_foreign_key_is_dropped_with_a_warning() {
    for dialect in Dialect::ALL {
        let ddl = if dialect == Dialect::MySql {
            BROKEN.replace("INTEGER", "INT")
        } else {
            BROKEN.to_owned()
        };
        let s = read(&ddl, dialect);
        assert_eq!(s.tables().len(), 3);
        let t1 = s.table("t1").unwrap();
        assert!(t1.foreign_keys().is_empty());
        let broken = &t1.broken_foreign_keys()[0];
        assert_eq!(broken.referred_column_names(), ["nonexistent_id"]);
        assert_eq!(broken.referred_table(), s.table("t2").unwrap().id());
        assert_eq!(broken.error().kind(), ErrorKind::UnknownColumn);
        assert_eq!(s.table("t3").unwrap().foreign_keys().len(), 1);
        let [warning] = s.warnings() else {
            panic!("{:?}", warnings(&s))
        };
        assert_eq!(warning.kind(), WarningKind::DroppedForeignKey);
        assert_eq!(
            warning.statement().map(|l| (l.number(), l.position().line)),
            Some((2, 2))
        );
        assert!(
            warning.message().ends_with(
                "Could not initialize target column for ForeignKey 't2.nonexistent_id' on table \
                 't1': table 't2' has no column named 'nonexistent_id'"
            ),
            "{warning}"
        );
    }
    // The builder, given names directly, still refuses such a key.
    let e = Schema::builder()
        .table(sqlrel::schema::TableBuilder::new("t2").column("id", "INT"))
        .table(
            sqlrel::schema::TableBuilder::new("t1")
                .column("x", "INT")
                .foreign_key(["x"], "t2", ["nope"]),
        )
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownColumn);
}

#[test]
fn a_broken_foreign_key_leaves_other_relationships_alone() {
    let schema = Schema::from_ddl(BROKEN).unwrap();
    let registry = Registry::builder(schema)
        .relationship(RelationshipConfig::new("t1", "t3s", "t3").backref("t1"))
        .configure()
        .unwrap();
    assert_eq!(registry.relationships().len(), 2);
    // Automap generates what the other keys give.
    let registry = Registry::builder(Schema::from_ddl(BROKEN).unwrap())
        .automap()
        .configure()
        .unwrap();
    let mut keys: Vec<&str> = registry.relationships().map(|r| r.key()).collect();
    keys.sort();
    assert_eq!(keys, ["t1.t3_collection", "t3.t1"]);
}

/// SQLAlchemy's recordings of relationships that need a broken key
/// (tests/fixtures/resolve/broken_fk_needed_*): the key the schema keeps
/// aside carries SQLAlchemy's error, word for word, and configuring the
/// case fails with it (conformance checks the same through its runner).
#[test]
fn a_broken_key_carries_sqlalchemys_error() {
    let cases: Vec<_> = crate::common::case::load_dir("tests/fixtures/resolve")
        .into_iter()
        .filter(|(path, ..)| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("broken_fk_needed_"))
        })
        .collect();
    assert_eq!(cases.len(), 3);
    for (path, case, oracle) in &cases {
        let label = path.display();
        assert_eq!(
            oracle["error"]["kind"], "NoReferencedColumnError",
            "{label}"
        );
        let message = oracle["error"]["message"].as_str().expect("message");
        let schema = case.schema().unwrap_or_else(|e| panic!("{label}: {e}"));
        let errors: Vec<(sqlrel::Error, String)> = schema
            .tables()
            .flat_map(|t| {
                t.broken_foreign_keys()
                    .iter()
                    .map(|b| (b.error(), b.error().to_string()))
            })
            .collect();
        assert_eq!(errors.len(), 1, "{label}");
        assert_eq!(errors[0].1, message, "{label}");
        assert_eq!(errors[0].0.kind(), ErrorKind::UnknownColumn, "{label}");
        assert!(schema.warnings()[0].message().ends_with(message), "{label}");
        match case.registry() {
            Err(e) => assert_eq!(e.to_string(), message, "{label}"),
            Ok(_) => panic!("{label}: configured"),
        }
    }
}

#[test]
fn alter_table_actions_of_dumps_and_scripts() {
    // phpMyAdmin's exports: keys and AUTO_INCREMENT added after the data.
    let s = read(
        "CREATE TABLE `a` (`id` int(11) NOT NULL, `x` int(11) DEFAULT NULL);
         CREATE TABLE `b` (`id` int(11) NOT NULL, `a_id` int(11) DEFAULT NULL, `old` int);
         INSERT INTO `a` (`id`, `x`) VALUES (1, 2);
         ALTER TABLE `a` ADD PRIMARY KEY (`id`), ADD KEY `x` (`x`), ADD UNIQUE KEY `ux` (`x`);
         ALTER TABLE `b` ADD PRIMARY KEY (`id`), ADD KEY `a_id` (`a_id`);
         ALTER TABLE `a` MODIFY `id` int(11) NOT NULL AUTO_INCREMENT, AUTO_INCREMENT=2;
         ALTER TABLE `b` ADD CONSTRAINT `b_a` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`) ON DELETE CASCADE;
         ALTER TABLE `b` DROP COLUMN `old`, CHANGE `a_id` `parent_id` int(11) NULL;",
        Dialect::MySql,
    );
    assert_eq!(
        describe(&s, "a"),
        "a: id int(11) NOT NULL, x int(11) | pk id | fk  | unique x"
    );
    assert_eq!(
        describe(&s, "b"),
        "b: id int(11) NOT NULL, parent_id int(11) | pk id | fk (parent_id) -> a(id) | unique "
    );
    // Renames follow into the keys that refer to the renamed.
    let s = read(
        "CREATE TABLE p (id integer PRIMARY KEY);
         CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));
         ALTER TABLE p RENAME COLUMN id TO pid;
         ALTER TABLE p RENAME TO parents;
         ALTER TABLE c ALTER COLUMN p_id SET NOT NULL, ALTER COLUMN p_id TYPE bigint;
         ALTER TABLE c SET SCHEMA archive;",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s, "archive.c"),
        "archive.c: id integer NOT NULL, p_id bigint NOT NULL | pk id | fk (p_id) -> parents(pid) | unique "
    );
    // Dropping a table drops it; CASCADE drops the keys to it.
    let s = read(
        "CREATE TABLE v (id int); DROP TABLE IF EXISTS v, nope;
         CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p (id));
         DROP TABLE p CASCADE;",
        Dialect::Postgres,
    );
    let names: Vec<String> = s.tables().map(|t| t.qualified_name().to_string()).collect();
    assert_eq!(names, ["c"]);
    assert!(s.table("c").unwrap().foreign_keys().is_empty());
    // An action sqlrel does not know is an error.
    let e = Schema::from_ddl_for(
        "CREATE TABLE t (id int); ALTER TABLE t FROB x;",
        Dialect::Postgres,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("expected an ALTER TABLE action"),
        "{e}"
    );
}
