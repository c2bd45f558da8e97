"""NetworkX on the graph exported by run-bench.ts: the reference the analytics kernel is compared to.

    python3 bench/analytics/run-networkx.py --edges DIR/edges.txt [--ours-pagerank DIR/pagerank.txt]
        [--ours-communities DIR/communities.txt] [--k 64] [--seed 42] [--alpha 0.85] [--tol 1e-9]
        [--python-pagerank] [--skip-louvain] [--skip-betweenness]

Input: edges.txt as written by run-bench.ts — a first line "n m", then m lines "u v w" (node
indices 0..n-1, weight as the shortest round-trip decimal), parallel arcs already summed.
Steps, each timed with time.perf_counter (the algorithm call alone) and followed by the process's
peak RSS so far (resource.getrusage, ru_maxrss):
  load          read the file into a DiGraph (add_nodes_from + add_weighted_edges_from);
  pagerank      nx.pagerank(G, alpha, tol, weight="weight") — NetworkX's own rule, L1 change < n·tol;
  pagerank_python  the same with NetworkX's pure-Python reference (_pagerank_python), optional;
  undirected    the undirected view with w{u,v} = w(u→v) + w(v→u), the kernel's toUndirected rule
                (NetworkX's to_undirected would keep one arc's weight instead);
  louvain       nx.community.louvain_communities(H, seed) and its modularity on H; the kernel's
                partition (--ours-communities) is scored by the same nx.community.modularity;
  betweenness   nx.betweenness_centrality(G, k, seed) — unweighted, normalised, directed.
With --ours-pagerank (ours under NetworkX's rule) and --ours-pagerank-strict (ours at L1 < tol) the
max abs difference between NetworkX's scores and each is reported.
Prints one JSON object on stdout; progress goes to stderr. Not a test: no assertion on time.
"""

import argparse
import json
import resource
import sys
import time

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def say(message: str) -> None:
    print(f"[networkx] {message}", file=sys.stderr, flush=True)


def read_edges(path: str):
    with open(path, "r", encoding="utf8") as f:
        n, m = (int(x) for x in f.readline().split())
        edges = []
        for line in f:
            u, v, w = line.split()
            edges.append((int(u), int(v), float(w)))
    if len(edges) != m:
        raise SystemExit(f"{path}: header says {m} arcs, found {len(edges)}")
    return n, edges


def read_vector(path: str, n: int, kind):
    with open(path, "r", encoding="utf8") as f:
        values = [kind(line) for line in f if line.strip()]
    if len(values) != n:
        raise SystemExit(f"{path}: expected {n} values, found {len(values)}")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", required=True)
    parser.add_argument("--ours-pagerank")
    parser.add_argument("--ours-pagerank-strict")
    parser.add_argument("--ours-communities")
    parser.add_argument("--k", type=int, default=64)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--alpha", type=float, default=0.85)
    parser.add_argument("--tol", type=float, default=1e-9)
    parser.add_argument("--python-pagerank", action="store_true")
    parser.add_argument("--skip-louvain", action="store_true")
    parser.add_argument("--skip-betweenness", action="store_true")
    args = parser.parse_args()

    out = {"networkx": nx.__version__, "python": sys.version.split()[0], "steps": {}}
    steps = out["steps"]

    def timed(name, fn):
        say(f"{name}…")
        t0 = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - t0
        steps[name] = {"seconds": round(seconds, 3), "peakRssMb": peak_rss_mb()}
        say(f"{name}: {seconds:.3f} s, peak RSS {steps[name]['peakRssMb']} MB")
        return value

    t0 = time.perf_counter()
    n, edges = read_edges(args.edges)
    out["readFileSeconds"] = round(time.perf_counter() - t0, 3)
    out["nodes"] = n
    out["arcs"] = len(edges)

    def load():
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_weighted_edges_from(edges)
        return g

    G = timed("load", load)
    # scipy is imported lazily by the first nx.pagerank call: pay that outside the clock.
    nx.pagerank(nx.DiGraph([(0, 1), (1, 2)]), alpha=args.alpha, tol=args.tol)

    pr = timed("pagerank", lambda: nx.pagerank(G, alpha=args.alpha, tol=args.tol, weight="weight", max_iter=1000))
    if args.ours_pagerank:
        ours = read_vector(args.ours_pagerank, n, float)
        diffs = [abs(pr[i] - ours[i]) for i in range(n)]
        worst = max(range(n), key=lambda i: diffs[i]) if n else 0
        out["pagerankMaxAbsDiff"] = diffs[worst] if n else 0.0
        out["pagerankMaxRelDiff"] = max((diffs[i] / pr[i] for i in range(n) if pr[i] > 0), default=0.0)
        out["pagerankSum"] = sum(pr.values())
        top_nx = sorted(range(n), key=lambda i: -pr[i])[:100]
        top_ours = sorted(range(n), key=lambda i: -ours[i])[:100]
        out["pagerankTop100Overlap"] = len(set(top_nx) & set(top_ours))
    if args.ours_pagerank_strict:
        strict = read_vector(args.ours_pagerank_strict, n, float)
        out["pagerankStrictMaxAbsDiff"] = max((abs(pr[i] - strict[i]) for i in range(n)), default=0.0)
    if args.python_pagerank:
        pr_py = timed(
            "pagerank_python",
            lambda: _pagerank_python(G, alpha=args.alpha, tol=args.tol, weight="weight", max_iter=1000),
        )
        out["pagerankPythonVsScipyMaxAbsDiff"] = max((abs(pr_py[i] - pr[i]) for i in range(n)), default=0.0)
        del pr_py

    if not args.skip_louvain:
        def undirected():
            h = nx.Graph()
            h.add_nodes_from(range(n))
            adj = h._adj  # plain dict-of-dicts access keeps the build linear and fast
            for u, v, w in edges:
                row = adj[u].get(v)
                if row is None:
                    h.add_edge(u, v, weight=w)
                elif u != v:
                    row["weight"] += w
            return h

        H = timed("undirected", undirected)
        out["undirectedEdges"] = H.number_of_edges()
        communities = timed(
            "louvain", lambda: nx.community.louvain_communities(H, weight="weight", resolution=1, seed=args.seed)
        )
        out["louvainCommunities"] = len(communities)
        out["louvainModularity"] = nx.community.modularity(H, communities, weight="weight", resolution=1)
        if args.ours_communities:
            labels = read_vector(args.ours_communities, n, int)
            groups = {}
            for node, label in enumerate(labels):
                groups.setdefault(label, set()).add(node)
            out["oursCommunities"] = len(groups)
            out["oursModularityByNetworkx"] = nx.community.modularity(H, list(groups.values()), weight="weight", resolution=1)
        del H

    if not args.skip_betweenness:
        timed("betweenness", lambda: nx.betweenness_centrality(G, k=min(args.k, n), normalized=True, weight=None, seed=args.seed))
        out["betweennessSamples"] = min(args.k, n)

    out["peakRssMb"] = peak_rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
