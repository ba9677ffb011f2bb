#!/usr/bin/env python3
"""Where the page's wasm code goes: function sizes by module path.

Reads a wasm that kept its name section (built with v0 symbol mangling, then wasm-bindgen and
`wasm-opt -Oz -g`; `bash scripts/size.sh --breakdown [--depth N --top N --grep TEXT]` does
all of it) and prints the code bytes per
module prefix and the largest functions, names demangled with llvm-cxxfilt.

    python3 scripts/size_breakdown.py FILE.wasm [--depth N] [--top N] [--grep TEXT]
"""
import argparse
import collections
import re
import signal
import subprocess
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def sections(data):
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        yield sid, data[pos:pos + size]
        pos += size


def read_module(path):
    data = open(path, "rb").read()
    imported = 0
    bodies = []
    names = {}
    data_bytes = 0
    for sid, body in sections(data):
        if sid == 2:  # imports: imported functions take the first indices
            count, pos = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    length, pos = leb(body, pos)
                    pos += length
                kind = body[pos]
                pos += 1
                if kind == 0:
                    imported += 1
                    _, pos = leb(body, pos)
                elif kind == 1:
                    pos += 1
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif kind == 2:
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif kind == 3:
                    pos += 2
        elif sid == 10:
            count, pos = leb(body, 0)
            for _ in range(count):
                size, pos = leb(body, pos)
                bodies.append(size)
                pos += size
        elif sid == 11:
            data_bytes += len(body)
        elif sid == 0:
            length, pos = leb(body, 0)
            if body[pos:pos + length] != b"name":
                continue
            pos += length
            while pos < len(body):
                sub = body[pos]
                size, pos = leb(body, pos + 1)
                end = pos + size
                if sub == 1:
                    count, p = leb(body, pos)
                    for _ in range(count):
                        index, p = leb(body, p)
                        length, p = leb(body, p)
                        names[index] = body[p:p + length].decode("utf-8", "replace")
                        p += length
                pos = end
    functions = [(names.get(imported + i, f"func{imported + i}"), size) for i, size in enumerate(bodies)]
    return functions, data_bytes


def demangle(symbols):
    out = subprocess.run(["llvm-cxxfilt"], input="\n".join(symbols), capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def owner(name, depth):
    """The module path that owns a function: the impl's type for `<T as Trait>::f`, else the path."""
    text = name
    # A component's view is compiled into Yew's lifecycle for it: count it as the component's.
    lifecycle = "<yew::html::component::lifecycle::CompStateInner<"
    if text.startswith(lifecycle):
        text = text[len(lifecycle):]
    if text.startswith("<") and " as " in text:
        text = text[1:text.index(" as ")]
    while text.startswith("<") or text.startswith("&") or text.startswith("["):
        text = text[1:]
    path = []
    for part in text.split("::"):
        part = part.split("<")[0].split("[")[0].rstrip(">")
        if not part or part.startswith("{"):
            break
        path.append(part)
    return "::".join(path[:depth]) or name[:40]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wasm")
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--grep", default=None)
    args = parser.parse_args()
    functions, data_bytes = read_module(args.wasm)
    # Crate disambiguators ("yew[a0b7…]") say nothing to a reader.
    names = [re.sub(r"\[[0-9a-f]{16}\]", "", n) for n in demangle([n for n, _ in functions])]
    total = sum(size for _, size in functions)
    groups = collections.Counter()
    for name, (_, size) in zip(names, functions):
        if args.grep and args.grep not in name:
            continue
        groups[owner(name, args.depth)] += size
    print(f"code {total / 1000:.1f} KB in {len(functions)} functions; data section {data_bytes / 1000:.1f} KB")
    print(f"\nby module (depth {args.depth}):")
    for key, size in groups.most_common(args.top):
        print(f"{size / 1000:8.1f} KB  {key}")
    print("\nlargest functions:")
    ranked = sorted(zip(names, (s for _, s in functions)), key=lambda item: -item[1])
    shown = 0
    for name, size in ranked:
        if args.grep and args.grep not in name:
            continue
        print(f"{size / 1000:8.1f} KB  {name[:150]}")
        shown += 1
        if shown == args.top:
            break


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` is fine
    sys.exit(main())
