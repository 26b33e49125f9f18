WITH agg_shop_visits AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN day > CAST('2026-06-23' AS DATE) AND day <= CAST('2026-06-29' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS visit_count_7d_to1d
  FROM shop_visits
  WHERE
    day <= CAST('2026-06-30' AS DATE) AND day > CAST('2026-06-23' AS DATE)
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shop_visits.visit_count_7d_to1d, 0) AS visit_count_7d_to1d
  FROM shoppers AS e
  LEFT JOIN agg_shop_visits
    ON e.shopper_id = agg_shop_visits.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  visit_count_7d_to1d >= 1
