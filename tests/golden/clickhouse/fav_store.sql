WITH agg_tz_visits AS (
  SELECT
    person_id,
    MIN(
      CASE
        WHEN day > CAST('2025-06-30' AS Nullable(DATE))
        AND NOT (
          store IS NULL
        )
        AND stop_most_frequent_store_1y_cnt = stop_most_frequent_store_1y_top
        THEN store
      END
    ) AS stop_most_frequent_store_1y
  FROM (
    SELECT
      *,
      MAX(
        CASE
          WHEN day > CAST('2025-06-30' AS Nullable(DATE)) AND NOT (
            store IS NULL
          )
          THEN stop_most_frequent_store_1y_cnt
        END
      ) OVER (PARTITION BY person_id) AS stop_most_frequent_store_1y_top
    FROM (
      SELECT
        *,
        SUM(
          CASE
            WHEN day > CAST('2025-06-30' AS Nullable(DATE)) AND NOT (
              store IS NULL
            )
            THEN 1
            ELSE 0
          END
        ) OVER (PARTITION BY person_id, store) AS stop_most_frequent_store_1y_cnt
      FROM tz_visits
      WHERE
        day <= CAST('2026-06-30' AS Nullable(DATE))
        AND day > CAST('2025-06-30' AS Nullable(DATE))
    ) AS ev_rows
  ) AS ev_ranked
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id AS person_id,
    agg_tz_visits.stop_most_frequent_store_1y AS stop_most_frequent_store_1y
  FROM tz_people AS e
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
)
SELECT
  person_id
FROM base
WHERE
  stop_most_frequent_store_1y = 'south'
SETTINGS join_use_nulls = 1
