WITH agg_shop_visits AS (
  SELECT
    shopper_id,
    SUM(
      CASE WHEN day > DATE('2026-06-16') AND day <= DATE('2026-06-23') THEN 1 ELSE 0 END
    ) AS visit_count_2w_to1w
  FROM shop_visits
  WHERE
    day <= DATE('2026-06-30') AND day > DATE('2026-06-16')
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shop_visits.visit_count_2w_to1w, 0) AS visit_count_2w_to1w
  FROM shoppers AS e
  LEFT JOIN agg_shop_visits
    ON e.shopper_id = agg_shop_visits.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  visit_count_2w_to1w >= 1
