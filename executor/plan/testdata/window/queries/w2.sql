select o_custkey, o_orderkey, o_totalprice,
       sum(o_totalprice) over (partition by o_custkey order by o_orderdate, o_orderkey) as run_sum,
       avg(o_totalprice) over (partition by o_custkey order by o_orderkey rows between 1 preceding and 1 following) as avg3,
       min(o_totalprice) over (partition by o_custkey order by o_orderkey rows between current row and unbounded following) as min_rest,
       count(*) over (partition by o_custkey) as cnt
from orders
where o_custkey < 60
order by o_custkey, o_orderkey
