select o_custkey, o_orderkey, o_orderdate, o_totalprice,
       sum(o_totalprice) over (partition by o_custkey order by o_orderdate, o_orderkey) as run_total,
       avg(o_totalprice) over (partition by o_custkey order by o_orderkey rows between 1 preceding and 1 following) as avg3,
       count(*) over (partition by o_custkey) as n,
       max(o_totalprice) over (partition by o_custkey order by o_orderkey rows between current row and unbounded following) as max_rest
from orders
where o_custkey <= 40
order by o_custkey, o_orderkey
