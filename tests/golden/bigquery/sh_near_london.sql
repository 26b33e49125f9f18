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
  SIN((
    CAST(location_lat AS FLOAT64) - 51.5074
  ) * 0.008726646259971648) * SIN((
    CAST(location_lat AS FLOAT64) - 51.5074
  ) * 0.008726646259971648) + COS(CAST(location_lat AS FLOAT64) * 0.017453292519943296) * 0.6224135541865977 * SIN((
    CAST(location_lon AS FLOAT64) - -0.1278
  ) * 0.008726646259971648) * SIN((
    CAST(location_lon AS FLOAT64) - -0.1278
  ) * 0.008726646259971648) <= 0.0009851467239339379
