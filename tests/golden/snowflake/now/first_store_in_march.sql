WITH agg_tz_visits AS (
  SELECT
    person_id,
    MAX(
      CASE
        WHEN day >= CAST('2026-03-01' AS DATE) AND day = stop_first_store_if_at
        THEN store
      END
    ) AS stop_first_store_if
  FROM (
    SELECT
      *,
      MIN(CASE WHEN day >= CAST('2026-03-01' AS DATE) THEN day END) OVER (PARTITION BY person_id) AS stop_first_store_if_at
    FROM tz_visits
    WHERE
      day <= CURRENT_DATE
  ) AS ev_rows
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_visits.stop_first_store_if AS stop_first_store_if
  FROM tz_people AS e
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
)
SELECT
  person_id
FROM base
WHERE
  NOT stop_first_store_if IS NULL
