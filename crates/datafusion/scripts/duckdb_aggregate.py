"""DuckDB's plain aggregation over the payout run's ledger (issue 26's peer, (b)).

    python3 duckdb_aggregate.py DIR [THREADS]

Reads DIR/ledger/*.parquet — the files `payout_bench write` made — and sums the amounts per
account, month and currency: what a data team would write first, with none of partnerkit's
rules (no cycles, holds, thresholds, conversion or withholding). Prints one line in the
benchmark's format, the time of the query alone (connecting and importing excluded), and the
process's peak resident memory.
"""

import resource
import sys
import time

import duckdb

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
ledger = f"read_parquet('{folder}/ledger/*.parquet')"
entries = con.execute(f"SELECT count(*) FROM {ledger}").fetchone()[0]
started = time.perf_counter()
groups = con.execute(
    f"""
    SELECT count(*) FROM (
        SELECT account, date_trunc('month', earned_on) AS month, currency,
               sum(amount_minor) AS amount
        FROM {ledger}
        GROUP BY ALL
    )
    """
).fetchone()[0]
seconds = time.perf_counter() - started
accounts = con.execute(f"SELECT count(DISTINCT account) FROM {ledger}").fetchone()[0]
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(
    f"part=duckdb_aggregate entries={entries} accounts={accounts} seconds={seconds:.3f} "
    f"entries_per_s={entries / max(seconds, 1e-9):.0f} groups={groups} peak_mb={peak_mb:.0f} "
    f"threads={threads} duckdb={duckdb.__version__}"
)
