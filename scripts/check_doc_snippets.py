#!/usr/bin/env python3
"""Fails unless every C++ and CMake block of the Markdown documentation
appears, line for line, in a file that is compiled: the docs' snippets, the
examples, the benchmarks or the consumer projects. Leading whitespace is
ignored, so a block may show indented code without its indentation."""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
documents = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
sources = [
    *(root / "docs" / "snippets").glob("*.cpp"),
    *(root / "examples").glob("*.cpp"),
    *(root / "bench").glob("*.cpp"),
    *(root / "tests" / "consumer").rglob("*"),
]


def normalise(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


compiled = [normalise(p.read_text()) for p in sources if p.is_file()]
fence = re.compile(r"^```(cpp|cmake)\n(.*?)^```", re.MULTILINE | re.DOTALL)

missing = []
for document in documents:
    for match in fence.finditer(document.read_text()):
        block = normalise(match.group(2))
        if block and not any(contains(lines, block) for lines in compiled):
            line = document.read_text()[: match.start()].count("\n") + 1
            missing.append(f"{document.relative_to(root)}:{line}: {block[0]}")

if missing:
    print("check_doc_snippets: these blocks are in no compiled file:")
    print("\n".join("  " + m for m in missing))
    sys.exit(1)
print(f"check_doc_snippets: every block of {len(documents)} documents is compiled")
