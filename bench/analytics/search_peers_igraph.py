"""igraph's side of bench/analytics/search-peers.ts: the same directed graph and the same sources.

    python search_peers_igraph.py DIR

DIR holds graph.bin (int32 n, int32 m, then m sources and m targets) and sources.bin (int32 ids),
written by the TypeScript side. Loads the graph into igraph, times its subset betweenness from
those sources to every node (unweighted, directed; the sum over s in sources and every t of
sigma_st(v)/sigma_st, endpoints excluded), writes the per-node sums to igraph-sums.bin (float64)
and prints one JSON line with the timings.
"""
import json
import sys
import time
from pathlib import Path

import igraph
import numpy as np

folder = Path(sys.argv[1])
raw = np.fromfile(folder / "graph.bin", dtype="<i4")
n, m = int(raw[0]), int(raw[1])
edges = np.stack([raw[2 : 2 + m], raw[2 + m : 2 + 2 * m]], axis=1)
sources = np.fromfile(folder / "sources.bin", dtype="<i4").tolist()

t0 = time.perf_counter()
g = igraph.Graph(n=n, edges=edges, directed=True)
load = time.perf_counter() - t0

t0 = time.perf_counter()
sums = g.betweenness(directed=True, sources=sources)
seconds = time.perf_counter() - t0
np.asarray(sums, dtype="<f8").tofile(folder / "igraph-sums.bin")
print(json.dumps({"igraph": igraph.__version__, "loadSeconds": load, "betweennessSeconds": seconds, "sources": len(sources)}))
