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
  NOT COALESCE(
    SIN((
      CAST(location_lat AS DOUBLE) - 48.8566
    ) * 0.008726646259971648) * SIN((
      CAST(location_lat AS DOUBLE) - 48.8566
    ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.6579458609946129 * SIN((
      CAST(location_lon AS DOUBLE) - 2.3522
    ) * 0.008726646259971648) * SIN((
      CAST(location_lon AS DOUBLE) - 2.3522
    ) * 0.008726646259971648) <= 0.0000153978964862913,
    FALSE
  )
