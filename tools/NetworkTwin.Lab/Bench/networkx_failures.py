#!/usr/bin/env python3
"""Reference timing for `networktwin bench design`: single link failures with networkx.

For each sampled link: remove it, count connected components, sum all-pairs shortest-path hop
counts (BFS), put it back. Prints one JSON line per failure, then a summary line, so the C#
side can check that both tools agree on every number before comparing speed.
"""
import json
import sys
import time

import networkx as nx


def main():
    path, sample = sys.argv[1], int(sys.argv[2])
    graph = nx.Graph(nx.read_graphml(path))  # parallel edges merged, as the product does
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    edges = sorted(graph.edges(), key=lambda e: (min(e), max(e)))
    step = max(1, len(edges) // sample)
    chosen = edges[::step][:sample]
    started = time.perf_counter()
    for u, v in chosen:
        data = graph.edges[u, v]
        graph.remove_edge(u, v)
        components = nx.number_connected_components(graph)
        pairs = 0
        hops = 0
        for _, lengths in nx.all_pairs_shortest_path_length(graph):
            pairs += len(lengths) - 1
            hops += sum(lengths.values())
        graph.add_edge(u, v, **data)
        print(json.dumps({"a": u, "b": v, "components": components, "pairs": pairs, "hops": hops}))
    elapsed = time.perf_counter() - started
    print(json.dumps({"summary": True, "failures": len(chosen), "seconds": elapsed, "links": len(edges), "nodes": graph.number_of_nodes()}))


if __name__ == "__main__":
    main()
