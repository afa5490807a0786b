select n_regionkey, n_name,
       row_number() over (partition by n_regionkey order by n_name) as rn,
       rank() over (order by n_regionkey) as rk,
       dense_rank() over (order by n_regionkey) as drk,
       count(*) over (partition by n_regionkey) as cnt
from nation
order by n_regionkey, n_name
