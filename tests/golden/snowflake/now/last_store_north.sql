WITH agg_tz_visits AS (
  SELECT
    person_id,
    MAX(CASE WHEN day = stop_last_store_at THEN store END) AS stop_last_store
  FROM (
    SELECT
      *,
      MAX(day) OVER (PARTITION BY person_id) AS stop_last_store_at
    FROM tz_visits
    WHERE
      day <= CURRENT_DATE
  ) AS ev_rows
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    agg_tz_visits.stop_last_store AS stop_last_store
  FROM tz_people AS e
  LEFT JOIN agg_tz_visits
    ON e.person_id = agg_tz_visits.person_id
)
SELECT
  person_id
FROM base
WHERE
  stop_last_store = 'north'
