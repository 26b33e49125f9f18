WITH base AS (
  SELECT
    e.account_id AS account_id,
    e.employees AS employees,
    e.industry AS industry
  FROM accounts AS e
)
SELECT
  account_id
FROM base
WHERE
  employees BETWEEN 50 AND 500 AND industry IN ('software', 'fintech')
SETTINGS join_use_nulls = 1
