select c_nationkey, c_custkey, r, total, nation_total
from (
  select c_nationkey, c_custkey,
         rank() over (partition by c_nationkey order by c_custkey) as r,
         count(*) over () as total,
         count(*) over (partition by c_nationkey) as nation_total
  from customer
) t
where c_nationkey = 3 and c_custkey < 200
order by c_custkey
