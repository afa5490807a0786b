select l_orderkey, l_linenumber, l_quantity,
       sum(l_quantity) over (partition by l_orderkey order by l_quantity) as peer_sum,
       count(*) over (partition by l_orderkey order by l_quantity range between current row and unbounded following) as at_least,
       sum(l_linenumber) over (partition by l_orderkey order by l_linenumber range between 1 preceding and 1 following) as near,
       min(l_extendedprice) over (partition by l_orderkey order by l_linenumber rows between unbounded preceding and 1 preceding) as min_before
from lineitem
where l_orderkey < 100
order by l_orderkey, l_linenumber
