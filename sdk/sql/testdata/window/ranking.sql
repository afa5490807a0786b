select n_regionkey, n_name,
       row_number() over (partition by n_regionkey order by n_name desc) as rn,
       rank() over (order by n_regionkey) as rk,
       dense_rank() over (order by n_regionkey) as drk,
       rank() over () as all_peers
from nation
order by n_regionkey, n_name
