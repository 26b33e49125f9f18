WITH agg_tz_visits AS (
  SELECT
    person_id,
    SUM(
      CASE
        WHEN (
          (
            CAST(STRFTIME('%w', day) AS INTEGER) + 6
          ) % 7
        ) + 1 = 1
        THEN 1
        ELSE 0
      END
    ) AS stop_count_if
  FROM tz_visits
  WHERE
    day <= DATE('2026-06-30')
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_visits.stop_count_if, 0) AS stop_count_if
  FROM tz_people AS e
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
)
SELECT
  person_id
FROM base
WHERE
  stop_count_if >= 1
