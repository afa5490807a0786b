select s_nationkey, s_suppkey, s_acctbal,
       rank() over w as r,
       sum(s_acctbal) over (w rows between 2 preceding and current row) as last3,
       lag(s_acctbal, 1, 0) over w as prev,
       lead(s_suppkey) over w as next_supp,
       first_value(s_suppkey) over w as richest
from supplier
window w as (partition by s_nationkey order by s_acctbal desc)
order by s_nationkey, r, s_suppkey
