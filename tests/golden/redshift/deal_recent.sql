WITH agg_deals AS (
  SELECT
    account_id,
    SUM(CASE WHEN closed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END) AS deal_count_30d
  FROM deals
  WHERE
    closed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND closed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
  GROUP BY
    account_id
), base AS (
  SELECT
    e.account_id,
    COALESCE(agg_deals.deal_count_30d, 0) AS deal_count_30d
  FROM accounts AS e
  LEFT JOIN agg_deals
    ON e.account_id = agg_deals.account_id
)
SELECT
  account_id
FROM base
WHERE
  deal_count_30d >= 1
