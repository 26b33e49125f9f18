WITH base AS (
  SELECT
    e.shopper_id,
    e.lat AS location_lat,
    e.lon AS location_lon,
    e.spend,
    e.country
  FROM shoppers AS e
), ranked AS (
  SELECT
    *,
    spend AS rank_1_value,
    RANK() OVER (PARTITION BY country ORDER BY spend DESC) AS rank_1,
    COUNT(spend) OVER (PARTITION BY country) AS rank_1_n
  FROM base
)
SELECT
  shopper_id
FROM ranked
WHERE
  SIN((
    CAST(location_lat AS DOUBLE) - 48.8566
  ) * 0.008726646259971648) * SIN((
    CAST(location_lat AS DOUBLE) - 48.8566
  ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
    CAST(location_lon AS DOUBLE) - 2.3522
  ) * 0.008726646259971648) * SIN((
    CAST(location_lon AS DOUBLE) - 2.3522
  ) * 0.008726646259971648) <= 0.0000153978964862913
  AND (
    NOT country IS NULL
    AND NOT rank_1_value IS NULL
    AND (
      rank_1 - 1
    ) * 100 < 40 * rank_1_n
  )
