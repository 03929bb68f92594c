#!/usr/bin/python3
"""Summarizes alternating same-run benchmark rounds: input lines "label<TAB>ours<TAB>peer"; prints a Markdown
table of medians over rounds, their ratio (> 1: BoundLab faster) and every round's ratio.
Usage: summarize.py RESULTS THREADS ROUNDS UNIT PEER_NAME FIRST_COLUMN NUMBER_FORMAT"""
import statistics, sys

path, threads, rounds, unit, peer_name, first_col, fmt = sys.argv[1:8]
rows = {}
for line in open(path, encoding="utf-8"):
    label, ours, peer = line.rstrip("\n").split("\t")
    rows.setdefault(label, ([], []))
    rows[label][0].append(float(ours))
    rows[label][1].append(float(peer))
print(f"threads = {threads}; median over {rounds} alternating rounds ({unit})\n")
print(f"| {first_col} | BoundLab | {peer_name} | ratio | per-round ratios |")
print("|---|---:|---:|---:|---|")
for label, (ours, peer) in rows.items():
    mo, mp = statistics.median(ours), statistics.median(peer)
    per = " ".join(f"{o / p:.2f}" for o, p in zip(ours, peer))
    print(f"| {label} | {format(mo, fmt)} | {format(mp, fmt)} | {mo / mp:.2f} | {per} |")
