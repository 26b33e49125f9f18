WITH base AS (
  SELECT
    e.shopper_id,
    e.lat AS location_lat,
    e.lon AS location_lon
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('x:', CAST(shopper_id AS VARCHAR)))))), 1, 8) < '99999999'
  AND SIN((
    CAST(location_lat AS DOUBLE) - 51.5074
  ) * 0.008726646259971648) * SIN((
    CAST(location_lat AS DOUBLE) - 51.5074
  ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6224135541865977 * SIN((
    CAST(location_lon AS DOUBLE) - -0.1278
  ) * 0.008726646259971648) * SIN((
    CAST(location_lon AS DOUBLE) - -0.1278
  ) * 0.008726646259971648) <= 0.0009851467239339379
