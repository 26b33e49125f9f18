WITH agg_tz_visits AS (
  SELECT
    person_id,
    MAX(day) AS stop_last,
    MIN(day) AS stop_first
  FROM tz_visits
  WHERE
    day <= CURRENT_DATE
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_visits.stop_last AS stop_last,
    agg_tz_visits.stop_first AS stop_first
  FROM tz_people AS e
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
)
SELECT
  person_id
FROM base
WHERE
  stop_last > stop_first
