"""AND, OR and NOT over a whole document version, as one SQL statement for either engine.

A query's leaves (a word, a "phrase", a prefix) are each matched page by page by the engine,
so a phrase is still found only within one page. The operators then combine the *versions*
each leaf was found in: `"care leavers" AND inadequate` is a report with "care leavers" on
page 2 and "inadequate" on page 9, and `inadequate NOT ofsted` leaves out a report that says
"Ofsted" anywhere. The hits are the pages of the matching versions where a wanted (not
negated) leaf occurs, ranked first by how many of those leaves the page holds (a page with
every term before a page with one), then by the sum of their scores.

The statement: one common table expression per distinct leaf (version, page, score), the
versions that satisfy the query as compound SELECTs (INTERSECT, UNION, EXCEPT) over them,
and the wanted leaves' pages of those versions, filtered, summed, ordered and limited.
SQLite allows no parenthesised compound SELECT, so a nested operand is wrapped as
`SELECT v FROM (...) AS xN`; with INTERSECTs written before EXCEPTs the statement reads the
same under SQLite's left-to-right order and PostgreSQL's tighter INTERSECT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.search.query import Match, Node, Or

#: (name, parameter, wanted) -> the common table expression of one leaf: columns v, p, sc
LeafSql = Callable[[str, str, bool], str]


def leaves(node: Node, *, negated: bool = False, out: dict[Match, bool] | None = None) -> dict[Match, bool]:
    """Every distinct leaf of the query -> whether it is wanted on a hit page (not only negated)."""
    out = {} if out is None else out
    if isinstance(node, Match):
        out[node] = out.get(node, False) or not negated
    elif isinstance(node, Or):
        for part in node.parts:
            leaves(part, negated=negated, out=out)
    else:
        for part in node.positive:
            leaves(part, negated=negated, out=out)
        for part in node.negative:
            leaves(part, negated=True, out=out)
    return out


class _Compiler:
    def __init__(self, names: dict[Match, str]):
        self.names = names
        self.aliases = 0

    def operand(self, node: Node) -> str:
        """A SELECT that can stand in a compound: a leaf's table, or a wrapped sub-expression."""
        if isinstance(node, Match):
            return f"SELECT v FROM {self.names[node]}"
        self.aliases += 1
        return f"SELECT v FROM ({self.versions(node)}) AS x{self.aliases}"

    def versions(self, node: Node) -> str:
        """A SELECT of the version ids (column v) that satisfy `node`."""
        if isinstance(node, Match):
            return self.operand(node)
        if isinstance(node, Or):
            return " UNION ".join(self.operand(p) for p in node.parts)
        parts = [self.operand(p) for p in node.positive]
        text = " INTERSECT ".join(parts)
        for negative in node.negative:
            text += " EXCEPT " + self.operand(negative)
        return text


def compile_query(
    node: Node, leaf_sql: LeafSql, leaf_query: Callable[[Match], str], where: str
) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters (besides the filters' and :limit): rows (version id,
    page, score, terms), best first. `leaf_sql` writes a leaf's CTE for the engine, `leaf_query`
    compiles a leaf to the engine's match syntax (each leaf's CTE gives at most one row per
    page), `where` is the filters (" AND ..." on the
    aliases v, d, s for version, document and source)."""
    wanted_of = leaves(node)
    names = {leaf: f"l{i}" for i, leaf in enumerate(wanted_of)}
    params: dict[str, Any] = {}
    ctes = []
    for leaf, name in names.items():
        params[f"q_{name}"] = leaf_query(leaf)
        # MATERIALIZED: SQLite would otherwise fold a table used once into the outer query,
        # where FTS5's bm25() cannot run; each leaf is computed once either way
        ctes.append(f"{name} AS MATERIALIZED ({leaf_sql(name, f'q_{name}', wanted_of[leaf])})")
    # a word, a phrase or words joined by OR only: every page holding one is a hit, and the
    # versions need no separate test (nor the engine a second pass over the leaf's rows)
    simple = isinstance(node, Match) or (isinstance(node, Or) and all(isinstance(p, Match) for p in node.parts))
    condition = "1 = 1"
    if not simple:
        ctes.append(f"matched AS ({_Compiler(names).versions(node)})")
        condition = "h.v IN (SELECT v FROM matched)"
    wanted = " UNION ALL ".join(f"SELECT v, p, sc FROM {names[leaf]}" for leaf, yes in wanted_of.items() if yes)
    sql = (
        "WITH " + ", ".join(ctes) + " "
        # one row per leaf and page, so count(*) is how many wanted leaves the page holds
        f"SELECT h.v, h.p, sum(h.sc) AS score, count(*) AS terms FROM ({wanted}) AS h "
        "JOIN version v ON v.id = h.v JOIN document d ON d.id = v.document_id JOIN source s ON s.id = d.source_id "
        f"WHERE {condition}{where} "
        "GROUP BY h.v, h.p ORDER BY terms DESC, score DESC, h.v DESC, h.p LIMIT :limit"
    )
    return sql, params
