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
    CAST(location_lat AS DOUBLE) - 90
  ) * 0.008726646259971648) * SIN((
    CAST(location_lat AS DOUBLE) - 90
  ) * 0.008726646259971648) + COS(CAST(location_lat AS DOUBLE) * 0.017453292519943296) * 0.00000000000000006123233995736766 * SIN((
    CAST(location_lon AS DOUBLE) - 0
  ) * 0.008726646259971648) * SIN((
    CAST(location_lon AS DOUBLE) - 0
  ) * 0.008726646259971648) <= 0.0000024636742075763563
