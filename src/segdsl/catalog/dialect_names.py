"""The SQL dialect names sqlglot knows, listed here so that loading a catalog does not
import sqlglot (a test keeps this list equal to sqlglot's own)."""

KNOWN_DIALECTS = frozenset(
    """athena bigquery clickhouse databricks dax doris dremio drill druid duckdb dune exasol
    fabric hive materialize mysql oracle postgres presto prql redshift risingwave singlestore
    snowflake solr spark spark2 sqlite starrocks tableau teradata trino tsql""".split()
)

# Dialects sqlglot knows that are not SQL: segdsl compiles to SQL only.
NOT_SQL = frozenset({"dax", "prql"})

SQL_DIALECTS = KNOWN_DIALECTS - NOT_SQL
