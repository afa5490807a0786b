select p_brand, p_partkey, p_retailprice
from part
where p_size = 15
order by rank() over (partition by p_brand order by p_retailprice desc), p_partkey
limit 20
