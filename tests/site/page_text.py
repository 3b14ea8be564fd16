"""A built page as the lines a person reads, for the golden files: each block (heading,
paragraph, list item, table row, figure caption, summary) on its own line, headings marked with
#s, links followed by their target in angle brackets, inline SVG left out (its words are in the
figure's caption, legend and the chart's title and description, checked elsewhere)."""

from __future__ import annotations

from lxml import html as lhtml

BLOCKS = {"h1", "h2", "h3", "h4", "p", "li", "tr", "dt", "caption", "figcaption", "summary", "blockquote", "div", "dd"}
SKIP = {"script", "style", "svg", "head", "noscript"}


def page_lines(raw: bytes, links: bool = True) -> list[str]:
    """The readable lines of a page's <main>."""
    root = lhtml.fromstring(raw)
    main = root.find(".//main")
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(el: lhtml.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.split("}")[-1] in SKIP:
            if el.tail:
                current.append(el.tail)
            return
        block = tag in BLOCKS
        if block:
            flush()
            if tag[:1] == "h" and tag[1:].isdigit():
                current.append("#" * int(tag[1]) + " ")
            elif tag == "li":
                current.append("- ")
            elif tag == "blockquote":
                current.append("> ")
        if tag in ("td", "th") and current and not "".join(current).endswith("| "):
            current.append(" | ")
        if el.text:
            current.append(el.text)
        for child in el:
            walk(child)
        if tag == "a" and links and el.get("href"):
            current.append(f" <{el.get('href')}>")
        if block:
            flush()
        if el.tail:
            current.append(el.tail)

    walk(main)
    flush()
    return lines
