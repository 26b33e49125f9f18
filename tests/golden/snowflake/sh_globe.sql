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
  NOT CAST(location_lat AS DOUBLE) IS NULL
  AND NOT CAST(location_lon AS DOUBLE) IS NULL
