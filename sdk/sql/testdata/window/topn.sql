select c_nationkey, c_custkey, c_acctbal, rn
from (select c_nationkey, c_custkey, c_acctbal,
             row_number() over (partition by c_nationkey order by c_acctbal desc, c_custkey) as rn
      from customer) ranked
where rn <= 2 and c_nationkey < 10
order by c_nationkey, rn
