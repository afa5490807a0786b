-- TPC-H schema for Isthmus (PlanTpch.java), typed as the Parquet files that
-- conformance/tpch/gendata.sh writes: gendata.py generates the tables with
-- DuckDB's dbgen and casts every column to exactly these types:
--   keys                  BIGINT         (Parquet INT64)
--   l_linenumber, p_size, o_shippriority, ps_availqty
--                         INTEGER        (Parquet INT32)
--   money and quantities  DECIMAL(15,2)  (Parquet INT64, DECIMAL(15,2))
--   dates                 DATE           (Parquet INT32, DATE)
--   text                  VARCHAR        (Parquet BYTE_ARRAY, STRING)
-- The TPC-H specification declares some text columns CHAR(n) and the others
-- VARCHAR(n); the trailing comments give those types. dbgen's data stores all
-- of them unpadded and unbounded, so they are plain VARCHAR here, which
-- Isthmus maps to the Substrait type string. Declaring CHAR(n) would make
-- Calcite compare with blank-padded semantics and emit fixedchar types that
-- the data does not have.
-- Every column is NOT NULL, as in the specification; gendata.py writes the
-- Parquet columns as required to match.

CREATE TABLE region (
    r_regionkey BIGINT NOT NULL,
    r_name VARCHAR NOT NULL,            -- CHAR(25)
    r_comment VARCHAR NOT NULL          -- VARCHAR(152)
);

CREATE TABLE nation (
    n_nationkey BIGINT NOT NULL,
    n_name VARCHAR NOT NULL,            -- CHAR(25)
    n_regionkey BIGINT NOT NULL,
    n_comment VARCHAR NOT NULL          -- VARCHAR(152)
);

CREATE TABLE supplier (
    s_suppkey BIGINT NOT NULL,
    s_name VARCHAR NOT NULL,            -- CHAR(25)
    s_address VARCHAR NOT NULL,         -- VARCHAR(40)
    s_nationkey BIGINT NOT NULL,
    s_phone VARCHAR NOT NULL,           -- CHAR(15)
    s_acctbal DECIMAL(15, 2) NOT NULL,
    s_comment VARCHAR NOT NULL          -- VARCHAR(101)
);

CREATE TABLE customer (
    c_custkey BIGINT NOT NULL,
    c_name VARCHAR NOT NULL,            -- VARCHAR(25)
    c_address VARCHAR NOT NULL,         -- VARCHAR(40)
    c_nationkey BIGINT NOT NULL,
    c_phone VARCHAR NOT NULL,           -- CHAR(15)
    c_acctbal DECIMAL(15, 2) NOT NULL,
    c_mktsegment VARCHAR NOT NULL,      -- CHAR(10)
    c_comment VARCHAR NOT NULL          -- VARCHAR(117)
);

CREATE TABLE part (
    p_partkey BIGINT NOT NULL,
    p_name VARCHAR NOT NULL,            -- VARCHAR(55)
    p_mfgr VARCHAR NOT NULL,            -- CHAR(25)
    p_brand VARCHAR NOT NULL,           -- CHAR(10)
    p_type VARCHAR NOT NULL,            -- VARCHAR(25)
    p_size INTEGER NOT NULL,
    p_container VARCHAR NOT NULL,       -- CHAR(10)
    p_retailprice DECIMAL(15, 2) NOT NULL,
    p_comment VARCHAR NOT NULL          -- VARCHAR(23)
);

CREATE TABLE partsupp (
    ps_partkey BIGINT NOT NULL,
    ps_suppkey BIGINT NOT NULL,
    ps_availqty INTEGER NOT NULL,
    ps_supplycost DECIMAL(15, 2) NOT NULL,
    ps_comment VARCHAR NOT NULL         -- VARCHAR(199)
);

CREATE TABLE orders (
    o_orderkey BIGINT NOT NULL,
    o_custkey BIGINT NOT NULL,
    o_orderstatus VARCHAR NOT NULL,     -- CHAR(1)
    o_totalprice DECIMAL(15, 2) NOT NULL,
    o_orderdate DATE NOT NULL,
    o_orderpriority VARCHAR NOT NULL,   -- CHAR(15)
    o_clerk VARCHAR NOT NULL,           -- CHAR(15)
    o_shippriority INTEGER NOT NULL,
    o_comment VARCHAR NOT NULL          -- VARCHAR(79)
);

CREATE TABLE lineitem (
    l_orderkey BIGINT NOT NULL,
    l_partkey BIGINT NOT NULL,
    l_suppkey BIGINT NOT NULL,
    l_linenumber INTEGER NOT NULL,
    l_quantity DECIMAL(15, 2) NOT NULL,
    l_extendedprice DECIMAL(15, 2) NOT NULL,
    l_discount DECIMAL(15, 2) NOT NULL,
    l_tax DECIMAL(15, 2) NOT NULL,
    l_returnflag VARCHAR NOT NULL,      -- CHAR(1)
    l_linestatus VARCHAR NOT NULL,      -- CHAR(1)
    l_shipdate DATE NOT NULL,
    l_commitdate DATE NOT NULL,
    l_receiptdate DATE NOT NULL,
    l_shipinstruct VARCHAR NOT NULL,    -- CHAR(25)
    l_shipmode VARCHAR NOT NULL,        -- CHAR(10)
    l_comment VARCHAR NOT NULL          -- VARCHAR(44)
);
