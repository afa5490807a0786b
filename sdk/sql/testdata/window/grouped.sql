select o_orderpriority, count(*) as c,
       rank() over (order by count(*) desc) as r,
       sum(count(*)) over () as total,
       sum(count(*)) over (order by o_orderpriority) as cumulative
from orders
group by o_orderpriority
order by r
