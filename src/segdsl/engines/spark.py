"""Apache Spark, through PySpark.

``master`` is ``local[2]`` by default; point it at a cluster (``spark://host:7077``,
``yarn``, ``k8s://…``) and nothing else changes. Every segdsl session is a
``SparkSession.newSession()`` of one shared ``SparkContext``: sessions share the
cluster but not their temporary views. The session time zone is UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from segdsl.engines.base import (
    Columns,
    Row,
    as_utc_naive,
    engine_error,
    logical_of,
    missing_package,
)


def _spark_type(logical: str) -> Any:
    from pyspark.sql import types as st

    return {
        "integer": st.LongType(),
        "number": st.DoubleType(),
        "string": st.StringType(),
        "boolean": st.BooleanType(),
        "date": st.DateType(),
        "timestamp": st.TimestampType(),
        "list<string>": st.ArrayType(st.StringType()),
        "list<integer>": st.ArrayType(st.LongType()),
    }[logical]


def _to_spark(value: Any, logical: str) -> Any:
    # A naive timestamp is UTC; PySpark would read a naive one in the local zone.
    if logical == "timestamp" and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if isinstance(value, tuple):
        return list(value)
    return value


def spark_session(master: str = "local[2]", conf: Mapping[str, str] | None = None) -> Any:
    """The process's Spark session (created once, on first use), with UTC as its zone."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise missing_package("spark", "pyspark") from None
    builder = (
        SparkSession.builder.master(master)
        .appName("segdsl")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master.startswith("local"):
        # A few partitions suit one machine; a cluster keeps its own setting.
        builder = builder.config("spark.sql.shuffle.partitions", "2")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:
        raise engine_error(
            "spark",
            f"cannot start a Spark session on `{master}`: {str(exc).strip().splitlines()[0]}",
            "Spark needs Java 17 or newer (JAVA_HOME); check `master` in [engine.spark]",
        ) from None


class SparkSQLSession:
    name = "spark"
    dialect = "spark"

    def __init__(
        self, master: str = "local[2]", conf: Mapping[str, str] | None = None, spark: Any = None
    ) -> None:
        base = spark if spark is not None else spark_session(master, conf)
        self.spark = base.newSession()
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        for key, value in (conf or {}).items():
            if key.startswith("spark.sql."):
                self.spark.conf.set(key, value)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            rows = self.spark.sql(sql).collect()
        except Exception as exc:
            raise engine_error(
                "spark",
                f"the query failed: {str(exc).strip().splitlines()[0]}",
                "`segdsl compile -d spark` shows the SQL",
            ) from exc
        return [tuple(as_utc_naive(v) for v in r) for r in rows]

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        from pyspark.sql import types as st

        schema = st.StructType([st.StructField(c, _spark_type(t), True) for c, t in columns])
        data = [tuple(_to_spark(v, t) for v, (_c, t) in zip(r, columns, strict=True)) for r in rows]
        # Rows made in Python would go through Python workers at every scan: cache them
        # in the JVM once.
        frame = self.spark.createDataFrame(data, schema=schema).cache()
        frame.count()
        frame.createOrReplaceTempView(table)

    def register_file(self, table: str, path: Path | str) -> None:
        text = str(path)
        reader = self.spark.read
        frame = (
            reader.parquet(text)
            if text.lower().endswith(".parquet")
            else reader.option("header", "true").option("inferSchema", "true").csv(text)
        )
        frame.createOrReplaceTempView(table)

    def column_types(self, table: str) -> dict[str, str]:
        frame = self.spark.table(table)
        return {f.name: logical_of(f.dataType.simpleString()) for f in frame.schema.fields}

    def close(self) -> None:
        if self.spark.sparkContext._jsc is None:  # the context is stopped already
            return
        for view in self.spark.catalog.listTables():
            if view.isTemporary:
                self.spark.catalog.dropTempView(view.name)
