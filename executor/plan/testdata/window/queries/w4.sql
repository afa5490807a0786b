select o_orderpriority, count(*) as c,
       rank() over (order by count(*) desc) as r,
       sum(count(*)) over () as total,
       100.0 * count(*) / sum(count(*)) over () as pct
from orders
group by o_orderpriority
order by o_orderpriority
