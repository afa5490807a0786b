select l_orderkey, l_linenumber, l_quantity,
       sum(l_quantity) over (partition by l_orderkey order by l_quantity) as peers_sum,
       max(l_extendedprice) over (partition by l_orderkey) as max_price,
       lag(l_quantity) over (partition by l_orderkey order by l_linenumber) as prev_qty,
       lead(l_quantity, 2) over (partition by l_orderkey order by l_linenumber) as next2_qty,
       first_value(l_partkey) over (partition by l_orderkey order by l_linenumber desc) as last_part,
       sum(l_linenumber) over (order by l_orderkey, l_linenumber rows between 2 preceding and current row) as sliding
from lineitem
where l_orderkey < 300
order by l_orderkey, l_linenumber
