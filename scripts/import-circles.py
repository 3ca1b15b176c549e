#!/usr/bin/env python3
# Lists two-file import circles in the Rust sources (file A uses module B and B uses A; test
# modules excluded): `python3 scripts/import-circles.py .` (docs/architecture.md).
import os, re, sys
root = sys.argv[1]
def modpath(crate_root, f):
    rel = os.path.relpath(f, crate_root)[:-3].split(os.sep)
    if rel[-1] in ('mod', 'lib', 'main'): rel = rel[:-1]
    return rel
edges = {}
for crate_root in [os.path.join(root, 'src'), os.path.join(root, 'crates/core/src'), os.path.join(root, 'crates/cli/src')]:
    files = []
    for d, _, fs in os.walk(crate_root):
        if '/bin' in d: continue
        files += [os.path.join(d, x) for x in fs if x.endswith('.rs')]
    mods = {tuple(modpath(crate_root, f)): f for f in files}
    for f in files:
        me = modpath(crate_root, f)
        text = open(f).read().split('#[cfg(test)]')[0]
        for m in re.finditer(r'\buse\s+(crate|super)::([\w:]+)', text):
            kind, path = m.group(1), m.group(2).split('::')
            base = [] if kind == 'crate' else me[:-1] if not f.endswith('mod.rs') else me[:-1]
            if kind == 'super': base = me[:-1]
            full = base + path
            # the longest prefix that is a module file
            for k in range(len(full), 0, -1):
                if tuple(full[:k]) in mods:
                    tgt = mods[tuple(full[:k])]
                    if tgt != f: edges.setdefault(f, set()).add(tgt)
                    break
circles = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})
for a, b in circles: print(os.path.relpath(a, root), '<->', os.path.relpath(b, root))
print(len(circles), 'two-file circles')
