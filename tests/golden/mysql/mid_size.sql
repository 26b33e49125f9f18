WITH base AS (
  SELECT
    e.account_id,
    e.employees,
    e.industry
  FROM accounts AS e
)
SELECT
  account_id
FROM base
WHERE
  employees BETWEEN 50 AND 500 AND industry IN ('software', 'fintech')
